"""The Sessions screen: every session (number, date, status, agenda items), and the way in.

`n` plans the next session (its agenda pre-filled with what is unfinished) and opens the agenda;
Enter opens the highlighted session's record, `p` its agenda.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from rmjournal.app.dialogs.form import ConfirmDialog
from rmjournal.app.dialogs.session_forms import SessionDialog, SessionForm
from rmjournal.app.screens.agenda import AgendaScreen
from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.screens.record import RecordScreen
from rmjournal.app.screens.session_page import (
    attempt,
    cursor_key,
    keep_cursor,
    mark_held,
    plan_or_ask,
)
from rmjournal.app.widgets.labels import long_date, session_status_label, user_text
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.app.widgets.tables import Column, fit_columns
from rmjournal.core.model import AgendaItem, Session, SessionStatus

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal

COLUMNS: list[Column] = [
    ("No.", 3),
    ("Date", 16),
    ("Status", 12),
    ("Topics", 6),
    ("Open", 4),
    ("Carried", 7),
    ("Place", None),
]


class SessionRow(NamedTuple):
    """What one row of the list says: compared to tell which rows need redrawing."""

    number: int
    is_next: bool
    on: date
    status: SessionStatus
    topics: int
    still_open: int
    carried: int
    place: str


def _row(session: Session, agenda: list[AgendaItem], is_next: bool) -> SessionRow:
    return SessionRow(
        session.number,
        is_next,
        session.date,
        session.status,
        len(agenda),
        sum(1 for i in agenda if i.outcome == "open"),
        sum(1 for i in agenda if i.carried_from or i.outcome == "carried_over"),
        session.place or "",
    )


def _cells(row: SessionRow) -> list[Text]:
    return [
        Text(str(row.number), style="bold" if row.is_next else ""),
        Text(long_date(row.on)),
        session_status_label(row.status),
        Text(str(row.topics)),
        Text(str(row.still_open)),
        Text(str(row.carried)),
        user_text(row.place, empty="—"),
    ]


class SessionsScreen(JournalScreen):
    """The list of sessions; agenda and record screens open on top of it."""

    MODE = "sessions"
    PALETTE_LABEL = "Sessions"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "new_session", "Plan next session", id="sessions.plan"),
        Binding("enter", "open_record", "Record", priority=True, id="sessions.record"),
        Binding("p", "open_agenda", "Agenda", id="sessions.agenda"),
        Binding("h", "held", "Mark held", id="sessions.held"),
        Binding("m", "move_session", "Date & place", id="sessions.move"),
        Binding("c", "cancelled", "Mark cancelled", show=False, id="sessions.cancelled"),
        Binding("delete", "delete_session", "Delete unheld", show=False, id="sessions.delete"),
    ]
    DEFAULT_CSS = """
    SessionsScreen #sessions-summary { height: auto; padding: 0 1; }
    SessionsScreen #sessions { height: 1fr; border: round $border; }
    """

    def __init__(self, journal: Journal) -> None:
        super().__init__(journal)
        self._rows: dict[str, SessionRow] = {}
        """What each shown row says, by session id, in table order."""
        self._shown_at = -1
        """The journal's change count when the rows were last read (-1: never)."""

    def compose_body(self) -> ComposeResult:
        yield Static("", id="sessions-summary")
        table: DataTable[object] = DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        table.border_title = "Sessions"
        yield table

    def on_mount(self) -> None:
        self.query_one("#sessions", DataTable).focus()

    def on_screen_resume(self) -> None:
        self.refresh_list()

    def on_resize(self) -> None:
        self.refresh_list()

    def refresh_list(self) -> None:
        """Show the sessions as the journal has them now, touching only the rows that changed.

        Coming back from a session's page is the common case: when the journal did not change
        meanwhile nothing is read at all; otherwise the sessions and every agenda are read in two
        queries and only the cells that differ are redrawn. The table is rebuilt only when
        sessions came or went (or the columns were re-fitted to a new width).
        """
        table = self.query_one("#sessions", DataTable)
        key = cursor_key(table)
        refitted = fit_columns(table, COLUMNS, self.app.size.width)
        changes = self.journal.changes
        if not refitted and changes == self._shown_at:
            return
        sessions = self.journal.sessions()
        next_session = self.journal.next_session()
        agendas: dict[str, list[AgendaItem]] = defaultdict(list)
        for item in self.journal.all_agenda_items():
            agendas[item.session_id].append(item)
        next_id = next_session.id if next_session is not None else None
        rows = {s.id: _row(s, agendas[s.id], s.id == next_id) for s in sessions}
        if refitted or list(rows) != list(self._rows):
            table.clear()
            for session_id, row in rows.items():
                table.add_row(*_cells(row), key=session_id)
            if not sessions:
                table.add_row(
                    Text(""),
                    Text("No sessions yet — press n to plan the first one.", "dim italic"),
                    *[Text("")] * 5,
                    key="__empty__",
                )
            if key is None and next_session is not None:
                key = next_session.id
            keep_cursor(table, key)
        else:
            for session_id, row in rows.items():
                if row != self._rows[session_id]:
                    for column, cell in zip(COLUMNS, _cells(row), strict=True):
                        table.update_cell(session_id, column[0], cell)
        self._rows = rows
        self._shown_at = changes
        pair = self.journal.pair()
        held = sum(1 for s in sessions if s.status == "held")
        planned = pair.planned_sessions if pair else 0
        line = Text(f"{held} of {planned} planned sessions held.", style="bold")
        if next_session:
            line.append(f"  Next: session {next_session.number} on {long_date(next_session.date)}.")
        else:
            line.append("  No session planned: press n to plan the next one.")
        self.query_one("#sessions-summary", Static).update(line)

    def _current(self) -> Session | None:
        key = cursor_key(self.query_one("#sessions", DataTable))
        if key is None or key == "__empty__":
            return None
        return self.journal.session(key)

    def open_session(
        self, session_id: str, view: str = "record", item_id: str | None = None
    ) -> None:
        """Show one session's record (or agenda), with `item_id` highlighted if given."""
        keep_cursor(self.query_one("#sessions", DataTable), session_id)
        page = AgendaScreen if view == "agenda" else RecordScreen
        self.app.push_screen(page(self.journal, session_id, item_id))

    def action_new_session(self) -> None:
        """Plan the next session (pre-filled with what is unfinished) and open its agenda.

        Past the plan's last session this asks first: one more session, a longer plan, or not
        now (`plan_or_ask`)."""

        def opened(session: Session) -> None:
            self.refresh_list()
            self.open_session(session.id, "agenda")

        plan_or_ask(self, opened)

    def action_delete_session(self) -> None:
        """Delete the highlighted session if it was never held (after a question)."""
        session = self._current()
        if session is None:
            return
        if session.status == "held":
            self.notify(
                f"Session {session.number} was held: it stays as the record of the meeting.",
                severity="warning",
            )
            return

        def answered(yes: bool | None) -> None:
            if yes and attempt(self, lambda: self.journal.delete_planned_session(session.id)):
                self.refresh_list()

        self.app.push_screen(
            ConfirmDialog(
                f"Delete session {session.number} ({session.status}, never held) with its "
                "agenda and notes?"
            ),
            answered,
        )

    def action_open_record(self) -> None:
        """Open the highlighted session's record."""
        session = self._current()
        if session is None:
            self.action_new_session()
        else:
            self.open_session(session.id, "record")

    def action_open_agenda(self) -> None:
        """Open the highlighted session's agenda."""
        session = self._current()
        if session is not None:
            self.open_session(session.id, "agenda")

    @on(DataTable.RowSelected, "#sessions")
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open_record()

    def action_move_session(self) -> None:
        """Move the highlighted session to another day, or change where it happens."""
        session = self._current()
        if session is None:
            return

        def moved(form: SessionForm | None) -> None:
            if form is not None and attempt(
                self,
                lambda: self.journal.update_session(
                    session.id,
                    on=form.on,
                    place=form.place,
                    time=form.time,
                    duration_minutes=form.minutes,
                ),
            ):
                self.refresh_list()

        self.app.push_screen(SessionDialog(session, self.journal.today()), moved)

    def action_held(self) -> None:
        """Record that the highlighted session took place."""
        session = self._current()
        if session is not None:
            mark_held(self, session.id, self.refresh_list)

    def action_cancelled(self) -> None:
        """Record that the highlighted session did not take place."""
        session = self._current()
        if session is not None and attempt(self, lambda: self.journal.mark_cancelled(session.id)):
            self.refresh_list()
