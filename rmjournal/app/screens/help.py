"""The help screen: every key the app answers to right now, built from the live bindings.

Generated, never hand-copied, so a remapped key or a key added by a screen shows up by itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


@dataclass(frozen=True)
class KeyRow:
    """One line of help: the key as displayed, what it does, and where it applies."""

    key: str
    description: str
    scope: str
    binding_id: str = ""
    """The id to remap this key with in config.toml's `[keys]` table ("" when it has none)."""


class HelpScreen(ModalScreen[None]):
    """A list of keys; Escape or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close help", id="help.close"),
        Binding("question_mark", "close", "Close help", show=False, id="help.close2"),
    ]

    def __init__(self, rows: list[KeyRow]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold")
        table.add_column("Key", no_wrap=True)
        table.add_column("Does")
        table.add_column("Where", style="dim")
        table.add_column("Remap as", style="dim", no_wrap=True)
        for row in self.rows:
            table.add_row(
                Text(row.key, style="bold"),
                Text(row.description),
                Text(row.scope),
                Text(row.binding_id),
            )
        with Vertical(id="help-box", classes="dialog"):
            yield Static("Keys", classes="screen-title")
            yield Static(
                "Letter keys work when no text field has the cursor; Escape leaves a field.",
                classes="hint",
            )
            with VerticalScroll():
                yield Static(table, id="help-keys")
            yield Static("Escape closes this help · ctrl+p finds any command", classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)
