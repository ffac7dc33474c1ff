# apcard on a fresh machine (Python 3.11, make, bash, Debian packages):
#   make run    set up, fill a demo register on first run, open the app
#   make test   set up, then ruff and the whole test suite on SQLite and PostgreSQL
# Both are idempotent: the second time only what changed is redone.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
# pip runs again only when pyproject.toml changes (its dependencies or extras).
STAMP := $(VENV)/.installed-pyproject
APCARD := $(BIN)/apcard

# Install Debian packages as root, or through sudo when there is one.
define apt_install
	if [ "$$(id -u)" = 0 ]; then sudo=; \
	elif command -v sudo >/dev/null; then sudo="sudo"; \
	else echo "make: need root or sudo to install: $(1)" >&2; exit 1; fi; \
	$$sudo apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $(1) >/dev/null
endef

.PHONY: help setup run test system-deps

help:
	@echo "make run    set up (virtualenv, database, codebooks, demo register) and open apcard"
	@echo "make test   set up, then ruff check and the test suite on SQLite and PostgreSQL"

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "make: $(PYTHON) not found" >&2; exit 1; }
	@# Debian ships venv's pip bootstrap separately (python3.11-venv).
	@$(PYTHON) -c "import ensurepip" 2>/dev/null || { $(call apt_install,python3.11-venv); }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[postgres,test]'
	@touch $@

# Byte-compiled once here, as pip does for installed packages: with PYTHONDONTWRITEBYTECODE
# set, every start would otherwise compile the app's modules again (~0.1 s of start-up).
setup: $(STAMP)
	@$(BIN)/python -m compileall -q tui models codebooks >/dev/null

run: setup
	$(APCARD) init
	$(APCARD) codebooks load
	$(APCARD) demo --if-empty
	$(APCARD)

# PostgreSQL server binaries for the test server (tests/conftest.py starts its own on
# 127.0.0.1) and tmux for the terminal benchmarks. Without them tests needing them are
# skipped locally; under CI (CI set) that is a failure.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="postgresql"; \
	command -v tmux >/dev/null || missing="$${missing:+$$missing }tmux"; \
	if [ -n "$$missing" ]; then \
		echo "make: installing $$missing (Debian packages)"; \
		( $(call apt_install,$$missing) ) || { \
			if [ -n "$${CI:-}" ]; then exit 1; fi; \
			echo "make: could not install $$missing: tests that need it will be skipped" >&2; }; \
	fi

test: setup system-deps
	@rc=0; \
	echo "ruff check"; $(BIN)/ruff check . || rc=1; \
	$(BIN)/python -m pytest -ra || rc=1; \
	exit $$rc
