# Rakor: `make run` and `make test` do all set-up on a fresh machine (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
# Where `make run` listens. Links (e-mails, QR codes, the seed meeting printed) follow BASE_URL
# (environment or .env; default http://127.0.0.1:5000): change both together.
RUN_HOST ?= 127.0.0.1
RUN_PORT ?= 5000
CATALOGS := $(wildcard rakor/translations/*/id/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test test-pg native-deps install translations lint imports dbcheck checkers clean

# Where `make run` serves the app; the demo's printed verification links and the seed meeting's
# address use the same URL (`make run HOST=0.0.0.0 BASE_URL=http://192.168.1.10:5000` on a LAN).
HOST ?= 127.0.0.1
PORT ?= 5000
BASE_URL ?= http://$(HOST):$(PORT)

run: native-deps install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load-if-empty
	@echo "Rakor runs on $(RUN_HOST):$(RUN_PORT) (Ctrl-C stops it); links use BASE_URL (default http://127.0.0.1:5000)"
	$(BIN)/flask run --host $(RUN_HOST) --port $(RUN_PORT)

test: native-deps install translations lint imports dbcheck checkers
	$(BIN)/pytest $(PYTEST_ARGS)

# The outside checkers the browser journeys run on every page (tests/checkers/package.json, exact
# versions in its package-lock.json): axe-core and vnu.jar, from npm into tests/checkers/node_modules.
# Optional like chromium: without npm (or java for vnu) the checks are skipped with a notice.
CHECKERS := tests/checkers/node_modules/.installed
checkers: native-deps $(CHECKERS)

$(CHECKERS): tests/checkers/package-lock.json
	@if command -v npm >/dev/null; then \
	  npm ci --prefix tests/checkers --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "checkers: npm not found, axe-core and vnu checks will be skipped (apt-get install npm default-jre-headless)"; fi

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
