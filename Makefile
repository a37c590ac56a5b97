# Improvement Tracker: `make run` sets everything up and serves the demo; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run setup install test test-fast lint bench demo clean-db

run: setup
	$(BIN)/flask run --port $${PORT:-5000}

setup: install
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load

install: $(BIN)/.installed node_modules/.installed

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" -q

lint: install
	$(BIN)/ruff check .

bench: install
	$(BIN)/python -m bench.run

clean-db:
	rm -f instance/improvement-tracker.sqlite*
