"""The Export screen: The shareable summary: preview and approvals.

A placeholder frame until the content screens land; the app reaches it with its fixed key.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from rmjournal.app.screens.base import JournalScreen


class ExportScreen(JournalScreen):
    """The shareable summary: preview and approvals."""

    MODE = "export"

    def compose_body(self) -> ComposeResult:
        yield Static("Export", classes="screen-title")
        yield Static("The shareable summary: preview and approvals.", classes="placeholder")
