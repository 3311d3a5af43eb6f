"""The pair's dates as an iCalendar file (RFC 5545), built with `icalendar`.

One VEVENT per session (planned, held, and cancelled ones marked CANCELLED so a calendar that
had them takes them off), one for the review and one for the 12-month check-in when the journal
has a date for it, and one VTODO per open action with a due date. Each carries a UID made from
its record's id (`<id>@rmjournal`), so importing a later export updates the entries instead of
adding copies; SEQUENCE grows with every change to the record, and a reminder (VALARM) goes
off the day before.

Calendars are shared with assistants and synced to servers, so by default the file holds no
name, topic, place or action title: "Reverse mentoring — session 3", "Action #1 due".
`with_topics=True` adds the pair's title, the session's place and its agenda topics, and the
actions' titles; items private to anyone never go in.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from rmjournal.core.model import OPEN_STATUSES, Session
from rmjournal.text import plain  # shared text: no live terminal codes in the file

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal

PRODID = "-//rmjournal//reverse mentoring journal//EN"
UID_DOMAIN = "rmjournal"
DEFAULT_MINUTES = 60
"""The length of a session that has a time of day but no length of its own."""

ALARM_BEFORE = timedelta(days=1)
"""Every event and to-do reminds this long before it starts (or is due)."""


def uid(record_id: str, kind: str = "") -> str:
    """The stable UID of a record's event: `<id>@rmjournal` (`review-<pair id>@…` for kinds)."""
    return f"{kind + '-' if kind else ''}{record_id}@{UID_DOMAIN}"


def _stamp(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def sequence(created_at: str, updated_at: str) -> int:
    """SEQUENCE for a record: whole minutes from its creation to its last change.

    It never decreases as the record changes, and it needs no counter stored in the journal.
    """
    return max(0, int((_stamp(updated_at) - _stamp(created_at)).total_seconds() // 60))


def session_start(session: Session) -> time | None:
    """The session's time of day, if it has one."""
    try:
        return time.fromisoformat(session.time) if session.time else None
    except ValueError:  # not "HH:MM" (an import the Journal did not check): an all-day event
        return None


def _alarm(description: str, *, related_end: bool = False) -> Any:
    from icalendar import Alarm

    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", description)
    params = {"RELATED": "END"} if related_end else {}
    alarm.add("trigger", -ALARM_BEFORE, parameters=params)
    return alarm


def _timing(component: Any, on: date, at: time | None, minutes: int | None) -> None:
    if at is None:
        component.add("dtstart", on)
        component.add("dtend", on + timedelta(days=1))
    else:
        component.add("dtstart", datetime.combine(on, at))  # floating: the pair's local time
        component.add("duration", timedelta(minutes=minutes or DEFAULT_MINUTES))


def build_calendar(journal: Journal, *, with_topics: bool = False) -> Any:
    """The sessions, review, check-in and open actions' due dates as an `icalendar.Calendar`."""
    from icalendar import Calendar, Event, Todo

    now = journal.records.now().astimezone(UTC).replace(microsecond=0)
    pair = journal.pair()
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", plain(pair.title) if with_topics and pair else "Reverse mentoring")

    def common(component: Any, item_uid: str, summary: str, created: str, updated: str) -> None:
        component.add("uid", item_uid)
        component.add("dtstamp", now)
        component.add("created", _stamp(created))
        component.add("last-modified", _stamp(updated))
        component.add("sequence", sequence(created, updated))
        component.add("summary", summary)

    for session in journal.sessions():
        event = Event()
        summary = f"Reverse mentoring — session {session.number}"
        if with_topics and pair is not None:
            summary += f": {plain(pair.title)}"
        common(event, uid(session.id), summary, session.created_at, session.updated_at)
        _timing(event, session.date, session_start(session), session.duration_minutes)
        event.add(
            "status",
            {"planned": "TENTATIVE", "held": "CONFIRMED", "cancelled": "CANCELLED"}[session.status],
        )
        event.add("transp", "OPAQUE")
        if with_topics:
            if session.place:
                event.add("location", plain(session.place))
            topics = [
                f"- {plain(item.topic)}" + (f" ({item.minutes} min)" if item.minutes else "")
                for item in journal.agenda(session.id)
                if not item.hidden and item.visibility != "private"
            ]
            if topics:
                event.add("description", "\n".join(topics))
        if session.status != "cancelled":
            event.add_component(_alarm(f"{summary} — tomorrow"))
        cal.add_component(event)

    if pair is not None:
        raw = journal.raw_record("pair", pair.id) or {}
        created = str(raw.get("created_at") or now.isoformat())
        updated = str(raw.get("updated_at") or created)
        check_in = getattr(pair, "check_in_on", None)
        for kind, on, summary in (
            ("review", pair.review_on, "Reverse mentoring — six-month review"),
            ("check-in", check_in, "Reverse mentoring — 12-month check-in"),
        ):
            if not isinstance(on, date):
                continue
            event = Event()
            common(event, uid(pair.id, kind), summary, created, updated)
            _timing(event, on, None, None)
            event.add("transp", "TRANSPARENT")
            event.add_component(_alarm(f"{summary} — tomorrow"))
            cal.add_component(event)

    due = [a for a in journal.actions(status=OPEN_STATUSES) if a.due_on is not None]
    due.sort(key=lambda a: (a.due_on, a.created_at))
    numbers = journal.action_numbers() if due else {}
    for action in due:
        assert action.due_on is not None
        todo = Todo()
        summary = f"Action #{numbers[action.id]} due"
        if with_topics and not action.hidden and action.visibility != "private":
            summary += f": {plain(action.title)}"
        common(todo, uid(action.id), summary, action.created_at, action.updated_at)
        todo.add("due", action.due_on)
        todo.add("status", "IN-PROCESS" if action.status == "in_progress" else "NEEDS-ACTION")
        todo.add_component(_alarm(f"{summary} — due tomorrow", related_end=True))
        cal.add_component(todo)
    return cal


def calendar_ics(journal: Journal, *, with_topics: bool = False) -> bytes:
    """The calendar as the bytes of an .ics file (CRLF line ends, folded as RFC 5545 says)."""
    return bytes(build_calendar(journal, with_topics=with_topics).to_ical())


WITH_TOPICS_WARNING = (
    "The calendar file will hold your pair's title, each session's place and agenda topics, "
    "and the titles of open actions. Calendars are often shared and synced to servers: "
    "anyone who can see your calendar will read them. Private items are never included."
)
"""What `with_topics` means, said before the file is written (the app and `--help`)."""
