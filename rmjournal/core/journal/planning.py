"""Planning: the next session's date, and carrying what is unfinished into its agenda."""

from __future__ import annotations

from datetime import date, timedelta

from rmjournal.core.errors import JournalError, NotFound, PlanFull
from rmjournal.core.journal.actions import Actions
from rmjournal.core.journal.pair import PairAndGoals, add_months
from rmjournal.core.journal.rows import WRITTEN, check
from rmjournal.core.model import (
    CHECK_INS,
    DECISIONS,
    OPEN_STATUSES,
    Action,
    AgendaItem,
    CheckIn,
    Decision,
    Pair,
    Role,
    Session,
)

EXTEND_SESSIONS = 2
"""How many more sessions an extension plans unless the pair says."""

PART_TWO_SESSIONS = 6
"""How many sessions a part two plans unless the pair says."""

CHECK_IN_MONTHS = 12
"""The check-in falls this many months after the review unless the pair says."""


def plus_days(day: date, days: int) -> date:
    """`day` plus `days`, stopping at the last date Python knows (an imported or typed date may
    be 9999-12-31; planning after it must not crash)."""
    try:
        return day + timedelta(days=days)
    except OverflowError:
        return date.max


class Planning(PairAndGoals, Actions):
    """Plan the next session so that nothing unfinished is forgotten."""

    def is_missed(self, session: Session) -> bool:
        """A planned session more than half a cadence in the past, neither held nor cancelled."""
        if session.status != "planned":
            return False
        pair = self.pair()
        cadence = pair.cadence_days if pair else 28
        return (self.today() - session.date).days * 2 > cadence

    # ------------------------------------------------------------------ the review and after

    def review_is_held(self, pair: Pair | None = None) -> bool:
        """Whether the current review has been held: a review held after the last decision
        (a decision takes the review it was made at with it)."""
        pair = pair or self.pair()
        if pair is None or pair.review_held_on is None:
            return False
        return pair.decided_on is None or pair.review_held_on > pair.decided_on

    def hold_review(self, on: date | None = None) -> Pair:
        """Mark the review held (today unless `on`): an event with a date, not only a plan."""
        day = on or self.today()
        if day > self.today():
            raise JournalError("A review cannot be marked held on a day still to come.")
        pair = self.pair()
        if pair is None:
            raise NotFound("This journal has no pair yet.")
        if pair.decided_on is not None and day <= pair.decided_on:
            raise JournalError(
                f"The last decision was taken on {pair.decided_on.isoformat()}; a new review"
                " is held after it."
            )
        return self.update_pair(review_held_on=day)

    def decide(
        self,
        decision: Decision,
        *,
        sessions: int | None = None,
        review_on: date | None = None,
        check_in_on: date | None = None,
        on: date | None = None,
    ) -> Pair:
        """Record the decision taken at the review on `on` (today unless given; the review is
        marked held that day if it was not yet).

        close: the pairing ends; the check-in that revisits every commitment falls on
        `check_in_on` (a year after the review unless given). extend: `sessions` more sessions
        (2 unless given) and a new review date (that many cadences on unless given). part_two:
        a new phase with its own plan of `sessions` (6 unless given) and review (six months on
        unless given); the goals carry over as they stand.
        """
        check(decision, DECISIONS, "The decision")
        if sessions is not None and sessions < 1:
            raise JournalError("The number of sessions must be at least 1.")
        today = on or self.today()
        if today > self.today():
            raise JournalError("A decision cannot be recorded on a day still to come.")
        with self._records.transaction():
            pair = self.pair()
            if pair is None:
                raise NotFound("This journal has no pair yet.")
            if not self.review_is_held(pair):
                pair = self.hold_review(today)
            held_on = pair.review_held_on or today
            changes: dict[str, object] = {"decision": decision, "decided_on": today}
            if decision == "close":
                when = check_in_on or add_months(held_on, CHECK_IN_MONTHS)
                if when < held_on:
                    raise JournalError("The check-in falls after the review, not before it.")
                changes["check_in_on"] = when
            else:
                if check_in_on is not None:
                    raise JournalError("A check-in date goes with a decision to close.")
                held = sum(s.status == "held" for s in self.sessions())
                if decision == "extend":
                    more = sessions or EXTEND_SESSIONS
                    changes["planned_sessions"] = max(pair.planned_sessions, held) + more
                    changes["review_on"] = review_on or plus_days(
                        max(today, pair.review_on), more * pair.cadence_days
                    )
                else:
                    more = sessions or PART_TWO_SESSIONS
                    changes["phase"] = pair.phase + 1
                    changes["phase_started_on"] = today
                    changes["planned_sessions"] = held + more
                    changes["review_on"] = review_on or add_months(today, 6)
                changes["check_in_on"] = None
                if changes["review_on"] <= today:  # type: ignore[operator]
                    raise JournalError("The new review date must be after today.")
            return self.update_pair(**changes)

    def commitments_to_revisit(self) -> list[Action]:
        """The commitments the check-in revisits: every one the mentee made, but the dropped."""
        return [a for a in self.actions(kind="commitment", order="agreed") if a.status != "dropped"]

    def check_in_action(self, action_id: str, result: CheckIn, note: str | None = None) -> Action:
        """Record at the check-in whether a commitment (or any action) was kept, with evidence."""
        check(result, CHECK_INS, "A check-in")
        self._records.update(
            "actions",
            action_id,
            "action",
            check_in=result,
            check_in_note=note,
            checked_in_on=self.today().isoformat(),
        )
        return self.action(action_id)

    def sessions_left_in_plan(self) -> int:
        """How many sessions of the pair's plan are still to plan: the plan's number less those
        held or planned (cancelled and missed ones do not use up the plan; they are replaced)."""
        pair = self.pair()
        if pair is None:
            return 1
        used = sum(
            s.status == "held" or (s.status == "planned" and not self.is_missed(s))
            for s in self.sessions()
        )
        return pair.planned_sessions - used

    def plan_next_session(
        self,
        on: date | None = None,
        *,
        place: str | None = None,
        beyond_plan: bool = False,
        extend_plan: bool = False,
    ) -> Session:
        """The next session with its agenda pre-filled: unfinished items and open actions.

        The agenda gets every item left open or carried over in the sessions since (and with)
        the latest held one, cancelled and missed ones included (linked by `carried_from`), and
        every open action due by the session after this one or undated (linked by `action_id`).
        Follow-through is the point of the tool: nothing unfinished is forgotten. Idempotent: an
        upcoming planned session is reused and nothing is added twice. A missed session is not
        reused: its replacement is planned from today (so is a cancelled one's).

        When every session of the plan is held or planned, `PlanFull` unless the person chose:
        `beyond_plan` plans one more session, `extend_plan` makes the plan one session longer
        first. An empty planned session changes no summary, so no approval is withdrawn.
        """
        with self._records.transaction():
            session = next(
                (s for s in self.sessions("planned", order="number") if not self.is_missed(s)),
                None,
            )
            if session is None:
                pair = self.pair()
                if pair is not None and self.sessions_left_in_plan() <= 0 and not beyond_plan:
                    if not extend_plan:
                        raise PlanFull(
                            f"All {pair.planned_sessions} sessions of the plan are held or"
                            " planned. Plan one more session beyond the plan, or extend the plan?"
                        )
                    self.update_pair(planned_sessions=pair.planned_sessions + 1)
                if on is None:
                    on = self._next_date()
                session = self.add_session(on, place=place)
            self.carry_forward(session.id)
        return self.session(session.id)

    def _next_date(self) -> date:
        """When the next session falls: a cadence after the last one, or today if the last one
        was cancelled or missed (its replacement is wanted soon, not a cadence later)."""
        pair = self.pair()
        cadence = pair.cadence_days if pair else 28
        last = self.sessions()
        if not last:
            return max(self.today(), pair.started_on) if pair else self.today()
        latest = last[-1]
        if latest.status == "cancelled" or self.is_missed(latest):
            return self.today()
        return max(self.today(), plus_days(latest.date, cadence))

    def _carry_sources(self, target: Session) -> list[Session]:
        """The sessions before `target` whose unfinished items it takes, oldest first: the
        latest held one and every cancelled or missed one after it."""
        sources: list[Session] = []
        for s in reversed(self.sessions()):
            if s.number >= target.number or s.id == target.id:
                continue
            if s.status == "held":
                sources.append(s)
                break
            if s.status == "cancelled" or self.is_missed(s):
                sources.append(s)
        return sources[::-1]

    def carry_forward(self, session_id: str) -> list[AgendaItem]:
        """Add to a session's agenda what is unfinished and not yet on it; return what was added."""
        target = self.session(session_id)
        existing = self._records.select("agenda_items", "session_id = ?", (session_id,))
        carried = {r["carried_from"] for r in existing if r["carried_from"]}
        followed = {r["action_id"] for r in existing if r["action_id"]}
        sources = self._carry_sources(target)
        for source in sources:  # an item already carried into a later source goes on from there
            for r in self._records.select("agenda_items", "session_id = ?", (source.id,)):
                if r["carried_from"]:
                    carried.add(r["carried_from"])
        added: list[AgendaItem] = []
        with self._records.transaction():
            for source in sources:
                for r in self._records.select(
                    "agenda_items", "session_id = ?", (source.id,), order=f"position, {WRITTEN}"
                ):
                    if (
                        r["outcome"] not in ("open", "carried_over")
                        or r["id"] in carried
                        or self._records.is_hidden(r)
                    ):
                        continue
                    carried.add(r["id"])
                    p, _ = self._records.open("agenda_items", r)
                    item = self.add_agenda_item(
                        session_id,
                        p["topic"],
                        raised_by=p["raised_by"],
                        minutes=p["minutes"],
                        prompt=p["prompt"],
                        visibility=p["visibility"],
                        carried_from=p["id"],
                        action_id=p["action_id"],
                    )
                    added.append(item)
                    if p["action_id"]:
                        followed.add(p["action_id"])
            pair = self.pair()
            horizon = plus_days(target.date, pair.cadence_days if pair else 28)
            for action in self.actions(status=OPEN_STATUSES):
                if action.id in followed or action.hidden:
                    continue
                if action.due_on is not None and action.due_on > horizon:
                    continue
                private = action.visibility == "private"
                raised: Role = self.me if private or action.owner == "both" else action.owner
                added.append(
                    self.add_agenda_item(
                        session_id,
                        f"Follow-up: {action.title}",
                        raised_by=raised,
                        visibility="private" if private else "pair",
                        action_id=action.id,
                    )
                )
        return added
