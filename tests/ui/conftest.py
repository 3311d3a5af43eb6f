"""Fixtures for the app's tests: a test-KDF journal, private config and data folders, the app."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea
from uikit import make_journal

from rmjournal.app import make_app
from rmjournal.app.app import RMJournalApp
from rmjournal.core.clock import FixedClock


@pytest.fixture(autouse=True)
def _private_dirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's config or journals, or inherits Textual's log switches."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("TEXTUAL_LOG", raising=False)
    monkeypatch.delenv("TEXTUAL", raising=False)


@pytest.fixture(autouse=True)
def _steady_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text cursors do not blink in tests: a snapshot or a rendered-text check never catches
    one half-way, and no test has to steady them itself (the app's own blinking is untouched)."""
    for kind in (Input, TextArea):
        made = kind.__init__

        def steady_init(self: Any, *args: object, _made: Any = made, **kwargs: object) -> None:
            _made(self, *args, **kwargs)
            self.cursor_blink = False

        monkeypatch.setattr(kind, "__init__", steady_init)


@pytest.fixture
def journal_path(journal_dir: Path, clock: FixedClock) -> Path:
    """A test-KDF journal holding a pair and an action."""
    path = journal_dir / "pair.rmj"
    make_journal(path, clock)
    return path


AppFactory = Callable[..., RMJournalApp]


@pytest.fixture
def app_factory(tmp_path: Path, clock: FixedClock) -> AppFactory:
    """`make_app` with this test's clock, folders and the test-KDF switch."""

    def build(path: Path | None = None, **options: object) -> RMJournalApp:
        options.setdefault("clock", clock)
        options.setdefault("data_dir", tmp_path / "data" / "rmjournal")
        options.setdefault("config_dir", tmp_path / "config" / "rmjournal")
        options.setdefault("allow_test_kdf", True)
        options.setdefault("tick_seconds", 0.05)
        return make_app(path, **options)  # type: ignore[arg-type]

    return build
