"""The status line above the footer: who is unlocked and whether every change is saved.

It reads the app's `save_state` (saved / unsaved / saving / failed) and says it in words with
a symbol, so the meaning never rests on colour alone.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from rmjournal.text import plain

SAVE_LABELS = {
    "saved": ("✓", "Saved"),
    "unsaved": ("●", "Unsaved changes"),
    "saving": ("…", "Saving"),
    "failed": ("✗", "Not saved"),
}


class StatusLine(Static):
    """One line: the unlocked person, the pair, and the save state."""

    DEFAULT_CSS = """
    StatusLine { height: 1; width: 100%; padding: 0 1; background: $panel; color: $foreground; }
    StatusLine.-failed { background: $error 30%; }
    StatusLine.-unsaved { background: $warning 15%; }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "save_state", self._show, init=True)

    def _show(self, state: str) -> None:
        symbol, words = SAVE_LABELS.get(state, ("?", state))
        who = getattr(self.app, "who_label", "")
        line = Text()
        if who:
            line.append(plain(who))
            line.append("  ·  ", style="dim")
        line.append(f"{symbol} {words}", style="bold")
        self.update(line, layout=False)  # one line, full width: its size never changes
        for name in SAVE_LABELS:
            self.set_class(name == state, f"-{name}")
