# Improvement Tracker: `make run` sets everything up and serves the demo; `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi.py
PORT ?= 5000
# The demo is shown as at its own date, 31 July 2020 (app/demo/audits.py DEMO_DATE; decision 0007), with a banner on
# every page. `AS_OF_DATE= make run` shows it against today's date instead; only `make run` sets it, never config.py.
DEMO_DATE := 2020-07-31
AS_OF_DATE ?= $(DEMO_DATE)
DEMO_ENV = AS_OF_DATE=$(AS_OF_DATE) PORT=$(PORT)

.PHONY: run setup install test test-fast lint bench demo clean-db doc-pictures fuzz

# The scheduler (reminders) runs beside the web server and stops with it. E-mail goes to files in instance/mail/
# unless MAIL_BACKEND=smtp and the MAIL_* settings are given.
run: setup
	@echo "Scheduler started: reminder e-mails are written to $${MAIL_FILE_DIR:-instance/mail}/"
	@echo "Serving the demo on http://localhost:$(PORT) as at $(or $(AS_OF_DATE),today's date)"
	$(DEMO_ENV) $(BIN)/flask scheduler run & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(DEMO_ENV) $(BIN)/flask run --port $(PORT)

setup: install
	mkdir -p instance
	$(BIN)/flask db upgrade
	$(DEMO_ENV) $(BIN)/flask demo load

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

# Every form and filter fuzzed with 10,000 hypothesis examples (the test suite runs the same 300 each time): never a 500, and refused
# input writes nothing. FUZZ_EXAMPLES=50000 make fuzz runs more.
FUZZ_EXAMPLES ?= 10000
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider tests/integration/test_fuzz.py

bench: install
	$(BIN)/python -m bench.run

# The pictures of each Word document's first pages in the guides (docs/pictures/): needs LibreOffice (soffice).
doc-pictures: install
	$(BIN)/python docs/pictures/make.py

clean-db:
	rm -f instance/improvement-tracker.sqlite*
