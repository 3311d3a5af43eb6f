"""Keeping the journal safe from inside the app: a new passphrase, and the partner's own.

Job 9 of the product asks for both, as `rmjournal passwd` and `rmjournal slot add` offer them
on the command line. The dialog collects a new passphrase typed twice, with the same strength
hint and policy as the "new pair journal" screen (`core.strength`); the app saves the journal
first, then rewrites the key slots in a thread worker (the key derivation is slow on purpose).

Changing your passphrase asks for the current one too: an unlocked journal left on a desk must
not be enough to lock its owner out.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.widgets import Input, Static

from rmjournal.app.dialogs.form import FormDialog, FormProblem
from rmjournal.app.widgets.literal import literal
from rmjournal.app.widgets.strength import PassphraseProblem, passphrase_from, strength_label
from rmjournal.core.secret import Secret
from rmjournal.core.strength import preload


@dataclass
class NewPassphrase:
    """What the dialog collected: the passphrase in use (when asked for) and the new one."""

    current: Secret | None
    new: Secret


class PassphraseDialog(FormDialog[NewPassphrase | None]):
    """A new passphrase typed twice; with `ask_current`, the one in use first."""

    AUTO_FOCUS = "Input"  # the first field: the current passphrase when it is asked for
    KEYS_HINT = "Enter moves on · ctrl+s saves · Tab moves · Escape cancels"

    def __init__(self, title: str, intro: str, *, ask_current: bool) -> None:
        super().__init__(title)
        self.intro = intro
        self.ask_current = ask_current

    def fields(self) -> ComposeResult:
        yield Static(literal(self.intro), classes="hint")
        if self.ask_current:
            yield from self.field("Your passphrase now", "current", password=True)
        yield from self.field("New passphrase", "new", password=True)
        yield Static(strength_label(""), id="strength", classes="hint")
        yield from self.field("New passphrase again", "again", password=True)

    def on_mount(self) -> None:
        self.run_worker(preload, thread=True, description="load the strength estimate")

    @on(Input.Changed, "#new")
    def _new_changed(self, event: Input.Changed) -> None:
        self.query_one("#strength", Static).update(strength_label(event.value))

    def moves_on(self, field: Input) -> bool:
        """Enter moves on to the next field; on the last one it saves."""
        return field.id != "again"

    def result(self) -> NewPassphrase | None:
        current = None
        if self.ask_current:
            try:
                current = passphrase_from(self.value_of("current"))
            except PassphraseProblem:
                raise FormProblem("Type the passphrase you unlocked with.", "current") from None
        try:
            new = passphrase_from(self.value_of("new"), self.value_of("again"))
        except PassphraseProblem as problem:
            raise FormProblem(str(problem), "again" if problem.again else "new") from None
        return NewPassphrase(current, new)
