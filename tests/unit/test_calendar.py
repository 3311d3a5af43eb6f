"""The calendar file: read by two independent parsers, stable UIDs, no content unless asked."""

from __future__ import annotations

import os
from datetime import date, datetime, timedelta

import icalendar
import pytest
import vobject

from rmjournal.core.calendar import calendar_ics, uid
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import Journal
from rmjournal.core.model import Person

TOPIC = "Why the graduate scheme loses Black analysts"
PLACE = "Tea room, 4th floor"
ACTION = "Ask HR for the exit interview figures"
PRIVATE = "Sound out my director before the board"


@pytest.fixture
def journal(clock: FixedClock) -> Journal:
    """Sessions held, planned and cancelled; actions open, done, undated and private."""
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)), clock=clock)
    j.start_pair(
        mentor=Person("Ama Owusu", "Policy analyst", "Race equality network"),
        mentee=Person("Richard Hale", "Director General"),
        started_on=date(2026, 6, 1),
        title="Ama and Richard's pairing",
    )
    j.update_pair(agreement="We meet monthly. Confidential unless both agree.")
    j.add_goal("mentee", "Understand how promotion boards feel from below")
    held = j.add_session(date(2026, 6, 3), status="held", place=PLACE)
    j.add_agenda_item(held.id, TOPIC, minutes=20, notes="Attrition after year two")
    j.add_entry(held.id, "The numbers were worse than I thought", kind="learning")
    j.add_session(date(2026, 6, 30), status="cancelled")
    planned = j.add_session(date(2026, 7, 29), place=PLACE)
    j.add_agenda_item(planned.id, "Shadowing the network meeting", minutes=15)
    j.add_agenda_item(planned.id, "My worry about speaking up", visibility="private")
    j.agree_action(ACTION, owner="mentee", due_on=date(2026, 7, 25), agreed_in=held.id)
    done = j.agree_action("Read the staff survey", owner="mentee", due_on=date(2026, 7, 1))
    j.close_action(done.id, "Read it")
    j.agree_action("Undated action about peer circles", owner="both")
    j.agree_action(PRIVATE, owner="mentor", due_on=date(2026, 8, 1), visibility="private")
    return j


def _strings(journal: Journal) -> set[str]:
    """Every piece of user text in the journal (names, titles, topics, places, notes, …)."""
    pair = journal.pair()
    assert pair is not None
    found = {pair.title, pair.agreement}
    for person in (pair.mentor, pair.mentee):
        found |= {person.name, person.role, person.network or ""}
    found |= {g.text for g in journal.goals()}
    for s in journal.sessions():
        found.add(s.place or "")
        for item in journal.agenda(s.id):
            found |= {item.topic, item.notes}
        found |= {e.text for e in journal.entries(s.id)}
    for a in journal.actions():
        found |= {a.title, a.detail}
        found |= {f.note for f in a.follow_ups}
    found |= {word for text in list(found) for word in text.split() if len(word) > 6}
    return {s for s in found if s.strip()}


def _unfolded(data: bytes) -> str:
    return data.decode("utf-8").replace("\r\n ", "").replace("\r\n\t", "")


def test_both_readers_see_exactly_the_expected_events_and_todos(journal: Journal) -> None:
    data = calendar_ics(journal)
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    todos = {str(t["UID"]): t for t in cal.walk("VTODO")}
    sessions = journal.sessions()
    pair = journal.pair()
    assert pair is not None
    assert set(events) == {uid(s.id) for s in sessions} | {uid(pair.id, "review")}
    open_due = [a for a in journal.actions(status=("open", "in_progress")) if a.due_on]
    assert set(todos) == {uid(a.id) for a in open_due} and len(open_due) == 2
    statuses = {str(events[uid(s.id)]["STATUS"]) for s in sessions}
    assert statuses == {"CONFIRMED", "TENTATIVE", "CANCELLED"}
    # No check-in date yet in this journal: no check-in event.
    assert not any("check-in" in k for k in events)

    other = vobject.readOne(data.decode("utf-8"))
    assert {e.uid.value for e in other.vevent_list} == set(events)
    assert {t.uid.value for t in other.vtodo_list} == set(todos)
    for event in other.vevent_list:
        assert event.dtstart.value == icalendar.Calendar.from_ical(data).walk("VEVENT")[
            [str(e["UID"]) for e in cal.walk("VEVENT")].index(event.uid.value)
        ].decoded("DTSTART")
    summaries = sorted(str(e["SUMMARY"]) for e in events.values())
    assert "Reverse mentoring — session 3" in summaries
    numbers = journal.action_numbers()  # the tracker's #N, which a closed action never shifts
    assert {str(t["SUMMARY"]) for t in todos.values()} == {
        f"Action #{numbers[a.id]} due" for a in open_due
    }


def test_untimed_sessions_are_all_day_events(journal: Journal) -> None:
    cal = icalendar.Calendar.from_ical(calendar_ics(journal))
    for event in cal.walk("VEVENT"):
        start = event.decoded("DTSTART")
        assert isinstance(start, date) and not isinstance(start, datetime)
        assert event["DTSTART"].params.get("VALUE") == "DATE"
        assert event.decoded("DTEND") == start + timedelta(days=1)


def test_no_name_topic_place_or_title_by_default(journal: Journal) -> None:
    text = _unfolded(calendar_ics(journal)).casefold()
    leaked = sorted(s for s in _strings(journal) if s.casefold() in text)
    assert leaked == []


def test_with_topics_adds_them_but_never_a_private_item(journal: Journal) -> None:
    text = _unfolded(calendar_ics(journal, with_topics=True))
    cal = icalendar.Calendar.from_ical(text.encode())
    described = " ".join(str(e.get("DESCRIPTION", "")) for e in cal.walk("VEVENT"))
    assert TOPIC in described
    assert PLACE in {str(e.get("LOCATION", "")) for e in cal.walk("VEVENT")}
    assert any(ACTION in str(t["SUMMARY"]) for t in cal.walk("VTODO"))
    assert "Ama and Richard's pairing" in text
    assert PRIVATE not in text and "My worry about speaking up" not in text
    assert len(cal.walk("VTODO")) == 2  # the private action is there, without its title


def test_uids_stay_and_sequence_grows_when_a_session_moves(
    journal: Journal, clock: FixedClock
) -> None:
    first = icalendar.Calendar.from_ical(calendar_ics(journal))
    planned = journal.next_session()
    assert planned is not None
    clock.advance(hours=2)
    journal.update_session(planned.id, on=date(2026, 8, 5))
    second = icalendar.Calendar.from_ical(calendar_ics(journal))

    def by_uid(cal: icalendar.Calendar) -> dict[str, icalendar.cal.Component]:
        return {str(c["UID"]): c for c in cal.walk() if c.name in ("VEVENT", "VTODO")}

    before, after = by_uid(first), by_uid(second)
    assert set(before) == set(after)
    moved = uid(planned.id)
    assert before[moved].decoded("DTSTART") == date(2026, 7, 29)
    assert after[moved].decoded("DTSTART") == date(2026, 8, 5)
    assert int(after[moved]["SEQUENCE"]) > int(before[moved]["SEQUENCE"])
    for key in set(before) - {moved}:
        assert int(after[key]["SEQUENCE"]) == int(before[key]["SEQUENCE"])
        assert after[key].decoded("DTSTART" if "DTSTART" in after[key] else "DUE") == before[
            key
        ].decoded("DTSTART" if "DTSTART" in before[key] else "DUE")


def test_alarms_go_off_the_day_before_what_the_journal_says(journal: Journal) -> None:
    cal = icalendar.Calendar.from_ical(calendar_ics(journal))
    expected = {uid(s.id): s.date for s in journal.sessions() if s.status != "cancelled"}
    pair = journal.pair()
    assert pair is not None
    expected[uid(pair.id, "review")] = pair.review_on
    seen = {}
    for event in cal.walk("VEVENT"):
        alarms = event.walk("VALARM")
        if str(event["STATUS"]) == "CANCELLED" if "STATUS" in event else False:
            assert alarms == []
            continue
        (alarm,) = alarms
        seen[str(event["UID"])] = event.decoded("DTSTART") + alarm.decoded("TRIGGER")
    assert seen == {k: v - timedelta(days=1) for k, v in expected.items()}
    for todo, action in zip(
        sorted(cal.walk("VTODO"), key=lambda t: t.decoded("DUE")),
        sorted(
            (a for a in journal.actions(status=("open",)) if a.due_on),
            key=lambda a: a.due_on or date.max,
        ),
        strict=True,
    ):
        (alarm,) = todo.walk("VALARM")
        assert alarm["TRIGGER"].params["RELATED"] == "END"
        assert todo.decoded("DUE") + alarm.decoded("TRIGGER") == action.due_on - timedelta(days=1)


def test_a_timed_session_has_a_floating_start_and_a_duration(journal: Journal) -> None:
    planned = journal.next_session()
    assert planned is not None
    journal.update_session(planned.id, time="14:30", duration_minutes=45)
    other = journal.add_session(date(2026, 8, 26), time="9:05")
    assert other.time == "09:05"
    data = calendar_ics(journal)
    cal = icalendar.Calendar.from_ical(data)
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    timed = events[uid(planned.id)]
    assert timed.decoded("DTSTART") == datetime(2026, 7, 29, 14, 30)
    assert timed.decoded("DTSTART").tzinfo is None and "TZID" not in timed["DTSTART"].params
    assert timed.decoded("DURATION") == timedelta(minutes=45) and "DTEND" not in timed
    (alarm,) = timed.walk("VALARM")
    assert timed.decoded("DTSTART") + alarm.decoded("TRIGGER") == datetime(2026, 7, 28, 14, 30)
    assert events[uid(other.id)].decoded("DURATION") == timedelta(minutes=60)
    read = {e.uid.value: e for e in vobject.readOne(data.decode()).vevent_list}
    assert read[uid(planned.id)].dtstart.value == datetime(2026, 7, 29, 14, 30)
    assert read[uid(planned.id)].duration.value == timedelta(minutes=45)
