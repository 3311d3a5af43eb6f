"""The pair and their goals: who the two partners are, their plan, and what each side wants."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.fields import to_record
from rmjournal.core.journal.records import Part, Row, check
from rmjournal.core.model import (
    GOAL_STATUSES,
    ROLES,
    VISIBILITIES,
    Goal,
    GoalStatus,
    Pair,
    Person,
    Role,
    Visibility,
)


def add_months(day: date, months: int) -> date:
    """`day` moved on by whole calendar months (clamped to the month's last day)."""
    import calendar  # here: few commands plan dates, and every command imports this module

    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class PairAndGoals(Part):
    """The journal's one pair and each side's goals."""

    def pair(self) -> Pair | None:
        """The pair and its plan, or None before it is set (a journal fresh from `new()`)."""
        rows = self._records.select("pair")
        if not rows:
            return None
        r = rows[0]
        return Pair(
            id=r["id"],
            title=r["title"],
            mentor=Person(r["mentor_name"], r["mentor_role"] or "", r["mentor_network"]),
            mentee=Person(r["mentee_name"], r["mentee_role"] or "", r["mentee_network"]),
            started_on=date.fromisoformat(r["started_on"]),
            cadence_days=int(r["cadence_days"]),
            planned_sessions=int(r["planned_sessions"]),
            review_on=date.fromisoformat(r["review_on"]),
            agreement=r["agreement"] or "",
        )

    def start_pair(
        self,
        *,
        mentor: Person,
        mentee: Person,
        title: str | None = None,
        started_on: date | None = None,
        cadence_days: int = 28,
        planned_sessions: int = 6,
        review_on: date | None = None,
        agreement: str = "",
        pair_id: str | None = None,
    ) -> Pair:
        """Set who the pair are and their plan (review six months after the start unless given)."""
        if cadence_days < 1 or planned_sessions < 1:
            raise JournalError("The cadence and the number of planned sessions must be at least 1.")
        started = started_on or self.today()
        pair = Pair(
            id=pair_id or self.new_id(),
            title=title or f"{mentor.name} & {mentee.name}",
            mentor=mentor,
            mentee=mentee,
            started_on=started,
            cadence_days=cadence_days,
            planned_sessions=planned_sessions,
            review_on=review_on or add_months(started, 6),
            agreement=agreement,
        )
        self.set_pair(pair)
        return pair

    def set_pair(self, pair: Pair) -> None:
        """Store the pair's details, replacing any earlier ones (the journal holds one pair)."""
        records = self._records
        old = records.select("pair")
        base = records.base(pair.id)
        if old:
            base["created_at"] = old[0]["created_at"]
            base["author"] = old[0]["author"]
        with records.transaction():
            for r in old:
                if r["id"] != pair.id:
                    records.execute("DELETE FROM pair WHERE id = ?", (r["id"],))
            records.put(
                "pair",
                {
                    **base,
                    "title": pair.title,
                    "mentor_name": pair.mentor.name,
                    "mentor_role": pair.mentor.role,
                    "mentor_network": pair.mentor.network,
                    "mentee_name": pair.mentee.name,
                    "mentee_role": pair.mentee.role,
                    "mentee_network": pair.mentee.network,
                    "started_on": pair.started_on.isoformat(),
                    "cadence_days": pair.cadence_days,
                    "planned_sessions": pair.planned_sessions,
                    "review_on": pair.review_on.isoformat(),
                    "agreement": pair.agreement,
                },
            )

    def update_pair(self, **changes: Any) -> Pair:
        """Change some of the pair's details (any field of `model.Pair` except `id`)."""
        pair = self.pair()
        if pair is None:
            raise NotFound("This journal has no pair yet.")
        for key in changes:
            if key == "id" or key not in Pair._fields:
                raise JournalError(f"The pair has no field {key!r} that can be changed.")
        pair = pair._replace(**changes)
        self.set_pair(pair)
        return pair

    def is_empty(self) -> bool:
        """Whether the journal holds no sessions, actions or entries yet (a new journal)."""
        for table in ("sessions", "actions", "entries"):
            if self._records.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():  # noqa: S608
                return False
        return True

    # ------------------------------------------------------------------ goals

    def _goal(self, r: Row) -> Goal:
        p, hidden = self._records.open("goals", r)
        return to_record(Goal, "goals", p, hidden=hidden)

    def goals(self, owner: Role | None = None) -> list[Goal]:
        """Each side's goals, in the order they were written."""
        if owner is None:
            return [self._goal(r) for r in self._records.select("goals")]
        return [self._goal(r) for r in self._records.select("goals", "owner = ?", (owner,))]

    def add_goal(self, owner: Role, text: str, *, visibility: Visibility = "pair") -> Goal:
        """Write down what one side wants from the pairing."""
        check(owner, ROLES, "A goal's owner")
        check(visibility, VISIBILITIES, "Visibility")
        row = {
            **self._records.base(),
            "owner": owner,
            "text": text,
            "visibility": visibility,
            "status": "open",
            "links": "[]",
        }
        self._records.check_private_author("goals", row)
        self._records.put("goals", row)
        return self.goal(row["id"])

    def goal(self, goal_id: str) -> Goal:
        """One goal by id."""
        return self._goal(self._records.live("goals", goal_id, "goal"))

    def edit_goal(
        self, goal_id: str, *, text: str | None = None, owner: Role | None = None
    ) -> Goal:
        """Rewrite a goal or give it to the other side."""
        fields: Row = {}
        if text is not None:
            fields["text"] = text
        if owner is not None:
            check(owner, ROLES, "A goal's owner")
            fields["owner"] = owner
        self._records.update("goals", goal_id, "goal", **fields)
        return self.goal(goal_id)

    def set_goal_status(self, goal_id: str, status: GoalStatus, note: str | None = None) -> Goal:
        """Say how a goal stands (open / achieved / partly / not_achieved), maybe with a note."""
        check(status, GOAL_STATUSES, "A goal's status")
        fields: Row = {"status": status}
        if note is not None:
            fields["status_note"] = note
        self._records.update("goals", goal_id, "goal", **fields)
        return self.goal(goal_id)

    def link_to_goal(self, goal_id: str, item_id: str, *, linked: bool = True) -> Goal:
        """Link an action, entry or agenda item to a goal (or unlink it): by choice, never by tag.

        The item must exist in the journal (the partner's private item included: its id is
        all a link holds).
        """
        kinds = ("actions", "entries", "agenda_items")
        found = any(self._records.select(table, "id = ?", (item_id,)) for table in kinds)
        if not found:
            raise NotFound(f"No action, entry or agenda item with id {item_id} in this journal.")
        links = list(self.goal(goal_id).links)
        if linked and item_id not in links:
            links.append(item_id)
        elif not linked and item_id in links:
            links.remove(item_id)
        else:
            return self.goal(goal_id)
        self._records.update("goals", goal_id, "goal", links=json.dumps(links))
        return self.goal(goal_id)
