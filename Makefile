# Rakor: `make run` and `make test` do all set-up on a fresh machine (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
CATALOGS := $(wildcard rakor/translations/*/id/LC_MESSAGES/messages.po)
COMPILED := $(CATALOGS:.po=.mo)

.PHONY: run test test-pg install translations lint dbcheck clean

run: install translations
	$(BIN)/flask db upgrade
	$(BIN)/flask demo load-if-empty
	@echo "Rakor runs on http://127.0.0.1:5000 (Ctrl-C stops it)"
	$(BIN)/flask run --host 127.0.0.1 --port 5000

test: install translations lint dbcheck
	$(BIN)/pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

# Reinstall only when the pinned list changes; a second `make` is instant.
$(VENV)/.installed: requirements.lock
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

# Models and migrations agree: migrate a scratch database to head, then compare.
dbcheck: install
	@tmp=$$(mktemp -d); \
	url=$${TEST_DATABASE_URL:-sqlite:///$$tmp/check.db}; \
	DATABASE_URL=$$url $(BIN)/flask db upgrade >/dev/null 2>&1 && \
	DATABASE_URL=$$url $(BIN)/flask db check; status=$$?; rm -rf $$tmp; exit $$status

clean:
	rm -rf $(VENV) $(COMPILED) .pytest_cache .ruff_cache
