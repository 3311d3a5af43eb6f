"""The frame every content screen shares: header, the screen's own body, status line, footer.

Content screens subclass `JournalScreen` and implement `compose_body()`; the frame gives them
the save indicator and the key footer for free, and the app removes them all on lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Header

from rmjournal.app.widgets.footer import SteadyFooter
from rmjournal.app.widgets.status import StatusLine

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal


class JournalScreen(Screen[None]):
    """A screen that shows journal content; only exists while the journal is unlocked."""

    MODE: ClassVar[str] = ""
    """The app mode (and fixed key's target) this screen is the base of, e.g. "dashboard"."""

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    DEFAULT_CSS = """
    JournalScreen > #bottom-bar { dock: bottom; height: auto; }
    JournalScreen > #bottom-bar > Footer { dock: none; }
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield from self.compose_body()
        # One docked bar holds both lines: two widgets docked to the same edge would overlap,
        # and the footer would hide the save state.
        with Vertical(id="bottom-bar"):
            yield StatusLine()
            yield SteadyFooter()

    def compose_body(self) -> ComposeResult:
        """The screen's own widgets, between the header and the status line."""
        yield from ()
