"""The offer to merge when the journal file changed on disk while it was open.

A sync tool or the partner's copy may replace the file. Saving then refuses (`ChangedOnDisk`)
rather than overwrite someone's words; this dialog asks whether to fold the file on disk into
what is open (then save) or to keep the changes in memory, unsaved, for now.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Static


class MergeOfferScreen(ModalScreen[bool]):
    """Asks whether to merge the changed file into the open journal; dismisses True to merge."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("m", "merge", "Merge, then save", id="merge.accept"),
        Binding("enter", "merge", "Merge, then save", show=False, id="merge.accept_enter"),
        Binding("escape", "later", "Not now", id="merge.later"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="merge-offer"):
            yield Static("The journal file changed on disk", classes="screen-title")
            yield Static(
                "Since you opened it, another copy replaced the file (a sync tool, or your "
                "partner's copy). Saving now would overwrite what it holds, so nothing was saved."
            )
            yield Static(
                "Press m to merge the file into what you have open, then save: nothing either of "
                "you wrote is lost, and where you both changed the same thing the other version "
                "is kept for you to review. Escape keeps your changes in memory, unsaved.",
                classes="hint",
            )
        yield Footer()

    def action_merge(self) -> None:
        """Close saying: merge the file on disk, then save."""
        self.dismiss(True)

    def action_later(self) -> None:
        """Close saying: not now, keep the changes in memory."""
        self.dismiss(False)
