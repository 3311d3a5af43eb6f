"""The Review screen: the six-month review at a glance, from the same figures as every summary.

Sessions held against the plan and the cadence kept, actions and commitments by status and owner,
month-by-month bars (sessions held; actions agreed and closed; learnings), learnings over time and
each goal with what is linked to it. Bars are block characters with their numbers beside them and
a different character per series, so nothing depends on colour. Re-read on every visit.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.widgets.literal import literal
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.core.errors import JournalError
from rmjournal.core.lifecycle import STAGE_WORDS
from rmjournal.core.model import ACTION_STATUSES, OWNERS
from rmjournal.core.review import MonthCount, ReviewFigures, review_figures
from rmjournal.text import one_line

BAR_WIDTH = 16
"""Characters for the longest bar."""

STATUS_NAMES = {"open": "open", "in_progress": "in progress", "done": "done", "dropped": "dropped"}

DECISION_WORDS = {"close": "close", "extend": "extend", "part_two": "a part two"}


def month_label(month: str) -> str:
    """ "2026-03" as "Mar 26"."""
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    year, number = month.split("-")
    return f"{names[int(number) - 1]} {year[2:]}"


def bars(series: list[tuple[str, str, list[MonthCount]]]) -> Text:
    """Rows of block-character bars per month; each series is (label, character, counts).

    Every bar ends with its number, and each series draws with its own character (█, ░), so the
    chart reads the same in any theme, in monochrome and to a screen reader.
    """
    peak = max([1, *(m.count for _, _, counts in series for m in counts)])
    text = Text()
    legend = "   ".join(f"{char * 2} {label}" for label, char, _ in series)
    text.append(legend + "\n", style="dim")
    for i, month in enumerate(series[0][2]):
        text.append(f"{month_label(month.month):<7}")
        for j, (_, char, counts) in enumerate(series):
            n = counts[i].count
            length = round(BAR_WIDTH * n / peak)
            if j:
                text.append("  ")
            text.append(char * length, style="bold" if j == 0 else "")
            text.append(f" {n}".ljust(BAR_WIDTH - length + 3))
        text.rstrip()
        text.append("\n")
    text.rstrip()
    return text


class ReviewScreen(JournalScreen):
    """The six-month review: cadence kept, actions done, learnings."""

    MODE = "review"
    PALETTE_LABEL = "Review"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "refresh_review", "Refresh", id="review.refresh"),
        # The review is where a pair decides; the decision itself lives with the rest of the
        # relationship (the same `x` there), which is where it then shows.
        Binding("x", "decide", "Decide", id="review.decide"),
    ]
    DEFAULT_CSS = """
    ReviewScreen #review { padding: 0 1; height: 1fr; }
    ReviewScreen #review-top {
        grid-size: 2; grid-columns: 1fr 1fr; grid-gutter: 0 1; height: auto;
    }
    ReviewScreen .panel { border: round $border; padding: 0 1; height: auto; }
    ReviewScreen #review-when { padding: 0 1; }
    """

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="review", can_focus=True):
            yield Static("Review", classes="screen-title")
            yield Static("", id="review-when")
            with Grid(id="review-top"):
                for panel_id, title in (
                    ("sessions", "Sessions and cadence"),
                    ("actions", "Actions and commitments"),
                    ("sessions-chart", "Sessions held per month"),
                    ("actions-chart", "Actions agreed, closed per month"),  # whole at 80 columns
                ):
                    panel = Static("", id=f"panel-{panel_id}", classes="panel")
                    panel.border_title = title
                    yield panel
            for panel_id, title in (
                ("stage", "The relationship"),
                ("learnings", "Learnings over time"),
                ("goals", "Goals revisited"),
                ("opportunities", "Opportunities"),
            ):
                panel = Static("", id=f"panel-{panel_id}", classes="panel")
                panel.border_title = title
                yield panel

    def on_screen_resume(self) -> None:
        self.refresh_review()

    def action_refresh_review(self) -> None:
        """Re-read the figures (they are re-read on every visit anyway)."""
        self.refresh_review()

    async def action_decide(self) -> None:
        """The decision at the review (close, extend or a part two), on the relationship
        screen, where the stage it leads to then shows."""
        await self.app.run_action("screen_action('relationship', 'decide')")

    def refresh_review(self) -> None:
        """Compute the figures as of today and show them."""
        try:
            figures = review_figures(self.journal)
        except JournalError as error:
            self.query_one("#review-when", Static).update(Text(str(error)))
            return
        when = Text(f"As of {figures.today.isoformat()} · {figures.review_sentence()}")
        self.query_one("#review-when", Static).update(when)
        self._panel("sessions", self._sessions(figures))
        self._panel("actions", self._actions(figures))
        self._panel("sessions-chart", bars([("sessions held", "█", figures.sessions_by_month)]))
        self._panel(
            "actions-chart",
            bars(
                [
                    ("agreed", "█", figures.opened_by_month),
                    ("closed", "░", figures.closed_by_month),
                ]
            ),
        )
        self._panel("stage", self._stage(figures))
        self._panel("learnings", self._learnings(figures))
        self._panel("goals", self._goals(figures))
        self._panel("opportunities", self._opportunities(figures))

    def _panel(self, name: str, content: Text) -> None:
        self.query_one(f"#panel-{name}", Static).update(content)

    @staticmethod
    def _sessions(f: ReviewFigures) -> Text:
        text = Text()
        text.append(f"{f.sessions_held} of {f.sessions_planned}", style="bold")
        text.append(" planned sessions held\n")
        text.append(f"{f.sessions_cancelled} cancelled · {f.sessions_scheduled} still scheduled")
        text.append(f" · {f.sessions_missed} missed\n" if f.sessions_missed else "\n")
        if f.mean_days_between is None and f.cadence_kept is False:
            text.append("Cadence: no sessions held to measure: not kept ✗\n")
        elif f.mean_days_between is None:
            text.append("Cadence: too few held sessions to tell\n")
        else:
            verdict = "kept ✓" if f.cadence_kept else "not kept ✗"
            text.append(f"Every {f.mean_days_between:.1f} days on average", style="bold")
            text.append(f" (planned every {f.cadence_days}): cadence {verdict}\n")
        text.append(f"Review: {f.review_sentence()}")
        return text

    @staticmethod
    def _actions(f: ReviewFigures) -> Text:
        text = Text()
        # 33 cells wide: the panel's width at 80 columns (a wider row wraps and reads wrong).
        head = f"{'':<11}{'actions':>8}{'commit.':>8}{'total':>6}\n"
        text.append(head, style="dim")
        for status in ACTION_STATUSES:
            a = f.by_kind_status["action"][status]
            c = f.by_kind_status["commitment"][status]
            text.append(f"{STATUS_NAMES[status]:<11}{a:>8}{c:>8}{a + c:>6}\n")
        owners = " · ".join(
            f"{owner}: {sum(f.by_owner_status[owner].values())}" for owner in OWNERS
        )
        text.append(f"By owner  {owners}\n")
        text.append("Commitments kept: ")
        text.append(f"{f.commitments_kept} of {f.commitments_made}", style="bold")
        text.append("\nOverdue now: ")
        text.append(str(f.overdue), style="bold")
        close = "—" if f.median_days_to_close is None else f"{f.median_days_to_close:g} days"
        text.append(f" · median time to close: {close}")
        return text

    def _learnings(self, f: ReviewFigures) -> Text:
        dates = {s.id: s.date.isoformat() for s in self.journal.sessions()}
        text = bars([("learnings", "█", f.learnings_by_month)])
        text.append(f"\n{f.learnings_total} learnings recorded", style="bold")
        text.append(" (count includes items you cannot read)\n" if f.learnings else "\n")
        by_session = " · ".join(f"#{s.number}: {s.learnings}" for s in f.learnings_by_session)
        if by_session:
            text.append(f"Per session  {by_session}\n", style="dim")
        for entry in f.learnings:
            text.append("\n• ")
            when = dates.get(entry.session_id, entry.created_at[:10])
            text.append(f"{when} {entry.author}: ", style="dim")
            text.append_text(literal(one_line(entry.text)))
        return text

    @staticmethod
    def _stage(f: ReviewFigures) -> Text:
        pair = f.pair
        text = Text()
        text.append(f"Stage: {STAGE_WORDS[f.stage]}", style="bold")
        text.append(f" · phase {pair.phase}\n")
        text.append("Next: ")
        text.append(f"{f.next_step}\n", style="bold")
        signed = f.agreement.sentence() if f.agreement else "not signed"
        text.append(f"Agreement: {signed}\n")
        held = pair.review_held_on.isoformat() if pair.review_held_on else "not yet"
        decision = DECISION_WORDS.get(pair.decision or "", "none yet")
        text.append(f"Review held: {held} · decision: {decision}")
        check = f.check_in
        if pair.check_in_on is not None and check is not None:
            c = check.counts
            text.append(f"\nA year on (check-in {pair.check_in_on.isoformat()}): ", style="bold")
            text.append(f"{c['kept']} kept · {c['partly']} partly · {c['not_kept']} not kept")
            text.append(f" · {check.to_revisit} to revisit")
            for action in f.a_year_on:
                text.append(f"\n  {(action.check_in or '').replace('_', ' ')}: ")
                text.append_text(literal(one_line(action.title)))
                if action.check_in_note:
                    text.append(" — ", style="dim")
                    text.append_text(literal(one_line(action.check_in_note)))
        return text

    @staticmethod
    def _opportunities(f: ReviewFigures) -> Text:
        text = Text()
        text.append(
            f"{f.opportunities_offered} offered · {f.opportunities_taken} taken up", style="bold"
        )
        if f.opportunities_offered > len(f.opportunities):
            text.append(" (counts include items you cannot read)")
        for o in f.opportunities:
            text.append(f"\n• {o.offered_on.isoformat()} by the {o.offered_by} [{o.status}] ")
            text.append_text(literal(one_line(o.title)))
            if o.outcome:
                text.append(" — came of it: ", style="dim")
                text.append_text(literal(one_line(o.outcome)))
        return text

    @staticmethod
    def _goals(f: ReviewFigures) -> Text:
        text = Text()
        if not f.goals:
            return Text("No goals written yet.", style="dim")
        counts = " · ".join(
            f"{n} {status.replace('_', ' ')}" for status, n in f.goals_by_status.items()
        )
        text.append(f"By status  {counts}\n\n", style="dim")
        for i, progress in enumerate(f.goals):
            if i:
                text.append("\n\n")
            text.append(f"Goal of the {progress.goal.owner}: ", style="bold")
            text.append_text(literal(one_line(progress.goal.text), "bold"))
            text.append(f" ({progress.goal.status.replace('_', ' ')})")
            if not progress.actions and not progress.learnings:
                text.append("\n  nothing linked to this goal yet", style="dim")
            for action in progress.actions:
                text.append(f"\n  {action.kind} [{STATUS_NAMES[action.status]}] ")
                text.append_text(literal(one_line(action.title)))
            for entry in progress.learnings:
                text.append("\n  learning: ")
                text.append_text(literal(one_line(entry.text)))
        text.append(
            "\n\nItems link to a goal by choice (`rmjournal link`); a tag alone never links.",
            style="dim",
        )
        return text
