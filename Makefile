# One command per chore; CI runs the same ones (.ci/run calls `make test`).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export HOST PORT
export HF_HUB_OFFLINE := 1

.PHONY: install run test lint format schema bench clean

install: $(VENV)/.installed node_modules/.installed

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
	@echo "==> installing npm tools (graphql-http audit, client libraries for tests/clients)"
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

run: install
	$(BIN)/personalpod run

test: install
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

clean:
	rm -rf $(VENV) node_modules .cache .pytest_cache
