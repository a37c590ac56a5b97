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

.PHONY: run setup install test test-fast lint bench bench-10x bench-load demo clean-db doc-pictures fuzz lock sbom audit

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

# Every Python package is installed at the locked version, and only if its file has a locked hash (docs/security.md,
# "Supply chain"); npm packages from package-lock.json.
$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The tests run in parallel, one worker per core (pytest-xdist; a file's tests stay on one worker, which keeps its
# browser or OpenID provider); `make test PARALLEL=` runs them one at a time.
PARALLEL ?= -n auto --dist loadfile
test: install
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PARALLEL) $(PYTEST_ARGS)

test-fast: install
	$(BIN)/python -m pytest -m "not browser" -q

lint: install
	$(BIN)/ruff check .

# Every form and filter fuzzed with 10,000 hypothesis examples (the test suite runs the same 2,000 each time): never a 500, and refused
# input writes nothing. FUZZ_EXAMPLES=50000 make fuzz runs more.
FUZZ_EXAMPLES ?= 10000
fuzz: install
	FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/python -m pytest -q -p no:cacheprovider tests/integration/test_fuzz.py

bench: install
	$(BIN)/python -m bench.run

# Growth: ten times the full size (200,000 milestones, 1 million updates, 200,000 audits) beside the full size. The
# first run generates the data (minutes; a few GB of disk).
bench-10x: install
	$(BIN)/python -m bench.run --scales 10,1 --runs 9

# The main pages under load: gunicorn on the full-size bench data, 50 connections from wrk (apt-get install wrk).
bench-load: install
	$(BIN)/python -m bench.load

# The pictures of each Word document's first pages in the guides (docs/pictures/): needs LibreOffice (soffice).
doc-pictures: install
	$(BIN)/python docs/pictures/make.py

# requirements*.in name the packages the code uses (pinned); `make lock` compiles them into requirements*.txt with
# every package they bring and the hash of each file, for any platform, on Python 3.11. Run it after editing a .in file.
UV_COMPILE = $(BIN)/uv pip compile --generate-hashes --universal --python-version 3.11 --quiet
lock: install
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -c requirements.txt -o requirements-dev.txt

# CycloneDX software bills of materials of what the service runs (Python and npm, without the test tools), for a
# council's security team to scan: sbom/python.cdx.json and sbom/npm.cdx.json.
sbom: install
	mkdir -p sbom
	$(BIN)/cyclonedx-py requirements requirements.txt --pyproject pyproject.toml --of JSON --output-reproducible \
		-o sbom/python.cdx.json
	npm sbom --sbom-format cyclonedx --omit dev --package-lock-only > sbom/npm.cdx.json

# Known vulnerabilities in the locked packages, from PyPI's and npm's advisory services (which must be reachable: this
# build network has none, so CI does not run it; docs/security.md, "Supply chain").
audit: install
	$(BIN)/pip-audit --require-hashes --disable-pip -r requirements.txt
	npm audit --omit dev

clean-db:
	rm -f instance/improvement-tracker.sqlite*
