"""The Dashboard: the pair, the next session, what is overdue or due soon, cadence and review.

Everything a pair needs to see on opening the journal, re-read from the journal each time the
screen is shown. `n` plans (or opens) the next session's agenda; Enter opens it.
"""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.widgets import Static

from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.screens.navigate import show_session
from rmjournal.app.widgets.labels import long_date, user_text
from rmjournal.app.widgets.literal import literal
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.core.due import (
    DUE_MARK,
    OVERDUE_MARK,
    check_in_words,
    lateness,
    review_words,
    session_heading,
)
from rmjournal.core.due import days_words as _days
from rmjournal.core.due import relative as _relative
from rmjournal.core.model import DUE_SOON_DAYS, OPEN_STATUSES, Action, Pair, Session
from rmjournal.text import counted

TOP_ACTIONS = 4
LATEST_LEARNINGS = 3


class DashboardScreen(JournalScreen):
    """Next session, overdue actions, cadence and days to the review."""

    MODE = "dashboard"
    PALETTE_LABEL = "Dashboard"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("n", "next_session", "Next session", id="dashboard.next"),
        Binding("enter", "open_next", "Open next session", show=False, id="dashboard.open"),
        Binding("c", "conflicts", "Conflicts", id="dashboard.conflicts"),
    ]
    DEFAULT_CSS = """
    DashboardScreen #dash {
        grid-size: 2; grid-columns: 1fr 1fr; grid-rows: 1fr 1fr 7; grid-gutter: 0 1;
        padding: 0 1; height: 1fr;
    }
    DashboardScreen .panel {
        border: round $border; padding: 0 1; height: 100%; overflow: hidden hidden;
    }
    DashboardScreen #panel-learnings { column-span: 2; }
    """

    def compose_body(self) -> ComposeResult:
        with Grid(id="dash"):
            for panel_id, title in (
                ("pair", "The pair"),
                ("next", "Next session"),
                ("follow", "Follow-through"),
                ("cadence", "Cadence and review"),
                ("learnings", "Latest learnings"),
            ):
                panel = Static("", id=f"panel-{panel_id}", classes="panel")
                panel.border_title = title
                yield panel

    _conflicts_waiting = 0
    """Merge conflicts waiting, as the pair panel last said (the `c` key shows while any do)."""

    def on_screen_resume(self) -> None:
        self.refresh_dashboard()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "conflicts":
            return self._conflicts_waiting > 0
        return True

    async def action_conflicts(self) -> None:
        """The fields both copies changed in a merge, each version kept until the pair chooses."""
        await self.app.run_action("app.conflicts")

    def refresh_dashboard(self) -> None:
        """Re-read every figure from the journal.

        Only what the panels show is read: the open actions once (overdue, due soon and the
        open count all come from them), session counts and the last few learnings in SQL, so
        the first paint after unlocking stays quick on a journal of many thousand entries.
        """
        today = self.journal.today()
        open_actions = self.journal.actions(status=OPEN_STATUSES)
        overdue = [a for a in open_actions if a.is_overdue(today)]
        soon = [a for a in open_actions if a.is_due_soon(today)]
        pair = self.journal.pair()
        self._panel("pair", self._pair(pair))
        self._panel("next", self._next(self.journal.next_session()))
        self._panel("follow", self._follow(overdue, soon, len(open_actions)))
        self._panel("cadence", self._cadence(pair))
        self._panel("learnings", self._learnings())

    def _panel(self, name: str, content: object) -> None:
        self.query_one(f"#panel-{name}", Static).update(content)  # type: ignore[arg-type]

    def _pair(self, pair: Pair | None) -> Text:
        if pair is None:
            return Text("No pair details yet.", style="dim")
        from rmjournal.core.lifecycle import STAGE_WORDS, next_step, stage

        # Where the pair stands and the one next step come first: at 80×24 the panel shows
        # about seven lines, and these are what a person opening the journal needs most.
        now = stage(self.journal)
        phase = f" (phase {pair.phase})" if pair.phase > 1 and now != "part_two" else ""
        text = Text(f"Stage: {STAGE_WORDS[now]}{phase}", style="bold")
        text.append("\nNext: ")
        text.append(next_step(self.journal), style="bold")
        waiting = self.journal.conflicts_waiting()
        if waiting != self._conflicts_waiting:
            self._conflicts_waiting = waiting
            self.refresh_bindings()  # `c` is in the footer only while conflicts wait
        if waiting:
            # One line at 80 columns (the panel shows about seven): the key is on the screen.
            text.append(
                f"\n! {counted(waiting, 'merge conflict')} waiting (c)",
                style="bold",
            )
        text.append("\n")
        for role, person in (("mentor", pair.mentor), ("mentee", pair.mentee)):
            text.append("\n")
            text.append_text(literal(person.name, "bold"))
            text.append(f"  {role}" + ("  (you)" if role == self.journal.me else ""), style="dim")
            details = ", ".join(p for p in (person.role, person.network or "") if p)
            if details:
                text.append("\n")
                text.append_text(literal(details))
        text.append(
            f"\nSince {long_date(pair.started_on)} · every {_days(pair.cadence_days)}", style="dim"
        )
        return text

    def _next(self, session: Session | None) -> Text | Group:
        if session is None:
            text = Text("No session planned.\n\n", style="bold")
            text.append("Press n to plan the next one: its agenda starts with what is unfinished.")
            return text
        today = self.journal.today()
        agenda = self.journal.agenda(session.id)
        text = Text(f"{session_heading(session, today)}\n", "bold")
        carried = sum(1 for i in agenda if i.carried_from)
        follow = sum(1 for i in agenda if i.action_id and not i.carried_from)
        minutes = sum(i.minutes or 0 for i in agenda if not i.hidden)
        text.append(f"{len(agenda)} topics · {carried} carried · {follow} follow-ups")
        if minutes:
            text.append(f" · {minutes} min")
        topics = Table.grid(padding=(0, 1), expand=True)
        topics.add_column(no_wrap=True, width=1)
        topics.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        for item in agenda[:4]:
            topics.add_row("•", user_text(item.topic, hidden=item.hidden))
        foot = Text()
        if len(agenda) > 4:
            foot.append(f"… and {len(agenda) - 4} more\n", style="dim")
        foot.append("n or Enter: open the agenda", style="dim")
        return Group(text, topics, foot)

    def _follow(self, overdue: list[Action], soon: list[Action], open_count: int) -> Group:
        today = self.journal.today()
        text = Text()
        text.append(f"! {len(overdue)} overdue", style="bold")
        text.append(f" · » {len(soon)} due in {DUE_SOON_DAYS} days · {open_count} open")
        rows = Table.grid(padding=(0, 1), expand=True)
        rows.add_column(no_wrap=True)
        rows.add_column(no_wrap=True, overflow="ellipsis", ratio=1)
        rows.add_column(no_wrap=True, justify="right")
        shown = [(OVERDUE_MARK, a) for a in overdue] + [(DUE_MARK, a) for a in soon]
        for label, a in shown[:TOP_ACTIONS]:
            when = lateness((a.due_on - today).days if a.due_on else 0)
            rows.add_row(
                Text(label, style="bold" if label.startswith("!") else ""),
                user_text(a.title, hidden=a.hidden),
                Text(when, style="dim"),
            )
        foot = Text()
        if len(shown) > TOP_ACTIONS:
            foot.append(f"… and {len(shown) - TOP_ACTIONS} more\n", style="dim")
        if not shown:
            foot.append("Nothing overdue or due soon.\n", style="dim")
        foot.append("a: the follow-up tracker", style="dim")
        return Group(text, rows, foot)

    def _cadence(self, pair: Pair | None) -> Text | Table:
        if pair is None:
            return Text("")
        counts = self.journal.session_counts()
        held = counts.get("held", 0)
        cancelled = counts.get("cancelled", 0)
        planned = pair.planned_sessions
        bar = "■" * min(held, planned) + "□" * max(planned - held, 0)
        text = Text()
        text.append(f"Sessions held: {held} of {planned} planned  ", style="bold")
        text.append(bar + "\n")
        if cancelled:
            text.append(f"{cancelled} cancelled\n")
        from rmjournal.core.review import is_missed

        today = self.journal.today()
        planned_ones = self.journal.sessions("planned")
        missed = sum(is_missed(s, today, pair.cadence_days) for s in planned_ones)
        if missed:
            text.append(f"{missed} missed: planned, neither held nor cancelled\n", style="bold")
        last = self.journal.last_held_session()
        if last is not None and pair.decision != "close":  # closed: the check-in matters now
            ago = (self.journal.today() - last.date).days
            text.append(f"Last held: session {last.number}, {_relative(-ago)}")
            text.append(f" (every {_days(pair.cadence_days)} planned)\n")
        text.append_text(self._review_line(pair, today))
        text.append("r: the six-month review", style="dim")
        return text

    @staticmethod
    def _review_line(pair: Pair, today: date) -> Text:
        """When the review is, or, once the pair closed at it, when it was and when the
        check-in a year on falls: a closed pair's review date still lies ahead on the plan."""
        line = Text()
        if pair.decision == "close" and pair.review_held_on is not None:
            line.append(f"Review held {long_date(pair.review_held_on)}: closed\n")
            if pair.check_in_on is not None:
                line.append(check_in_words((pair.check_in_on - today).days), style="bold")
                line.append(f" ({long_date(pair.check_in_on)})\n")
            return line
        line.append(review_words((pair.review_on - today).days), style="bold")
        line.append(f" ({long_date(pair.review_on)})\n")
        return line

    def _learnings(self) -> Text | Table:
        learnings = self.journal.latest_learnings(LATEST_LEARNINGS)
        if not learnings:
            return Text("No learnings written yet.", style="dim")
        rows = Table.grid(padding=(0, 1), expand=True)
        rows.add_column(no_wrap=True, style="dim")
        rows.add_column(overflow="ellipsis", ratio=1, no_wrap=True)
        numbers = self.journal.session_numbers(e.session_id for e in learnings)
        for entry in reversed(learnings):
            number = numbers.get(entry.session_id)
            where = f"session {number}" if number else entry.created_at[:10]
            rows.add_row(f"{where} · {entry.author}", user_text(entry.text, hidden=entry.hidden))
        return rows

    async def action_next_session(self) -> None:
        """Plan the next session (or open the one planned) at its agenda."""
        from rmjournal.app.screens.session_page import plan_or_ask

        def opened(session: Session) -> None:
            self.app.call_later(show_session, self.app, session.id, "agenda")

        plan_or_ask(self, opened)

    async def action_open_next(self) -> None:
        """Open the planned session's agenda, if there is one."""
        session = self.journal.next_session()
        if session is None:
            self.notify("No session planned: press n to plan one.", timeout=3)
            return
        await show_session(self.app, session.id, "agenda")
