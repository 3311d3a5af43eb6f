"""The Dashboard screen: Next session, overdue actions, cadence and days to the review.

A placeholder frame until the content screens land; the app reaches it with its fixed key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from rmjournal.app.screens.base import JournalScreen


class DashboardScreen(JournalScreen):
    """Next session, overdue actions, cadence and days to the review."""

    MODE = "dashboard"

    def compose_body(self) -> ComposeResult:
        yield Static("Dashboard", classes="screen-title")
        yield Static(
            "Next session, overdue actions, cadence and days to the review.", classes="placeholder"
        )
