"""Sessions and their agendas: when the pair meet, and what they talk about in what order."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from rmjournal.core.errors import JournalError, UsageError
from rmjournal.core.fields import to_record
from rmjournal.core.journal.rows import UNSET, WRITTEN, Part, Row, check
from rmjournal.core.model import (
    OUTCOMES,
    ROLES,
    SESSION_STATUSES,
    VISIBILITIES,
    AgendaItem,
    Outcome,
    Role,
    Session,
    SessionStatus,
    Visibility,
    joined_notes,
)


def time_of_day(text: str | None) -> str | None:
    """A time of day as stored, "HH:MM" (24-hour), from "14:30", "9:05" or None / "" (no time).

    `UsageError` (exit 2) for anything else, in one sentence that shows the form.
    """
    if text is None or not text.strip():
        return None
    hours, sep, minutes = text.strip().partition(":")
    if (
        sep
        and hours.isdigit()
        and minutes.isdigit()
        and len(hours) <= 2
        and len(minutes) == 2
        and int(hours) < 24
        and int(minutes) < 60
    ):
        return f"{int(hours):02d}:{minutes}"
    raise UsageError(f"A time of day is written like 14:30 (24-hour clock), not {text!r}.")


class Sessions(Part):
    """The sessions of the pair and the agenda of each."""

    @staticmethod
    def _session(r: Row) -> Session:
        return to_record(Session, "sessions", r)

    def sessions(
        self, status: SessionStatus | None = None, *, order: str = "number"
    ) -> list[Session]:
        """Every session (or those with `status`), by number (`order="stored"`: as written)."""
        sql_order = "rowid" if order == "stored" else f"number, {WRITTEN}"
        if status is None:
            rows = self._records.select("sessions", order=sql_order)
        else:
            rows = self._records.select("sessions", "status = ?", (status,), order=sql_order)
        return [self._session(r) for r in rows]

    def session_numbered(self, number: int) -> Session | None:
        """The session with this number, if there is one (one row read, not the whole list)."""
        rows = self._records.query(
            "SELECT * FROM sessions WHERE deleted_at IS NULL AND number = ?"
            " ORDER BY created_at, rowid LIMIT 1",  # rows.WRITTEN
            (number,),
        )
        return self._session(rows[0]) if rows else None

    def last_session(self, *statuses: SessionStatus) -> Session | None:
        """The session with the highest number (among those with one of `statuses`, if given)."""
        where = f"AND status IN ({', '.join('?' * len(statuses))})" if statuses else ""
        rows = self._records.query(
            f"SELECT * FROM sessions WHERE deleted_at IS NULL {where}"  # noqa: S608
            " ORDER BY number DESC, created_at DESC, rowid DESC LIMIT 1",
            statuses,
        )
        return self._session(rows[0]) if rows else None

    def session(self, session_id: str) -> Session:
        """One session by id."""
        return self._session(self._records.live("sessions", session_id, "session"))

    def next_session(self) -> Session | None:
        """The planned session that comes next (the earliest planned one), if any."""
        rows = self._records.select("sessions", "status = 'planned'", order="date, number")
        return self._session(rows[0]) if rows else None

    def last_held_session(self, before_number: int | None = None) -> Session | None:
        """The latest held session (before session number `before_number` if given)."""
        where, params = "status = 'held'", []
        if before_number is not None:
            where += " AND number < ?"
            params.append(before_number)
        rows = self._records.select("sessions", where, params, order="number DESC")
        return self._session(rows[0]) if rows else None

    def highest_session_number(self) -> int:
        """The number of the latest live session (0 without any): a new one takes the next."""
        return int(
            self._records.execute(
                "SELECT coalesce(max(number), 0) FROM sessions WHERE deleted_at IS NULL"
            ).fetchone()[0]
        )

    def add_session(
        self,
        on: date,
        *,
        status: SessionStatus = "planned",
        place: str | None = None,
        duration_minutes: int | None = None,
        time: str | None = None,
    ) -> Session:
        """Add a session on a date without pre-filling its agenda (see `plan_next_session`)."""
        check(status, SESSION_STATUSES, "A session's status")
        time = time_of_day(time)
        number = self.highest_session_number() + 1
        row = {
            **self._records.base(),
            "number": number,
            "date": on.isoformat(),
            "status": status,
            "duration_minutes": duration_minutes,
            "place": place,
            "time": time,
        }
        self._records.put("sessions", row)
        return self._session(row)

    def update_session(
        self,
        session_id: str,
        *,
        on: date | None = None,
        place: str | None = UNSET,
        duration_minutes: int | None = UNSET,
        status: SessionStatus | None = None,
        time: str | None = UNSET,
    ) -> Session:
        """Move a session, change its place, time of day ("HH:MM") or length, or its status.

        Moving a session moves the `agreed_on` of the actions agreed in it, except one that
        would then be closed before it was agreed (that one keeps its day).
        """
        fields: Row = {}
        if on is not None:
            fields["date"] = on.isoformat()
            self._move_agreed_in(session_id, on)
        if place is not UNSET:
            fields["place"] = place
        if duration_minutes is not UNSET:
            fields["duration_minutes"] = duration_minutes
        if time is not UNSET:
            fields["time"] = time_of_day(time)
        if status is not None:
            check(status, SESSION_STATUSES, "A session's status")
            fields["status"] = status
        self._records.update("sessions", session_id, "session", **fields)
        return self.session(session_id)

    def _move_agreed_in(self, session_id: str, on: date) -> None:
        # agreed_on is a plaintext column, so the partner's private actions move too.
        self._records.write(
            "UPDATE actions SET agreed_on = ?, updated_at = ? WHERE agreed_in = ?"
            " AND deleted_at IS NULL AND agreed_on IS NOT ?"
            " AND (closed_on IS NULL OR closed_on >= ?)",
            (on.isoformat(), self._records.stamp(), session_id, on.isoformat(), on.isoformat()),
        )

    def mark_held(
        self, session_id: str, *, duration_minutes: int | None = None, on: date | None = None
    ) -> Session:
        """Record that the session took place (optionally its real date and length)."""
        fields: Any = {"status": "held"}
        if duration_minutes is not None:
            fields["duration_minutes"] = duration_minutes
        if on is not None:
            fields["on"] = on
        return self.update_session(session_id, **fields)

    def mark_cancelled(self, session_id: str) -> Session:
        """Record that the session did not take place (it still counts against the cadence)."""
        return self.update_session(session_id, status="cancelled")

    # ------------------------------------------------------------------ agenda

    def _agenda_item(self, r: Row) -> AgendaItem:
        p, hidden = self._records.open("agenda_items", r)
        author: Role = p["author"] if p["author"] in ROLES else "mentor"
        own, partners = p["notes"] or "", p.get("partner_notes") or ""
        mentor, mentee = (own, partners) if author == "mentor" else (partners, own)
        return to_record(
            AgendaItem,
            "agenda_items",
            p,
            hidden=hidden,
            notes=joined_notes(mentor, mentee),
            mentor_notes=mentor,
            mentee_notes=mentee,
            author=author,
        )

    def agenda(self, session_id: str) -> list[AgendaItem]:
        """A session's agenda in order."""
        rows = self._records.select(
            "agenda_items", "session_id = ?", (session_id,), order=f"position, {WRITTEN}"
        )
        return [self._agenda_item(r) for r in rows]

    def all_agenda_items(self) -> list[AgendaItem]:
        """Every agenda item of every session, each session's in order (for export and review)."""
        rows = self._records.select("agenda_items", order=f"session_id, position, {WRITTEN}")
        return [self._agenda_item(r) for r in rows]

    def agenda_item(self, item_id: str) -> AgendaItem:
        """One agenda item by id."""
        return self._agenda_item(self._records.live("agenda_items", item_id, "agenda item"))

    def add_agenda_item(
        self,
        session_id: str,
        topic: str,
        *,
        raised_by: Role | None = None,
        minutes: int | None = None,
        prompt: str | None = None,
        visibility: Visibility = "pair",
        notes: str = "",
        carried_from: str | None = None,
        action_id: str | None = None,
    ) -> AgendaItem:
        """Put a topic on a session's agenda (at the end), saying who raised it and for how long."""
        self.session(session_id)
        raised: Role = raised_by or self.me
        check(raised, ROLES, "Raised by")
        check(visibility, VISIBILITIES, "Visibility")
        position = (
            int(
                self._records.execute(
                    "SELECT coalesce(max(position), -1) FROM agenda_items"
                    " WHERE session_id = ? AND deleted_at IS NULL",
                    (session_id,),
                ).fetchone()[0]
            )
            + 1
        )
        row = {
            **self._records.base(),
            "session_id": session_id,
            "position": position,
            "topic": topic,
            "raised_by": raised,
            "minutes": minutes,
            "notes": notes,
            "partner_notes": None,
            "outcome": "open",
            "carried_from": carried_from,
            "action_id": action_id,
            "prompt": prompt,
            "visibility": visibility,
        }
        self._records.check_private_author("agenda_items", row)
        self._records.put("agenda_items", row)
        return self.agenda_item(row["id"])

    def edit_agenda_item(
        self,
        item_id: str,
        *,
        topic: str | None = None,
        raised_by: Role | None = None,
        minutes: int | None = UNSET,
        prompt: str | None = UNSET,
        notes: str | None = None,
        outcome: Outcome | None = None,
    ) -> AgendaItem:
        """Change an agenda item's topic, who raised it, its time box, prompt, notes or outcome."""
        fields: Row = {}
        if topic is not None:
            fields["topic"] = topic
        if raised_by is not None:
            check(raised_by, ROLES, "Raised by")
            fields["raised_by"] = raised_by
        if minutes is not UNSET:
            if minutes is not None and minutes < 0:
                raise JournalError("A time box cannot be negative.")
            fields["minutes"] = minutes
        if prompt is not UNSET:
            fields["prompt"] = prompt
        if notes is not None:
            fields[self.notes_column(item_id)] = notes
        if outcome is not None:
            check(outcome, OUTCOMES, "An outcome")
            fields["outcome"] = outcome
        self._records.update("agenda_items", item_id, "agenda item", **fields)
        return self.agenda_item(item_id)

    def notes_column(self, item_id: str) -> str:
        """Where this reader's notes on an agenda item are kept: `notes` if they put the item on
        the agenda, else `partner_notes` (schema 8: each partner writes only their own)."""
        row = self._records.live("agenda_items", item_id, "agenda item")
        return "notes" if row["author"] == self.me else "partner_notes"

    def time_box(self, item_id: str, minutes: int | None) -> AgendaItem:
        """Give an agenda item a number of minutes (None removes the time box)."""
        return self.edit_agenda_item(item_id, minutes=minutes)

    def attach_prompt(self, item_id: str, prompt: str | None) -> AgendaItem:
        """Attach a reflection prompt's text to an agenda item (None removes it)."""
        return self.edit_agenda_item(item_id, prompt=prompt)

    def record_notes(self, item_id: str, notes: str) -> AgendaItem:
        """Write this reader's own notes on an agenda item (the partner's stay as they are)."""
        return self.edit_agenda_item(item_id, notes=notes)

    def record_outcome(
        self, item_id: str, outcome: Outcome, notes: str | None = None
    ) -> AgendaItem:
        """Record how an agenda item ended (discussed, carried over, dropped), maybe with notes."""
        return self.edit_agenda_item(item_id, outcome=outcome, notes=notes)

    def move_agenda_item(self, item_id: str, position: int) -> list[AgendaItem]:
        """Move an item to `position` (0 = first) in its session's agenda; return the new order."""
        item = self.agenda_item(item_id)
        order = [i.id for i in self.agenda(item.session_id) if i.id != item_id]
        position = max(0, min(position, len(order)))
        order.insert(position, item_id)
        return self.reorder_agenda(item.session_id, order)

    def reorder_agenda(self, session_id: str, item_ids: Sequence[str]) -> list[AgendaItem]:
        """Put a session's agenda in the given order (items not named keep their order, after)."""
        current = [
            r["id"]
            for r in self._records.select(
                "agenda_items", "session_id = ?", (session_id,), order=f"position, {WRITTEN}"
            )
        ]
        wanted = [i for i in item_ids if i in current]
        wanted += [i for i in current if i not in wanted]
        now = self._records.stamp()
        with self._records.transaction():
            for pos, item_id in enumerate(wanted):
                self._records.write(
                    "UPDATE agenda_items SET position = ?, updated_at = ?"
                    " WHERE id = ? AND position != ?",
                    (pos, now, item_id, pos),
                )
        return self.agenda(session_id)
