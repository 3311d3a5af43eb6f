"""Between sessions in core: what is due, session templates, and packs between two pairs."""

from __future__ import annotations

import copy
import json
import os
from datetime import date, timedelta

import pytest

from rmjournal.core import template_store
from rmjournal.core.calendar import calendar_ics
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.due import DUE_MARK, OVERDUE_MARK, due_items
from rmjournal.core.errors import InvalidImport, JournalError, NotFound
from rmjournal.core.journal import Journal
from rmjournal.core.model import Person
from rmjournal.core.packs import export_pack, import_pack, parse_pack, validate_pack
from rmjournal.core.templates import (
    apply_template,
    builtin_templates,
    find_template,
)


def _journal(clock: FixedClock, mentor: str = "Ama Owusu", mentee: str = "Richard Hale") -> Journal:
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)), clock=clock)
    j.start_pair(mentor=Person(mentor), mentee=Person(mentee), started_on=date(2026, 6, 1))
    return j


@pytest.fixture
def journal(clock: FixedClock) -> Journal:
    return _journal(clock)


# ---------------------------------------------------------------------------- due


def test_due_lists_overdue_action_and_session_in_two_days(journal: Journal) -> None:
    today = journal.today()
    journal.agree_action("Far off", due_on=today + timedelta(days=30))
    late = journal.agree_action("Send the panel figures", due_on=today - timedelta(days=3))
    session = journal.add_session(today + timedelta(days=2))
    items = due_items(journal)
    assert [(i.kind, i.id) for i in items] == [("action", late.id), ("session", session.id)]
    action, meeting = items
    # By its tracker number (#2: agreed second), which `rmjournal status` takes; the list's
    # own count ("Action 1") named another action there.
    assert journal.action_numbers()[late.id] == 2
    assert action.line() == f"{OVERDUE_MARK}  Action #2 due {late.due_on} (3d late)"
    assert meeting.line() == (
        f"{DUE_MARK:<9}  Session 1 · {session.date:%a} {session.date.day} "
        f"{session.date:%b %Y} (in 2 days)"
    )
    assert "Send the panel figures" not in action.line()
    assert action.line(with_titles=True).endswith(": Send the panel figures")
    assert [i.kind for i in due_items(journal, days=30)] == ["action", "session", "action"]


def test_due_counts_the_review_inside_the_window_only(journal: Journal) -> None:
    pair = journal.pair()
    assert pair is not None
    before = pair.review_on - timedelta(days=5)
    (review,) = due_items(journal, 7, before)
    assert review.kind == "review" and review.words == "Review in 5 days"
    assert due_items(journal, 3, before) == []


# ---------------------------------------------------------------------------- templates


def test_builtin_templates_are_data_with_time_boxes() -> None:
    ids = [t.id for t in builtin_templates()]
    assert ids == ["first-meeting", "regular", "mid-point", "review", "closing"]
    first = find_template("First meeting")
    words = " ".join(t.topic for t in first.topics).casefold()
    assert "stories" in words and "ground rules" in words and "agreement" in words
    for template in builtin_templates():
        assert template.topics and all(t.minutes for t in template.topics)
        assert 30 <= template.minutes <= 90
    with pytest.raises(NotFound, match="first-meeting, regular"):
        find_template("weekly")


def test_applying_a_template_adds_its_topics_once(journal: Journal) -> None:
    session = journal.add_session(date(2026, 7, 1))
    template = find_template("regular")
    added = apply_template(journal, session.id, template)
    assert [i.topic for i in added] == [t.topic for t in template.topics]
    assert [i.minutes for i in added] == [t.minutes for t in template.topics]
    assert added[1].prompt == template.topics[1].prompt
    assert apply_template(journal, session.id, template) == []
    assert len(journal.agenda(session.id)) == len(template.topics)
    journal.mark_held(session.id)
    with pytest.raises(JournalError, match="planned session"):
        apply_template(journal, session.id, template)


# ---------------------------------------------------------------------------- packs

SCHEME_TEMPLATE = {
    "id": "5f0c3a52-8a51-4bb8-9a3c-2f0e7d9b1c11",
    "name": "Network listening session",
    "description": "The mentor brings three voices from the network.",
    "topics": [
        {"topic": "Three voices from the network", "minutes": 30, "prompt": "Whose voice?"},
        {"topic": "What the mentee will take upstairs", "minutes": 15},
    ],
}


def _scheme_pack(clock: FixedClock) -> dict:
    source = _journal(clock, "Priya Raman", "Martin Cole")
    source.add_prompt("What did the network ask you to say?", phase="before", for_="mentor")
    source.add_prompt("Which assumption did you drop?", phase="after", for_="mentee")
    template_store.put_session_template(source, SCHEME_TEMPLATE, pack="custom")
    source.update_pair(agreement="We meet monthly; what is said stays between us.")
    return export_pack(source, name="Home Office scheme 2026", with_agreement=True)


def test_a_pack_from_one_pair_imports_into_another(journal: Journal, clock: FixedClock) -> None:
    doc = json.loads(json.dumps(_scheme_pack(clock)))
    assert doc["format"] == "rmjournal-pack" and doc["version"] == 1
    text = json.dumps(doc)
    assert "Priya" not in text and "Martin" not in text  # not bound to the pair it came from
    assert validate_pack(doc) == []
    report = import_pack(journal, doc)
    assert (report.added, report.updated, report.unchanged) == (4, 0, 0)
    assert report.agreement_set
    pair = journal.pair()
    assert pair is not None and pair.agreement.startswith("We meet monthly")
    before = [p for p in journal.prompts("before", "mentor") if not p.builtin]
    assert [(p.text, p.pack) for p in before] == [
        ("What did the network ask you to say?", "Home Office scheme 2026")
    ]
    template = find_template("Network listening session", journal)
    assert template.pack == "Home Office scheme 2026" and not template.builtin
    assert [t.minutes for t in template.topics] == [30, 15]
    session = journal.add_session(date(2026, 7, 1))
    assert len(apply_template(journal, session.id, template)) == 2
    again = import_pack(journal, doc)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 4)
    assert not again.changed
    journal.delete(before[0].id)  # deleted on purpose: the pack does not bring it back
    assert not import_pack(journal, doc).changed
    assert [p for p in journal.prompts("before", "mentor") if not p.builtin] == []
    # The journal round-trips through its bytes with the imported template kept.
    reopened = Journal.from_bytes(
        journal.to_bytes(), me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)), clock=clock
    )
    assert find_template("network listening session", reopened).topics == template.topics


def test_a_newer_edition_of_a_pack_updates_what_it_brought(
    journal: Journal, clock: FixedClock
) -> None:
    doc = _scheme_pack(clock)
    import_pack(journal, doc)
    newer = copy.deepcopy(doc)
    newer["templates"][0]["topics"][0]["minutes"] = 25
    report = import_pack(journal, newer)
    assert (report.added, report.updated, report.unchanged) == (0, 1, 3)
    assert find_template("Network listening session", journal).topics[0].minutes == 25


def test_a_malformed_pack_names_every_problem_by_path_and_changes_nothing(
    journal: Journal, clock: FixedClock
) -> None:
    doc = _scheme_pack(clock)
    bad = copy.deepcopy(doc)
    bad["prompts"][0]["phase"] = "during"
    del bad["prompts"][1]["text"]
    bad["templates"][0]["topics"][1]["minutes"] = -5
    bad["agreements"][0]["id"] = "not-a-uuid"
    bad["version"] = 2
    before = journal.to_bytes()
    with pytest.raises(InvalidImport) as caught:
        parse_pack(json.dumps(bad).encode())
    paths = [p.path for p in caught.value.problems]
    assert paths == [
        "version",
        "prompts[0].phase",
        "prompts[1].text",
        "templates[0].topics[1].minutes",
        "agreements[0].id",
    ]
    assert caught.value.exit_code == 6
    assert "prompts[0].phase: expected one of before, after, review" in str(caught.value)
    assert journal.to_bytes() == before
    with pytest.raises(InvalidImport, match="not JSON"):
        parse_pack(b"{ nope")
    export = {"format": "rmjournal-export", "version": 1}
    assert "use `rmjournal import`" in str(validate_pack(export)[0])


# ---------------------------------------------------------------------------- time of day


def test_a_sessions_time_of_day_is_checked_kept_and_exported(journal: Journal) -> None:
    from rmjournal.core.errors import UsageError
    from rmjournal.core.interchange import export_document, import_document, validate_document

    session = journal.add_session(date(2026, 7, 22), time="9:30", duration_minutes=50)
    assert (session.time, session.duration_minutes) == ("09:30", 50)
    for bad in ("25:00", "9.30", "noon", "12:5"):
        with pytest.raises(UsageError, match="like 14:30"):
            journal.update_session(session.id, time=bad)
    assert journal.update_session(session.id, time="").time is None
    journal.update_session(session.id, time="14:00")
    doc = export_document(journal)
    assert doc["sessions"][0]["time"] == "14:00"
    fresh = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)))
    import_document(fresh, doc)
    assert fresh.session(session.id).time == "14:00"
    doc["sessions"][0]["time"] = "14h"  # the field table checks text, not the form:
    assert validate_document(doc) == []  # such a time makes an all-day calendar event
    odd = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)))
    import_document(odd, doc)
    assert b"DTSTART;VALUE=DATE:20260722" in calendar_ics(odd)
    (item,) = due_items(journal, 7, date(2026, 7, 20))
    assert item.words.startswith("Session 1 · Wed 22 Jul 2026 14:00 (in 2 days)")


def test_a_template_from_a_pack_on_one_copy_merges_into_the_other(
    journal: Journal, clock: FixedClock
) -> None:
    from rmjournal.core.merge import merge_into

    copy_b = Journal.from_bytes(
        journal.to_bytes(), me="mentee", cipher=PrivateCipher("mentee", os.urandom(32)), clock=clock
    )
    import_pack(copy_b, _scheme_pack(clock))
    merge_into(journal, copy_b.to_bytes())
    assert find_template("Network listening session", journal).topics[0].minutes == 30
    assert "What did the network ask you to say?" in [p.text for p in journal.custom_prompts()]
