"""The Actions screen: Every action and commitment, with its follow-up log.

A placeholder frame until the content screens land; the app reaches it with its fixed key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from rmjournal.app.screens.base import JournalScreen


class ActionsScreen(JournalScreen):
    """Every action and commitment, with its follow-up log."""

    MODE = "actions"

    def compose_body(self) -> ComposeResult:
        yield Static("Actions", classes="screen-title")
        yield Static("Every action and commitment, with its follow-up log.", classes="placeholder")
