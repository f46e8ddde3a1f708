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

# Reinstall only when the pins or the package metadata change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

book: setup
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

# Notebooks run in their own pytest process: nbclient's event loop hangs beside the
# Playwright session that the browser tests keep open.
test: book browser-deps
	$(BIN)/pytest --nbmake --nbmake-timeout=300 exercises
	$(BIN)/pytest tests

# Lighthouse (pinned) only for the benchmark: it is large, and no test needs it.
LIGHTHOUSE_VERSION := 12.8.2
bench: setup browser-deps
	@test -x node_modules/.bin/lighthouse || npm install --no-save --no-audit --no-fund --loglevel=error lighthouse@$(LIGHTHOUSE_VERSION)
	$(BIN)/python scripts/bench.py

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
