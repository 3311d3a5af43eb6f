"""Small modal dialogs shared by the content screens: confirm, ask for one value, and a form base.

Every dialog is a typed `ModalScreen`: Escape cancels (dismisses with None or False), Enter in a
one-line field or ctrl+s accepts. Problems are shown in words inside the dialog, which stays open.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar, TypeVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from rmjournal.app.widgets.literal import literal

T = TypeVar("T")

DIALOG_CSS = """
ModalScreen.rm-dialog { align: center middle; }
ModalScreen.rm-dialog > .dialog {
    width: 76; max-height: 100%; height: auto; padding: 0 2; overflow-y: auto;
}
ModalScreen.rm-dialog .screen-title { padding: 0; margin-bottom: 0; }
ModalScreen.rm-dialog .field-label { margin-top: 0; }
ModalScreen.rm-dialog .choice-row { height: 1; margin: 1 0 0 0; }
ModalScreen.rm-dialog .choice-row Label { width: 18; text-style: bold; }
ModalScreen.rm-dialog .dialog-problem { color: $text-error; height: auto; }
ModalScreen.rm-dialog .dialog-keys { color: $text-muted; margin-top: 1; }
"""


class FormProblem(ValueError):
    """A value the person typed cannot be used; the message says what to type instead.

    `field_id` names the field to fix (it gets the focus), or is None when no one field is wrong.
    The one form error of the app: the dialogs and the "new pair journal" screen both raise it.
    """

    def __init__(self, message: str, field_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field_id = field_id

    def at(self, field_id: str) -> FormProblem:
        """The same problem, pinned to the field `field_id` (for parsers that know no fields)."""
        return FormProblem(self.message, field_id)


def parse_due(text: str, today: date) -> date | None:
    """A date in any of the CLI's DATE forms (widgets/dates.py), or None when left empty."""
    from rmjournal.app.widgets.dates import DateUnreadable, parse_date

    text = text.strip()
    if not text:
        return None
    try:
        return parse_date(text, today)
    except DateUnreadable as error:
        raise FormProblem(f"{error} Or leave it empty.") from None


def parse_minutes(text: str) -> int | None:
    """A time box in whole minutes, or None when left empty."""
    text = text.strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > 600:
        raise FormProblem("Type a number of minutes from 0 to 600, or leave it empty.")
    return int(text)


class FormDialog(ModalScreen[T]):
    """A dialog with fields: subclasses compose `fields()` and turn them into a result."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False  # the rules style the dialog screen itself
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="dialog.cancel"),
        Binding("ctrl+s", "accept", "Save", id="dialog.accept", priority=True),
        Binding("enter", "accept", "Save", show=False, id="dialog.enter"),
    ]
    TITLE_TEXT = ""
    KEYS_HINT = "Enter or ctrl+s saves · Tab moves · Escape cancels"

    def __init__(self, title: str | None = None) -> None:
        super().__init__(classes="rm-dialog")
        self.title_text = title if title is not None else self.TITLE_TEXT

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text), classes="screen-title")
            yield from self.fields()
            yield Static("", classes="dialog-problem")
            yield Static(self.KEYS_HINT, classes="dialog-keys")

    def fields(self) -> ComposeResult:
        """The dialog's own widgets."""
        yield from ()

    def result(self) -> T:
        """The dialog's value from its fields; raise `FormProblem` to keep it open."""
        raise NotImplementedError

    def show_problem(self, message: str) -> None:
        """Say what is wrong, in words, inside the dialog."""
        line = Text("✗ ", style="bold")
        line.append_text(literal(message))
        self.query_one(".dialog-problem", Static).update(line)

    def action_accept(self) -> None:
        """Check the fields and close with the result, or show what to fix."""
        try:
            value = self.result()
        except FormProblem as problem:
            self.show_problem(problem.message)
            if problem.field_id is not None:
                self.query_one(f"#{problem.field_id}").focus()
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.field_submitted(event.input)

    def field_submitted(self, field: Input) -> None:
        """Enter in a one-line field: accept the form (a dialog may move on instead)."""
        self.action_accept()

    def field(self, label: str, field_id: str, value: str = "", **options: object) -> ComposeResult:
        """A labelled one-line text field."""
        yield Label(label, classes="field-label")
        yield Input(value=value, id=field_id, **options)  # type: ignore[arg-type]

    def choice(self, label: str, cycle: Widget) -> ComposeResult:
        """A labelled one-line choice (a `Cycle`) on one row."""
        with Horizontal(classes="choice-row"):
            yield Label(label)
            yield cycle

    def value_of(self, field_id: str) -> str:
        """The text in the field `field_id`."""
        return self.query_one(f"#{field_id}", Input).value


class AskDialog(FormDialog[str | None]):
    """Ask for one line of text (a due date, a time box); dismissed with the text or None."""

    def __init__(self, title: str, label: str, value: str = "", hint: str = "") -> None:
        super().__init__(title)
        self.label, self.value, self.hint = label, value, hint

    def fields(self) -> ComposeResult:
        yield Label(literal(self.label), classes="field-label")
        yield Input(value=self.value, id="answer")
        if self.hint:
            yield Static(self.hint, classes="hint")

    def on_mount(self) -> None:
        self.query_one("#answer", Input).focus()

    def result(self) -> str | None:
        return self.value_of("answer")


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question: y or Enter says yes; n or Escape says no."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y,enter", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__(classes="rm-dialog")
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question))
            yield Static("y / Enter: yes · n / Escape: no", classes="dialog-keys")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class ChoiceDialog(ModalScreen[str | None]):
    """A question with a few answers, each on its own key; Escape answers "not now" (None)."""

    DEFAULT_CSS = DIALOG_CSS
    SCOPED_CSS = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "choose('')", "Not now", id="choice.cancel"),
    ]

    def __init__(self, question: str, choices: list[tuple[str, str, str]]) -> None:
        """`choices`: (key, answer returned, words shown) for each answer."""
        super().__init__(classes="rm-dialog")
        self.question = question
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question))
            keys = " · ".join(f"{key}: {words}" for key, _answer, words in self.choices)
            yield Static(f"{keys} · Escape: not now", classes="dialog-keys")

    def on_key(self, event: events.Key) -> None:
        """A choice's key closes the dialog with its answer."""
        for key, answer, _words in self.choices:
            if event.key == key:
                event.stop()
                self.dismiss(answer)
                return

    def action_choose(self, answer: str) -> None:
        """Close with the answer (None for not now)."""
        self.dismiss(answer or None)
