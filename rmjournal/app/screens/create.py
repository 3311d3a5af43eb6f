"""The "new pair journal" screen: the pair, the plan, the agreement, goals and a passphrase.

One scrolling form, reachable entirely by keyboard (Tab / Enter move on, ctrl+s creates). The
file is created in a thread worker (the KDF) and the recovery key is then shown exactly once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import (
    Button,
    Footer,
    Input,
    Label,
    LoadingIndicator,
    RadioButton,
    RadioSet,
    Static,
    TextArea,
)

from rmjournal.app import session
from rmjournal.app.config import JOURNAL_SUFFIX
from rmjournal.app.dialogs.form import FormProblem
from rmjournal.app.screens.agreement import AGREEMENT_TEMPLATE
from rmjournal.app.widgets.choice import ClearRadioButton
from rmjournal.app.widgets.dates import date_label
from rmjournal.app.widgets.literal import literal
from rmjournal.app.widgets.strength import PassphraseProblem, passphrase_from, strength_label
from rmjournal.core.clock import Clock, default_clock
from rmjournal.core.errors import JournalError
from rmjournal.core.model import Role
from rmjournal.core.secret import Secret
from rmjournal.core.strength import preload

if TYPE_CHECKING:
    from rmjournal.core.journalfile import JournalFile

DEFAULT_CADENCE_DAYS = 30
DEFAULT_SESSIONS = 6
REVIEW_AFTER_DAYS = 182


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "pair"


class CreateScreen(Screen[None]):
    """Collect everything a new pair journal needs, then create it."""

    AUTO_FOCUS = "#mentor-name"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "create", "Create journal", id="create.submit"),
        Binding("escape", "cancel", "Cancel", id="create.cancel"),
        # Enter in a field that moves on is taken first, like Tab, so the focus moves before
        # the next key is handed on (`keyorder`; the last field's Enter creates, in its turn).
        Binding("enter", "next_field", "Next field", show=False, priority=True, id="create.next"),
    ]

    @dataclass
    class Created(Message):
        """The file exists and is open; its recovery key must be shown once."""

        journal_file: JournalFile
        recovery_key: str
        details: session.PairDetails

    @dataclass
    class Failed(Message):
        """Creating failed with a message safe to show."""

        message: str

    def __init__(self, path: Path | None, data_dir: Path) -> None:
        super().__init__()
        self.path = path
        self.data_dir = data_dir
        self.busy = False

    @property
    def _clock(self) -> Clock:
        clock = getattr(self.app, "clock", None)
        return clock if isinstance(clock, Clock) else default_clock()

    def _field(self, label: str, field_id: str, value: str = "", **kwargs: object) -> ComposeResult:
        yield Label(label, classes="field-label")
        yield Input(value=value, id=field_id, **kwargs)  # type: ignore[arg-type]

    def compose(self) -> ComposeResult:
        today = self._clock.today()
        with VerticalScroll(id="create-form"):
            yield Static("New pair journal", classes="screen-title")
            yield Static(
                "Everything here is encrypted in one file. Tab or Enter moves on; "
                "ctrl+s creates the journal.",
                classes="hint",
            )
            yield Static("The pair", classes="section")
            with Horizontal(classes="columns"):
                with Vertical(classes="column"):
                    yield from self._field("Mentor's name", "mentor-name")
                    yield from self._field("Mentor's job title", "mentor-role")
                    yield from self._field("Mentor's staff network", "mentor-network")
                with Vertical(classes="column"):
                    yield from self._field("Mentee's name", "mentee-name")
                    yield from self._field("Mentee's job title", "mentee-role")
                    yield from self._field("Mentee's staff network", "mentee-network")
            yield Label("Which one are you?", classes="field-label")
            with RadioSet(id="me"):
                yield ClearRadioButton("I am the mentor", value=True, id="me-mentor")
                yield ClearRadioButton("I am the mentee", id="me-mentee")
            yield Static("The plan", classes="section")
            with Horizontal(classes="columns"):
                with Vertical(classes="column"):
                    yield from self._field(
                        date_label("Start date", today, short=True), "started-on", today.isoformat()
                    )
                    yield from self._field(
                        "Meet every … days", "cadence", str(DEFAULT_CADENCE_DAYS), type="integer"
                    )
                with Vertical(classes="column"):
                    yield from self._field(
                        "Planned sessions", "planned", str(DEFAULT_SESSIONS), type="integer"
                    )
                    yield from self._field(
                        date_label("Review date", today, short=True),
                        "review-on",
                        (today + timedelta(days=REVIEW_AFTER_DAYS)).isoformat(),
                    )
            yield Static("Agreement", classes="section")
            yield TextArea(
                AGREEMENT_TEMPLATE.format(cadence=DEFAULT_CADENCE_DAYS, sessions=DEFAULT_SESSIONS),
                id="agreement",
                soft_wrap=True,
            )
            yield Static("Goals (one per line)", classes="section")
            with Horizontal(classes="columns"):
                with Vertical(classes="column"):
                    yield Label("Mentor's goals", classes="field-label")
                    yield TextArea(id="mentor-goals", classes="goals")
                with Vertical(classes="column"):
                    yield Label("Mentee's goals", classes="field-label")
                    yield TextArea(id="mentee-goals", classes="goals")
            yield Static("Passphrase", classes="section")
            yield Static(
                "Each of you will have your own passphrase; this one is yours. "
                "Your partner adds theirs later, with you.",
                classes="hint",
            )
            yield from self._field("Passphrase", "passphrase", password=True)
            yield Static(strength_label(""), id="strength", classes="hint")
            yield from self._field("Passphrase again", "passphrase-again", password=True)
            if self.path is None:
                yield from self._field(
                    f"File name (in {self.data_dir.name})",
                    "file-name",
                    placeholder="from the names",
                )
            yield Static("", id="create-message")
            with Vertical(id="create-busy"):
                yield LoadingIndicator()
                yield Static("Creating… deriving the key from your passphrase", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button("Create journal", id="create", variant="primary")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#create-busy").display = False
        self.run_worker(preload, thread=True, description="load the strength estimate")
        self.started_with = self._typed()

    def _typed(self) -> dict[str, str]:
        """What the form's fields hold (each one-line field and the agreement, by id)."""
        typed = {w.id or "": w.value for w in self.query(Input)}
        typed.update({w.id or "": w.text for w in self.query(TextArea)})
        return typed

    @on(Input.Changed, "#passphrase")
    def _show_strength(self, event: Input.Changed) -> None:
        self.query_one("#strength", Static).update(strength_label(event.value, self._names()))

    def _names(self) -> tuple[str, str]:
        """The pair's names as typed: known words to the strength estimate."""
        return self._value("mentor-name"), self._value("mentee-name")

    def _creates(self, field: Input) -> bool:
        """Whether Enter in `field` creates the journal (its last field) rather than moving on."""
        return field.id == "file-name" or (field.id == "passphrase-again" and self.path is not None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            return isinstance(self.focused, Input) and not self._creates(self.focused)
        return True

    def action_next_field(self) -> None:
        """Enter in a field that moves on: the next field, at once."""
        self.focus_next()

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        if self._creates(event.input):
            self.action_create()
        else:
            self.focus_next()

    @on(Button.Pressed, "#create")
    def _create_pressed(self) -> None:
        self.action_create()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Back to the unlock screen (not while the journal is being created); when something
        was typed, ask first: there is no journal yet to keep a draft in."""
        if self.busy:
            return
        if self._typed() == getattr(self, "started_with", None):
            self.app.pop_screen()
            return
        from rmjournal.app.dialogs.form import ChoiceDialog

        def answered(answer: str | None) -> None:
            if answer == "discard":
                self.app.pop_screen()

        self.app.push_screen(
            ChoiceDialog(
                "You typed in the new journal's form, and it is not created yet. Close it?",
                [("d", "discard", "discard what I typed")],
                escape_words="keep editing",
            ),
            answered,
        )

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def _date(self, field_id: str, what: str) -> date:
        from rmjournal.app.widgets.dates import DateUnreadable, parse_date

        try:
            return parse_date(self._value(field_id), self._clock.today())
        except DateUnreadable as error:
            raise FormProblem(f"The {what}: {error}", field_id) from None

    def _number(self, field_id: str, what: str, low: int, high: int) -> int:
        try:
            value = int(self._value(field_id))
        except ValueError:
            value = -1
        if not low <= value <= high:
            raise FormProblem(f"The {what} must be a whole number from {low} to {high}.", field_id)
        return value

    def read_form(self) -> tuple[session.PairDetails, Secret, Role, Path]:
        """The form as data, or `FormProblem` naming the first field to fix."""
        for field_id, what in (("mentor-name", "mentor's"), ("mentee-name", "mentee's")):
            if not self._value(field_id):
                raise FormProblem(f"Type the {what} name.", field_id)
        started = self._date("started-on", "start date")
        review = self._date("review-on", "review date")
        if review <= started:
            raise FormProblem("The review date must come after the start date.", "review-on")
        cadence = self._number("cadence", "number of days between sessions", 1, 366)
        planned = self._number("planned", "number of planned sessions", 1, 100)
        try:
            secret = passphrase_from(
                self.query_one("#passphrase", Input).value,
                self.query_one("#passphrase-again", Input).value,
                self._names(),
            )
        except PassphraseProblem as problem:
            field = "passphrase-again" if problem.again else "passphrase"
            raise FormProblem(str(problem), field) from None
        role: Role = "mentee" if self.query_one("#me-mentee", RadioButton).value else "mentor"
        mentor, mentee = self._value("mentor-name"), self._value("mentee-name")
        details = session.PairDetails(
            title=f"{mentor} & {mentee}",
            mentor_name=mentor,
            mentee_name=mentee,
            mentor_role=self._value("mentor-role"),
            mentee_role=self._value("mentee-role"),
            mentor_network=self._value("mentor-network"),
            mentee_network=self._value("mentee-network"),
            started_on=started,
            cadence_days=cadence,
            planned_sessions=planned,
            review_on=review,
            agreement=self.query_one("#agreement", TextArea).text,
            mentor_goals=_lines(self.query_one("#mentor-goals", TextArea).text),
            mentee_goals=_lines(self.query_one("#mentee-goals", TextArea).text),
        )
        return details, secret, role, self._target(mentor, mentee)

    def _target(self, mentor: str, mentee: str) -> Path:
        if self.path is not None:
            return self.path
        name = self._value("file-name") or f"{_slug(mentor)}-{_slug(mentee)}"
        if "/" in name or name.startswith("."):
            raise FormProblem("Give a plain file name, without folders.", "file-name")
        if not Path(name).suffix:
            name += JOURNAL_SUFFIX
        target = self.data_dir / name
        if target.exists():
            raise FormProblem(f"{name} already exists. Choose another file name.", "file-name")
        return target

    def show_message(self, text: str) -> None:
        """Say what is wrong with the form, in words, under it."""
        line = Text("✗ ", style="bold")
        line.append_text(literal(text))
        self.query_one("#create-message", Static).update(line)

    def action_create(self) -> None:
        """Check the form and create the journal in a thread worker."""
        if self.busy:
            return
        try:
            details, secret, role, target = self.read_form()
        except FormProblem as problem:
            self.show_message(problem.message)
            self.query_one(f"#{problem.field_id}").focus()
            return
        self.busy = True
        self.query_one("#create-busy").display = True
        self.query_one("#create-message", Static).update("")
        self.run_worker(
            partial(self._create, target, secret, role, details),
            thread=True,
            group="create",
            description="create the journal",
            exclusive=True,
            exit_on_error=False,
        )

    def _create(
        self, target: Path, secret: Secret, role: Role, details: session.PairDetails
    ) -> None:
        """Runs in a thread: create the file (KDF). Reports with a message, never widgets."""
        try:
            jf, recovery_key = session.create_journal(
                target,
                secret,
                role,
                test_kdf=getattr(self.app, "allow_test_kdf", False),
                clock=getattr(self.app, "clock", None),
            )
        except JournalError as error:
            self.post_message(self.Failed(str(error)))
        except OSError as error:
            self.post_message(
                self.Failed(f"The journal could not be created ({type(error).__name__}).")
            )
        else:
            self.post_message(self.Created(jf, recovery_key, details))

    def on_create_screen_failed(self, message: Failed) -> None:
        self.busy = False
        self.query_one("#create-busy").display = False
        self.show_message(message.message)


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]
