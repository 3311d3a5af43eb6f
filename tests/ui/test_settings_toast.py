"""A bad config.toml or user theme: one toast naming each problem, drawn for real on the
screen (not only listed), the defaults in use, and the app going on to unlock; and the Textual
switches that would write the screen to a file are refused."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from textual.widgets._toast import Toast
from uikit import SIZE, unlock

from rmjournal.app import UnsafeEnvironment, make_app, unsafe_environment
from rmjournal.app.screens.dashboard import DashboardScreen


async def test_a_bad_config_and_theme_are_drawn_in_one_toast_and_the_app_goes_on(
    app_factory, journal_path: Path, tmp_path: Path
) -> None:
    cfg = tmp_path / "cfg"
    (cfg / "themes").mkdir(parents=True)
    (cfg / "config.toml").write_text('theme = 3\nlock_timeout_minutes = "soon"\nwho = 1\n')
    (cfg / "themes" / "broken.toml").write_text('name = "x"\n[colors]\nprimary = "[b]red"\n')
    app = app_factory(journal_path, config_dir=cfg)
    async with app.run_test(size=SIZE, notifications=True) as pilot:  # toasts drawn for real
        await pilot.pause(0.2)
        toasts = list(app.screen.query(Toast))
        assert len(toasts) == 1
        problems = ("theme must be", "lock_timeout_minutes", "'who'", "broken.toml")
        for _ in range(50):  # the toast fades in: draw until it is fully on screen
            svg = app.export_screenshot()  # draws the toast, as the terminal would
            drawn = " ".join(html.unescape(re.sub(r"<[^>]+>", "", svg)).split())
            if all(problem in drawn for problem in problems):
                break
            await pilot.pause(0.1)
        for problem in problems:
            assert problem in drawn, problem
        assert "[b]red" in drawn  # the user's text shown as text, not taken as markup
        assert app.theme == "dark" and app.lock_timeout == 600
        await unlock(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, DashboardScreen)
        assert app.return_code is None


@pytest.mark.parametrize(
    "switch",
    [
        {"TEXTUAL_SCREENSHOT": "1"},
        {"TEXTUAL_SCREENSHOT": "0"},
        {"TEXTUAL_SCREENSHOT_LOCATION": "/tmp"},
        {"TEXTUAL_SCREENSHOT_FILENAME": "screen.svg"},
        {"TEXTUAL_DEBUG": "1"},
    ],
)
def test_switches_that_write_the_screen_are_refused(switch: dict[str, str], journal_path) -> None:
    assert unsafe_environment(switch)
    with pytest.raises(UnsafeEnvironment, match=next(iter(switch))):
        make_app(journal_path, environ=switch, allow_test_kdf=True)
    assert unsafe_environment({"TEXTUAL_SCREENSHOT": "-1"}) is None
