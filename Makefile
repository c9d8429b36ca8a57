# Online resident-certificate applications: developer commands.
# `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
GATEWAY_PORT ?= 8001
APP_ENV ?= dev
export APP_ENV
STAMP := $(VENV)/.installed

.PHONY: run serve test test-unit test-db test-pg test-browser lint i18n i18n-compile migrate demo migrations-check system-deps clean bench

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q -U pip
	$(BIN)/pip install -q -e ".[test]"
	touch $(STAMP)

venv: $(STAMP)

i18n-compile: $(STAMP)
	$(BIN)/pybabel compile -d i18n -D messages

## i18n: extract every string, update both catalogs, compile them
i18n: $(STAMP)
	$(BIN)/pybabel extract -F i18n/babel.cfg -k lazy_gettext -k _l --no-location --sort-output \
		--project="arc-online" -o i18n/messages.pot .
	$(BIN)/pybabel update -i i18n/messages.pot -d i18n -D messages --no-fuzzy-matching
	$(BIN)/python -m app.tools.fill_en_catalog
	$(BIN)/python -m app.tools.apply_translations i18n/translations/*.json
	$(BIN)/pybabel compile -d i18n -D messages
	$(BIN)/python -m app.tools.check_catalogs

migrate: $(STAMP)
	$(BIN)/python -m app.cli migrate

demo: migrate
	$(BIN)/python -m app.cli demo

## run: install, migrate, load demo data, serve on http://$(HOST):$(PORT)
## (outside production, the sandbox payment gateway runs beside it on $(GATEWAY_PORT))
run: $(STAMP) i18n-compile migrate
	@if [ "$(APP_ENV)" != "production" ]; then $(BIN)/python -m app.cli demo; fi
	@if [ "$(APP_ENV)" != "production" ]; then \
		$(BIN)/python -m app.cli gateway --host $(HOST) --port $(GATEWAY_PORT) & gw=$$!; \
		$(BIN)/python -m app.cli pki >/dev/null; \
		$(BIN)/python -m app.cli signer --origin http://$(HOST):$(PORT) & sg=$$!; \
		trap 'kill $$gw $$sg 2>/dev/null' EXIT INT TERM; \
		PAYMENT_GATEWAY_URL="$${PAYMENT_GATEWAY_URL:-http://$(HOST):$(GATEWAY_PORT)}" \
		PUBLIC_BASE_URL="$${PUBLIC_BASE_URL:-http://$(HOST):$(PORT)}" \
		$(BIN)/python -m app.cli serve --host $(HOST) --port $(PORT); \
	else \
		$(BIN)/python -m app.cli serve --host $(HOST) --port $(PORT); \
	fi

## test: system packages (chromium, fonts), then the whole suite on SQLite and, with TEST_DATABASE_URL, on PostgreSQL
test: system-deps $(STAMP) i18n-compile lint
	$(BIN)/python -m app.tools.migrations_check
	APP_ENV=test $(BIN)/pytest -q -rs -n 2 --dist loadfile -m "not browser" -p no:cacheprovider
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		echo "== database tests on PostgreSQL"; \
		APP_ENV=test DATABASE_URL="$$TEST_DATABASE_URL" $(BIN)/pytest -q -rs -n 2 --dist loadfile -m "db and not browser" -p no:cacheprovider; \
	fi
	APP_ENV=test $(BIN)/pytest -q -m browser -p no:cacheprovider

test-unit: $(STAMP) i18n-compile
	APP_ENV=test $(BIN)/pytest -q tests/unit

test-browser: $(STAMP) i18n-compile
	APP_ENV=test $(BIN)/pytest -q -m browser

system-deps:
	@missing=""; \
	for p in chromium fonts-noto-cjk libharfbuzz-subset0 poppler-utils libpango-1.0-0 libpangoft2-1.0-0 postgresql-client nginx-light; do \
		dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

## lint: the same checks `make test` runs first
## lint: ruff, the format check, the layers' import contracts, and the catalogs' drift from the code
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m app.tools.i18n_drift

migrations-check: $(STAMP)
	$(BIN)/python -m app.tools.migrations_check

bench: $(STAMP)
	@echo "run one of: $(BIN)/python bench/<name>.py"

clean:
	rm -rf var/*.sqlite* var/outbox var/uploads
