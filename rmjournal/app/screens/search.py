"""The Search screen: results as you type, across everything the person unlocked may read.

The query runs a moment after typing stops (the core's full-text search takes milliseconds);
results show their kind, title, date and a snippet, all as plain text. Enter in the field or on
a result opens it in its place: an agenda item or entry in its session's record, an action or
follow-up in the tracker.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.screens.navigate import show_action, show_session
from rmjournal.app.widgets.literal import literal
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.core.model import SearchHit
from rmjournal.text import counted

DEBOUNCE_SECONDS = 0.15
RESULTS = 50
SEARCH_HINT = "Type to search · Enter opens the first result · ↓ or Tab to the results"

KIND_WORDS = {
    "entry": "entry",
    "agenda": "agenda",
    "action": "action",
    "follow_up": "follow-up",
    "goal": "goal",
}


class SearchScreen(JournalScreen):
    """Full-text search across everything you may see."""

    MODE = "search"
    PALETTE_LABEL = "Search"
    COMMANDS: ClassVar = {ScreenCommands}
    AUTO_FOCUS = "#query"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_query", "New search", id="search.query"),
        Binding("escape", "leave_query", "Results", show=False, id="search.leave"),
    ]
    DEFAULT_CSS = """
    SearchScreen #query { margin: 0 1; }
    SearchScreen #search-status { height: auto; padding: 0 2; color: $text-muted; }
    SearchScreen #results { height: 1fr; border: round $border; margin: 0 1; }
    SearchScreen #results > .option-list--option { padding: 0 1; }
    """

    def __init__(self, journal) -> None:  # type: ignore[no-untyped-def]
        super().__init__(journal)
        self.hits: list[SearchHit] = []
        self._timer: Timer | None = None

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder="Search words (word* for a prefix)", id="query")
        yield Static(SEARCH_HINT, id="search-status")
        results = OptionList(id="results")
        results.border_title = "Results"
        yield results

    def on_screen_resume(self) -> None:
        self.query_one("#query", Input).focus()
        if self.query_one("#query", Input).value:
            self.run_search()

    @on(Input.Changed, "#query")
    def _typed(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(DEBOUNCE_SECONDS, self.run_search)

    def run_search(self) -> None:
        """Search now for what is in the field and show the results."""
        self._timer = None
        query = self.query_one("#query", Input).value
        self.hits = self.journal.search(query, limit=RESULTS) if query.strip() else []
        results = self.query_one("#results", OptionList)
        results.clear_options()
        for hit in self.hits:
            results.add_option(Option(self._line(hit)))
        status = self.query_one("#search-status", Static)
        if not query.strip():
            status.update(SEARCH_HINT)
        elif not self.hits:
            status.update("No matches. Every word must match; try fewer words or word*.")
        else:
            more = " (the best 50)" if len(self.hits) == RESULTS else ""
            status.update(f"{counted(len(self.hits), 'result')}{more} · ↓ to choose · Enter opens")
        results.highlighted = 0 if self.hits else None

    @staticmethod
    def _line(hit: SearchHit) -> Text:
        line = Text()
        line.append(f"{KIND_WORDS.get(hit.kind, hit.kind):<10}", style="bold")
        line.append_text(literal(hit.title, "bold"))
        if hit.when:
            line.append(f"  {hit.when.isoformat()}", style="dim")
        if hit.snippet:  # empty when it would only repeat the title
            line.append("\n          ")
            line.append_text(literal(hit.snippet))
        return line

    @on(Input.Submitted, "#query")
    async def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._timer is not None:
            self._timer.stop()
            self.run_search()
        if self.hits:
            await self.open_hit(self.hits[0])

    def on_key(self, event) -> None:  # type: ignore[no-untyped-def]
        if event.key == "down" and self.focused is self.query_one("#query") and self.hits:
            event.stop()
            self.query_one("#results").focus()

    @on(OptionList.OptionSelected, "#results")
    async def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.hits):
            await self.open_hit(self.hits[event.option_index])

    async def open_hit(self, hit: SearchHit) -> None:
        """Open a result in its place."""
        if hit.kind in ("entry", "agenda") and hit.session_id:
            item = hit.id if hit.kind == "agenda" else None
            await show_session(self.app, hit.session_id, "record", item)
        elif hit.kind in ("action", "follow_up") and hit.action_id:
            await show_action(self.app, hit.action_id)
        elif hit.kind == "goal":
            self.notify("Goals are shown on the review screen (r).", timeout=3)

    def action_focus_query(self) -> None:
        """Put the cursor back in the search field, text selected for a new search."""
        field = self.query_one("#query", Input)
        field.focus()
        field.select_all()

    def action_leave_query(self) -> None:
        """Escape from the field to the results (so letter keys work again)."""
        if self.focused is self.query_one("#query"):
            self.query_one("#results").focus()
