# Zhizheng: `make run` serves the demo city; `make test` runs the whole suite. `make help` lists the rest.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 3
export DJANGO_SETTINGS_MODULE ?= zhizheng.settings.local

.DEFAULT_GOAL := help
.PHONY: help venv run serve migrate demo test test-fast lint format bench openapi messages clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements/dev.txt
	@touch $@

venv: $(VENV)/.installed ## Create the virtualenv and install pinned dependencies

migrate: venv ## Apply database migrations (SQLite in var/ unless DATABASE_URL is set)
	$(PY) manage.py migrate --noinput

demo: migrate ## Load the demo city 示范市 (idempotent)
	$(PY) manage.py load_demo_city

run: demo ## Set up everything and serve http://127.0.0.1:8000 with gunicorn and a Celery worker
	$(PY) manage.py collectstatic --noinput --verbosity 0
	$(PY) manage.py ledger_keygen --if-missing
	@echo "Serving 智政 on http://$(HOST):$(PORT)/ (Ctrl-C stops)"
	@$(BIN)/celery -A zhizheng worker --beat --pool=solo --loglevel=WARNING \
	    --schedule=var/celery/beat-schedule & worker=$$!; \
	trap "kill $$worker 2>/dev/null" EXIT INT TERM; \
	$(BIN)/gunicorn zhizheng.wsgi:application --bind $(HOST):$(PORT) --workers $(WORKERS) \
	    --env DJANGO_SETTINGS_MODULE=$(DJANGO_SETTINGS_MODULE) --access-logfile - --timeout 60

test: venv ## Run the whole test suite (SQLite; set DATABASE_URL=postgres://... for PostgreSQL)
	DJANGO_SETTINGS_MODULE=zhizheng.settings.test $(BIN)/pytest --create-db -p no:cacheprovider $(PYTEST_ARGS)

lint: venv ## ruff (lint, format), mypy, the app dependency order and migrations check
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy zhizheng
	$(BIN)/lint-imports
	DJANGO_SETTINGS_MODULE=zhizheng.settings.test $(PY) manage.py makemigrations --check --dry-run

format: venv ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: venv ## Run the benchmarks under bench/ (they print their figures)
	@for f in bench/[!_]*.py; do echo "== $$f"; DJANGO_SETTINGS_MODULE=zhizheng.settings.test $(PY) $$f || exit 1; done

openapi: venv ## Regenerate docs/api/openapi.json from the code
	DJANGO_SETTINGS_MODULE=zhizheng.settings.test $(PY) manage.py export_openapi --output docs/api/openapi.json

messages: venv ## Compile translations (needs GNU gettext)
	cd zhizheng && ../$(PY) ../manage.py compilemessages --ignore=.venv

clean: ## Remove the virtualenv and local data
	rm -rf $(VENV) var
