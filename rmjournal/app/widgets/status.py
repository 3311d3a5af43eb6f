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

    _shown: str | None = None
    """The state this line says now."""

    def on_mount(self) -> None:
        self._draw(self._state())
        self.watch(self.app, "save_state", self._show, init=False)
        self.app.screen_change_signal.subscribe(self, self._screen_changed)

    def _show(self, state: str) -> None:
        """Say the new state, or, when this line's screen is not the one in front (a dialog
        covers it, or another mode is shown), when that screen comes to the front.

        Any change on a screen under a dialog redraws the whole terminal (the dimmed screen
        behind the dialog is drawn again), and the state changes twice per save while the
        person types in the dialog; the line under the dialog is not what they read.
        """
        if self.screen is self.app.screen:
            self._draw(state)

    def _screen_changed(self, screen: object) -> None:
        if screen is self.screen and self._shown != self._state():
            self._draw(self._state())

    def _state(self) -> str:
        return str(getattr(self.app, "save_state", "saved"))

    def _draw(self, state: str) -> None:
        self._shown = state
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
