"""The Sessions screen: every session (number, date, status, agenda items), and the way in.

`n` plans the next session (its agenda pre-filled with what is unfinished) and opens the agenda;
Enter opens the highlighted session's record, `p` its agenda.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from rmjournal.app.dialogs.session_forms import SessionDialog, SessionForm
from rmjournal.app.screens.agenda import AgendaScreen
from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.screens.record import RecordScreen
from rmjournal.app.screens.session_page import attempt, cursor_key, keep_cursor
from rmjournal.app.widgets.labels import long_date, session_status_label, user_text
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.app.widgets.tables import Column, fit_columns
from rmjournal.core.model import Session

COLUMNS: list[Column] = [
    ("No.", 3),
    ("Date", 16),
    ("Status", 12),
    ("Topics", 6),
    ("Open", 4),
    ("Carried", 7),
    ("Place", None),
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
    ]
    DEFAULT_CSS = """
    SessionsScreen #sessions-summary { height: auto; padding: 0 1; }
    SessionsScreen #sessions { height: 1fr; border: round $border; }
    """

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
        """Re-read the sessions and their agendas."""
        table = self.query_one("#sessions", DataTable)
        key = cursor_key(table)
        fit_columns(table, COLUMNS, self.app.size.width)
        table.clear()
        sessions = self.journal.sessions()
        next_session = self.journal.next_session()
        for s in sessions:
            agenda = self.journal.agenda(s.id)
            open_items = sum(1 for i in agenda if i.outcome == "open")
            carried = sum(1 for i in agenda if i.carried_from or i.outcome == "carried_over")
            is_next = next_session is not None and s.id == next_session.id
            number = Text(str(s.number), style="bold" if is_next else "")
            table.add_row(
                number,
                Text(long_date(s.date)),
                session_status_label(s.status),
                Text(str(len(agenda))),
                Text(str(open_items)),
                Text(str(carried)),
                user_text(s.place or "", empty="—"),
                key=s.id,
            )
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
        """Plan the next session (pre-filled with what is unfinished) and open its agenda."""
        made: list[Session] = []
        if attempt(self, lambda: made.append(self.journal.plan_next_session())):
            self.refresh_list()
            self.open_session(made[0].id, "agenda")

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
        if session is not None and attempt(self, lambda: self.journal.mark_held(session.id)):
            self.refresh_list()

    def action_cancelled(self) -> None:
        """Record that the highlighted session did not take place."""
        session = self._current()
        if session is not None and attempt(self, lambda: self.journal.mark_cancelled(session.id)):
            self.refresh_list()
