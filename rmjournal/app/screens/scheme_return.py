"""The scheme return before approval: exactly what it holds, and where each partner stands.

A return holds figures only (`core/scheme`); this screen lists every one of them, in the words
a person reads, and the two public keys it names, so each partner sees what they sign before
they press "Approve". Approving signs the return as it stands; a later change to any figure
withdraws both approvals. The return itself is written with `rmjournal export --format return`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Static

from rmjournal.core.errors import JournalError
from rmjournal.core.lifecycle import STAGE_WORDS

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def return_lines(figures: dict[str, Any]) -> list[tuple[str, str]]:
    """Every figure of a return as (label, value), in the order the return holds them."""
    s, a, c = figures["sessions"], figures["actions"], figures["commitments"]
    g, o, ci = figures["goals"], figures["opportunities"], figures["check_in"]
    return [
        ("Stage", STAGE_WORDS.get(figures["stage"], figures["stage"])),
        ("Phase", str(figures["phase"])),
        ("Months since the start", str(figures["period_months"])),
        (
            "Sessions",
            f"{s['held']} held of {s['planned']} planned; {s['cancelled']} cancelled, "
            f"{s['missed']} missed",
        ),
        ("Cadence kept", _yes(figures["cadence_kept"])),
        ("Stalled (no session in two cadences)", _yes(figures["stalled"])),
        (
            "Actions",
            f"{a['agreed']} agreed: {a['done']} done, {a['dropped']} dropped, {a['open']} open",
        ),
        (
            "Commitments",
            f"{c['agreed']} agreed: {c['done']} done, {c['dropped']} dropped, {c['open']} open; "
            f"{c['kept']} kept",
        ),
        (
            "Goals",
            f"{g['open']} open, {g['achieved']} achieved, {g['partly']} partly, "
            f"{g['not_achieved']} not achieved",
        ),
        ("Opportunities", f"{o['offered']} offered, {o['taken']} taken"),
        ("Review held", _yes(figures["review_held"])),
        (
            "Check-in a year on",
            f"{'held' if figures['check_in_held'] else 'not held'}: {ci['kept']} kept, "
            f"{ci['partly']} partly, {ci['not_kept']} not kept",
        ),
    ]


class ReturnScreen(Screen[None]):
    """What the scheme return holds, the approvals, and approving it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("p", "approve_return", "Approve the return"),
    ]
    DEFAULT_CSS = """
    ReturnScreen #return-box { height: 1fr; border: round $border; padding: 0 1; }
    ReturnScreen #return-approvals { border: round $border; padding: 0 1; height: auto; }
    ReturnScreen Button { margin: 1 1 0 0; }
    """

    def __init__(self, journal: Journal) -> None:
        super().__init__()
        self.journal = journal

    def compose(self) -> ComposeResult:
        yield Static("The scheme return", classes="screen-title")
        yield Static(
            "This is everything the return holds: figures only — no names, titles, notes, "
            "tags or dates. Both of you approve it with your own key; any change to a figure "
            "afterwards withdraws both approvals.",
            classes="hint",
        )
        with VerticalScroll(id="return-box", can_focus=True):
            yield Static("", id="return-figures")
        yield Static("", id="return-approvals")
        yield Button(f"Approve the return as the {self.journal.me} (p)", id="approve-return")
        yield Footer()

    def on_mount(self) -> None:
        self.refresh_return()
        self.query_one("#return-box").focus()

    def refresh_return(self) -> None:
        """Show the return's figures and approvals as the journal stands now."""
        from rmjournal.core.scheme.consent import approved_roles, current_return

        figures = self.query_one("#return-figures", Static)
        approvals = self.query_one("#return-approvals", Static)
        try:
            doc = current_return(self.journal)
        except JournalError as error:
            figures.update(Text(str(error)))
            approvals.update("")
            self.query_one("#approve-return", Button).disabled = True
            return
        text = Text()
        for label, value in return_lines(doc["figures"]):
            text.append(f"{label}: ", style="bold")
            text.append(f"{value}\n")
        text.append("\nAlso in the return: ", style="bold")
        text.append(
            "the scheme's id and a pseudonym for the pair in that scheme (chosen when it is "
            "written), both public signing keys and both signatures."
        )
        figures.update(text)
        state = Text("Approvals of this return", style="bold")
        for role, approved in approved_roles(self.journal).items():
            you = " (you)" if role == self.journal.me else ""
            mark = "✓ approved" if approved else "✗ not approved (or withdrawn by a change)"
            state.append(f"\n{mark}: the {role}{you}")
        approvals.update(state)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "approve-return":
            self.action_approve_return()

    def action_approve_return(self) -> None:
        """The person who unlocked signs the return as it stands."""
        from rmjournal.core.summary import approve

        try:
            approve(self.journal, variant_name="return")
        except JournalError as error:
            self.notify(str(error), severity="error")
            return
        self.refresh_return()
        self.notify(f"The {self.journal.me} approved the scheme return.", timeout=4)
