"""Small modal dialogs shared by the content screens: confirm, ask for one value, and a form base.

Every dialog is a typed `ModalScreen`: Escape cancels (dismisses with None or False), Enter in a
one-line field or ctrl+s accepts. Problems are shown in words inside the dialog, which stays open.

A form dialog never throws typed text away without asking: Escape on changed fields asks first
(keep editing, keep as a draft, discard), and a dialog opened at a place (`keep_drafts_at`)
keeps its fields as a draft while they are typed (`app/drafts.py`) and offers a kept draft back
when it opens again.
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
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, Label, Static, TextArea

from rmjournal.app import drafts
from rmjournal.app.widgets.cycle import Cycle
from rmjournal.app.widgets.literal import literal

T = TypeVar("T")

DIALOG_CSS = """
ModalScreen.rm-dialog { align: center middle; }
ModalScreen.rm-dialog > .dialog { max-height: 100%; overflow-y: auto; }
ModalScreen.rm-dialog .choice-row { height: 1; margin: 1 0 0 0; }
ModalScreen.rm-dialog .choice-row Label { width: 18; text-style: bold; }
ModalScreen.rm-dialog .dialog-problem { color: $text-error; height: auto; }
ModalScreen.rm-dialog .dialog-keys { color: $text-muted; margin-top: 1; dock: bottom; }
"""
"""The modal dialogs' layout; `app.tcss` gives `.dialog` its width, padding and border (an app's
own CSS wins over a widget's default CSS). A dialog taller than the terminal (80×24) scrolls;
its keys are docked to its bottom edge, so how to save and cancel stays in sight with every
field."""


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
        # Enter in a field that moves on (`moves_on`) is taken first, like Tab: the focus moves
        # before the next key is handed on (`keyorder`), so "old⏎new⏎new⏎" autotyped fills
        # three fields, not the first. Elsewhere it is not this binding's (`check_action`).
        Binding("enter", "next_field", "Next field", show=False, priority=True, id="dialog.next"),
    ]
    TITLE_TEXT = ""
    KEYS_HINT = "Enter or ctrl+s saves · Tab moves · Escape cancels"
    HOLDS_EARLY_KEYS = True
    """Keys typed before the first field has the focus wait for it (`keyorder.EarlyKeys`)."""

    def __init__(self, title: str | None = None) -> None:
        super().__init__(classes="rm-dialog")
        self.title_text = title if title is not None else self.TITLE_TEXT
        self.draft_place: str | None = None
        """Where this dialog keeps its draft (`app/drafts.py`); None: it keeps none."""
        self._initial: dict[str, str] | None = None
        self._draft_timer: Timer | None = None

    def keep_drafts_at(self, place: str) -> FormDialog[T]:
        """Keep what is typed here as a draft at `place` (and offer one kept there); self."""
        self.draft_place = place
        return self

    # ----- what was typed: drafts and asking before it is thrown away -----

    def draft_values(self) -> dict[str, str]:
        """Each field's text by its id (never a passphrase field), and `draft_extra()`."""
        values: dict[str, str] = {}
        for widget in self.query("Input, TextArea, Cycle"):
            if widget.id is None:
                continue
            if isinstance(widget, Input) and not widget.password:
                values[widget.id] = widget.value
            elif isinstance(widget, TextArea):
                values[widget.id] = widget.text
            elif isinstance(widget, Cycle):  # a choice, not typed text: marked with "~"
                values[f"~{widget.id}"] = str(widget.value)
        values.update(self.draft_extra())
        return values

    def draft_extra(self) -> dict[str, str]:
        """What else a draft needs to open this dialog again (e.g. an entry's prompt)."""
        return {}

    def restore_values(self, values: dict[str, str]) -> None:
        """Put a draft's text back into the fields it was typed in."""
        for widget_id, value in values.items():
            if widget_id.startswith("__"):
                continue
            found = self.query(f"#{widget_id.removeprefix('~')}")
            if not found:
                continue
            widget = found.first()
            if isinstance(widget, Input) and not widget.password:
                widget.value = value
            elif isinstance(widget, TextArea):
                widget.load_text(value)
                widget.move_cursor(widget.document.end)
            elif isinstance(widget, Cycle) and value in [v for v, _ in widget.choices]:
                widget.value = value

    def typed(self) -> bool:
        """Whether any field differs from what the dialog opened with."""
        return self._initial is not None and self.draft_values() != self._initial

    @on(events.Mount)
    def _mounted(self) -> None:
        drafts.register(self.app, self)
        self._initial = self.draft_values()  # before any key reaches a field
        self.call_after_refresh(self._opened)

    @on(events.Unmount)
    def _unmounted(self) -> None:
        self._stop_draft_timer()
        drafts.unregister(self.app, self)

    def _opened(self) -> None:
        place = self.draft_place
        if place is None:
            return
        kept = drafts.draft_at(self.app, place)
        if kept is None:
            return
        if getattr(self.app, "restoring", None) == place:  # chosen on the drafts offer
            self.app.restoring = None  # type: ignore[attr-defined]
            self.restore_values(kept.fields)
            return

        def answered(answer: str | None) -> None:
            if answer == "restore":
                self.restore_values(kept.fields)
            elif answer == "discard":
                drafts.discard(self.app, place)

        when = kept.updated_at[:16].replace("T", " ")
        self.app.push_screen(
            ChoiceDialog(
                f"You have a draft here, kept {when}:\n\n{kept.text()}",
                [("r", "restore", "restore it"), ("d", "discard", "discard it")],
                escape_words="not now (it stays kept)",
            ),
            answered,
        )

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Cycle.Changed)
    def _field_changed(self) -> None:
        if self.draft_place is None or self._initial is None:
            return
        self._stop_draft_timer()
        self._draft_timer = self.set_timer(drafts.DRAFT_DELAY, self._keep_draft_soon)

    def _keep_draft_soon(self) -> None:
        """The draft timer: keep the draft, or try again shortly while a save holds the journal
        (typing never waits for a save; Escape, a lock or a hang-up keep it at once)."""
        journal = drafts.journal_of(self.app)
        if journal is not None and journal.held_elsewhere():
            self._draft_timer = self.set_timer(drafts.DRAFT_RETRY, self._keep_draft_soon)
            return
        self._keep_draft()

    def _stop_draft_timer(self) -> None:
        if self._draft_timer is not None:
            self._draft_timer.stop()
            self._draft_timer = None

    def _keep_draft(self) -> bool:
        """Keep the fields as the draft now (or drop the draft when nothing differs)."""
        self._draft_timer = None
        place = self.draft_place
        if place is None or self._initial is None:
            return False
        values = self.draft_values()
        if values == self._initial:
            drafts.discard(self.app, place)
            return False
        return drafts.keep(self.app, place, self.title_text, values)

    def keep_typing(self) -> tuple[str, bool] | None:
        """Keep what was typed before the dialog is closed without a choice (a lock, a
        hang-up, a crash): (its title, whether it was kept as a draft), or None if untouched."""
        self._stop_draft_timer()
        if not self.typed():
            return None
        return self.title_text, self._keep_draft()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.title_text), classes="screen-title")
            yield from self.fields()
            yield Static("", classes="dialog-problem")
            yield Static(self.KEYS_HINT, classes="dialog-keys")

    def fields(self) -> ComposeResult:
        """The dialog's own widgets."""
        yield from ()

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        """Focus `widget`, keeping its label on the screen with it (the title with the first).

        A dialog taller than the terminal (80×24) scrolls, and Textual centres just the field:
        the date & place dialog opened with its title and the date's label above the top, and
        Tab showed each field without the words that say what it is."""
        super().set_focus(widget, scroll_visible=False, from_app_focus=from_app_focus)
        if widget is not None:
            early = getattr(self.app, "early_keys", None)
            if early is not None:  # keys typed as the dialog opened: into this field now
                early.release(self)
        if scroll_visible and widget is not None:
            self.call_after_refresh(self._show_with_label, widget)

    def _show_with_label(self, widget: Widget) -> None:
        if not widget.is_attached or widget is not self.focused:
            return
        body = self.query_one(".dialog")
        chain = self.focus_chain
        if chain and widget is chain[0]:
            body.scroll_home(animate=False, immediate=True)
        else:
            siblings = list(widget.parent.children) if widget.parent is not None else []
            place = siblings.index(widget) if widget in siblings else 0
            if place and siblings[place - 1].has_class("field-label"):
                body.scroll_to_widget(siblings[place - 1], animate=False, immediate=True)
        body.scroll_to_widget(widget, animate=False, immediate=True)

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
        self._stop_draft_timer()
        if self.draft_place is not None:
            drafts.discard(self.app, self.draft_place)  # saved by the screen that opened it
        self.dismiss(value)

    def action_cancel(self) -> None:
        """Close without a result; if something was typed, ask first what becomes of it."""
        if not self.typed():
            self._stop_draft_timer()
            self.dismiss(None)
            return
        choices = [("d", "discard", "discard what I typed")]
        if self.draft_place is not None:
            choices.insert(0, ("k", "draft", "keep it as a draft"))

        def answered(answer: str | None) -> None:
            if answer == "draft":
                self.keep_typing()
                self.dismiss(None)
            elif answer == "discard":
                self._stop_draft_timer()
                if self.draft_place is not None:
                    drafts.discard(self.app, self.draft_place)
                self.dismiss(None)

        self.app.push_screen(
            ChoiceDialog(
                f"You typed in “{self.title_text}”. Close it?",
                choices,
                escape_words="keep editing",
            ),
            answered,
        )

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.field_submitted(event.input)

    def field_submitted(self, field: Input) -> None:
        """Enter in a one-line field that does not move on: accept the form."""
        self.action_accept()

    def moves_on(self, field: Input) -> bool:
        """Whether Enter in `field` moves to the next field instead (a dialog may say so)."""
        return False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            return isinstance(self.focused, Input) and self.moves_on(self.focused)
        return True

    def action_next_field(self) -> None:
        """Enter in a field that moves on: the next field, at once."""
        self.focus_next()

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
    """Ask for one line of text (a due date, a time box); dismissed with the text or None.

    `keys` replaces the keys line when Enter does more than save (a merge, a backup): the one
    line then says what Enter does, instead of a hint and a keys line that disagree."""

    KEYS_HINT = "Enter or ctrl+s saves · Escape cancels"

    def __init__(
        self, title: str, label: str, value: str = "", hint: str = "", *, keys: str | None = None
    ) -> None:
        super().__init__(title)
        self.label, self.value, self.hint = label, value, hint
        if keys is not None:
            self.KEYS_HINT = keys

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

    def __init__(
        self, question: str, choices: list[tuple[str, str, str]], escape_words: str = "not now"
    ) -> None:
        """`choices`: (key, answer returned, words shown) for each answer; `escape_words` say
        what Escape (None) means here."""
        super().__init__(classes="rm-dialog")
        self.question = question
        self.choices = choices
        self.escape_words = escape_words

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(literal(self.question))
            keys = " · ".join(f"{key}: {words}" for key, _answer, words in self.choices)
            yield Static(f"{keys} · Escape: {self.escape_words}", classes="dialog-keys")

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
