"""Shown instead of the journal when locking could not save: content hidden, changes kept.

The journal's screens are already gone; this screen only offers to retry the save (then lock)
or to discard the unsaved changes and lock, so nothing is lost silently and nothing is shown.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Static

from rmjournal.app.widgets.literal import literal


class SaveFailedLockScreen(Screen[str]):
    """Locked, but the last changes are not saved: dismisses with "retry" or "discard"."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "retry", "Retry save", id="locked.retry"),
        Binding("ctrl+d", "discard", "Discard changes", id="locked.discard"),
    ]

    def __init__(self, problem: str) -> None:
        super().__init__()
        self.problem = problem
        self._discard_armed = False

    def compose(self) -> ComposeResult:
        message = Text("✗ Your last changes could not be saved: ", style="bold")
        message.append_text(literal(self.problem))
        with Center(), Vertical(classes="dialog"):
            yield Static("Journal hidden", classes="screen-title")
            yield Static(message, id="lock-problem")
            yield Static(
                "The changes are still in memory. Press r to try saving again (then the journal "
                "locks), or ctrl+d twice to discard them and lock.",
                id="lock-help",
                classes="hint",
            )
        yield Footer()

    def action_retry(self) -> None:
        """Try to save again, then lock."""
        self.dismiss("retry")

    def action_discard(self) -> None:
        """Lock without the unsaved changes; asks for the key a second time first."""
        if self._discard_armed:
            self.dismiss("discard")
            return
        self._discard_armed = True
        self.query_one("#lock-help", Static).update(
            "Press ctrl+d again to discard the unsaved changes for good, or r to retry saving."
        )
