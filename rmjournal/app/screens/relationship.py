"""The relationship screen: the plan, the agreement and its signatures, each person's goals,
the opportunities offered, the review's decision and the check-in a year on (lifecycle.md).

Either partner changes any of it here, as with `rmjournal pair`, `agreement`, `goal`,
`opportunity`, `review --held-on`, `decide` and `check-in`; every change to the plan is recorded
(who, when) and listed at the bottom. Re-read on every visit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from rmjournal.app.dialogs.form import AskDialog, ChoiceDialog, ConfirmDialog
from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.screens.session_page import attempt
from rmjournal.app.widgets.literal import literal
from rmjournal.app.widgets.screen_commands import ScreenCommands
from rmjournal.core.errors import JournalError
from rmjournal.core.journal.pair import PLAN_FIELDS
from rmjournal.core.lifecycle import STAGE_WORDS, agreement_signatures, next_step, stage
from rmjournal.core.model import GOAL_STATUSES, other_role
from rmjournal.text import one_line

RESULT_WORDS = {"kept": "kept", "partly": "partly", "not_kept": "not kept"}


class RelationshipScreen(JournalScreen):
    """The whole relationship: plan, agreement, goals, opportunities, decision, check-in."""

    MODE = "relationship"
    PALETTE_LABEL = "The relationship: agreement, goals, opportunities, decision"
    COMMANDS: ClassVar = {ScreenCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t", "edit_agreement", "Agreement", id="life.agreement"),
        Binding("c", "change_plan", "Plan", id="life.plan"),
        Binding("g", "add_goal", "Goal", id="life.goal"),
        Binding("G", "goal_status", "Goal status", id="life.goal_status"),
        Binding("o", "add_opportunity", "Opportunity", id="life.opportunity"),
        Binding("u", "update_opportunity", "Taken up?", id="life.opportunity_update"),
        Binding("h", "hold_review", "Review held", id="life.hold"),
        Binding("x", "decide", "Decide", id="life.decide"),
        Binding("k", "check_in", "Check in", id="life.check_in"),
    ]
    DEFAULT_CSS = """
    RelationshipScreen #life { padding: 0 1; height: 1fr; }
    RelationshipScreen #life-top {
        grid-size: 2; grid-columns: 1fr 1fr; grid-gutter: 0 1; height: auto;
    }
    RelationshipScreen .panel { border: round $border; padding: 0 1; height: auto; }
    """

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(id="life", can_focus=True):
            yield Static("The relationship", classes="screen-title")
            with Grid(id="life-top"):
                for panel_id, title in (("stage", "Stage and plan"), ("signed", "Agreement")):
                    panel = Static("", id=f"panel-{panel_id}", classes="panel")
                    panel.border_title = title
                    yield panel
            for panel_id, title in (
                ("goals", "Goals (g add yours · G set a status)"),
                ("opportunities", "Opportunities (o offered · u taken up)"),
                ("check-in", "A year on (k check in)"),
                ("changes", "Changes to the plan"),
            ):
                panel = Static("", id=f"panel-{panel_id}", classes="panel")
                panel.border_title = title
                yield panel

    def on_screen_resume(self) -> None:
        self.refresh_relationship()

    def _panel(self, name: str, content: Text) -> None:
        self.query_one(f"#panel-{name}", Static).update(content)

    def refresh_relationship(self) -> None:
        """Re-read everything from the journal."""
        pair = self.journal.pair()
        if pair is None:
            self._panel("stage", Text("No pair details yet.", style="dim"))
            return
        text = Text()
        text.append(f"Stage: {STAGE_WORDS[stage(self.journal)]}", style="bold")
        text.append(f" · phase {pair.phase}\n")
        text.append("Next: ")
        text.append(f"{next_step(self.journal)}\n", style="bold")
        text.append(
            f"{pair.planned_sessions} sessions every {pair.cadence_days} days from "
            f"{pair.started_on.isoformat()}; review on {pair.review_on.isoformat()}\n"
        )
        held = pair.review_held_on.isoformat() if pair.review_held_on else "not yet"
        decision = (pair.decision or "none yet").replace("_", " ")
        text.append(f"Review held: {held} · decision: {decision}\n")
        text.append("c change the plan · h review held · x decide", style="dim")
        self._panel("stage", text)

        signed = Text()
        signed.append(f"Signatures: {agreement_signatures(self.journal).sentence()}\n", "bold")
        signed.append_text(literal(pair.agreement.strip() or "(no agreement written yet)"))
        signed.append("\nt edit it (a change withdraws both signatures)", style="dim")
        self._panel("signed", signed)
        self._panel("goals", self._goals())
        self._panel("opportunities", self._opportunities())
        self._panel("check-in", self._check_in())
        self._panel("changes", self._changes())

    def _goals(self) -> Text:
        goals = self.journal.goals()
        if not goals:
            return Text("No goals yet: press g to add one of your own.", style="dim")
        text = Text()
        for number, g in enumerate(goals, 1):
            if number > 1:
                text.append("\n")
            text.append(f"{number}. the {g.owner}'s [{g.status.replace('_', ' ')}] ", "bold")
            if g.hidden:
                text.append("(private to your partner)", style="dim")
            else:
                text.append_text(literal(one_line(g.text)))
            text.append(f" · {len(g.links)} linked", style="dim")
            if g.status_note and not g.hidden:
                text.append("\n   note: ", style="dim")
                text.append_text(literal(one_line(g.status_note)))
        return text

    def _opportunities(self) -> Text:
        found = self.journal.opportunities()
        if not found:
            return Text("None logged yet: press o when one is offered.", style="dim")
        text = Text()
        for number, o in enumerate(found, 1):
            if number > 1:
                text.append("\n")
            text.append(f"{number}. {o.offered_on.isoformat()} by the {o.offered_by} ")
            text.append(f"[{o.status}] ", style="bold")
            if o.hidden:
                text.append("(private to your partner)", style="dim")
                continue
            text.append_text(literal(one_line(o.title)))
            if o.outcome:
                text.append(" — came of it: ", style="dim")
                text.append_text(literal(one_line(o.outcome)))
        return text

    def _check_in(self) -> Text:
        pair = self.journal.pair()
        commitments = self.journal.commitments_to_revisit()
        text = Text()
        due = pair.check_in_on.isoformat() if pair and pair.check_in_on else "set by a close"
        text.append(f"Check-in: {due}\n", style="bold")
        if not commitments:
            text.append("No commitments to revisit.", style="dim")
        for number, a in enumerate(commitments, 1):
            result = RESULT_WORDS.get(a.check_in or "", "to revisit")
            text.append(f"{number}. [{result}] ")
            if a.hidden:
                text.append("(private to your partner)", style="dim")
            else:
                text.append_text(literal(one_line(a.title)))
                if a.check_in_note:
                    text.append(" — ", style="dim")
                    text.append_text(literal(one_line(a.check_in_note)))
            text.append("\n")
        text.rstrip()
        return text

    def _changes(self) -> Text:
        changes = self.journal.plan_changes()
        if not changes:
            return Text("No changes yet.", style="dim")
        text = Text()
        for c in changes[-12:]:
            text.append(f"{c.at[:10]} the {c.by} changed {PLAN_FIELDS.get(c.field, c.field)}")
            if c.field != "agreement":
                text.append(": ")
                text.append_text(literal(one_line(f"{c.old or '—'} → {c.new or '—'}")))
            text.append("\n")
        text.rstrip()
        return text

    # ------------------------------------------------------------------ changes

    def _done(self, write: Callable[[], object]) -> None:
        if attempt(self, write):
            self.refresh_relationship()

    @work
    async def action_edit_agreement(self) -> None:
        """Edit the agreement's text (withdrawing both signatures)."""
        from rmjournal.app.screens.agreement import agreement_dialog

        pair = self.journal.pair()
        if pair is None:
            return
        text = await self.app.push_screen_wait(agreement_dialog(pair.agreement))
        if isinstance(text, str) and text != pair.agreement:
            self._done(lambda: self.journal.set_agreement(text))
            self.notify("Agreement changed: both signatures withdrawn.", timeout=4)

    @work
    async def action_change_plan(self) -> None:
        """Change the cadence, the number of sessions or the review date."""
        from rmjournal.app.dialogs.form import FormProblem, parse_due

        pair = self.journal.pair()
        if pair is None:
            return
        which = await self.app.push_screen_wait(
            ChoiceDialog(
                "What changes?",
                [
                    ("c", "cadence", "cadence"),
                    ("n", "sessions", "sessions"),
                    ("r", "review", "review date"),
                ],
            )
        )
        if which is None:
            return
        label = {"cadence": "Days between sessions", "sessions": "Sessions planned",
                 "review": "The review date"}[which]  # fmt: skip
        now = {"cadence": pair.cadence_days, "sessions": pair.planned_sessions,
               "review": pair.review_on.isoformat()}[which]  # fmt: skip
        answer = await self.app.push_screen_wait(AskDialog("Change the plan", label, str(now)))
        if answer is None:
            return
        try:
            if which == "review":
                day = parse_due(answer, self.journal.today())
                if day is None:
                    return
                self._done(lambda: self.journal.update_pair(review_on=day))
                return
            number = int(answer.strip())
        except (ValueError, FormProblem):
            self.notify("Type a whole number (or a date for the review).", severity="error")
            return
        key = "cadence_days" if which == "cadence" else "planned_sessions"
        self._done(lambda: self.journal.update_pair(**{key: number}))

    @work
    async def action_add_goal(self) -> None:
        """Add a goal of your own."""
        text = await self.app.push_screen_wait(
            AskDialog("A goal of your own", "The goal").keep_drafts_at("goal:new")
        )
        if text and text.strip():
            self._done(lambda: self.journal.add_goal(self.journal.me, text.strip()))

    async def _pick(self, what: str, count: int) -> int | None:
        if count == 0:
            self.notify(f"There is no {what} yet.", timeout=3)
            return None
        answer = await self.app.push_screen_wait(
            AskDialog(f"Which {what}?", f"Its number (1 to {count})", "1" if count == 1 else "")
        )
        try:
            number = int((answer or "").strip())
        except ValueError:
            return None
        return number - 1 if 1 <= number <= count else None

    @work
    async def action_goal_status(self) -> None:
        """Say how a goal stands, with a note."""
        goals = self.journal.goals()
        index = await self._pick("goal", len(goals))
        if index is None:
            return
        keys = {"open": "o", "achieved": "a", "partly": "p", "not_achieved": "n"}
        status = await self.app.push_screen_wait(
            ChoiceDialog(
                "How does the goal stand?",
                [(keys[s], s, s.replace("_", " ")) for s in GOAL_STATUSES],
            )
        )
        if status is None:
            return
        self.write_goal_note(goals[index].id, status)

    @work
    async def write_goal_note(self, goal_id: str, status: str) -> None:
        """The note on how a goal stands (kept as a draft while it is typed), then the status."""
        note = await self.app.push_screen_wait(
            AskDialog("What came of it", "A note (optional)").keep_drafts_at(
                f"goal-note:{goal_id}:{status}"
            )
        )
        # Escape (after asking, if something was typed) records the status without a note.
        self._done(
            lambda: self.journal.set_goal_status(goal_id, status, (note or "").strip() or None)  # type: ignore[arg-type]
        )

    @work
    async def action_add_opportunity(self) -> None:
        """Log an opportunity offered (shadowing, a board seat, an introduction)."""
        title = await self.app.push_screen_wait(
            AskDialog(
                "An opportunity offered", "What was offered (shadowing, a seat, a slot)"
            ).keep_drafts_at("opportunity:new")
        )
        if not title or not title.strip():
            return
        me = self.journal.me
        who = await self.app.push_screen_wait(
            ChoiceDialog(
                "Who offered it?",
                [("m", me, f"I did (the {me})"), ("p", other_role(me), "my partner did")],
            )
        )
        if who is None:
            return
        self._done(lambda: self.journal.add_opportunity(title.strip(), offered_by=who))  # type: ignore[arg-type]

    @work
    async def action_update_opportunity(self) -> None:
        """Say whether an opportunity was taken up, and what came of it."""
        found = self.journal.opportunities()
        index = await self._pick("opportunity", len(found))
        if index is None:
            return
        status = await self.app.push_screen_wait(
            ChoiceDialog(
                "Was it taken up?",
                [
                    ("t", "taken", "taken up"),
                    ("d", "declined", "declined"),
                    ("o", "offered", "not yet"),
                ],
            )
        )
        if status is None:
            return
        self.write_opportunity_outcome(found[index].id, status)

    @work
    async def write_opportunity_outcome(self, opportunity_id: str, status: str) -> None:
        """What came of an opportunity (kept as a draft while it is typed), then its status."""
        before = next(
            (o.outcome for o in self.journal.opportunities() if o.id == opportunity_id), ""
        )
        outcome = await self.app.push_screen_wait(
            AskDialog("What came of it", "In a sentence (optional)", before or "").keep_drafts_at(
                f"opportunity-outcome:{opportunity_id}:{status}"
            )
        )
        # Escape records the status and leaves what came of it as it was.
        if outcome is None:
            self._done(lambda: self.journal.update_opportunity(opportunity_id, status=status))  # type: ignore[arg-type]
            return
        self._done(
            lambda: self.journal.update_opportunity(
                opportunity_id,
                status=status,  # type: ignore[arg-type]
                outcome=outcome.strip() or None,
            )
        )

    @work
    async def action_hold_review(self) -> None:
        """Mark the review held today."""
        if await self.app.push_screen_wait(ConfirmDialog("Mark the review held today?")):
            self._done(self.journal.hold_review)

    @work
    async def action_decide(self) -> None:
        """The decision at the review: close, extend or start a part two."""
        choice = await self.app.push_screen_wait(
            ChoiceDialog(
                "What did you decide at the review?",
                [
                    ("c", "close", "close (the check-in a year on)"),
                    ("e", "extend", "extend by two sessions"),
                    ("p", "part_two", "start a part two"),
                ],
            )
        )
        if choice is None:
            return
        self._done(lambda: self.journal.decide(choice))  # type: ignore[arg-type]

    @work
    async def action_check_in(self) -> None:
        """Record at the check-in whether a commitment was kept."""
        commitments = self.journal.commitments_to_revisit()
        index = await self._pick("commitment", len(commitments))
        if index is None:
            return
        result = await self.app.push_screen_wait(
            ChoiceDialog(
                "A year on, was it kept?",
                [("k", "kept", "kept"), ("p", "partly", "partly"), ("n", "not_kept", "not kept")],
            )
        )
        if result is None:
            return
        self.write_evidence(commitments[index].id, result)

    @work
    async def write_evidence(self, action_id: str, result: str) -> None:
        """The evidence for a check-in result (kept as a draft while it is typed), then both."""
        note = await self.app.push_screen_wait(
            AskDialog("The evidence", "What shows it").keep_drafts_at(
                f"evidence:{action_id}:{result}"
            )
        )
        try:
            self.journal.check_in_action(action_id, result, (note or "").strip() or None)  # type: ignore[arg-type]
        except JournalError as error:
            self.notify(str(error), title="Not changed", severity="error", markup=False)
            return
        self.refresh_relationship()
