"""The Search screen: Full-text search across everything you may see.

A placeholder frame until the content screens land; the app reaches it with its fixed key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from rmjournal.app.screens.base import JournalScreen


class SearchScreen(JournalScreen):
    """Full-text search across everything you may see."""

    MODE = "search"

    def compose_body(self) -> ComposeResult:
        yield Static("Search", classes="screen-title")
        yield Static("Full-text search across everything you may see.", classes="placeholder")
