# The command surface: `make demo` runs the seeded app, `make test` passes the suite.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/scope
REDIS_URL_TEST ?= redis://127.0.0.1:6379/15

.PHONY: demo test test-fast lint format bench up down services-check migrations-check

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	mkdir -p var
	DJANGO_SETTINGS_MODULE=scope.settings.dev $(PY) manage.py migrate --noinput -v0
	DJANGO_SETTINGS_MODULE=scope.settings.dev $(PY) manage.py seed_scope
	@echo ""
	@echo "  SCOPE Review demo: http://127.0.0.1:8000/scope2025/"
	@echo "  Emails are printed here and listed in the chair's Outbox page."
	@echo ""
	DJANGO_SETTINGS_MODULE=scope.settings.dev $(PY) manage.py runserver 127.0.0.1:8000

services-check: $(STAMP)
	@$(PY) scripts/check_services.py "$(PG_URL)" "$(REDIS_URL_TEST)"

test: $(STAMP) services-check
	DJANGO_SETTINGS_MODULE=scope.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=scope.settings.prod SECRET_KEY="ci-$$(head -c 48 /dev/urandom | base64 | tr -d '/+=')" \
		DATABASE_URL="$(PG_URL)" REDIS_URL="$(REDIS_URL_TEST)" ALLOWED_HOSTS=scope.example \
		$(PY) manage.py check --deploy --fail-level WARNING
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -m "not browser and not worker and not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: $(STAMP)
	@echo "Benchmarks run by hand; see bench/README.md"

up:
	docker compose up -d --build

down:
	docker compose down
