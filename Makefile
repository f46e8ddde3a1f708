# Every target is phony: a folder named book/ would otherwise make `make book` a no-op.
.PHONY: setup book test validate bench serve clean lab pdf browser-deps unit

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HTML := _build/html
PORT ?= 8000
# apt needs root; use sudo when we are not root (CI and this machine run as root).
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
JB_FLAGS := -W -n --keep-going

setup: $(STAMP)

# Reinstall only when the pins or the package metadata change. uv (pinned, from PyPI)
# installs the pinned set in under half of pip's time (19 s against 42 s on a fresh clone,
# bytecode included). uv reads neither pip.conf nor PIP_* (a mirror, a proxy's certificate):
# when uv cannot be installed or cannot install, pip installs the same pins.
UV_VERSION := 0.13.9
$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11, 5) else "Python 3.11.5 or later is needed (the pinned packages need it): make PYTHON=/path/to/python3.11 ...")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing the pinned packages (uv $(UV_VERSION), or pip)"
	@if $(BIN)/pip install --quiet uv==$(UV_VERSION) && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode -r requirements.txt && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .; then :; \
	else \
	  echo "uv could not install them: installing with pip"; \
	  $(BIN)/pip install --quiet --upgrade pip && \
	  $(BIN)/pip install --quiet -r requirements.txt && \
	  $(BIN)/pip install --quiet --no-deps -e .; \
	fi
	touch $(STAMP)

# The build purges unused CSS with PurgeCSS (pinned in package.json) when npm is here; with
# Python only it builds all the same and says the purge was skipped.
book: setup
	@if command -v npm >/dev/null; then test -f node_modules/purgecss/package.json || npm ci --no-audit --no-fund --loglevel=error; \
	  else echo "npm not found: the book is built without purging unused CSS"; fi
	$(BIN)/jupyter-book build . $(JB_FLAGS)

validate: setup
	$(BIN)/cehcourse validate

# Debian's chromium (Playwright drives it; its own browser download cannot work
# offline), poppler's pdftotext for the PDF test, and axe-core pinned from npm.
browser-deps:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || \
	  ($(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium poppler-utils)
	@test -f node_modules/axe-core/axe.min.js || npm ci --no-audit --no-fund --loglevel=error

# Tests that need no built book and no browser (they run on a clean checkout).
unit: setup
	$(BIN)/pytest tests -m "not site"

# The notebooks are executed by the build (errors not allowed) and, as downloaded from the
# book, by tests/test_standalone_notebooks.py in a fresh venv. The build keeps about one
# core busy, so the tests that need no book (`unit`) run beside it (each job's output is
# printed whole when it ends); then the tests of the built site run on three workers (on
# two cores: a third fills the time the others spend waiting on pages and timers, about a
# sixth off the whole), which take them one by one in the order tests/conftest.py sets
# (longest first), tests that share a costly module fixture (its ONE_WORKER) on one worker.
# Every test runs once.
test: setup browser-deps
	$(MAKE) --no-print-directory -j2 --output-sync=target book unit
	$(BIN)/pytest tests -m site -n 3 --dist loadgroup --no-loadscope-reorder

# Lighthouse (pinned) only for the benchmark: it is large, and no test needs it. The figures
# go into README.md; BENCH_FLAGS="--lighthouse-pages all" scores every page, not each kind's heaviest.
LIGHTHOUSE_VERSION := 12.8.2
bench: setup browser-deps
	@test -x node_modules/.bin/lighthouse || npm install --no-save --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)
	$(BIN)/python scripts/bench.py --readme $(BENCH_FLAGS)

serve: book
	@echo "Serving $(HTML) on http://127.0.0.1:$(PORT)/"
	$(BIN)/python -m http.server $(PORT) --bind 127.0.0.1 --directory $(HTML)

pdf: book browser-deps
	$(BIN)/python scripts/make_pdf.py

# Jupyter refuses to start as root unless told; containers and CI often run as root.
LAB_FLAGS := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)
lab: setup
	$(BIN)/jupyter lab exercises $(LAB_FLAGS)

clean:
	rm -rf _build .pytest_cache
