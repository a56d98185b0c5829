# The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

# The first interpreter >= 3.12 that actually runs (pyenv shims may exist but fail).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 python; do \
	  if $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; \
	done)

# Development mail, the worker's log and the embedded broker live here (as in settings).
VAR_DIR := $(or $(SERVICEDESK_VAR_DIR),$(CURDIR)/var)
# `make run`'s Celery broker: Celery's SQLite-backed transport, so no server is needed.
# Set CELERY_BROKER_URL (e.g. redis://127.0.0.1:6379/0) to use another one.
CELERY_BROKER_URL ?= sqla+sqlite:///$(VAR_DIR)/celery-broker.sqlite3
# Links in the mail `make run` writes point at this server.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-fast lint format migrate seed messages clean check-python bench

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python >= 3.12 found. Install Python 3.12 or 3.13 (pyenv: 'pyenv install 3.13')." >&2; exit 1; fi

$(STAMP): pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

# Quiet: `make run` prints a short summary, not one line per migration.
migrate: $(STAMP)
	@$(PY) manage.py migrate --noinput --verbosity 0 && echo "Database migrated"

# Compiled translations first: the demo's mail to French, German and Russian contacts is
# written while seeding, and its links point at the server `make run` starts.
seed: migrate messages
	@SITE_URL='$(SITE_URL)' $(PY) manage.py seed_demo

# Translations (locale/*/LC_MESSAGES/django.po → .mo); needs gettext's msgfmt.
messages: $(STAMP)
	@if command -v msgfmt >/dev/null 2>&1; then \
	  $(PY) manage.py compilemessages --ignore '.venv' --ignore 'staticfiles' --verbosity 0; \
	else echo "warning: gettext is not installed (apt-get install gettext): mail stays in English" >&2; fi

# The web server, and beside it a Celery worker with beat (the SLA sweep, auto-close and
# mail). Both use the same broker; stopping the server (Ctrl-C) stops the worker.
run: seed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@mkdir -p $(VAR_DIR)
	@echo "Service desk on http://$(HOST):$(PORT)/ - log in as l1 / demo (see README for all accounts)"
	@echo "Celery worker with beat: log in $(VAR_DIR)/celery.log, mail written to $(VAR_DIR)/mail/"
	@export CELERY_BROKER_URL='$(CELERY_BROKER_URL)' CELERY_TASK_ALWAYS_EAGER=0 SITE_URL='$(SITE_URL)'; \
	$(VENV)/bin/celery -A servicedesk --quiet worker -B --pool=solo --loglevel INFO --logfile $(VAR_DIR)/celery.log & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT; trap 'exit 130' INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP) messages
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

test-fast: $(STAMP) messages
	$(VENV)/bin/pytest -n auto -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The benchmark (README: Performance, "Benchmark (make bench)"): a PostgreSQL database of
# its own, created when missing and migrated by bench_load, loaded (resumable: a second
# run adds only what is missing), then every page served by gunicorn and measured with
# wrk beside a bare Django page. BENCH_DB=name picks another database,
# BENCH_TICKETS=100000 a smaller set, BENCH_ARGS="--only triage,ticket" some pages.
BENCH_DB ?= servicedesk_bench
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/$(BENCH_DB)
BENCH_TICKETS ?= 1000000
BENCH_DURATION ?= 10
BENCH_ARGS ?=

bench: $(STAMP) messages
	@export DATABASE_URL='$(BENCH_DATABASE_URL)'; \
	$(PY) manage.py bench_load --tickets $(BENCH_TICKETS) && \
	$(PY) manage.py bench_serve_measure --duration $(BENCH_DURATION) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles var *.egg-info .mypy_cache
