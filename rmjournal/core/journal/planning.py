"""Planning: the next session's date, and carrying what is unfinished into its agenda."""

from __future__ import annotations

from datetime import date, timedelta

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

    def plan_next_session(self, on: date | None = None, *, place: str | None = None) -> Session:
        """The next session with its agenda pre-filled: unfinished items and open actions.

        The agenda gets every item left open or carried over in the latest held session (linked by
        `carried_from`) and every open action due by the session after this one or undated (linked
        by `action_id`). Follow-through is the point of the tool: nothing unfinished is forgotten.
        Idempotent: an existing planned session is reused and nothing is added twice.
        """
        with self._records.transaction():
            session = self.next_session()
            if session is None:
                if on is None:
                    pair = self.pair()
                    cadence = pair.cadence_days if pair else 28
                    last = self.sessions()
                    if last:
                        on = max(self.today(), plus_days(last[-1].date, cadence))
                    else:
                        on = max(self.today(), pair.started_on) if pair else self.today()
                session = self.add_session(on, place=place)
            self.carry_forward(session.id)
        return self.session(session.id)

    def carry_forward(self, session_id: str) -> list[AgendaItem]:
        """Add to a session's agenda what is unfinished and not yet on it; return what was added."""
        target = self.session(session_id)
        existing = self._records.select("agenda_items", "session_id = ?", (session_id,))
        carried = {r["carried_from"] for r in existing if r["carried_from"]}
        followed = {r["action_id"] for r in existing if r["action_id"]}
        added: list[AgendaItem] = []
        with self._records.transaction():
            held = self.last_held_session(before_number=target.number)
            if held is not None:
                for r in self._records.select(
                    "agenda_items", "session_id = ?", (held.id,), order="position, rowid"
                ):
                    if (
                        r["outcome"] not in ("open", "carried_over")
                        or r["id"] in carried
                        or self._records.is_hidden(r)
                    ):
                        continue
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
