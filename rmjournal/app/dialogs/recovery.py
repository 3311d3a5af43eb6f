"""The recovery key, shown exactly once after a journal is created.

The person must confirm they saved it (tick the box, then Continue) before going on; the key is
not kept anywhere once this screen closes.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Center, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Static

from rmjournal.app.widgets.choice import ClearCheckbox
from rmjournal.app.widgets.literal import literal


class RecoveryKeyScreen(ModalScreen[bool]):
    """Show the recovery key once; dismissed with True when its safe keeping is confirmed."""

    AUTO_FOCUS = "#saved"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "done", "Continue", id="recovery.continue", show=False)
    ]

    def __init__(self, recovery_key: str, whose: str | None = None) -> None:
        """`whose`: the partner's role when the key is theirs (they joined from this app)."""
        super().__init__()
        self._key = recovery_key
        self._whose = whose

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="recovery-box", classes="dialog"):
            if self._whose is None:
                yield Static("Your recovery key", classes="screen-title")
                yield Static(
                    "It opens this journal if the passphrase is forgotten. It is shown only "
                    "now: write it down or print it, and keep it apart from this computer.",
                    classes="hint",
                )
            else:
                yield Static(f"The {self._whose}'s recovery key", classes="screen-title")
                yield Static(
                    f"It opens this journal if the {self._whose} forgets their passphrase. It "
                    f"is shown only now, for the {self._whose} to write down and keep apart "
                    "from this computer.",
                    classes="hint",
                )
            yield Static(literal(self._key), id="recovery-key")
            yield ClearCheckbox("I have saved the recovery key somewhere safe", id="saved")
            yield Button("Continue", id="continue", variant="primary", disabled=True)

    @on(Checkbox.Changed, "#saved")
    def _confirmed(self, event: Checkbox.Changed) -> None:
        self.query_one("#continue", Button).disabled = not event.value
        if event.value:
            self.query_one("#continue", Button).focus()

    @on(Button.Pressed, "#continue")
    def action_done(self) -> None:
        """Close once the person ticked that the key is written down; else ring the bell."""
        if self.query_one("#saved", Checkbox).value:
            self._key = ""
            self.dismiss(True)
        else:
            self.app.bell()
