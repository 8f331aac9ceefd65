# P3 Hub. `make run` serves the demo on the embedded default; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# Test processes in parallel (pytest-xdist): a core each; an idle process takes tests queued
# for a busy one (worksteal), so a long sweep does not leave the other core idle at the end.
TEST_PROCESSES ?= $(shell nproc 2>/dev/null || echo 2)
PORT ?= 8000
# Debian packages: Chromium for browser tests, pango/harfbuzz for WeasyPrint, poppler for PDF checks.
APT_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 fonts-dejavu-core poppler-utils

.PHONY: run demo-reset test lint format bench install install-dev system-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip==25.3

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

system-deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:" $$missing; \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

run: install
	@bin/run-embedded $(PORT)

# The embedded demo from scratch: its database, media, outbox and queue are deleted and the demo
# seeded again. It stops nothing: stop `make run` (Ctrl-C) first. The services mode is never
# touched (with DATABASE_URL set it refuses); var/'s keys are kept.
VAR_DIR := $(or $(P3HUB_VAR_DIR),var)
EMBEDDED_STATE := $(VAR_DIR)/db.sqlite3 $(VAR_DIR)/db.sqlite3-* $(VAR_DIR)/media $(VAR_DIR)/mail \
	$(VAR_DIR)/celery $(VAR_DIR)/celerybeat-schedule*
demo-reset: install
	@if [ -n "$$DATABASE_URL" ]; then \
		echo "demo-reset resets the embedded demo only; unset DATABASE_URL." >&2; exit 2; fi
	rm -rf $(EMBEDDED_STATE)
	$(BIN)/python manage.py migrate --no-input -v0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo -v0
	@echo "The demo is reset. Start it with: make run"

test: system-deps install-dev
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: install-dev
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache *.egg-info
