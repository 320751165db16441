# Two commands: `make run` serves the dashboard, `make test` runs every test.
# Both set everything up on a fresh Debian/Ubuntu machine with Python 3.11+.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
DB ?= data/risk.duckdb
PORT ?= 8501
SYSTEM_PACKAGES := chromium poppler-utils

.PHONY: run test bench install install-test system-deps lint clean help

help:
	@echo "make run    - install, create and seed $(DB), serve the dashboard on http://localhost:$(PORT)"
	@echo "make test   - install what the tests need (Chromium included) and run every test"
	@echo "make bench  - run the benchmarks in bench/ on real data and print the results"

$(VENV)/bin/activate:
	$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed: set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(PIP) install --quiet -e '.[test]'
	touch $@

$(VENV)/.installed-bench: pyproject.toml $(VENV)/.installed-test
	$(PIP) install --quiet -e '.[test,bench]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test system-deps

# Debian's Chromium (browser tests, map export for PDFs) and poppler-utils (PDF pages as images).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdftoppm >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="none"; fi; \
	  if [ "$$SUDO" = none ] || ! command -v apt-get >/dev/null 2>&1; then \
	    echo "note: could not install$$missing (needs apt-get as root or sudo); browser and PDF-image tests will be skipped"; \
	  else \
	    echo "installing system packages:$$missing"; \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
	      || echo "note: apt-get could not install$$missing; browser and PDF-image tests will be skipped"; \
	  fi; \
	fi

$(DB): $(VENV)/.installed
	$(VENV)/bin/risk init --seed --db $(DB)

run: $(VENV)/.installed system-deps
	$(VENV)/bin/risk init --seed --db $(DB)
	$(VENV)/bin/risk serve --db $(DB) --port $(PORT)

lint: $(VENV)/.installed-test
	$(VENV)/bin/lint-imports

test: install-test
	$(VENV)/bin/lint-imports
	$(VENV)/bin/python -m pytest

bench: $(VENV)/.installed-bench system-deps
	$(VENV)/bin/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache
