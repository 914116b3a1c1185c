# Hội thi CCHC: `make run` serves the demo on SQLite, `make test` runs every test.
PY ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app contest_app
HOST ?= 127.0.0.1
PORT ?= 5000

.DEFAULT_GOAL := help
.PHONY: help install translations run test test-fast lint db-upgrade demo browser-deps

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(BIN)/activate:
	$(PY) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations ## Create the virtualenv and install pinned dependencies

translations: $(VENV)/.installed ## Compile the message catalogues (.po -> .mo)
	$(BIN)/pybabel compile -d contest_app/translations > /dev/null

db-upgrade: install ## Build or upgrade the database schema (Alembic)
	$(FLASK) db upgrade

demo: db-upgrade ## Load the demo contest, units and accounts
	$(FLASK) demo

run: demo ## Install, migrate, load the demo and serve on http://127.0.0.1:5000
	$(FLASK) run --host $(HOST) --port $(PORT)

browser-deps: ## Install Debian's chromium (browser tests) and nginx (cluster test) (needs root)
	@(command -v chromium >/dev/null 2>&1 && [ -x /usr/sbin/nginx ]) || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium nginx)

test: install browser-deps ## Install everything and run the whole test suite
	$(BIN)/pytest -q -p no:cacheprovider
	$(BIN)/ruff check .

test-fast: install ## Unit and integration tests only
	$(BIN)/pytest -q -m "not browser"

lint: install ## ruff
	$(BIN)/ruff check .
