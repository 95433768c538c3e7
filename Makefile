# Two commands on a fresh clone: `make run` and `make test`. Everything else is optional.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2
PYTEST_ARGS ?=
STAMP := $(VENV)/.installed
# What `make run` keeps on this machine (git-ignored): the generated secret key, the
# e-mails as .eml files.
VAR := var
SECRET := $(VAR)/secret_key

.PHONY: run dev setup test test-pg test-pgbouncer test-cluster test-replica test-api lint format docs clauses bench bench-queue bench-scale chaos lock clean demo worker

# uv installs the pinned lock in seconds, from the sources pip is configured with; pip is
# the fall-back (config/install.py, ADR 0013).
$(STAMP): requirements-dev.txt
	@test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	@$(PYTHON) config/install.py $(VENV) requirements-dev.txt
	@touch $(STAMP)

# Migrations, directories, demo data: one process (manage.py prepare).
setup: $(STAMP)
	@$(BIN)/python manage.py prepare

$(SECRET):
	@mkdir -p $(VAR)
	@umask 077 && $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > $@

# The product as it runs in production (ADR 0013): gunicorn, DEBUG off, static files by
# WhiteNoise, the task worker beside it; Ctrl-C stops both. The environment still wins
# (DATABASE_URL, SITE_URL, EMAIL_BACKEND, DJANGO_ALLOWED_HOSTS, ...).
RUN_HOSTS := $(if $(filter 0.0.0.0 :: [::],$(HOST)),*,127.0.0.1,localhost,[::1],$(HOST))
RUN_URL := http://$(if $(filter 0.0.0.0 :: [::],$(HOST)),127.0.0.1,$(HOST)):$(PORT)
RUN_ENV := \
	export DJANGO_DEBUG=false DJANGO_SECRET_KEY_FILE=$${DJANGO_SECRET_KEY_FILE:-$(SECRET)} \
	  TASKS_BACKEND=$${TASKS_BACKEND:-database} CACHE_DIR=$${CACHE_DIR:-$(CURDIR)/$(VAR)/cache} \
	  DJANGO_ALLOWED_HOSTS="$${DJANGO_ALLOWED_HOSTS:-$(RUN_HOSTS)}" \
	  SITE_URL_FALLBACK=$${SITE_URL_FALLBACK:-$(RUN_URL)} \
	  SESSION_COOKIE_SECURE=$${SESSION_COOKIE_SECURE:-false} \
	  CSRF_COOKIE_SECURE=$${CSRF_COOKIE_SECURE:-false}
ACCESS_LOG_FORMAT := %(t)s "%(r)s" %(s)s %(M)sms

# `prepare --static` adds the hashed, compressed copies of the static files for WhiteNoise.
run: $(STAMP) $(SECRET)
	@SITE_URL_FALLBACK=$${SITE_URL_FALLBACK:-$(RUN_URL)} ALLOW_DEMO_DATA=$${ALLOW_DEMO_DATA:-true} \
	  $(BIN)/python manage.py prepare --static
	@$(RUN_ENV); \
	$(BIN)/python manage.py run_worker --no-reload --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT; \
	echo "НМО: $(RUN_URL)/ — gunicorn и обработчик задач; письма — в $(VAR)/mail/. Остановить: Ctrl-C."; \
	$(BIN)/gunicorn config.wsgi --bind $(HOST):$(PORT) --workers $(WORKERS) --preload \
	  --log-level warning --access-logfile - --access-logformat '$(ACCESS_LOG_FORMAT)'

# Django's development server: DEBUG on, reloads on changes, tasks run at once.
dev: setup
	@echo "НМО (разработка): http://$(HOST):$(PORT)/"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(BIN)/python manage.py check --settings=config.settings_test
	$(BIN)/python manage.py makemigrations --check --dry-run --settings=config.settings_test
	$(BIN)/pytest $(PYTEST_ARGS)

# A fresh test database each time: a reused one keeps whatever the last transactional test
# left behind. Two roles (ADR 0023): the owner creates and migrates the test database, the
# tests run as the application's role; a superuser (PG_ADMIN_URL) creates both roles and
# the database first, idempotently. The owner is nmo_owner unless PG_OWNER_URL says;
# PG_OWNER_URL= (empty): one role, as PG_DATABASE_URL says.
PG_DATABASE_URL ?= postgres://nmo_app@127.0.0.1:5432/nmo
PG_OWNER_URL ?= $(shell printf '%s' '$(PG_DATABASE_URL)' | sed -E 's#^([a-z]+://)[^@/]*@#\1nmo_owner@#')
PG_ADMIN_URL ?= postgres://postgres@127.0.0.1:5432/postgres
test-pg: $(STAMP)
	export DATABASE_URL='$(PG_DATABASE_URL)' DATABASE_OWNER_URL='$(PG_OWNER_URL)'; \
	  if [ -n "$$DATABASE_OWNER_URL" ]; then \
	    $(BIN)/python manage.py create_db_roles --admin-url '$(PG_ADMIN_URL)' \
	      --settings=config.settings_test || exit 1; \
	  fi; \
	  $(MAKE) test PYTEST_ARGS="$(PYTEST_ARGS) --create-db"

# The read replica alone (ADR 0605; `make test-pg` runs it too): a throwaway primary and
# its streaming standby from the machine's PostgreSQL programs on ports 5440-5441, the app
# on 8890 (REPLICA_TEST_PORTS, REPLICA_TEST_APP_PORT), all removed afterwards.
test-replica: $(STAMP)
	DATABASE_URL='$(PG_DATABASE_URL)' $(BIN)/pytest -q -n 0 tests/replica $(PYTEST_ARGS)

# Three gunicorn nodes behind nginx on one PostgreSQL and one Redis (tests/cluster,
# ADR 0603); also part of `make test-pg`. CLUSTER_PORT (default 8870) and the next four.
test-cluster: $(STAMP)
	$(MAKE) test-pg PYTEST_ARGS="$(PYTEST_ARGS) tests/cluster"

# The race tests (tests/concurrency, tests/pooler) with the application's role through
# PgBouncer in transaction mode on PGBOUNCER_PORT (default 6433), started for the run
# (ADR 0604); the owner migrates straight on PostgreSQL.
test-pgbouncer: $(STAMP)
	PG_DATABASE_URL='$(PG_DATABASE_URL)' PG_OWNER_URL='$(PG_OWNER_URL)' \
	  PG_ADMIN_URL='$(PG_ADMIN_URL)' PYTEST_ARGS='$(PYTEST_ARGS)' $(BIN)/python .ci/pooled_tests.py

# Schemathesis against a live server on a throwaway PostgreSQL database with the demo
# data, every operation, anonymously and as each role (ADR 0026). API_DATABASE_URL names
# the database it drops and creates; API_MAX_EXAMPLES (default 10) the examples per
# operation and phase.
test-api: $(STAMP)
	$(BIN)/python .ci/api_fuzz.py

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

# The task queue against the national peak of 200 tasks/s (ADR 0606); on demand only.
bench-queue: $(STAMP)
	$(BIN)/python bench/bench_queue.py

# The country's data (issue 16, ADR 0601; not part of test, bench or CI): generates the
# national dataset at BENCH_SCALE (0.01 = 1/100 of the country, about 5 minutes and 0.4 GB;
# 0.1 about 10 minutes and 4 GB; 1, the country, about 45 minutes, 37 GB and up to 16 GB of
# WAL) into its own database on bench/scale/server.py's PostgreSQL, configured as the
# national server (ADR 0614; BENCH_SCALE_SERVER=url: BENCH_PG_URL's server, as the postgres
# superuser), runs the benchmarks on it, writes reports/scale/ and docs/scale-report.md.
BENCH_SCALE ?= 0.01
bench-scale: $(STAMP)
	@DJANGO_SECRET_KEY=bench-collectstatic DJANGO_DEBUG=false $(BIN)/python manage.py collectstatic --noinput -v0
	@$(BIN)/python bench/scale/run.py --scale $(BENCH_SCALE); status=$$?; \
	  $(BIN)/python bench/scale/run.py --report docs/scale-report.md; exit $$status

# Faults on purpose (not part of test, bench or CI): activations on gunicorn + PostgreSQL +
# its own Redis (port 6391) + run_worker while workers are killed, connections terminated
# and Redis restarted; lost acknowledgements and double credits must be 0 (bench/README.md).
chaos: $(STAMP)
	$(BIN)/python bench/chaos.py

worker: $(STAMP)
	$(BIN)/python manage.py run_worker --queue-name '*'

lock:
	$(PYTHON) -m venv /tmp/nmo-lock && /tmp/nmo-lock/bin/pip install -q -r requirements-dev.in \
	  && /tmp/nmo-lock/bin/pip freeze > requirements-dev.txt

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .test-media reports/*.json $(VAR)
