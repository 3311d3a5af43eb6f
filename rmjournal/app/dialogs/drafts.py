"""The drafts offer: right after unlocking, what the person typed and did not save comes back.

One draft at a time, newest first, with its whole text (as text, never markup): restore it (the
app goes to where it was typed and opens its dialog with the text in it), discard it, or leave
it for later (it stays kept, and is offered again where it was typed).
"""

from __future__ import annotations

from typing import ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from rmjournal.app.dialogs.form import DIALOG_CSS
from rmjournal.app.widgets.literal import literal
from rmjournal.core.journal.drafts import Draft

DraftChoice = tuple[Literal["restore", "discard"], Draft] | None
"""What the person chose for the draft shown (None: later)."""


class DraftsOffer(ModalScreen[DraftChoice]):
    """Offer the first of `drafts` back: r restores, d discards, Escape leaves it for later."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r,enter", "choose('restore')", "Restore", id="drafts.restore"),
        Binding("d", "choose('discard')", "Discard", id="drafts.discard"),
        Binding("escape", "later", "Later", id="drafts.later"),
    ]

    def __init__(self, drafts: list[Draft]) -> None:
        super().__init__(classes="rm-dialog")
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        draft = self.drafts[0]
        count = len(self.drafts)
        heading = (
            "You have a draft kept from before"
            if count == 1
            else f"You have {count} drafts kept from before; the newest first"
        )
        with Vertical(classes="dialog"):
            yield Static(heading, classes="screen-title")
            when = draft.updated_at[:16].replace("T", " ")
            line = Text("In “", style="bold")
            line.append_text(literal(draft.title or draft.place))
            line.append(f"”, kept {when}:", style="bold")
            yield Static(line)
            yield Static(literal(draft.text()), id="draft-text")
            yield Static(
                "r / Enter: restore it where it was typed · d: discard it · Escape: later "
                "(it stays kept)",
                classes="dialog-keys",
            )

    def action_choose(self, choice: Literal["restore", "discard"]) -> None:
        """Close with the choice for the draft shown."""
        self.dismiss((choice, self.drafts[0]))

    def action_later(self) -> None:
        """Close; the drafts stay kept."""
        self.dismiss(None)
