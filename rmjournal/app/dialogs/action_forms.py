"""Dialogs for actions: agree (or edit) an action or commitment, and log a follow-up.

They return plain dataclasses; the screen that opened them calls the Journal, so every write
goes through the one domain API and the dialogs never touch the journal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from textual.app import ComposeResult
from textual.widgets import Label, TextArea

from rmjournal.app.dialogs.form import FormDialog, FormProblem, parse_due
from rmjournal.app.widgets.cycle import Cycle
from rmjournal.app.widgets.dates import date_label
from rmjournal.app.widgets.literal import literal
from rmjournal.core.model import Action, ActionKind, ActionStatus, Owner, Visibility

OWNER_CHOICES = [("both", "both of us"), ("mentor", "the mentor"), ("mentee", "the mentee")]
KIND_CHOICES = [("action", "action"), ("commitment", "commitment (the mentee's own)")]
VISIBILITY_CHOICES = [
    ("pair", "⇄ pair: both of us"),
    ("shareable", "↗ shareable: may go in the summary"),
    ("private", "⊘ private: only me"),
]
STATUS_CHOICES = [
    ("open", "○ open"),
    ("in_progress", "◐ in progress"),
    ("done", "✓ done"),
    ("dropped", "✗ dropped"),
]


@dataclass
class ActionForm:
    """What the action dialog collected."""

    title: str
    detail: str
    owner: Owner
    kind: ActionKind
    due_on: date | None
    visibility: Visibility


@dataclass
class FollowUpForm:
    """A follow-up note and the status it leaves the action in."""

    note: str
    status: ActionStatus


class ActionDialog(FormDialog[ActionForm | None]):
    """Agree a new action or commitment, or edit one (its visibility is changed elsewhere)."""

    AUTO_FOCUS = "#action-title"
    KEYS_HINT = "Tab moves · ←/→ change a choice · ctrl+s saves · Escape cancels"

    def __init__(self, today: date, action: Action | None = None, *, kind: ActionKind = "action"):
        super().__init__("Edit action" if action else "Agree an action or commitment")
        self.today = today
        self.action = action
        self.kind: ActionKind = action.kind if action else kind

    def fields(self) -> ComposeResult:
        a = self.action
        yield from self.field("Title", "action-title", a.title if a else "")
        yield Label("Detail", classes="field-label")
        yield TextArea(a.detail if a else "", id="action-detail", soft_wrap=True)
        yield from self.choice(
            "Owner", Cycle(OWNER_CHOICES, a.owner if a else "both", id="action-owner")
        )
        yield from self.choice("Kind", Cycle(KIND_CHOICES, self.kind, id="action-kind"))
        yield from self.field(
            date_label("Due date", self.today, optional=True),
            "action-due",
            a.due_on.isoformat() if a and a.due_on else "",
        )
        if a is None:
            visibility = Cycle(VISIBILITY_CHOICES, "pair", id="action-visibility")
            yield from self.choice("Who may read it", visibility)

    def on_mount(self) -> None:
        self.query_one("#action-detail", TextArea).styles.height = 4

    def result(self) -> ActionForm | None:
        title = self.value_of("action-title").strip()
        if not title:
            raise FormProblem("Give the action a title.", "action-title")
        try:
            due = parse_due(self.value_of("action-due"), self.today)
        except FormProblem as problem:
            raise problem.at("action-due") from None
        visibility = (
            self.query_one("#action-visibility", Cycle).value
            if self.action is None
            else self.action.visibility
        )
        return ActionForm(
            title=title,
            detail=self.query_one("#action-detail", TextArea).text,
            owner=self.query_one("#action-owner", Cycle).value,  # type: ignore[arg-type]
            kind=self.query_one("#action-kind", Cycle).value,  # type: ignore[arg-type]
            due_on=due,
            visibility=visibility,  # type: ignore[arg-type]
        )


class FollowUpDialog(FormDialog[FollowUpForm | None]):
    """Log a dated follow-up note on an action, maybe changing its status."""

    AUTO_FOCUS = "#follow-note"
    KEYS_HINT = "Enter saves · Tab moves · ←/→ change the status · Escape cancels"

    def __init__(self, action: Action, today: date) -> None:
        super().__init__(f"Follow up on {today.isoformat()}")
        self.action = action

    def fields(self) -> ComposeResult:
        yield Label(literal(self.action.title), classes="hint")
        yield from self.field("What happened", "follow-note")
        status = Cycle(STATUS_CHOICES, self.action.status, id="follow-status")
        yield from self.choice("Status after it", status)

    def result(self) -> FollowUpForm | None:
        return FollowUpForm(
            note=self.value_of("follow-note").strip(),
            status=self.query_one("#follow-status", Cycle).value,  # type: ignore[arg-type]
        )
