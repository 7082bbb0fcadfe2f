# Rakor: `make run` and `make test` do all set-up on a fresh machine (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
CATALOGS := $(wildcard rakor/translations/*/id/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test test-pg native-deps install translations lint imports dbcheck clean

# Where `make run` serves the app; the demo's printed verification links and the seed meeting's
# address use the same URL (`make run HOST=0.0.0.0 BASE_URL=http://192.168.1.10:5000` on a LAN).
HOST ?= 127.0.0.1
PORT ?= 5000
BASE_URL ?= http://$(HOST):$(PORT)

run: native-deps install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load-if-empty --base-url $(BASE_URL)
	@echo "Rakor runs on $(BASE_URL) (Ctrl-C stops it)"
	$(BIN)/flask run --host $(HOST) --port $(PORT)

test: native-deps install translations lint imports dbcheck
	$(BIN)/pytest $(PYTEST_ARGS)

# Native libraries, fonts and tools (.ci/native-packages) before anything else: installs them as
# root, else stops with the one apt-get line to run.
native-deps:
	@PYTHON=$(PYTHON) .ci/native-deps

install: native-deps $(VENV)/.installed

# Reinstall only when the pinned list changes; a second `make` is instant.
$(VENV)/.installed: requirements.lock | native-deps
	@command -v $(PYTHON) >/dev/null || { echo "$(PYTHON) is required"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --requirement requirements.lock
	touch $@

translations: install $(COMPILED)

%.mo: %.po
	$(BIN)/pybabel compile --use-fuzzy -l id -i $< -o $@

lint: install
	$(BIN)/ruff check .

# Dependency direction between packages (.importlinter; README "Layout").
imports: install
	$(BIN)/lint-imports --no-logo

# Models and migrations agree: migrate a scratch database to head, then compare.
dbcheck: install
	@tmp=$$(mktemp -d); \
	url=$${TEST_DATABASE_URL:-sqlite:///$$tmp/check.db}; \
	DATABASE_URL=$$url $(BIN)/flask db upgrade >/dev/null 2>&1 && \
	DATABASE_URL=$$url $(BIN)/flask db check; status=$$?; rm -rf $$tmp; exit $$status

clean:
	rm -rf $(VENV) $(COMPILED) .pytest_cache .ruff_cache .import_linter_cache
