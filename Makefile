# apcard on a fresh machine (Python 3.11, make, bash, Debian packages):
#   make run    set up, fill a demo register on first run, open the app
#   make test   set up, then ruff and the whole test suite on SQLite and PostgreSQL
# Both are idempotent: the second time only what changed is redone.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
# Run over SSH (`ssh host 'cd apcard && make run'`), bash would read the bashrc files in
# every recipe's shell (Debian builds it to, when it sees these), and /etc/bash.bashrc
# stops under -u. Recipes need neither.
unexport SSH_CLIENT SSH2_CLIENT
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

.PHONY: help setup run test system-deps install trial-exchange

help:
	@echo "make run    set up (virtualenv, database, codebooks, demo register) and open apcard"
	@echo "make test   set up, then ruff check and the test suite on SQLite and PostgreSQL"
	@echo "make install [PREFIX=/opt/apcard] [DB=URL] [ADMIN=account] [SSHD=1]   (as root)"

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
# set, every start would otherwise compile the app's modules again (~0.1 s of start-up),
# and the regular expressions and the standard library's code from text (dataclasses'
# methods ...) the card screen's start compiles (tui/re_cache.py, tui/code_cache.py).
setup: $(STAMP)
	@$(BIN)/python -m compileall -q tui models codebooks >/dev/null
	@$(BIN)/python -c "from tui.cli import keep_start_patterns as k; k()"

run: setup
	$(APCARD) init
	$(APCARD) codebooks load
	$(APCARD) demo --if-empty
	$(APCARD)

# PostgreSQL server binaries for the test server (tests/conftest.py starts its own on
# 127.0.0.1), tmux for the terminal benchmarks and OpenSSH for the test that logs in over
# SSH (it starts its own sshd). Without them tests needing them are skipped locally; under
# CI (CI set) that is a failure.
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="postgresql"; \
	command -v tmux >/dev/null || missing="$${missing:+$$missing }tmux"; \
	[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null || missing="$${missing:+$$missing }openssh-server"; \
	if [ -n "$$missing" ]; then \
		echo "make: installing $$missing (Debian packages)"; \
		( $(call apt_install,$$missing) ) || { \
			if [ -n "$${CI:-}" ]; then exit 1; fi; \
			echo "make: could not install $$missing: tests that need it will be skipped" >&2; }; \
	fi

# Two test processes (pytest-xdist): most tests wait on a program in a pseudo-terminal or
# on the database server, so two keep both cores of a small machine busy.
test: setup system-deps
	@rc=0; \
	echo "ruff check"; $(BIN)/ruff check . || rc=1; \
	$(BIN)/python -m pytest -ra -n 2 --durations=15 || rc=1; \
	exit $$rc

# The data bank end to end: a body on SQLite, a Directorate and the central bank on a
# throw-away PostgreSQL exchange the demo register's cards (bench/trial_exchange.py).
trial-exchange: setup system-deps
	$(BIN)/python bench/trial_exchange.py

# --- a server install for many operators (README: "Server install") -----------------
# As root: a virtualenv under PREFIX on a Python every account may run, the system config
# in CONFDIR, the `apcard` command in BINDIR, the group GROUP whose members are forced into
# apcard over SSH, a SQLite folder they share (DATADIR), and with ADMIN the register made
# with that OS account as its first administrator. Run again: the code is replaced, the
# config, the data and the users are kept.
PREFIX ?= /opt/apcard
CONFDIR ?= /etc/apcard
BINDIR ?= /usr/local/bin
DATADIR ?= /var/lib/apcard
GROUP ?= apcard
SYS_PYTHON ?= /usr/bin/python3.11
DB ?= sqlite:///$(DATADIR)/apcard.db
ADMIN ?=
SSHD ?= 0

install:
	@[ "$$(id -u)" = 0 ] || { echo "make install: run it as root" >&2; exit 1; }
	@real="$$(readlink -f $(SYS_PYTHON))"; case "$$real" in /root/*|/home/*) \
		echo "make install: $(SYS_PYTHON) is $$real, which other accounts cannot run" >&2; exit 1;; esac
	@$(SYS_PYTHON) -c "import ensurepip" 2>/dev/null || { $(call apt_install,python3.11-venv); }
	@getent group $(GROUP) >/dev/null || groupadd --system $(GROUP)
	install -d -m 0755 $(PREFIX) $(PREFIX)/share
	@# A virtualenv's scripts name its path: it is made where it stays.
	[ -x $(PREFIX)/venv/bin/python ] || $(SYS_PYTHON) -m venv $(PREFIX)/venv
	@# setuptools keeps modules of earlier builds in build/: none may reach the install.
	rm -rf build
	$(PREFIX)/venv/bin/pip install --quiet --disable-pip-version-check --upgrade '.[postgres]' 2>&1 \
		| { grep -v "^WARNING: Location" || true; }
	@# The start's regular expressions and code from text kept compiled beside the modules
	@# (tui/re_cache.py, tui/code_cache.py).
	cd / && $(PREFIX)/venv/bin/python -c "from tui.cli import keep_start_patterns as k; k()"
	chmod -R a+rX,go-w $(PREFIX)
	install -d -m 2770 -o root -g $(GROUP) $(DATADIR)
	@# A register made before apcard created its file for the group: the group writes it.
	find $(DATADIR) -maxdepth 1 -name '*.db*' -exec chgrp $(GROUP) {} + -exec chmod g+rw {} +
	install -d -m 0755 $(CONFDIR)
	@if [ ! -e $(CONFDIR)/config.toml ]; then \
		sed 's|^url = ".*"|url = "$(subst &,\&,$(DB))"|' config.toml > $(CONFDIR)/config.toml; \
		chmod 0644 $(CONFDIR)/config.toml; \
		echo "wrote $(CONFDIR)/config.toml (database: $(DB))"; \
	else echo "kept $(CONFDIR)/config.toml"; fi
	install -d -m 0755 $(BINDIR)
	printf '%s\n' '#!/bin/sh' '# apcard for every account: files it creates stay its group'"'"'s.' \
		'umask 007' 'APCARD_CONFIG="$${APCARD_CONFIG:-$(CONFDIR)/config.toml}"' \
		'export APCARD_CONFIG' 'exec $(PREFIX)/venv/bin/apcard "$$@"' > $(BINDIR)/apcard
	chmod 0755 $(BINDIR)/apcard
	printf '%s\n' '# apcard: an SSH login of a member of $(GROUP) lands in apcard, nothing else.' \
		'Match Group $(GROUP)' '    ForceCommand $(BINDIR)/apcard' '    PermitTTY yes' \
		'    X11Forwarding no' '    AllowTcpForwarding no' '    AllowAgentForwarding no' \
		'    AllowStreamLocalForwarding no' '    PermitTunnel no' \
		> $(PREFIX)/share/sshd-apcard.conf
	@if [ "$(SSHD)" = 1 ]; then install -D -m 0644 $(PREFIX)/share/sshd-apcard.conf \
		/etc/ssh/sshd_config.d/apcard.conf && echo "sshd: /etc/ssh/sshd_config.d/apcard.conf (reload sshd)"; \
	else echo "sshd snippet: $(PREFIX)/share/sshd-apcard.conf (SSHD=1 installs it)"; fi
	@if [ -n "$(ADMIN)" ]; then \
		id "$(ADMIN)" >/dev/null || { echo "make install: no OS account $(ADMIN)" >&2; exit 1; }; \
		usermod -a -G $(GROUP) "$(ADMIN)"; \
		case "$(DB)" in \
		postgres*) runuser -u postgres -- env APCARD_CONFIG=$(CONFDIR)/config.toml \
			$(PREFIX)/venv/bin/apcard init --admin "$(ADMIN)" && \
			runuser -u postgres -- env APCARD_CONFIG=$(CONFDIR)/config.toml \
			$(PREFIX)/venv/bin/apcard codebooks load >/dev/null;; \
		*) runuser -u "$(ADMIN)" -g $(GROUP) -- $(BINDIR)/apcard init && \
			runuser -u "$(ADMIN)" -g $(GROUP) -- $(BINDIR)/apcard codebooks load >/dev/null;; \
		esac; \
	fi
	@echo "installed: $(BINDIR)/apcard; per operator: useradd -G $(GROUP) NAME, then as an administrator: apcard user add LOGIN --role operator --os-account NAME"
