"""The Review screen: The six-month review: cadence kept, actions done, learnings.

A placeholder frame until the content screens land; the app reaches it with its fixed key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from rmjournal.app.screens.base import JournalScreen


class ReviewScreen(JournalScreen):
    """The six-month review: cadence kept, actions done, learnings."""

    MODE = "review"

    def compose_body(self) -> ComposeResult:
        yield Static("Review", classes="screen-title")
        yield Static(
            "The six-month review: cadence kept, actions done, learnings.", classes="placeholder"
        )
