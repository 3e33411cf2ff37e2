# One command per chore; CI runs the same ones (.ci/run calls `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
export HF_HUB_OFFLINE := 1
GRAPHIQL := server/graphiql
# The browser tests drive Debian's chromium (Playwright's own browser builds are never downloaded).
CHROMIUM := /usr/bin/chromium

.PHONY: install run test lint format schema bench bench-entries bench-load clean

install: $(VENV)/.installed node_modules/.installed $(GRAPHIQL)/static/manifest.json

$(VENV)/.installed: pyproject.toml
	@test -d $(VENV) || (echo "==> creating $(VENV)" && $(PYTHON) -m venv $(VENV))
	@echo "==> [1/3] upgrading pip in $(VENV)"
	$(BIN)/pip install --quiet --upgrade pip
	@echo "==> [2/3] installing torch 2.13.0 (the CPU build on this disk; about a minute)"
	$(BIN)/pip install --progress-bar on torch==2.13.0
	@echo "==> [3/3] installing PersonalPod and its packages (pyproject.toml)"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	@touch $@

node_modules/.installed: package.json package-lock.json
	@echo "==> installing npm packages (GraphiQL's bundle, graphql-http audit, client libraries for tests/clients, PostGraphile for bench/entries_page.py)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# GraphiQL's scripts, styles, fonts and workers, bundled from node_modules and served by the app.
$(GRAPHIQL)/static/manifest.json: node_modules/.installed $(GRAPHIQL)/build.mjs $(wildcard $(GRAPHIQL)/src/*)
	@echo "==> bundling GraphiQL into $(GRAPHIQL)/static"
	npm run --silent build:graphiql

# Installed once when missing; the browser tests are part of the suite, so a failed install fails.
$(CHROMIUM):
	@echo "==> installing Debian's chromium for the browser tests"
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium

run: install
	$(BIN)/personalpod run

test: install $(CHROMIUM)
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

schema: install
	$(BIN)/personalpod export-schema --output schema.graphql

bench: install
	$(BIN)/python bench/me_query.py

# Issue 10's side by side: entries page vs PostGraphile v4 (cold and warm cache), me vs bare.
bench-entries: install
	$(BIN)/python bench/entries_page.py

bench-load: install
	$(BIN)/python bench/load.py

clean:
	rm -rf $(VENV) node_modules .cache .pytest_cache $(GRAPHIQL)/static
