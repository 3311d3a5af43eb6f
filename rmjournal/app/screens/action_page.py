"""`ActionPage`: a screen with one highlighted action, and the bindings that change it.

The tracker and an action's own page both derive from it, so the keys are the same in both:
space or x done, p in progress, o reopen, D drop, f follow up with a note,
u due date, t edit, v visibility. Each change goes through the Journal (a status change is
logged as a dated follow-up, so the log tells the story).
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType

from rmjournal.app.dialogs.action_forms import (
    ActionDialog,
    ActionForm,
    FollowUpDialog,
    FollowUpForm,
)
from rmjournal.app.dialogs.form import AskDialog, FormProblem, parse_due
from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.screens.session_page import attempt
from rmjournal.app.widgets.dates import date_label
from rmjournal.app.widgets.labels import status_word, visibility_label
from rmjournal.core.model import VISIBILITY_CYCLE, Action, ActionStatus

ACTION_BINDINGS: list[BindingType] = [
    Binding("space,x", "set_status('done')", "Done", id="actions.done"),
    Binding("p", "set_status('in_progress')", "In progress", id="actions.progress"),
    Binding("o", "set_status('open')", "Reopen", id="actions.reopen"),
    Binding("D", "set_status('dropped')", "Drop", key_display="D", id="actions.drop"),
    Binding("f", "follow_up", "Follow up", id="actions.follow"),
    Binding("u", "due", "Due date", id="actions.due"),
    Binding("t", "edit", "Edit", show=False, id="actions.edit"),
    Binding("v", "visibility", "Visibility", show=False, id="actions.visibility"),
]


class ActionPage(JournalScreen):
    """A screen showing one highlighted action: the status and follow-up keys."""

    BINDINGS: ClassVar[list[BindingType]] = ACTION_BINDINGS

    def current_action(self) -> Action | None:
        """The action the keys act on (None: nothing highlighted)."""
        raise NotImplementedError

    def action_changed(self, action_id: str) -> None:
        """Show the journal's new state after a change to `action_id`."""
        raise NotImplementedError

    def _mine(self) -> Action | None:
        action = self.current_action()
        if action is not None and action.hidden:
            self.notify("That action is private to your partner.", timeout=3)
            return None
        return action

    def action_set_status(self, status: ActionStatus) -> None:
        """Change the highlighted action's status in one key (logged as a follow-up)."""
        action = self._mine()
        if action is None or action.status == status:
            return
        if attempt(self, lambda: self.journal.set_status(action.id, status)):
            self.notify(f"Now {status_word(status)}.", timeout=2)
            self.action_changed(action.id)

    def action_follow_up(self) -> None:
        """Log a dated follow-up note on the highlighted action, maybe with a new status."""
        action = self._mine()
        if action is None:
            return

        def logged(form: FollowUpForm | None) -> None:
            if form is not None and attempt(
                self,
                lambda: self.journal.follow_up(action.id, form.note, status=form.status),
            ):
                self.action_changed(action.id)

        dialog = FollowUpDialog(action, self.journal.today()).keep_drafts_at(
            f"followup:{action.id}"
        )
        self.app.push_screen(dialog, logged)

    def action_due(self) -> None:
        """Set or clear the highlighted action's due date."""
        action = self._mine()
        if action is None:
            return

        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                due = parse_due(text, self.journal.today())
            except FormProblem as problem:
                self.notify(str(problem), severity="error", markup=False)
                return
            if attempt(self, lambda: self.journal.set_due(action.id, due)):
                self.action_changed(action.id)

        self.app.push_screen(
            AskDialog(
                "Due date",
                date_label("Due on", self.journal.today(), optional=True),
                action.due_on.isoformat() if action.due_on else "",
            ),
            answered,
        )

    def action_edit(self) -> None:
        """Edit the highlighted action's title, detail, owner, kind and due date."""
        action = self._mine()
        if action is None:
            return

        def edited(form: ActionForm | None) -> None:
            if form is None:
                return

            def write() -> None:
                with self.journal.transaction():
                    self.journal.edit_action(
                        action.id,
                        title=form.title,
                        detail=form.detail,
                        owner=form.owner,
                        kind=form.kind,
                    )
                    if form.due_on != action.due_on:
                        self.journal.set_due(action.id, form.due_on)

            if attempt(self, write):
                self.action_changed(action.id)

        dialog = ActionDialog(self.journal.today(), action).keep_drafts_at(
            f"action:edit:{action.id}"
        )
        self.app.push_screen(dialog, edited)

    def action_visibility(self) -> None:
        """Move the highlighted action on to the next visibility: pair → shareable → private."""
        action = self._mine()
        if action is None:
            return
        new = VISIBILITY_CYCLE[action.visibility]
        if attempt(self, lambda: self.journal.set_visibility(action.id, new)):
            self.notify(f"Now {visibility_label(new).plain}", timeout=2, markup=False)
            self.action_changed(action.id)
