"""Fixtures shared by every test: a fixed clock, private temp folders, the example journal."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rmjournal.core.clock import FixedClock

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_JSON = DATA / "example-journal.json"

MARKER = "ZEBRA-PLAINTEXT-MARKER-7f3a"
"""A string written into journals by leak tests; it must never be found in any file on disk."""

FIXED_NOW = datetime(2026, 7, 20, 9, 0, tzinfo=UTC)
"""The example journal was exported at this moment; tests that look at dates use it."""


@pytest.fixture
def clock() -> FixedClock:
    """A clock fixed at the example journal's export time."""
    return FixedClock(FIXED_NOW)


@pytest.fixture
def journal_dir(tmp_path: Path) -> Path:
    """A private folder (0700) for journal files."""
    folder = tmp_path / "journals"
    folder.mkdir(mode=0o700)
    return folder


@pytest.fixture
def example_doc() -> dict:
    """The interchange example from the design folder (a copy is kept in tests/data)."""
    return json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def _no_ambient_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never inherit a test-KDF switch or fixed clock from the developer's shell."""
    for name in ("RMJOURNAL_ALLOW_TEST_KDF", "RMJOURNAL_NOW"):
        monkeypatch.delenv(name, raising=False)
    os.umask(0o022)
