"""A one-line choice among a few words, changed with ←/→ or space: a keyboard-first select.

Dialogs ask for owner, kind, status or visibility; a dropdown needs three keys per change and
hides the other choices, while this shows the current word and moves with one key.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget


class Cycle(Widget, can_focus=True):
    """Shows "◂ word ▸"; ←/→ (or space) choose the previous/next of a fixed list of values."""

    DEFAULT_CSS = """
    Cycle { height: 1; width: auto; min-width: 16; padding: 0 1; background: $boost; }
    Cycle:focus {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("right,space", "step(1)", "Next choice", show=False, id="choice.next"),
        Binding("left", "step(-1)", "Previous choice", show=False, id="choice.previous"),
    ]

    value: reactive[str] = reactive("")

    @dataclass
    class Changed(Message):
        """The chosen value changed."""

        cycle: Cycle
        value: str

        @property
        def control(self) -> Cycle:
            """The Cycle that changed (lets `@on(Cycle.Changed, "#id")` match)."""
            return self.cycle

    def __init__(
        self,
        choices: Sequence[tuple[str, str]],
        value: str | None = None,
        *,
        id: str | None = None,
    ) -> None:
        """`choices` are (value, label) pairs; `value` the one chosen first."""
        super().__init__(id=id)
        self.choices = list(choices)
        self.set_reactive(Cycle.value, value if value is not None else self.choices[0][0])

    def _index(self) -> int:
        values = [v for v, _ in self.choices]
        return values.index(self.value) if self.value in values else 0

    def action_step(self, by: int) -> None:
        """Choose the next (`by`=1) or previous (-1) value, wrapping round."""
        self.value = self.choices[(self._index() + by) % len(self.choices)][0]

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        """As wide as the longest choice, so that every one shows whole: the width is laid out
        once, and sized by the first choice a longer one was cut ("◂ ↗ shareable: may go")."""
        return max(cell_len(label) for _, label in self.choices) + 4

    def render(self) -> Text:
        label = self.choices[self._index()][1]
        return Text.assemble(("◂ ", "dim"), (label, "bold"), (" ▸", "dim"))
