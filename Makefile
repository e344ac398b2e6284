# Pilar: `make demo` and `make test` each do all of their own set-up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# The first Python >= 3.12 that actually runs (pyenv shims fail without a version).
PYTHON ?= $(shell for p in python3.13 python3.12 $$HOME/.pyenv/versions/3.13*/bin/python3 $$HOME/.pyenv/versions/3.12*/bin/python3 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then command -v $$p; break; fi; done)
UV_VERSION := 0.13.9
TOOLS := .tools
VENV := .venv
PY := $(VENV)/bin/python
export DJANGO_SETTINGS_MODULE := config.settings

.PHONY: help install demo test lint messages bench
help:
	@echo "make demo   install, migrate SQLite, load demo data, serve http://127.0.0.1:8000"
	@echo "make test   install, lint, run the suite on SQLite and on a throw-away PostgreSQL"
	@echo "make lint   ruff, mypy, makemigrations --check"
	@echo "make bench  install, generate a synthetic nation in a throw-away PostgreSQL (SMALL=1: a hundredth)"

$(TOOLS)/bin/uv:
	@test -n "$(PYTHON)" || { echo "Python >= 3.12 not found (set PYTHON=/path/to/python3.12)"; exit 1; }
	@$(PYTHON) -m venv $(TOOLS) 2>/dev/null || { \
		echo "Installing python3-venv (Debian)"; \
		apt-get update -qq && apt-get install -y -qq python3-venv >/dev/null && $(PYTHON) -m venv $(TOOLS); }
	$(TOOLS)/bin/pip install -q "uv==$(UV_VERSION)"

$(VENV)/.installed: $(TOOLS)/bin/uv pyproject.toml uv.lock
	@command -v msgfmt >/dev/null || { echo "Installing gettext (Debian)"; \
		apt-get update -qq && apt-get install -y -qq gettext >/dev/null; }
	UV_PROJECT_ENVIRONMENT=$(VENV) $(TOOLS)/bin/uv sync --locked --python $(PYTHON)
	@touch $@

install: $(VENV)/.installed
	@DJANGO_DEBUG=1 $(PY) manage.py compilemessages -v0 --ignore='.venv' --ignore='.tools'

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_DEBUG=1 $(VENV)/bin/mypy .
	DJANGO_DEBUG=1 $(PY) manage.py makemigrations --check --dry-run -v1

test: lint
	bash scripts/test.sh

bench: install
	bash scripts/bench.sh $(if $(SMALL),--small)

demo: install
	DJANGO_DEBUG=1 $(PY) manage.py migrate -v0
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

messages:
	DJANGO_DEBUG=1 $(PY) manage.py makemessages -l id --no-obsolete --ignore='.venv/*' --ignore='.tools/*' --ignore='tests/*'
