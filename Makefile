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

.PHONY: run test test-fast lint format migrate seed clean check-python

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "No Python >= 3.12 found. Install Python 3.12 or 3.13 (pyenv: 'pyenv install 3.13')." >&2; exit 1; fi

$(STAMP): pyproject.toml | check-python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

run: seed
	$(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Service desk on http://$(HOST):$(PORT)/ - log in as l1 / demo (see README for all accounts)"
	$(PY) manage.py runserver $(HOST):$(PORT)

test: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -n auto $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(VENV)/bin/pytest -n auto -m "not browser" $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles var *.egg-info
