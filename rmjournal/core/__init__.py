"""The headless core: file format, database, domain rules. Nothing below here imports textual.

Keeping the core free of UI imports lets the CLI start fast and lets every rule be tested
without a terminal; `tests/unit/test_layering.py` guards it.
"""
