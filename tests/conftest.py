"""Fixtures shared by every test: a fixed clock, private temp folders, the example journal."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings
from testkit import EXAMPLE_JSON, FIXED_NOW

from rmjournal.core.clock import FixedClock

# Property tests are derandomized (the same examples every run, so CI never flakes on a new
# one) and keep no example database: failing examples may hold journal-like text, and
# `.hypothesis/` would leave it on disk. `HYPOTHESIS_PROFILE=explore` searches afresh.
settings.register_profile("deterministic", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", database=None, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "deterministic"))


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


@pytest.fixture(autouse=True, scope="session")
def _private_state_folder_for_the_session(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """Module- and session-scoped fixtures (journals made once for many tests) also remember
    journals in a private state folder, never the real one in the home folder."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_STATE_HOME", str(tmp_path_factory.mktemp("session-state")))
        yield


@pytest.fixture(autouse=True)
def _private_state_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Every test (and every CLI or app process it starts) remembers journals in its own
    state folder, never the real one in the home folder (`rmjournal.core.seen`)."""
    folder = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("XDG_STATE_HOME", str(folder))
    return folder
