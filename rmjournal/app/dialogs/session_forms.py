"""Dialogs for sessions: an agenda topic (add / edit), an entry (note, reflection, learning)
and a session's date and place.

They return plain dataclasses; the calling screen writes through the Journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.widgets import Label, Static, TextArea

from rmjournal.app.dialogs.action_forms import VISIBILITY_CHOICES
from rmjournal.app.dialogs.form import FormDialog, FormProblem, parse_due, parse_minutes
from rmjournal.app.widgets.cycle import Cycle
from rmjournal.app.widgets.dates import date_label, examples
from rmjournal.app.widgets.literal import literal
from rmjournal.core.model import AgendaItem, Entry, EntryKind, Role, Session, Visibility

ROLE_CHOICES = [("mentor", "the mentor"), ("mentee", "the mentee")]
ENTRY_KIND_CHOICES = [("note", "note"), ("reflection", "reflection"), ("learning", "learning")]


@dataclass
class TopicForm:
    """An agenda topic as the dialog collected it."""

    topic: str
    raised_by: Role
    minutes: int | None


@dataclass
class EntryForm:
    """A note, reflection or learning as the dialog collected it."""

    kind: EntryKind
    text: str
    visibility: Visibility
    prompt: str | None


class TopicDialog(FormDialog[TopicForm | None]):
    """Add or edit an agenda topic: what, raised by whom, how many minutes."""

    AUTO_FOCUS = "#topic"
    KEYS_HINT = "Enter saves · Tab moves · ←/→ change who raised it · Escape cancels"

    def __init__(self, me: Role, item: AgendaItem | None = None) -> None:
        super().__init__("Edit topic" if item else "Add a topic")
        self.me = me
        self.item = item

    def fields(self) -> ComposeResult:
        item = self.item
        yield from self.field("Topic", "topic", item.topic if item else "")
        raised = Cycle(ROLE_CHOICES, item.raised_by if item else self.me, id="raised-by")
        yield from self.choice("Raised by", raised)
        minutes = "" if item is None or item.minutes is None else str(item.minutes)
        yield from self.field("Minutes (time box; empty for none)", "minutes", minutes)

    def result(self) -> TopicForm | None:
        topic = self.value_of("topic").strip()
        if not topic:
            raise FormProblem("Type the topic.", "topic")
        try:
            minutes = parse_minutes(self.value_of("minutes"))
        except FormProblem as problem:
            raise problem.at("minutes") from None
        return TopicForm(topic, self.query_one("#raised-by", Cycle).value, minutes)  # type: ignore[arg-type]


class EntryDialog(FormDialog[EntryForm | None]):
    """Write a note, reflection or learning, maybe against a prompt (shown above the text);
    with `entry`, change one already written (its text, kind and who may read it)."""

    AUTO_FOCUS = "#entry-text"
    KEYS_HINT = "ctrl+s saves · Tab moves · ←/→ change a choice · Escape cancels"

    def __init__(
        self,
        *,
        kind: EntryKind = "note",
        prompt: str | None = None,
        visibility: Visibility | None = None,
        entry: Entry | None = None,
    ) -> None:
        super().__init__("Change this entry" if entry else "Write in this session")
        if entry is not None:
            kind, prompt, visibility = entry.kind, entry.prompt, entry.visibility
        self.kind: EntryKind = kind
        self.prompt = prompt
        self.visibility: Visibility = visibility or ("private" if kind == "reflection" else "pair")
        self.text = entry.text if entry is not None else ""

    def fields(self) -> ComposeResult:
        if self.prompt:
            yield Label("Prompt", classes="field-label")
            yield Static(literal(self.prompt), classes="hint")
        yield from self.choice("Kind", Cycle(ENTRY_KIND_CHOICES, self.kind, id="entry-kind"))
        yield Label("Text", classes="field-label")
        yield TextArea(self.text, id="entry-text", soft_wrap=True)
        visibility = Cycle(VISIBILITY_CHOICES, self.visibility, id="entry-visibility")
        yield from self.choice("Who may read it", visibility)

    def draft_extra(self) -> dict[str, str]:
        """The prompt written against, so the draft opens this dialog again with it."""
        return {"__prompt": self.prompt} if self.prompt else {}

    def on_mount(self) -> None:
        text = self.query_one("#entry-text", TextArea)
        text.styles.height = 6
        text.move_cursor(text.document.end)  # changing an entry: carry on where it ends

    @on(Cycle.Changed, "#entry-kind")
    def _kind_changed(self, event: Cycle.Changed) -> None:
        # Reflections default to private (they are candid); a person may still share them.
        vis = self.query_one("#entry-visibility", Cycle)
        vis.value = "private" if event.value == "reflection" else "pair"

    def result(self) -> EntryForm | None:
        text = self.query_one("#entry-text", TextArea).text
        if not text.strip():
            self.query_one("#entry-text", TextArea).focus()
            raise FormProblem("Write something first (or press Escape to cancel).")
        return EntryForm(
            kind=self.query_one("#entry-kind", Cycle).value,  # type: ignore[arg-type]
            text=text,
            visibility=self.query_one("#entry-visibility", Cycle).value,  # type: ignore[arg-type]
            prompt=self.prompt,
        )


@dataclass
class SessionForm:
    """A session's day, place, time of day and length as the dialog collected them."""

    on: date
    place: str | None
    time: str | None = None
    minutes: int | None = None


class SessionDialog(FormDialog[SessionForm | None]):
    """Move a session to another day, or change where it happens."""

    AUTO_FOCUS = "#session-date"
    KEYS_HINT = "Enter saves · Tab moves · Escape cancels"

    def __init__(self, session: Session, today: date) -> None:
        super().__init__(f"Session {session.number}: date, time and place")
        self.session = session
        self.today = today

    def fields(self) -> ComposeResult:
        day = self.session.date.isoformat()
        yield from self.field(date_label("Date", self.today), "session-date", day)
        yield from self.field("Place (empty for none)", "session-place", self.session.place or "")
        yield from self.field(
            "Time of day (14:30; empty for none)", "session-time", self.session.time or ""
        )
        length = self.session.duration_minutes
        yield from self.field(
            "Length in minutes (empty for none)",
            "session-minutes",
            "" if length is None else str(length),
        )

    def result(self) -> SessionForm | None:
        try:
            on = parse_due(self.value_of("session-date"), self.today)
        except FormProblem as problem:
            raise problem.at("session-date") from None
        if on is None:
            raise FormProblem(f"Type the session's date: {examples(self.today)}.", "session-date")
        from rmjournal.core.errors import UsageError
        from rmjournal.core.journal.sessions import time_of_day

        try:
            at = time_of_day(self.value_of("session-time"))
        except UsageError:
            raise FormProblem(
                "Type the time like 14:30 (24-hour clock), or leave it empty.", "session-time"
            ) from None
        try:
            minutes = parse_minutes(self.value_of("session-minutes"))
        except FormProblem as problem:
            raise problem.at("session-minutes") from None
        return SessionForm(on, self.value_of("session-place").strip() or None, at, minutes)
