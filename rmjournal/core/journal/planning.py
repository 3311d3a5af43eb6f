"""Planning: the next session's date, and carrying what is unfinished into its agenda."""

from __future__ import annotations

from datetime import date, timedelta

from rmjournal.core.errors import PlanFull
from rmjournal.core.journal.actions import Actions
from rmjournal.core.journal.pair import PairAndGoals
from rmjournal.core.model import OPEN_STATUSES, AgendaItem, Role, Session


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
                    "agenda_items", "session_id = ?", (source.id,), order="position, rowid"
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
