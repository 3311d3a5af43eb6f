"""What the agenda and record screens share: one session, its agenda as a table, common keys.

Both screens are pushed on the Sessions mode's stack (Escape goes back to the list); `o` swaps
between preparing the agenda and recording the session without losing the highlighted topic.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static

from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.widgets.labels import (
    long_date,
    session_status_label,
    visibility_label,
)
from rmjournal.app.widgets.literal import literal
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.app.widgets.tables import Column, cell_picker, fit_columns, flex_width
from rmjournal.core.errors import JournalError
from rmjournal.core.model import VISIBILITY_CYCLE

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.model import AgendaItem, Session


def attempt(screen: Screen[Any], write: Callable[[], object]) -> bool:
    """Run a journal write; a `JournalError` becomes a notification in words (no traceback)."""
    try:
        write()
    except JournalError as error:
        screen.notify(str(error), title="Not changed", severity="error", markup=False)
        return False
    return True


def mark_held(screen: Any, session_id: str, then: Callable[[], object]) -> None:
    """Record that a session took place, then call `then`. One dated after today asks first
    when it took place: today (the pair met early: dated today, so it is not counted, or shown
    as last held "in 9 days", ahead of its meeting) or on its planned day."""
    from rmjournal.app.dialogs.form import ChoiceDialog

    journal = screen.journal
    session = journal.session(session_id)
    today = journal.today()

    def held(on: date | None) -> None:
        if attempt(screen, lambda: journal.mark_held(session_id, on=on)):
            dated = ", dated today" if on is not None else ""
            screen.notify(f"Session {session.number} marked as held{dated}.", timeout=3)
            then()

    if session.status == "held" or session.date <= today:
        held(None)
        return

    def answered(answer: str | None) -> None:
        if answer:
            held(today if answer == "today" else None)

    screen.app.push_screen(
        ChoiceDialog(
            f"Session {session.number} is dated {long_date(session.date)}, after today. "
            "When did it take place?",
            [("t", "today", "today (we met early)"), ("p", "planned", "on its planned day")],
        ),
        answered,
    )


def plan_or_ask(screen: Any, then: Callable[[Session], object]) -> None:
    """Plan the next session and pass it to `then`; past the plan's last session, ask first:
    one more session beyond the plan, a plan one session longer, or not now."""
    from rmjournal.app.dialogs.form import ChoiceDialog
    from rmjournal.core.errors import PlanFull

    journal = screen.journal
    try:
        session = journal.plan_next_session()
    except PlanFull as full:

        def answered(answer: str | None) -> None:
            made: list[Session] = []
            if answer and attempt(
                screen,
                lambda: made.append(
                    journal.plan_next_session(
                        beyond_plan=answer == "one", extend_plan=answer == "extend"
                    )
                ),
            ):
                then(made[0])

        screen.app.push_screen(
            ChoiceDialog(
                str(full),
                [("1", "one", "one more session"), ("2", "extend", "extend the plan by one")],
            ),
            answered,
        )
        return
    except JournalError as error:
        screen.notify(str(error), title="Not changed", severity="error", markup=False)
        return
    then(session)


def keep_cursor(table: DataTable[object], key: str | None) -> None:
    """Put the table's cursor back on the row with `key` (after the rows were rebuilt)."""
    if key is None:
        return
    with contextlib.suppress(Exception):  # the row is gone: the cursor stays where it is
        table.move_cursor(row=table.get_row_index(key), scroll=True)


def cursor_key(table: DataTable[object]) -> str | None:
    """The key of the highlighted row, or None when the table is empty."""
    if table.row_count == 0:
        return None
    try:
        row_key, _ = table.coordinate_to_cell_key(table.cursor_coordinate)
    except Exception:
        return None
    return row_key.value


class SessionPage(JournalScreen):
    """One session's page: a heading, the agenda table, and the keys both pages share."""

    COMMANDS: ClassVar = {ScreenCommands}
    PALETTE_LABEL = "Session"

    @dataclass
    class SwitchPage(Message):
        """Show the session's other page instead of this one, keeping `item_id` highlighted.

        The app makes the switch, so that the agenda and record pages need not import each other.
        """

        page: Literal["agenda", "record"]
        journal: Journal
        session_id: str
        item_id: str | None

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="session.back"),
        Binding("v", "visibility", "Visibility", id="session.visibility"),
    ]
    DEFAULT_CSS = """
    SessionPage .session-heading { height: auto; padding: 0 1; text-style: bold; color: $primary; }
    SessionPage .session-hint { height: auto; padding: 0 1; color: $text-muted; }
    SessionPage #agenda { height: 1fr; border: round $foreground 50%; }
    SessionPage #agenda:focus-within { border: round $border; }
    """

    def __init__(self, journal: Journal, session_id: str, item_id: str | None = None) -> None:
        super().__init__(journal)
        self.session_id = session_id
        self.start_item = item_id
        self.flex = 30

    def session(self) -> Session:
        """The session shown (fresh from the journal)."""
        return self.journal.session(self.session_id)

    def heading(self) -> Text:
        """ "Session 3 · ○ planned · Mon 3 Aug 2026 · agenda", with place and length if known."""
        s = self.session()
        line = Text(f"Session {s.number} · ")
        line.append_text(session_status_label(s.status))
        line.append(f" · {long_date(s.date)}" + (f" {s.time}" if s.time else ""))
        if s.duration_minutes:
            line.append(f" · {s.duration_minutes} min")
        if s.place:
            line.append(" · ")
            line.append_text(literal(s.place))
        return line

    def compose_heading(self) -> ComposeResult:
        """The heading line and a line of hint under it."""
        yield Static(self.heading(), classes="session-heading")
        yield Static(self.HINT, classes="session-hint")

    HINT = ""

    def agenda_table(self) -> DataTable[object]:
        """The agenda table."""
        return self.query_one("#agenda", DataTable)

    def make_agenda_table(self) -> DataTable[object]:
        """An empty agenda table (rows are added by `fill_agenda`)."""
        table: DataTable[object] = DataTable(id="agenda", cursor_type="row", zebra_stripes=True)
        table.border_title = "Agenda"
        return table

    def agenda_items(self) -> list[AgendaItem]:
        """The session's agenda, in order."""
        return self.journal.agenda(self.session_id)

    def agenda_row(self, number: int, item: AgendaItem) -> list[object]:
        """The cells of one agenda row (each page shows its own columns)."""
        raise NotImplementedError

    AGENDA_COLUMNS: ClassVar[list[Column]] = []

    def fill_agenda(self) -> None:
        """Rebuild the agenda rows from the journal, keeping the highlighted topic."""
        table = self.agenda_table()
        key = cursor_key(table) or self.start_item
        self.start_item = None
        width = self.agenda_width()
        self.flex = flex_width(self.AGENDA_COLUMNS, width)
        fit_columns(table, self.AGENDA_COLUMNS, width)
        table.clear()
        items = self.agenda_items()
        pick = cell_picker(self.AGENDA_COLUMNS, width)
        for number, item in enumerate(items, 1):
            table.add_row(*pick(self.agenda_row(number, item)), key=item.id)
        if not items:
            table.add_row(*pick(self.empty_row()), key="__empty__")
        keep_cursor(table, key)
        self.query_one(".session-heading", Static).update(self.heading())

    def agenda_width(self) -> int:
        """How wide the agenda table is (it fits its columns to this)."""
        return self.app.size.width

    def on_resize(self) -> None:
        self.refresh_page()

    def empty_row(self) -> list[object]:
        """The one row shown when the agenda is empty."""
        cells: list[object] = [Text("")] * len(self.AGENDA_COLUMNS)
        cells[1] = Text("No topics yet — press n to add one.", style="dim italic")
        return cells

    def current_item(self) -> AgendaItem | None:
        """The highlighted agenda item, or None."""
        key = cursor_key(self.agenda_table())
        if key is None or key == "__empty__":
            return None
        try:
            return self.journal.agenda_item(key)
        except JournalError:
            return None

    def on_screen_resume(self) -> None:
        self.refresh_page()

    def refresh_page(self) -> None:
        """Re-read everything shown from the journal."""
        self.fill_agenda()

    def action_back(self) -> None:
        """Back to the list of sessions."""
        self.app.pop_screen()

    def visibility_target(self) -> tuple[str, str] | None:
        """(id, current visibility) of the item the visibility key acts on."""
        item = self.current_item()
        return (item.id, item.visibility) if item else None

    def action_visibility(self) -> None:
        """Move the highlighted item on to the next visibility: pair → shareable → private."""
        target = self.visibility_target()
        if target is None:
            return
        item_id, current = target
        new = VISIBILITY_CYCLE.get(current, "pair")  # type: ignore[call-overload]
        if not attempt(self, lambda: self.journal.set_visibility(item_id, new)):
            return
        label = visibility_label(new)
        self.notify(f"Now {label.plain}", timeout=2, markup=False)
        self.refresh_page()
