"""The reflection-prompt picker: prompts filtered by phase (before / after / review) and person.

Agenda items and reflections are written against prompts; the picker opens on the phase that
fits the moment and on the prompts for the person unlocked, and either filter moves with one key.
Where writing needs no prompt (a reflection), the list starts with that choice (`without`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from rmjournal.app.dialogs.form import DIALOG_CSS
from rmjournal.app.widgets.cycle import Cycle
from rmjournal.app.widgets.labels import FOR_CHOICES, PHASE_CHOICES
from rmjournal.app.widgets.literal import literal

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.model import Phase, Prompt, PromptFor


class NoPrompt:
    """The choice to write without a prompt (`PromptPicker`'s `without`)."""


NO_PROMPT = NoPrompt()


class PromptPicker(ModalScreen["Prompt | NoPrompt | None"]):
    """Pick a reflection prompt; dismissed with the prompt, `NO_PROMPT` for the `without`
    choice, or None on Escape."""

    DEFAULT_CSS = (
        DIALOG_CSS
        + """
    PromptPicker #prompt-filters { height: 1; margin: 1 0; }
    PromptPicker #prompt-filters Cycle { margin-right: 2; }
    PromptPicker #prompt-list { height: 16; }
    """
    )
    LIST_ROWS = 16
    """The list's height where the terminal has room; on a short one (80×24) it gives up rows,
    so the title and the filters above it stay in sight instead of scrolling away."""
    AROUND_LIST = 12
    """The dialog's rows other than the list's: border, title, filters, key hint and gaps."""
    SCOPED_CSS = False
    AUTO_FOCUS = "#prompt-list"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="prompts.cancel"),
        Binding("f", "cycle('phase')", "Phase", id="prompts.phase"),
        Binding("w", "cycle('for')", "For whom", id="prompts.for"),
        Binding("plus", "add_prompt", "Add your own", id="prompts.add"),
    ]

    def __init__(
        self, journal: Journal, phase: Phase, for_: PromptFor, *, without: str | None = None
    ) -> None:
        super().__init__(classes="rm-dialog")
        self.journal = journal
        self.phase = phase
        self.for_ = for_
        self.without = without
        """The label of a first choice to write without a prompt (None: no such choice)."""
        self.shown: list[Prompt] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("Choose a reflection prompt", classes="screen-title")
            with Horizontal(id="prompt-filters"):
                yield Label("Show prompts ")
                yield Cycle(PHASE_CHOICES, self.phase, id="phase")
                yield Cycle(FOR_CHOICES, self.for_, id="for")
            yield OptionList(id="prompt-list")
            yield Static(
                "↑/↓ choose · Enter picks · f phase · w for whom · + add your own · Escape cancels",
                classes="dialog-keys",
            )

    def on_mount(self) -> None:
        self._fill()

    def on_resize(self, event: events.Resize) -> None:
        rows = max(4, min(self.LIST_ROWS, event.size.height - self.AROUND_LIST))
        self.query_one("#prompt-list", OptionList).styles.height = rows

    def _fill(self) -> None:
        phase = self.query_one("#phase", Cycle).value
        for_ = self.query_one("#for", Cycle).value
        self.shown = self.journal.prompts(phase=phase, for_=for_)  # type: ignore[arg-type]
        options = self.query_one("#prompt-list", OptionList)
        options.clear_options()
        if self.without:
            options.add_option(Option(Text(f"✎ {self.without}", "italic"), id="without"))
        for n, prompt in enumerate(self.shown):
            line = literal(prompt.text)
            line.append(f"  ({prompt.for_}, {prompt.pack})", style="dim")
            options.add_option(Option(line, id=f"prompt-{n}"))
        if not self.shown:
            none = Text("No prompts for this phase and person.", "dim")
            options.add_option(Option(none, disabled=True))
        first = 1 if self.without else 0  # the first prompt, with the way without one above it
        options.highlighted = first if self.shown else (0 if self.without else None)

    @on(Cycle.Changed)
    def _filter_changed(self) -> None:
        self._fill()

    def action_cycle(self, which: str) -> None:
        """Move the phase or the person filter on by one."""
        self.query_one(f"#{which}", Cycle).action_step(1)

    def action_add_prompt(self) -> None:
        """Write a prompt of your own for the phase and person shown; it is listed at once."""
        from rmjournal.app.dialogs.between import run_prompt_dialog

        phase = self.query_one("#phase", Cycle).value
        for_ = self.query_one("#for", Cycle).value
        run_prompt_dialog(self.app, self.journal, lambda _p: self._fill(), phase=phase, for_=for_)  # type: ignore[arg-type]

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = event.option.id or ""
        if chosen == "without":
            self.dismiss(NO_PROMPT)
        elif chosen.startswith("prompt-"):
            self.dismiss(self.shown[int(chosen.removeprefix("prompt-"))])

    def action_cancel(self) -> None:
        """Close without choosing."""
        self.dismiss(None)
