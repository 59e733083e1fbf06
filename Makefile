# Two entry points (see README "Quick start"): `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install run test lint

$(BIN)/reports-service: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/reports-service

# The database (default ./data/reports.sqlite3, or REPORTS_DATABASE_URL) is created or upgraded,
# the two example reports are stored in project "examples" (once), then the API serves.
run: install
	$(BIN)/reports-service db upgrade
	$(BIN)/reports-service load-examples
	$(BIN)/reports-service serve --host $(HOST) --port $(PORT)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# pytest exits 5 when it collected no test; make treats every non-zero exit as failure.
# DB and API tests run on SQLite and on PostgreSQL (REPORTS_TEST_POSTGRES_URL, default the local
# server); with REPORTS_REQUIRE_POSTGRES=1 (CI) a skipped PostgreSQL test fails the run.
test: lint
	$(BIN)/pytest
