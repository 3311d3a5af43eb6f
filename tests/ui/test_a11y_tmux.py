"""Toggles read from the screen's text alone (tmux, no colour): each state before and after its key.

`capture-pane -p` without `-e` gives the characters only, so a state shown only by colour would
read the same on and off here and the test would fail.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from tmuxkit import TMUX, start_app
from uikit import make_journal

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def mark_of(screen: str, label: str) -> str | None:
    """The character inside the toggle's brackets (▐X▌, ▐●▌ or ▐ ▌) just before `label`."""
    found = re.findall("▐(.)▌ " + re.escape(label), screen)
    assert len(found) <= 1, f"two toggles labelled {label!r} on the screen:\n{screen}"
    return found[0] if found else None


def state(screen: str) -> tuple[str | None, ...]:
    """The marks of Anonymise, Markdown and HTML as read from the characters."""
    return tuple(mark_of(screen, label) for label in ("Anonymise", "Markdown", "HTML"))


def all_drawn(screen: str) -> bool:
    return all(mark_of(screen, label) is not None for label in ("Anonymise", "Markdown", "HTML"))


def test_export_toggles_read_from_text_alone(tmp_path: Path, journal_dir: Path, clock) -> None:
    path = journal_dir / "pair.rmj"
    make_journal(path, clock)
    # COLUMNS and LINES would override the terminal's size (a test runner may set them).
    tmux = start_app(tmp_path, path, clock.now().isoformat(), (120, 60))
    try:
        tmux.wait_for(lambda s: "Passphrase" in s, "the unlock screen")
        tmux.run("send-keys", "-t", "rmj", "-l", PASSPHRASE)
        tmux.run("send-keys", "-t", "rmj", "Enter")
        tmux.wait_for(lambda s: "Amara Okafor" in s, "the dashboard")
        tmux.run("send-keys", "-t", "rmj", "e")
        screen = tmux.wait_for(all_drawn, "the export screen's toggles")
        assert state(screen) == (" ", "●", " ")

        tmux.run("send-keys", "-t", "rmj", "n")
        tmux.wait_for(lambda s: state(s) == ("X", "●", " "), "anonymise ticked")
        tmux.run("send-keys", "-t", "rmj", "m")
        tmux.wait_for(lambda s: state(s) == ("X", " ", "●"), "HTML chosen, Markdown not")

        tmux.run("send-keys", "-t", "rmj", "n")
        tmux.wait_for(lambda s: state(s) == (" ", " ", "●"), "anonymise unticked")
        tmux.run("send-keys", "-t", "rmj", "m")
        tmux.wait_for(lambda s: state(s) == (" ", "●", " "), "Markdown chosen again, HTML not")
        tmux.run("send-keys", "-t", "rmj", "C-q")
    finally:
        tmux.run("kill-server", check=False)
