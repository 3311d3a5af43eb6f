"""One action's page: what was agreed, by whom, when it is due, and its dated follow-up log.

Opened from the tracker with Enter (Escape goes back); the same one-key status changes work
here, and `f` adds a follow-up note to the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from rmjournal.app.screens.action_page import ActionPage
from rmjournal.app.widgets.labels import (
    action_status_label,
    due_text,
    long_date,
    status_label,
    user_text,
    visibility_label,
)
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.app.widgets.tables import Column, fit_columns
from rmjournal.core.errors import JournalError
from rmjournal.core.model import Action

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal


LOG_COLUMNS: list[Column] = [("Date", 10), ("By", 6), ("Status after", 13), ("Note", None)]


class ActionDetailScreen(ActionPage):
    """An action with its whole follow-up log."""

    PALETTE_LABEL = "Action"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="action.back"),
        Binding("t", "edit", "Edit", id="action.edit"),
    ]
    DEFAULT_CSS = """
    ActionDetailScreen #action-facts { height: auto; max-height: 50%; padding: 0 1; }
    ActionDetailScreen #follow-log { height: 1fr; border: round $border; }
    """

    def __init__(self, journal: Journal, action_id: str) -> None:
        super().__init__(journal)
        self.action_id = action_id

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="action-facts"):
            yield Static("", id="action-card")
        log: DataTable[object] = DataTable(id="follow-log", cursor_type="row", zebra_stripes=True)
        log.border_title = "Follow-up log"
        yield log

    def on_mount(self) -> None:
        self.query_one("#follow-log", DataTable).focus()

    def on_resize(self) -> None:
        self.refresh_page()

    def on_screen_resume(self) -> None:
        self.refresh_page()

    def current_action(self) -> Action | None:
        try:
            return self.journal.action(self.action_id)
        except JournalError:
            return None

    def action_changed(self, action_id: str) -> None:
        self.refresh_page()

    def refresh_page(self) -> None:
        """Re-read the action and its log."""
        action = self.current_action()
        card = self.query_one("#action-card", Static)
        log = self.query_one("#follow-log", DataTable)
        fit_columns(log, LOG_COLUMNS, self.app.size.width)
        log.clear()
        if action is None:
            card.update("This action no longer exists.")
            return
        today = self.journal.today()
        facts = Table.grid(padding=(0, 2))
        facts.add_column(style="bold", no_wrap=True)
        facts.add_column()
        facts.add_row("Action", user_text(action.title, hidden=action.hidden, style="bold"))
        facts.add_row("State", action_status_label(action, today))
        facts.add_row("Kind", Text(action.kind))
        facts.add_row("Owner", Text(action.owner))
        facts.add_row("Due", Text(due_text(action.due_on, today)))
        if action.closed_on:
            facts.add_row("Closed", Text(action.closed_on.isoformat()))
        if action.agreed_in:
            try:
                s = self.journal.session(action.agreed_in)
                facts.add_row("Agreed in", Text(f"session {s.number} ({long_date(s.date)})"))
            except JournalError:
                pass
        facts.add_row("Visibility", visibility_label(action.visibility))
        facts.add_row("Detail", user_text(action.detail, hidden=action.hidden, empty="(no detail)"))
        card.update(facts)
        for f in reversed(action.follow_ups):
            log.add_row(
                Text(f.on.isoformat()),
                Text(f.author),
                status_label(f.status),
                user_text(f.note, hidden=f.hidden, empty="—"),
                key=f.id,
            )
        if not action.follow_ups:
            log.add_row(
                Text(""), Text(""), Text(""), Text("No follow-ups yet — press f to add one.", "dim")
            )
        log.border_subtitle = "newest first · f follow up · space done · p in progress · D drop"

    def action_back(self) -> None:
        """Back to the tracker."""
        self.app.pop_screen()
