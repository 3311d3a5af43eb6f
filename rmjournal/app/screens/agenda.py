"""Preparing a candid agenda: the next session's topics, pre-filled with what is unfinished.

`plan_next_session` has already carried over last session's open items and the open actions due
for follow-up; here the mentor adds topics, says who raised each, time-boxes them, attaches a
prompt and puts them in order, all by key.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Static

from rmjournal.app.dialogs.form import AskDialog, ConfirmDialog, FormProblem, parse_minutes
from rmjournal.app.dialogs.prompt_picker import NoPrompt, PromptPicker
from rmjournal.app.dialogs.session_forms import TopicDialog, TopicForm
from rmjournal.app.screens.session_page import SessionPage, attempt, keep_cursor
from rmjournal.app.widgets.labels import user_text, visibility_label
from rmjournal.app.widgets.tables import Column
from rmjournal.core.model import AgendaItem, Prompt, other_role
from rmjournal.text import counted, one_line


class AgendaScreen(SessionPage):
    """Add, edit, order and time-box the topics of one session's agenda."""

    PALETTE_LABEL = "Agenda"
    HINT = (
        "Carried-over items (↻) and follow-ups of open actions (⚑) are already in. "
        "Escape: back to the sessions."
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "add_topic", "Add topic", id="agenda.add"),
        Binding("enter", "edit_topic", "Edit", priority=True, id="agenda.edit"),
        Binding("shift+up", "move(-1)", "Move up", id="agenda.up"),
        Binding("shift+down", "move(1)", "Move down", id="agenda.down"),
        Binding("w", "who", "Raised by", id="agenda.who"),
        Binding("t", "time_box", "Time box", id="agenda.time"),
        Binding("p", "prompt", "Prompt", id="agenda.prompt"),
        Binding("f", "template", "From template", id="agenda.template"),
        Binding("c", "carry_forward", "Carry over", show=False, id="agenda.carry"),
        Binding("delete", "remove", "Remove", show=False, id="agenda.remove"),
        Binding("o", "record", "Record", id="agenda.record"),
    ]
    AGENDA_COLUMNS: ClassVar[list[Column]] = [
        ("#", 2),
        ("Topic", None),
        ("From", 10),
        ("Raised by", 9, 2),
        ("Time", 6),
        ("Prompt", 18, 1),
        ("Visibility", 11),
    ]

    DEFAULT_CSS = """
    AgendaScreen #topic-detail { height: auto; max-height: 5; padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        yield from self.compose_heading()
        yield self.make_agenda_table()
        # The highlighted topic whole, with what a narrow terminal leaves out of its row.
        yield Static("", id="topic-detail")

    def on_mount(self) -> None:
        self.agenda_table().focus()
        self.refresh_page()

    def agenda_row(self, number: int, item: AgendaItem) -> list[object]:
        """The agenda page's row: topic, raised by, minutes, prompt, visibility."""
        if item.hidden:
            return [
                Text(str(number)),
                user_text("", hidden=True),
                Text(""),
                Text(item.raised_by),
                Text(""),
                Text(""),
                visibility_label(item.visibility),
            ]
        source = "↻ carried" if item.carried_from else ("⚑ action" if item.action_id else "")
        return [
            Text(str(number)),
            user_text(one_line(item.topic, self.flex)),
            Text(source),
            Text(item.raised_by),
            Text(f"{item.minutes} min" if item.minutes is not None else "—"),
            user_text(one_line(item.prompt or "", 18), empty="—"),
            visibility_label(item.visibility),
        ]

    def fill_agenda(self) -> None:
        """The agenda rows, and the time boxes' total under the table."""
        super().fill_agenda()
        items = [i for i in self.agenda_items() if not i.hidden]
        total = sum(i.minutes or 0 for i in items)
        self.agenda_table().border_subtitle = (
            f"{len(items)} topics · {total} min time-boxed" if items else ""
        )
        self._show_detail()

    @on(DataTable.RowHighlighted, "#agenda")
    def _show_detail(self) -> None:
        """The highlighted topic in full: who raised it, its time box, prompt and visibility."""
        item = self.current_item()
        detail = Text()
        if item is not None:
            if item.hidden:
                detail.append_text(user_text("", hidden=True))
            else:
                detail.append_text(user_text(item.topic))
            facts = [f"raised by the {item.raised_by}"]
            if item.minutes is not None:
                facts.append(f"{item.minutes} min")
            detail.append("\n" + " · ".join(facts).capitalize() + " · ", style="dim")
            detail.append_text(visibility_label(item.visibility))
            if item.prompt and not item.hidden:
                detail.append("\nPrompt: ", style="bold")
                detail.append_text(user_text(item.prompt))
        self.query_one("#topic-detail", Static).update(detail)

    # ----- keys -----

    def _editable(self) -> AgendaItem | None:
        item = self.current_item()
        if item is not None and item.hidden:
            self.notify("That topic is private to your partner.", timeout=3)
            return None
        return item

    def action_add_topic(self) -> None:
        """Add a topic at the end of the agenda."""

        def added(form: TopicForm | None) -> None:
            if form is None:
                return
            made: list[AgendaItem] = []
            if attempt(
                self,
                lambda: made.append(
                    self.journal.add_agenda_item(
                        self.session_id, form.topic, raised_by=form.raised_by, minutes=form.minutes
                    )
                ),
            ):
                self.refresh_page()
                keep_cursor(self.agenda_table(), made[0].id)

        self.app.push_screen(
            TopicDialog(self.journal.me).keep_drafts_at(f"topic:new:{self.session_id}"), added
        )

    def action_edit_topic(self) -> None:
        """Edit the highlighted topic, who raised it and its time box."""
        item = self._editable()
        if item is None:
            return

        def edited(form: TopicForm | None) -> None:
            if form is not None and attempt(
                self,
                lambda: self.journal.edit_agenda_item(
                    item.id, topic=form.topic, raised_by=form.raised_by, minutes=form.minutes
                ),
            ):
                self.refresh_page()

        self.app.push_screen(
            TopicDialog(self.journal.me, item).keep_drafts_at(f"topic:edit:{item.id}"), edited
        )

    @on(DataTable.RowSelected, "#agenda")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        event.stop()
        if event.row_key.value == "__empty__":
            self.action_add_topic()
        else:
            self.action_edit_topic()

    def action_move(self, by: int) -> None:
        """Move the highlighted topic up (-1) or down (+1) the agenda."""
        item = self.current_item()
        if item is None:
            return
        table = self.agenda_table()
        position = table.cursor_row + by
        if not 0 <= position < table.row_count:
            return
        if attempt(self, lambda: self.journal.move_agenda_item(item.id, position)):
            self.refresh_page()

    def action_who(self) -> None:
        """Switch who raised the highlighted topic (mentor ↔ mentee)."""
        item = self._editable()
        if item is not None and attempt(
            self,
            lambda: self.journal.edit_agenda_item(item.id, raised_by=other_role(item.raised_by)),
        ):
            self.refresh_page()

    def action_time_box(self) -> None:
        """Give the highlighted topic a number of minutes."""
        item = self._editable()
        if item is None:
            return

        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                minutes = parse_minutes(text)
            except FormProblem as problem:
                self.notify(str(problem), severity="error", markup=False)
                return
            if attempt(self, lambda: self.journal.time_box(item.id, minutes)):
                self.refresh_page()

        current = "" if item.minutes is None else str(item.minutes)
        self.app.push_screen(
            AskDialog("Time box", "Minutes for this topic (empty: no time box)", current), answered
        )

    def action_prompt(self) -> None:
        """Attach a reflection prompt to the highlighted topic (picked by phase and person)."""
        item = self._editable()
        if item is None:
            return

        def picked(prompt: Prompt | NoPrompt | None) -> None:
            if isinstance(prompt, Prompt) and attempt(
                self, lambda: self.journal.attach_prompt(item.id, prompt.text)
            ):
                self.refresh_page()

        self.app.push_screen(PromptPicker(self.journal, "before", self.journal.me), picked)

    def action_template(self) -> None:
        """Add the topics of a session template (built-in, or the pair's own) to this agenda."""
        from rmjournal.app.dialogs.between import run_template_picker

        run_template_picker(self.app, self.journal, self.session_id, lambda _n: self.refresh_page())

    def action_carry_forward(self) -> None:
        """Bring in anything unfinished that is not on the agenda yet."""
        added: list[int] = []
        if attempt(self, lambda: added.append(len(self.journal.carry_forward(self.session_id)))):
            count = added[0]
            self.notify(
                f"{counted(count, 'item')} carried over."
                if count
                else "Nothing new to carry over.",
                timeout=3,
            )
            self.refresh_page()

    def action_remove(self) -> None:
        """Remove the highlighted topic from the agenda (after asking)."""
        item = self._editable()
        if item is None:
            return

        def answered(yes: bool | None) -> None:
            if yes and attempt(self, lambda: self.journal.delete(item.id)):
                self.refresh_page()

        self.app.push_screen(
            ConfirmDialog(f"Remove “{one_line(item.topic, 50)}” from the agenda?"), answered
        )

    def action_record(self) -> None:
        """Switch to recording this session (notes and outcomes)."""
        self.post_message(
            self.SwitchPage("record", self.journal, self.session_id, cursor_key_or_none(self))
        )


def cursor_key_or_none(page: SessionPage) -> str | None:
    """The highlighted agenda item's id, to keep it highlighted on the other page."""
    item = page.current_item()
    return item.id if item else None
