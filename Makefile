# Improvement Tracker: `make run` sets everything up and serves the demo; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py

.PHONY: run setup install test test-fast lint bench demo clean-db

# The scheduler (reminders) runs beside the web server and stops with it. E-mail goes to files in instance/mail/
# unless MAIL_BACKEND=smtp and the MAIL_* settings are given.
run: setup
	@echo "Scheduler started: reminder e-mails are written to $${MAIL_FILE_DIR:-instance/mail}/"
	$(BIN)/flask scheduler run & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
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
