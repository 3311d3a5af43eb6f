"""The pair and their goals: who the two partners are, their plan, and what each side wants."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.fields import to_record
from rmjournal.core.journal.rows import WRITTEN, Part, Row, check
from rmjournal.core.model import (
    GOAL_STATUSES,
    ROLES,
    VISIBILITIES,
    Goal,
    GoalStatus,
    Pair,
    Person,
    PlanChange,
    Role,
    Visibility,
)

PLAN_FIELDS: dict[str, str] = {
    "title": "title",
    "started_on": "start date",
    "cadence_days": "cadence (days)",
    "planned_sessions": "planned sessions",
    "review_on": "review date",
    "mentor": "the mentor's details",
    "mentee": "the mentee's details",
    "agreement": "agreement",
    "phase": "phase",
    "review_held_on": "review held on",
    "decision": "decision",
    "decided_on": "decided on",
    "check_in_on": "check-in date",
    "phase_started_on": "phase started on",
}
"""Each field of the plan a change is recorded for, as people name it."""


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _as_text(value: object) -> str | None:
    """A plan value as the change log keeps it (a person as "name, job title, network")."""
    if value is None:
        return None
    if isinstance(value, Person):
        return ", ".join(p for p in (value.name, value.role, value.network or "") if p)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


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
            phase=int(r.get("phase") or 1),
            review_held_on=_day(r.get("review_held_on")),
            decision=r.get("decision") or None,
            decided_on=_day(r.get("decided_on")),
            check_in_on=_day(r.get("check_in_on")),
            phase_started_on=_day(r.get("phase_started_on")),
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
                    "phase": pair.phase,
                    "review_held_on": _as_text(pair.review_held_on),
                    "decision": pair.decision,
                    "decided_on": _as_text(pair.decided_on),
                    "check_in_on": _as_text(pair.check_in_on),
                    "phase_started_on": _as_text(pair.phase_started_on),
                    "plan_changes": (old[0].get("plan_changes") if old else None) or "[]",
                },
            )

    def update_pair(self, **changes: Any) -> Pair:
        """Change some of the pair's details (any field of `model.Pair` except `id`).

        Either partner may change the plan at any time; each change is recorded (who, when,
        from what to what: `plan_changes`). The agreement's log line keeps no text, only that it
        changed (the text itself may be long; its signatures are bound to it, see lifecycle).
        """
        pair = self.pair()
        if pair is None:
            raise NotFound("This journal has no pair yet.")
        for key in changes:
            if key == "id" or key not in Pair._fields:
                raise JournalError(f"The pair has no field {key!r} that can be changed.")
        if "cadence_days" in changes and int(changes["cadence_days"]) < 1:
            raise JournalError("The cadence must be at least 1 day.")
        if "planned_sessions" in changes and int(changes["planned_sessions"]) < 1:
            raise JournalError("The plan needs at least 1 session.")
        if "title" in changes and not str(changes["title"]).strip():
            raise JournalError("The pair's title cannot be empty.")
        new = pair._replace(**changes)
        logged: list[dict[str, Any]] = []
        stamp = self._records.stamp()
        for key in changes:
            before, after = getattr(pair, key), getattr(new, key)
            if before == after:
                continue
            text = key != "agreement"
            logged.append(
                {
                    "at": stamp,
                    "by": self.me,
                    "field": key,
                    "from": _as_text(before) if text else None,
                    "to": _as_text(after) if text else None,
                }
            )
        if not logged:
            return pair
        with self._records.transaction():
            self.set_pair(new)
            history = self._plan_change_rows() + logged
            self._records.write(
                "UPDATE pair SET plan_changes = ? WHERE id = ?",
                (json.dumps(history, ensure_ascii=False), new.id),
            )
        return new

    def _plan_change_rows(self) -> list[dict[str, Any]]:
        rows = self._records.select("pair")
        if not rows:
            return []
        try:
            found = json.loads(rows[0].get("plan_changes") or "[]")
        except ValueError:  # an odd value written by a script: an empty log, never a crash
            return []
        return [c for c in found if isinstance(c, dict)] if isinstance(found, list) else []

    def plan_changes(self) -> list[PlanChange]:
        """Every recorded change to the plan and the agreement, oldest first."""
        out = []
        for c in self._plan_change_rows():
            by = c.get("by")
            out.append(
                PlanChange(
                    at=str(c.get("at") or ""),
                    by=by if by in ROLES else "mentor",
                    field=str(c.get("field") or ""),
                    old=None if c.get("from") is None else str(c.get("from")),
                    new=None if c.get("to") is None else str(c.get("to")),
                )
            )
        return out

    def set_agreement(self, text: str) -> Pair:
        """Replace the mentoring agreement (either partner may). Its signatures are bound to
        its text, so a change withdraws both (`core.lifecycle.agreement_signatures`)."""
        return self.update_pair(agreement=text)

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

    def goals(self, owner: Role | None = None, *, order: str = "written") -> list[Goal]:
        """Each side's goals, in the order they were written (`rows.WRITTEN`: the same in both
        copies); `order="stored"` in this copy's order of rows (the export's)."""
        sql_order = "rowid" if order == "stored" else WRITTEN
        if owner is None:
            return [self._goal(r) for r in self._records.select("goals", order=sql_order)]
        rows = self._records.select("goals", "owner = ?", (owner,), order=sql_order)
        return [self._goal(r) for r in rows]

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
