"""How the shell looks: unlock, create and help, in the dark and high-contrast themes.

Plain `def` tests with `snap_compare` (SVG snapshots); `pytest --snapshot-update` redraws them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from uikit import SIZE

from rmjournal.app.config import Config, LoadedConfig

THEMES = ["dark", "high-contrast"]


def _app(app_factory, path: Path | None, theme: str):
    return app_factory(path, config=LoadedConfig(Config(theme=theme)))


async def _steady(pilot) -> None:
    """Let the screen settle (its cursors never blink in tests: the `_steady_cursors` fixture)."""
    await pilot.pause()


@pytest.mark.parametrize("theme", THEMES)
def test_unlock_screen(snap_compare, app_factory, journal_path: Path, theme: str) -> None:
    app = _app(app_factory, journal_path, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_steady)


@pytest.mark.parametrize("theme", THEMES)
def test_unlock_wrong_passphrase(snap_compare, app_factory, journal_path, theme: str) -> None:
    async def wrong(pilot) -> None:
        pilot.app.focused.value = "not it"
        await pilot.press("enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await _steady(pilot)

    app = _app(app_factory, journal_path, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=wrong)


@pytest.mark.parametrize("theme", THEMES)
def test_create_screen(snap_compare, app_factory, journal_dir: Path, theme: str) -> None:
    app = _app(app_factory, journal_dir / "new.rmj", theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=_steady)


@pytest.mark.parametrize("theme", THEMES)
def test_help_screen(snap_compare, app_factory, journal_path: Path, theme: str) -> None:
    async def open_help(pilot) -> None:
        await _steady(pilot)
        pilot.app.action_help()
        await pilot.pause()

    app = _app(app_factory, journal_path, theme)
    assert snap_compare(app, terminal_size=SIZE, run_before=open_help)


def test_recovery_key_screen(snap_compare, app_factory, journal_path: Path) -> None:
    from rmjournal.app.dialogs.recovery import RecoveryKeyScreen

    async def show(pilot) -> None:
        pilot.app.push_screen(RecoveryKeyScreen("ABCD-EFGH-IJKL-MNOP-QRST-UVWX-YZ23-4567"))
        await pilot.pause()

    assert snap_compare(app_factory(journal_path), terminal_size=SIZE, run_before=show)
