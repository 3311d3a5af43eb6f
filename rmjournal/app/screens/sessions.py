"""The Sessions screen: Sessions, agenda preparation and session records.

A placeholder frame until the content screens land; the app reaches it with its fixed key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from rmjournal.app.screens.base import JournalScreen


class SessionsScreen(JournalScreen):
    """Sessions, agenda preparation and session records."""

    MODE = "sessions"

    def compose_body(self) -> ComposeResult:
        yield Static("Sessions", classes="screen-title")
        yield Static("Sessions, agenda preparation and session records.", classes="placeholder")
