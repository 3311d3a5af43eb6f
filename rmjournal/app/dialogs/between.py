"""Dialogs for between the sessions: choose a session template, write the calendar, add a prompt.

Each dialog returns a value; the small `run_…` functions below push it, write through the
Journal (or write the calendar file) and say what happened, so the app, the agenda and the
prompt picker share one way of doing each.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from rmjournal.app.dialogs.form import DIALOG_CSS, ConfirmDialog, FormDialog, FormProblem
from rmjournal.app.widgets.cycle import Cycle
from rmjournal.app.widgets.labels import FOR_CHOICES, PHASE_CHOICES
from rmjournal.app.widgets.literal import literal
from rmjournal.core.errors import JournalError
from rmjournal.text import counted

if TYPE_CHECKING:
    from textual.app import App

    from rmjournal.core.journal import Journal
    from rmjournal.core.model import Phase, Prompt, PromptFor
    from rmjournal.core.templates import SessionTemplate


class TemplatePicker(ModalScreen["SessionTemplate | None"]):
    """Choose a session template (built-in ones first, then the pair's own and packs')."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    TemplatePicker #template-list { height: 8; margin-top: 1; }
    TemplatePicker #template-topics { height: auto; margin-top: 1; }
    """
    )
    SCOPED_CSS = False
    AUTO_FOCUS = "#template-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="templates.cancel"),
    ]

    def __init__(self, journal: Journal) -> None:
        super().__init__(classes="rm-dialog")
        from rmjournal.core.templates import all_templates

        self.templates = all_templates(journal)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Start the agenda from a template", classes="screen-title")
            options = []
            for t in self.templates:
                line = literal(t.name)
                where = "built in" if t.builtin else t.pack
                line.append(f"  {len(t.topics)} topics, {t.minutes} min · ", style="dim")
                line.append_text(literal(where, "dim"))
                options.append(Option(line))
            yield OptionList(*options, id="template-list")
            yield Static("", id="template-topics")
            yield Static(
                "↑/↓ choose · Enter adds its topics · Escape cancels", classes="dialog-keys"
            )

    def on_mount(self) -> None:
        self.query_one("#template-list", OptionList).highlighted = 0 if self.templates else None
        self._preview(0)

    def _preview(self, index: int | None) -> None:
        text = Text()
        if index is not None and 0 <= index < len(self.templates):
            template = self.templates[index]
            if template.description:
                text.append_text(literal(template.description, "italic"))
                text.append("\n")
            for topic in template.topics:
                text.append(f"{topic.minutes or '–':>3} min  ", style="dim")
                text.append_text(literal(topic.topic))
                text.append("\n")
        self.query_one("#template-topics", Static).update(text)

    @on(OptionList.OptionHighlighted, "#template-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._preview(event.option_index)

    @on(OptionList.OptionSelected, "#template-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self.templates):
            self.dismiss(self.templates[event.option_index])

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)


def run_template_picker(
    app: App[Any], journal: Journal, session_id: str, done: Callable[[int], None]
) -> None:
    """Ask for a template and add its topics to the session's agenda; `done(count)` after."""
    from rmjournal.core.templates import apply_template

    def picked(template: SessionTemplate | None) -> None:
        if template is None:
            return
        try:
            added = apply_template(journal, session_id, template)
        except JournalError as error:
            app.notify(str(error), severity="error", markup=False)
            return
        count = len(added)
        app.notify(
            f"{counted(count, 'topic')} from the template added."
            if count
            else "Every topic of that template is already on the agenda.",
            timeout=3,
            markup=False,
        )
        done(count)

    app.push_screen(TemplatePicker(journal), picked)


# ---------------------------------------------------------------------------- the calendar


@dataclass
class CalendarForm:
    """Where to write the calendar, and whether to put names, places, topics and titles in."""

    path: Path
    with_topics: bool


TOPIC_CHOICES = [
    ("no", "dates and numbers only"),
    ("yes", "add names, places, topics, titles"),
]


class CalendarDialog(FormDialog[CalendarForm | None]):
    """Ask where to write the .ics file and what goes in it, saying what topics would mean."""

    AUTO_FOCUS = "#calendar-path"
    KEYS_HINT = "Enter writes · Tab moves · ←/→ change a choice · Escape cancels"

    def __init__(self, default: Path) -> None:
        super().__init__("Export the calendar (.ics)")
        self.default = default

    def fields(self) -> ComposeResult:
        yield Static(
            "Sessions, the review and the check-in as events, and open actions' due dates as "
            "to-dos, each reminding the day before. Import the file into your calendar; "
            "importing a newer one updates the entries.",
            classes="hint",
        )
        yield from self.field("File", "calendar-path", str(self.default))
        yield from self.choice("What goes in", Cycle(TOPIC_CHOICES, "no", id="calendar-topics"))
        yield Static("", id="calendar-warning")

    @on(Cycle.Changed, "#calendar-topics")
    def _topics_changed(self, event: Cycle.Changed) -> None:
        from rmjournal.core.calendar import WITH_TOPICS_WARNING

        warning = Text(f"! {WITH_TOPICS_WARNING}", style="bold") if event.value == "yes" else ""
        self.query_one("#calendar-warning", Static).update(warning)

    def result(self) -> CalendarForm | None:
        text = self.value_of("calendar-path").strip()
        if not text:
            raise FormProblem("Type where to write the calendar file.", "calendar-path")
        path = Path(text).expanduser()
        if path.is_dir():
            raise FormProblem(f"{path} is a folder; give a file name.", "calendar-path")
        if not path.parent.exists():
            raise FormProblem(f"The folder {path.parent} does not exist.", "calendar-path")
        return CalendarForm(path, self.query_one("#calendar-topics", Cycle).value == "yes")


def write_calendar(journal: Journal, form: CalendarForm) -> int:
    """Write the calendar file atomically (0600); return how many entries it holds."""
    from rmjournal.core.calendar import calendar_ics
    from rmjournal.core.safefile import NotDurable, atomic_write

    data = calendar_ics(journal, with_topics=form.with_topics)
    with contextlib.suppress(NotDurable):  # complete on disk; only the folder fsync failed
        atomic_write(form.path, data)
    return data.count(b"BEGIN:VEVENT") + data.count(b"BEGIN:VTODO")


def run_calendar_export(app: App[Any], journal: Journal, default: Path) -> None:
    """Ask, warn if topics go in (and ask again), write, and say where."""
    from rmjournal.core.calendar import WITH_TOPICS_WARNING

    def write(form: CalendarForm) -> None:
        try:
            count = write_calendar(journal, form)
        except (JournalError, OSError) as error:
            app.notify(f"The calendar was not written: {error}", severity="error", markup=False)
            return
        app.notify(f"Wrote {count} calendar entries to {form.path}.", timeout=4, markup=False)

    def answered(form: CalendarForm | None) -> None:
        if form is None:
            return
        if not form.with_topics:
            write(form)
            return
        app.push_screen(
            ConfirmDialog(f"{WITH_TOPICS_WARNING} Write the calendar with them?"),
            lambda yes: write(form) if yes else None,
        )

    app.push_screen(CalendarDialog(default), answered)


# ---------------------------------------------------------------------------- prompts


@dataclass
class PromptForm:
    """A prompt of the pair's own as the dialog collected it."""

    text: str
    phase: Phase
    for_: PromptFor


class PromptDialog(FormDialog[PromptForm | None]):
    """Write a reflection prompt of your own: its words, its phase and who it is for."""

    AUTO_FOCUS = "#prompt-text"
    KEYS_HINT = "Enter saves · Tab moves · ←/→ change a choice · Escape cancels"

    def __init__(self, phase: Phase = "before", for_: PromptFor = "both") -> None:
        super().__init__("Add a prompt of your own")
        self.phase: Phase = phase
        self.for_: PromptFor = for_

    def fields(self) -> ComposeResult:
        yield from self.field("The prompt", "prompt-text", "")
        yield from self.choice("When", Cycle(PHASE_CHOICES, self.phase, id="prompt-phase"))
        yield from self.choice("For", Cycle(FOR_CHOICES, self.for_, id="prompt-for"))

    def result(self) -> PromptForm | None:
        text = self.query_one("#prompt-text", Input).value.strip()
        if not text:
            raise FormProblem("Type the prompt's words.", "prompt-text")
        return PromptForm(
            text,
            self.query_one("#prompt-phase", Cycle).value,  # type: ignore[arg-type]
            self.query_one("#prompt-for", Cycle).value,  # type: ignore[arg-type]
        )


def run_prompt_dialog(
    app: App[Any],
    journal: Journal,
    done: Callable[[Prompt], None] | None = None,
    *,
    phase: Phase = "before",
    for_: PromptFor = "both",
) -> None:
    """Ask for a prompt of the pair's own and add it; `done(prompt)` after."""

    def answered(form: PromptForm | None) -> None:
        if form is None:
            return
        try:
            prompt = journal.add_prompt(form.text, phase=form.phase, for_=form.for_)
        except JournalError as error:
            app.notify(str(error), severity="error", markup=False)
            return
        app.notify("Your prompt was added; it is in the prompt picker.", timeout=3)
        if done is not None:
            done(prompt)

    app.push_screen(PromptDialog(phase, for_).keep_drafts_at("prompt:new"), answered)
