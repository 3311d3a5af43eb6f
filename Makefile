# One command each; every target creates .venv and installs what it needs when missing.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-dev

.PHONY: run test test-all lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "rmjournal needs Python 3.11 or newer")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --upgrade pip >/dev/null 2>&1 || true
	@# compat: a plain path in a .pth file. The default editable mode installs an import hook
	@# whose own imports cost every command ~5 ms of start-up (docs/performance.md).
	$(PY) -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	@touch $(STAMP)

run: $(STAMP)
	$(VENV)/bin/rmjournal demo

test: $(STAMP)
	$(PY) -m pytest -q -n 2 -m "not slow"

test-all: $(STAMP)
	$(PY) -m pytest -q -n 2

lint: $(STAMP)
	$(VENV)/bin/ruff check rmjournal tests benchmarks
	$(VENV)/bin/ruff format --check rmjournal tests benchmarks
	$(VENV)/bin/mypy rmjournal
	$(VENV)/bin/lint-imports

bench: $(STAMP)
	$(PY) -m benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
