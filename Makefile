# Two commands on a fresh clone: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
STAMP := $(VENV)/.installed

.PHONY: run setup test test-pg lint format docs clauses bench lock clean demo worker

$(STAMP): requirements-dev.txt
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_directories
	$(BIN)/python manage.py load_demo

run: setup
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo "НМО: http://$(HOST):$(PORT)/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python manage.py check --settings=config.settings_test
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)

# A fresh test database each time: a reused one keeps whatever the last transactional test
# left behind.
test-pg: $(STAMP)
	DATABASE_URL=$${PG_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/nmo} \
	  $(MAKE) test PYTEST_ARGS="$(PYTEST_ARGS) --create-db"

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy nmo/*/services.py nmo/*/selectors.py nmo/*/rules.py nmo/*/access.py nmo/*/types.py $$(ls -d nmo/*/services nmo/*/selectors nmo/*/rules 2>/dev/null) nmo/printing/*.py
	$(BIN)/lint-imports
	$(BIN)/djlint --lint templates nmo --extension html --quiet

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The generated parts of docs/architecture.md and the app READMEs (tests/test_docs.py).
docs: $(STAMP)
	$(BIN)/python manage.py docs

clauses: $(STAMP)
	-$(BIN)/pytest -q --clauses-report reports/clauses.json $(PYTEST_ARGS)
	$(BIN)/python -m nmo.core.clause_table reports/clauses.json

bench: $(STAMP)
	@for b in bench/bench_*.py; do $(BIN)/python $$b || exit 1; done

worker: $(STAMP)
	$(BIN)/python manage.py db_worker

lock:
	$(PYTHON) -m venv /tmp/nmo-lock && /tmp/nmo-lock/bin/pip install -q -r requirements-dev.in \
	  && /tmp/nmo-lock/bin/pip freeze > requirements-dev.txt

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media reports/*.json
