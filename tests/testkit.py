"""Constants shared by tests: paths, the leak marker, the fixed moment.

Kept out of `conftest.py` so test modules can import them by a unique name (`testkit`);
`tests/ui/conftest.py` would otherwise shadow `conftest` on the import path.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_JSON = DATA / "example-journal.json"

MARKER = "ZEBRA-PLAINTEXT-MARKER-7f3a"
"""A string written into journals by leak tests; it must never be found in any file on disk."""

FIXED_NOW = datetime(2026, 7, 20, 9, 0, tzinfo=UTC)
"""The example journal was exported at this moment; tests that look at dates use it."""
