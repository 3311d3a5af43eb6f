# One command each; every target creates its venv and installs what it needs when missing.
# `make run` uses .venv-run: rmjournal and its runtime dependencies only, installed as a normal
# (non-editable) package, so it starts as it would for a user. The other targets use .venv: an
# editable install in setuptools' strict mode (a tree of links, found through a plain path in a
# .pth file: no import hook to pay for at every start) with the development tools.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev
RUNVENV := .venv-run
RUNSTAMP := $(RUNVENV)/.installed
SOURCES := $(shell find rmjournal themes -type f \( -name '*.py' -o -name '*.toml' -o -name '*.tcss' -o -name '*.json' \) -not -path '*/__pycache__/*' | LC_ALL=C sort)

.PHONY: run test test-all lint bench completions clean FORCE

# A strict editable install sees edits to its files but not new or removed files: the file list
# is kept here, and a change to it installs again.
$(VENV)/.sources: FORCE
	@mkdir -p $(VENV)
	@echo '$(SOURCES)' | cmp -s - $@ || echo '$(SOURCES)' > $@

$(STAMP): pyproject.toml setup.py $(VENV)/.sources
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rmjournal needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
	$(PY) -m pip install --quiet -e '.[dev]' --config-settings editable_mode=strict
	@touch $(STAMP)

$(RUNSTAMP): pyproject.toml setup.py $(SOURCES)
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rmjournal needs Python 3.11 or newer")'
	@test -x $(RUNVENV)/bin/python || $(PYTHON) -m venv $(RUNVENV)
	$(RUNVENV)/bin/python -m pip install --quiet .
	@touch $(RUNSTAMP)

run: $(RUNSTAMP)
	$(RUNVENV)/bin/rmjournal demo

# Each run has its own temp folder: under pytest's shared default (/tmp/pytest-of-USER), a second
# run on the same machine deletes the folders of the first while its tests are using them.
test: $(STAMP)
	@base=$$(mktemp -d); $(PY) -m pytest -q -n 2 -m "not slow" --basetemp="$$base"; rc=$$?; rm -rf "$$base"; exit $$rc

test-all: $(STAMP)
	@base=$$(mktemp -d); $(PY) -m pytest -q -n 2 --basetemp="$$base"; rc=$$?; rm -rf "$$base"; exit $$rc

lint: $(STAMP)
	$(VENV)/bin/ruff check rmjournal tests benchmarks
	$(VENV)/bin/ruff format --check rmjournal tests benchmarks
	$(VENV)/bin/mypy rmjournal
	$(VENV)/bin/mypy --platform win32 rmjournal
	$(VENV)/bin/mypy --platform darwin rmjournal
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) -m benchmarks

completions: $(STAMP)
	@mkdir -p build/completions build/man
	$(PY) -m rmjournal completion bash > build/completions/rmjournal.bash
	$(PY) -m rmjournal completion zsh > build/completions/_rmjournal
	$(PY) -m rmjournal manpage > build/man/rmjournal.1

clean:
	rm -rf $(VENV) $(RUNVENV) .pytest_cache .mypy_cache .ruff_cache build dist *.egg-info
