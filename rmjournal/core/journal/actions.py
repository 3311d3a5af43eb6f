"""Actions and follow-ups: what the pair agree to do, and the dated log of how it goes."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any

from rmjournal.core.errors import JournalError
from rmjournal.core.fields import to_record
from rmjournal.core.journal.rows import UNSET, WRITTEN, Row, as_iso, check
from rmjournal.core.journal.sessions import Sessions
from rmjournal.core.model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    DUE_SOON_DAYS,
    OPEN_STATUSES,
    OWNERS,
    VISIBILITIES,
    Action,
    ActionKind,
    ActionStatus,
    FollowUp,
    Owner,
    Visibility,
)

_CLOSED: tuple[ActionStatus, ...] = ("done", "dropped")


def _check_closed_after(closed_on: date | None, agreed_on: date) -> None:
    """Refuse a closing day before the day the action was agreed (figures count from it)."""
    if closed_on is not None and closed_on < agreed_on:
        raise JournalError(
            f"An action cannot be closed ({closed_on.isoformat()}) before the day it was agreed "
            f"({agreed_on.isoformat()})."
        )


class Actions(Sessions):
    """The follow-up tracker."""

    def _follow_up(self, r: Row) -> FollowUp:
        p, hidden = self._records.open("follow_ups", r)
        return to_record(FollowUp, "follow_ups", p, hidden=hidden)

    def _action(self, r: Row, follow_ups: list[FollowUp] | None = None) -> Action:
        p, hidden = self._records.open("actions", r)
        if follow_ups is None:
            follow_ups = [
                self._follow_up(f)
                for f in self._records.select(
                    "follow_ups", "action_id = ?", (p["id"],), order=f"on_date, {WRITTEN}"
                )
            ]
        return to_record(Action, "actions", p, follow_ups=tuple(follow_ups), hidden=hidden)

    def action(self, action_id: str) -> Action:
        """One action or commitment, with its follow-up log."""
        return self._action(self._records.live("actions", action_id, "action"))

    def actions(
        self,
        *,
        status: ActionStatus | Iterable[ActionStatus] | None = None,
        owner: Owner | None = None,
        kind: ActionKind | None = None,
        order: str = "due",
    ) -> list[Action]:
        """The follow-up tracker: actions filtered by status(es), owner and kind.

        `order="due"` sorts by due date (undated last), `order="agreed"` keeps the order they
        were agreed in (`rows.WRITTEN`: the same in both copies, which `#N` counts), and
        `order="stored"` the order of this copy's rows (the export's, which keeps a document's
        order through an import). `owner="mentor"` also lists actions owned by both.
        """
        where: list[str] = ["1"]
        params: list[str] = []
        if status is not None:
            statuses = [status] if isinstance(status, str) else list(status)
            for s in statuses:
                check(s, ACTION_STATUSES, "An action's status")
            where.append(f"status IN ({', '.join('?' * len(statuses))})")
            params += statuses
        if owner is not None:
            check(owner, OWNERS, "An owner")
            if owner == "both":
                where.append("owner = 'both'")
            else:
                where.append("owner IN (?, 'both')")
                params.append(owner)
        if kind is not None:
            check(kind, ACTION_KINDS, "An action's kind")
            where.append("kind = ?")
            params.append(kind)
        sql_order = {"due": f"due_on IS NULL, due_on, {WRITTEN}", "stored": "rowid"}.get(
            order, WRITTEN
        )
        rows = self._records.select("actions", " AND ".join(where), params, order=sql_order)
        logs: dict[str, list[FollowUp]] = {r["id"]: [] for r in rows}
        if rows:
            for f in self._records.select("follow_ups"):
                if f["action_id"] in logs:
                    logs[f["action_id"]].append(self._follow_up(f))
        return [self._action(r, logs[r["id"]]) for r in rows]

    def action_numbers(self) -> dict[str, int]:
        """Each action's `#N` by id: its place in the order actions were agreed (`order=
        "agreed"`), as the tracker, `rmjournal actions`, `due` and the calendar all number it.
        The rows are only counted: no follow-up is read and no private field opened."""
        rows = self._records.select("actions", order=WRITTEN)
        return {r["id"]: n for n, r in enumerate(rows, 1)}

    def commitments(self) -> list[Action]:
        """The mentee's personal commitments."""
        return self.actions(kind="commitment")

    def overdue(self, today: date | None = None) -> list[Action]:
        """Open and in-progress actions whose due date has passed, most overdue first."""
        day = today or self.today()
        return [a for a in self.actions(status=OPEN_STATUSES) if a.is_overdue(day)]

    def due_soon(self, days: int = DUE_SOON_DAYS, today: date | None = None) -> list[Action]:
        """Open actions due from today to `days` days ahead, soonest first."""
        day = today or self.today()
        return [a for a in self.actions(status=OPEN_STATUSES) if a.is_due_soon(day, days)]

    def agree_action(
        self,
        title: str,
        *,
        detail: str = "",
        owner: Owner = "both",
        kind: ActionKind = "action",
        due_on: date | None = None,
        agreed_in: str | None = None,
        visibility: Visibility = "pair",
        tags: Iterable[str] = (),
    ) -> Action:
        """Agree an action (or a commitment) with an owner and maybe a due date and session."""
        check(owner, OWNERS, "An owner")
        check(kind, ACTION_KINDS, "An action's kind")
        check(visibility, VISIBILITIES, "Visibility")
        agreed_on = self.session(agreed_in).date if agreed_in is not None else self.today()
        row = {
            **self._records.base(),
            "title": title,
            "detail": detail,
            "kind": kind,
            "owner": owner,
            "agreed_in": agreed_in,
            "due_on": as_iso(due_on),
            "status": "open",
            "closed_on": None,
            "visibility": visibility,
            "tags": json.dumps(list(tags), ensure_ascii=False),
            "agreed_on": agreed_on.isoformat(),
        }
        self._records.check_private_author("actions", row)
        self._records.put("actions", row)
        return self.action(row["id"])

    def commit_to(self, title: str, **options: Any) -> Action:
        """The mentee commits to something personally (an action of kind "commitment")."""
        options.setdefault("owner", "mentee")
        return self.agree_action(title, kind="commitment", **options)

    def edit_action(
        self,
        action_id: str,
        *,
        title: str | None = None,
        detail: str | None = None,
        owner: Owner | None = None,
        kind: ActionKind | None = None,
        agreed_in: str | None = UNSET,
        tags: Iterable[str] | None = None,
    ) -> Action:
        """Change what an action says, who owns it, its kind, session or tags.

        A new session moves `agreed_on` to that session's date (no session: the day it was
        written), and is refused if the action would then be closed before it was agreed.
        """
        fields: Row = {}
        if title is not None:
            fields["title"] = title
        if detail is not None:
            fields["detail"] = detail
        if owner is not None:
            check(owner, OWNERS, "An owner")
            fields["owner"] = owner
        if kind is not None:
            check(kind, ACTION_KINDS, "An action's kind")
            fields["kind"] = kind
        if agreed_in is not UNSET:
            fields["agreed_in"] = agreed_in
            current = self.action(action_id)
            agreed_on = (
                self.session(agreed_in).date
                if agreed_in is not None
                else date.fromisoformat(current.created_at[:10])
            )
            _check_closed_after(current.closed_on, agreed_on)
            fields["agreed_on"] = agreed_on.isoformat()
        if tags is not None:
            fields["tags"] = json.dumps(list(tags), ensure_ascii=False)
        self._records.update("actions", action_id, "action", **fields)
        return self.action(action_id)

    def set_due(self, action_id: str, due_on: date | None) -> Action:
        """Set or clear an action's due date."""
        self._records.update("actions", action_id, "action", due_on=as_iso(due_on))
        return self.action(action_id)

    def follow_up(
        self,
        action_id: str,
        note: str = "",
        *,
        status: ActionStatus | None = None,
        on: date | None = None,
        session_id: str | None = None,
    ) -> FollowUp:
        """Log a dated follow-up on an action, maybe changing its status (logged with the note).

        Closing (done / dropped) sets `closed_on`; reopening clears it.
        """
        plain = self._records.get("actions", action_id, "action")
        new_status: ActionStatus = status or plain["status"]
        check(new_status, ACTION_STATUSES, "An action's status")
        day = on or self.today()
        if session_id is not None:
            self.session(session_id)
        if new_status in _CLOSED:
            agreed = plain.get("agreed_on") or plain["created_at"][:10]
            _check_closed_after(day, date.fromisoformat(agreed))
        private = plain["visibility"] == "private"
        with self._records.transaction():
            row = {
                **self._records.base(),
                "action_id": action_id,
                "on_date": day.isoformat(),
                "session_id": session_id,
                "status": new_status,
                "note": note,
                "visibility": "private" if private else "pair",
            }
            self._records.put("follow_ups", row)
            self._records.update(
                "actions",
                action_id,
                "action",
                status=new_status,
                closed_on=day.isoformat() if new_status in _CLOSED else None,
            )
        return self._follow_up(self._records.live("follow_ups", row["id"], "follow-up"))

    def set_status(
        self, action_id: str, status: ActionStatus, note: str = "", *, on: date | None = None
    ) -> Action:
        """Change an action's status in one step (logged as a follow-up)."""
        self.follow_up(action_id, note, status=status, on=on)
        return self.action(action_id)

    def start_action(self, action_id: str, note: str = "", *, on: date | None = None) -> Action:
        """Mark an action as in progress."""
        return self.set_status(action_id, "in_progress", note, on=on)

    def close_action(self, action_id: str, note: str = "", *, on: date | None = None) -> Action:
        """Mark an action done."""
        return self.set_status(action_id, "done", note, on=on)

    def drop_action(self, action_id: str, note: str = "", *, on: date | None = None) -> Action:
        """Consciously drop an action (it stops being carried into agendas)."""
        return self.set_status(action_id, "dropped", note, on=on)

    def reopen_action(self, action_id: str, note: str = "", *, on: date | None = None) -> Action:
        """Reopen a closed action."""
        return self.set_status(action_id, "open", note, on=on)
