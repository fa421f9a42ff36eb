# The README's commands. `make run` serves the app; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
AXE := tests/e2e/node_modules/axe-core/axe.min.js
# Debian packages the tests need (PostgreSQL: the suite runs on it as well as on SQLite;
# poppler-utils: pdftotext, pdffonts and pdfinfo read the printed documents back; chromium and
# the Japanese font: the browser tests in tests/e2e; npm, unless one is installed: their axe-core;
# slapd, ldap-utils and openssl: a real OpenLDAP directory for the sign-in tests, with its
# test certificate).
TEST_DEBS := postgresql poppler-utils chromium fonts-morisawa-bizud-gothic \
	slapd ldap-utils openssl $(if $(shell command -v npm),,npm)
# Debian packages the benchmarks need (wrk: the throughput runs).
BENCH_DEBS := wrk

.PHONY: bench load run test test-deps test-postgres test-clock smoke install install-test system-test-deps translations lint format i18n-extract clean

run: install instance/config.py translations
	$(FLASK) init
	$(FLASK) demo
	$(FLASK) run --host 127.0.0.1 --port 5000

test: test-deps
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)
	$(MAKE) --no-print-directory test-postgres

# Everything the tests need, installed: the app and its test dependencies, the compiled catalogs,
# the Debian packages and axe-core.
test-deps: install-test instance/config.py translations system-test-deps $(AXE)

# The tests that prove an install on a fresh machine (.ci/run runs them there through
# ../shared/tools/fresh-machine): the wheel, the schema, a PDF with its fonts, the directory
# (slapd), the browser, on SQLite and then on PostgreSQL, after every install step `make test`
# takes.
SMOKE_TESTS := tests/test_packaging.py tests/test_migrations.py \
	tests/services/test_directory.py::test_the_user_name_is_kept_as_the_directory_spells_it \
	tests/pdf/test_scorecard.py::test_a_pdf_with_the_font_embedded_and_nothing_else \
	tests/e2e/test_journeys.py::test_auditor_creates_an_external_evaluation_and_prints_its_scorecard
smoke:
	$(MAKE) --no-print-directory test PYTEST_ARGS="$(SMOKE_TESTS)"

# The suite (SQLite) with the clock moved: TEST_TODAY=2027-05-01 make test-clock. Nothing in
# it may depend on the day it runs; .ci/run tries the dates after the next two 1 Aprils.
test-clock: test-deps
	AUDIT_TEST_TODAY=$(TEST_TODAY) $(BIN)/pytest $(PYTEST_ARGS)

# A throwaway PostgreSQL server on a local socket, from Debian's packages: PG_START starts a
# fresh one, PG_STOP stops it; test-postgres and load run against it.
PG_BIN = $(lastword $(sort $(wildcard /usr/lib/postgresql/*/bin)))
PG_DIR := /tmp/ward-audit-postgres
PG_PORT := 54329
PG_URL = postgresql+psycopg://audit@/postgres?host=$(PG_DIR)&port=$(PG_PORT)
AS_PG = $(if $(filter 0,$(shell id -u)),runuser -u postgres --,)
define PG_START
	$(AS_PG) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data stop -m immediate >/dev/null 2>&1 || true
	rm -rf $(PG_DIR) && mkdir -p $(PG_DIR)
	$(if $(AS_PG),chown postgres $(PG_DIR))
	$(AS_PG) $(PG_BIN)/initdb -D $(PG_DIR)/data -A trust -U audit -E UTF8 --no-locale >/dev/null
	$(AS_PG) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data -l $(PG_DIR)/log -w \
		-o "-k $(PG_DIR) -p $(PG_PORT) -c listen_addresses='' -c fsync=off" start >/dev/null
endef
PG_STOP = $(AS_PG) $(PG_BIN)/pg_ctl -D $(PG_DIR)/data stop -m fast >/dev/null

# The whole suite again on PostgreSQL, but for tests/domain, which never sees a database.
test-postgres: test-deps
	$(PG_START)
	TEST_DATABASE_URL="$(PG_URL)" $(BIN)/pytest --ignore=tests/domain $(PYTEST_ARGS); \
		status=$$?; $(PG_STOP); exit $$status

# 20 clients saving the same audits for 60 s through gunicorn (4 workers), on SQLite and then
# on PostgreSQL; fails on any 5xx or lost update. LOAD_ARGS="--seconds 10" for a short run.
LOAD_DIR := /tmp/ward-audit-load
load: install-test translations system-test-deps
	rm -rf $(LOAD_DIR) && mkdir -p $(LOAD_DIR)
	$(BIN)/python tests/load/load.py --database sqlite:///$(LOAD_DIR)/audit.sqlite $(LOAD_ARGS)
	$(PG_START)
	$(BIN)/python tests/load/load.py --database "$(PG_URL)" $(LOAD_ARGS); \
		status=$$?; $(PG_STOP); exit $$status

# Timings at city and national scale against the README's targets (never part of `make test`):
# builds instance/bench-city.sqlite and instance/bench-national.sqlite once (`demo --scale`),
# serves copies with gunicorn, and writes tests/benchmarks/results.md and results.json.
# BENCH_ARGS="--rebuild" generates the data sets again; "--scale city --quick" tries one out.
bench: install translations
	$(MAKE) --no-print-directory system-test-deps TEST_DEBS="$(BENCH_DEBS)"
	$(BIN)/python tests/benchmarks/bench_app.py $(BENCH_ARGS)
	$(BIN)/python tests/benchmarks/bench_pdf.py

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Install missing Debian packages (as root, or through sudo).
system-test-deps:
	@missing=$$(for p in $(TEST_DEBS); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

# axe-core for the browser tests' accessibility checks, pinned by tests/e2e/package-lock.json;
# the tests inject it into pages, the app never serves it.
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json | system-test-deps
	npm ci --prefix tests/e2e --no-audit --no-fund --silent
	touch $@

# A deployment's config with a fresh secret key; never overwritten.
instance/config.py:
	mkdir -p instance
	printf '# Written by make; edit freely. See instance/config.example.py.\nSECRET_KEY = "%s"\n' \
		"$$($(PYTHON) -c 'import secrets; print(secrets.token_hex(32))')" > $@

translations: install
	$(BIN)/pybabel compile -d audit/translations

i18n-extract: install
	$(BIN)/pybabel extract -F audit/translations/babel.cfg -k _l -k N_ -o audit/translations/messages.pot audit
	$(BIN)/pybabel update --no-fuzzy-matching -i audit/translations/messages.pot -d audit/translations

lint:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format:
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
