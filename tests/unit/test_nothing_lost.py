"""Nothing typed is lost: per-author notes, conflicts kept whole, planning and backups (#13)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from test_merge import BASE, base_journal, copy_of, tick
from testkit import start_old_pair

from rmjournal.core import store
from rmjournal.core.errors import JournalError
from rmjournal.core.interchange import export_document, import_document
from rmjournal.core.journal import Journal
from rmjournal.core.merge import (
    BOTH_SEPARATOR,
    conflicts,
    item_conflicts,
    merge_into,
    open_conflicts,
    resolve_conflict,
)
from rmjournal.core.model import joined_notes

MENTOR_WORDS = "Ama: the talent scheme excludes part-time staff entirely"
MENTEE_WORDS = "Kofi: rota gaps mean evening shifts never reach training"


def _two_copies() -> tuple[bytes, str, str]:
    """A journal with one session and one item, as both copies start; its ids."""
    j = base_journal()
    s = j.plan_next_session(date(2026, 3, 5))
    item = j.add_agenda_item(s.id, "Talent scheme")
    return j.to_bytes(), s.id, item.id


def _item_json(j: Journal, item_id: str) -> dict:
    doc = export_document(j)
    return next(i for s in doc["sessions"] for i in s["agenda"] if i["id"] == item_id)


# ---------------------------------------------------------------------------- per-author notes


def test_each_partner_writes_their_own_notes_and_both_are_kept() -> None:
    data, _sid, item_id = _two_copies()
    mentee = copy_of(data, "mentee", BASE)
    mentee.record_notes(item_id, MENTEE_WORDS)
    mentor = copy_of(mentee.to_bytes(), "mentor", BASE)
    mentor.record_notes(item_id, MENTOR_WORDS)
    item = mentor.agenda_item(item_id)
    assert item.notes_of("mentor") == MENTOR_WORDS
    assert item.notes_of("mentee") == MENTEE_WORDS
    assert MENTOR_WORDS in item.notes and MENTEE_WORDS in item.notes


def test_an_item_only_one_person_took_notes_on_reads_as_before() -> None:
    assert joined_notes("just mine", "") == "just mine"
    assert joined_notes("", "just theirs") == "just theirs"
    both = joined_notes("a", "b")
    assert both.index("a") < both.index("b") and "Mentee" in both


@pytest.mark.parametrize("direction", ["mentor-into-mentee", "mentee-into-mentor"])
def test_partners_notes_on_two_copies_merge_without_a_conflict(direction: str) -> None:
    data, _sid, item_id = _two_copies()
    mentor = copy_of(data, "mentor", BASE)
    mentee = copy_of(data, "mentee", BASE)
    tick(mentor, 10)
    tick(mentee, 12)
    mentor.record_notes(item_id, MENTOR_WORDS)
    mentee.record_notes(item_id, MENTEE_WORDS)
    into, other = (mentee, mentor) if direction == "mentor-into-mentee" else (mentor, mentee)
    merge_into(into, other.to_bytes())
    assert open_conflicts(into) == []
    item = into.agenda_item(item_id)
    assert (item.mentor_notes, item.mentee_notes) == (MENTOR_WORDS, MENTEE_WORDS)
    exported = _item_json(into, item_id)
    assert exported["notes_by"] == {"mentor": MENTOR_WORDS, "mentee": MENTEE_WORDS}
    assert MENTOR_WORDS in exported["notes"] and MENTEE_WORDS in exported["notes"]


def test_export_of_notes_keeps_the_old_field_and_import_takes_both_forms() -> None:
    data, _sid, item_id = _two_copies()
    j = copy_of(data, "mentor", BASE)
    j.record_notes(item_id, MENTOR_WORDS)
    only = _item_json(j, item_id)
    assert only["notes"] == MENTOR_WORDS and "notes_by" not in only  # as before: no new field
    mentee = copy_of(j.to_bytes(), "mentee", BASE)
    tick(mentee)
    mentee.record_notes(item_id, MENTEE_WORDS)
    doc = export_document(mentee)
    fresh = Journal.new(me="mentor", cipher=base_journal().records._cipher)
    import_document(fresh, doc)
    item = fresh.agenda_item(item_id)
    assert (item.mentor_notes, item.mentee_notes) == (MENTOR_WORDS, MENTEE_WORDS)
    # The old form (one `notes`) goes to the person who raised the item.
    legacy = json.loads(json.dumps(doc))
    agenda = legacy["sessions"][0]["agenda"][0]
    del agenda["notes_by"]
    agenda["notes"] = "one text, from an older export"
    agenda["updated_at"] = "2026-03-02T09:00:00+00:00"
    older = Journal.new(me="mentee", cipher=copy_of(data, "mentee", BASE).records._cipher)
    import_document(older, legacy)
    assert older.agenda_item(item_id).notes_of("mentor") == "one text, from an older export"


def test_import_refuses_a_bad_notes_by() -> None:
    data, _sid, _item_id = _two_copies()
    j = copy_of(data, "mentor", BASE)
    doc = export_document(j)
    doc["sessions"][0]["agenda"][0]["notes_by"] = {"boss": "x", "mentee": 3}
    from rmjournal.core.errors import InvalidImport

    with pytest.raises(InvalidImport) as caught:
        import_document(j, doc)
    paths = {p.path for p in caught.value.problems}
    assert any(p.endswith("notes_by.boss") for p in paths)
    assert any(p.endswith("notes_by.mentee") for p in paths)


def test_an_item_the_partner_wrote_on_cannot_be_made_private() -> None:
    data, _sid, item_id = _two_copies()
    mentee = copy_of(data, "mentee", BASE)
    mentee.record_notes(item_id, MENTEE_WORDS)
    mentor = copy_of(mentee.to_bytes(), "mentor", BASE)
    with pytest.raises(JournalError, match="partner has written notes"):
        mentor.set_visibility(item_id, "private")


def test_schema_5_journal_keeps_its_notes_as_the_authors_and_still_searches() -> None:
    db = store.new_database(5)
    old = Journal(db, me="mentor", cipher=base_journal().records._cipher, clock=None)
    start_old_pair(old, mentor=base_journal().pair().mentor, mentee=base_journal().pair().mentee)
    old.records.execute(  # as schema 5 wrote a session (later columns do not exist yet)
        "INSERT INTO sessions (id, number, date, status, created_at, updated_at, author)"
        " VALUES ('s1', 1, '2026-03-05', 'planned', ?, ?, 'mentor') RETURNING id",
        ("2026-03-01T09:00:00+00:00", "2026-03-01T09:00:00+00:00"),
    ).fetchone()
    old.records.execute(
        "INSERT INTO agenda_items (id, session_id, position, topic, raised_by, notes, outcome,"
        " visibility, created_at, updated_at, author) VALUES ('i1', ?, 0, 'Rotas', 'mentee',"
        " 'evening shifts', 'open', 'pair', '2026-03-01T09:00:00+00:00',"
        " '2026-03-01T09:00:00+00:00', 'mentee')",
        ("s1",),
    )
    migrated = Journal.from_bytes(store.serialize(db), me="mentor", cipher=old.records._cipher)
    item = migrated.agenda_item("i1")
    assert (item.mentee_notes, item.mentor_notes) == ("evening shifts", "")
    migrated.record_notes("i1", "my own words")
    assert migrated.agenda_item("i1").mentee_notes == "evening shifts"
    assert [h.id for h in migrated.search("shifts")] == ["i1"]
    assert [h.id for h in migrated.search("own")] == ["i1"]


# ---------------------------------------------------------------------------- conflicts


def _same_person_on_two_machines() -> tuple[Journal, Journal, str]:
    data, _sid, item_id = _two_copies()
    laptop = copy_of(data, "mentor", BASE)
    desktop = copy_of(data, "mentor", BASE)
    tick(laptop, 10)
    tick(desktop, 20)
    laptop.record_notes(item_id, "laptop: " + "words typed on the train " * 5)
    desktop.record_notes(item_id, "desktop: " + "words typed at the office " * 5)
    return laptop, desktop, item_id


def test_a_conflict_keeps_both_values_whole_and_in_the_export() -> None:
    laptop, desktop, item_id = _same_person_on_two_machines()
    merge_into(laptop, desktop.to_bytes())
    (c,) = item_conflicts(laptop, item_id)
    assert {c.kept, c.other} == {
        "laptop: " + "words typed on the train " * 5,
        "desktop: " + "words typed at the office " * 5,
    }
    exported = export_document(laptop)["conflicts"]
    assert [(k["kept"], k["other"]) for k in exported] == [(c.kept, c.other)]


@pytest.mark.parametrize("keep", ["kept", "other", "both"])
def test_resolving_never_deletes_the_losing_text(keep: str) -> None:
    laptop, desktop, item_id = _same_person_on_two_machines()
    merge_into(laptop, desktop.to_bytes())
    (c,) = open_conflicts(laptop)
    resolve_conflict(laptop, c.id, keep)
    assert open_conflicts(laptop) == []
    notes = laptop.agenda_item(item_id).mentor_notes
    expected = {"kept": c.kept, "other": c.other}.get(keep)
    if keep == "both":
        assert c.kept in notes and c.other in notes
        assert BOTH_SEPARATOR.split("{")[0] in notes and "Ama" in notes
    else:
        assert notes == expected
    (after,) = conflicts(laptop, include_resolved=True)
    assert (after.kept, after.other) == (c.kept, c.other) and after.resolved_at
    (exported,) = export_document(laptop)["conflicts"]
    assert exported["other"] == c.other and exported["resolved_at"]


def test_a_resolution_travels_to_the_other_copy() -> None:
    laptop, desktop, item_id = _same_person_on_two_machines()
    merge_into(laptop, desktop.to_bytes())
    (c,) = open_conflicts(laptop)
    tick(laptop)
    resolve_conflict(laptop, c.id, "both")
    merge_into(desktop, laptop.to_bytes())
    assert open_conflicts(desktop) == []
    assert desktop.agenda_item(item_id).mentor_notes == laptop.agenda_item(item_id).mentor_notes


def test_bad_choices_are_refused_plainly() -> None:
    laptop, desktop, _ = _same_person_on_two_machines()
    merge_into(laptop, desktop.to_bytes())
    (c,) = open_conflicts(laptop)
    with pytest.raises(JournalError, match="Keep must be one of"):
        resolve_conflict(laptop, c.id, "mine")
    with pytest.raises(JournalError, match="No conflict"):
        resolve_conflict(laptop, "nope", "kept")


def test_conflicts_round_trip_through_the_json_export() -> None:
    laptop, desktop, _ = _same_person_on_two_machines()
    merge_into(laptop, desktop.to_bytes())
    doc = export_document(laptop)
    fresh = Journal.new(me="mentor", cipher=laptop.records._cipher)
    import_document(fresh, doc)
    assert [(c.kept, c.other) for c in open_conflicts(fresh)] == [
        (c.kept, c.other) for c in open_conflicts(laptop)
    ]
    assert export_document(fresh)["conflicts"] == doc["conflicts"]


def test_waiting_conflicts_are_counted_for_the_dashboard() -> None:
    laptop, desktop, _ = _same_person_on_two_machines()
    assert laptop.conflicts_waiting() == 0
    merge_into(laptop, desktop.to_bytes())
    assert laptop.conflicts_waiting() == 1
    resolve_conflict(laptop, open_conflicts(laptop)[0].id)
    assert laptop.conflicts_waiting() == 0


# ---------------------------------------------------------------------------- planning


def _pair_with_plan(sessions: int = 3) -> Journal:
    j = base_journal()
    j.update_pair(planned_sessions=sessions, cadence_days=14)
    return j


def test_a_cancelled_sessions_open_topics_carry_forward() -> None:
    j = _pair_with_plan()
    first = j.plan_next_session(date(2026, 3, 5))
    done = j.add_agenda_item(first.id, "Done topic")
    j.record_outcome(done.id, "discussed")
    j.mark_held(first.id)
    second = j.plan_next_session()
    item = j.add_agenda_item(second.id, "Never discussed")
    j.mark_cancelled(second.id)
    third = j.plan_next_session()
    carried = [i for i in j.agenda(third.id) if i.carried_from]
    assert [(i.topic, i.carried_from) for i in carried] == [("Never discussed", item.id)]
    assert j.carry_forward(third.id) == []  # nothing twice


def test_an_item_carried_through_a_cancelled_session_is_carried_once() -> None:
    j = _pair_with_plan(4)
    first = j.plan_next_session(date(2026, 3, 5))
    open_item = j.add_agenda_item(first.id, "Rotas")
    j.mark_held(first.id)
    second = j.plan_next_session()
    (copy,) = [i for i in j.agenda(second.id) if i.carried_from == open_item.id]
    j.mark_cancelled(second.id)
    third = j.plan_next_session()
    assert [i.carried_from for i in j.agenda(third.id) if i.carried_from] == [copy.id]


def test_a_missed_sessions_topics_carry_and_its_replacement_is_planned_from_today() -> None:
    j = _pair_with_plan()
    first = j.plan_next_session(date(2026, 3, 1))
    item = j.add_agenda_item(first.id, "Missed topic")
    tick(j, 60 * 24 * 10)  # ten days later: more than half the 14-day cadence
    assert j.is_missed(j.session(first.id))
    replacement = j.plan_next_session()
    assert replacement.id != first.id and replacement.date == j.today()
    assert [i.carried_from for i in j.agenda(replacement.id)] == [item.id]


def test_a_cancelled_sessions_replacement_is_planned_from_today() -> None:
    j = _pair_with_plan()
    first = j.plan_next_session(date(2026, 3, 1))
    j.mark_held(first.id)
    second = j.plan_next_session()
    assert second.date == date(2026, 3, 15)
    j.mark_cancelled(second.id)
    third = j.plan_next_session()
    assert third.date == j.today() == date(2026, 3, 1)


def _full_plan() -> Journal:
    j = _pair_with_plan(2)
    for _ in range(2):
        s = j.plan_next_session()
        j.mark_held(s.id)
    return j


def test_planning_past_the_plan_is_refused_until_chosen() -> None:
    from rmjournal.core.errors import PlanFull

    j = _full_plan()
    before = len(j.sessions())
    with pytest.raises(PlanFull, match="All 2 sessions of the plan"):
        j.plan_next_session()
    assert len(j.sessions()) == before
    one_more = j.plan_next_session(beyond_plan=True)
    assert one_more.number == 3 and j.pair().planned_sessions == 2
    j.delete_planned_session(one_more.id)
    extended = j.plan_next_session(extend_plan=True)
    assert j.pair().planned_sessions == 3 and extended.status == "planned"


def test_an_unheld_session_can_be_deleted_and_a_held_one_cannot() -> None:
    j = _full_plan()
    extra = j.plan_next_session(beyond_plan=True)
    j.add_agenda_item(extra.id, "A topic")
    j.delete_planned_session(extra.id)
    assert [s.number for s in j.sessions()] == [1, 2]
    with pytest.raises(JournalError, match="was held"):
        j.delete_planned_session(j.sessions()[0].id)


def test_an_empty_planned_session_keeps_the_summarys_approvals() -> None:
    from rmjournal.core.crypto import Signer, random_key
    from rmjournal.core.summary import approve, build_summary

    j = _full_plan()
    approve(j, "mentor")
    approve(j, "mentee", signer=Signer("mentee", random_key()))  # the mentee, present
    assert build_summary(j).approved
    extra = j.plan_next_session(beyond_plan=True)
    assert build_summary(j).approved
    j.delete_planned_session(extra.id)
    assert build_summary(j).approved
    j.update_pair(planned_sessions=5)  # a real change to what the summary says
    assert not build_summary(j).approved


def test_a_summarys_approvals_do_not_lapse_when_a_planned_sessions_day_passes() -> None:
    """The summary leaves planned sessions out but showed missed ones, and its hash counted
    them: a session planned and then neither held nor cancelled half a cadence after its day
    withdrew both approvals with no change to the journal (the demo's, seven weeks on)."""
    import dataclasses
    from datetime import timedelta

    from rmjournal.core.crypto import Signer, random_key
    from rmjournal.core.summary import (
        approve,
        build_summary,
        canonical_content,
        content_hash_of,
        record_approval,
    )

    j = _pair_with_plan(3)
    j.mark_held(j.plan_next_session().id)
    planned = j.plan_next_session()
    approve(j, "mentor")
    approve(j, "mentee", signer=Signer("mentee", random_key()))
    today = j.today()
    missed_on = planned.date + timedelta(days=j.pair().cadence_days)  # past half a cadence
    later = build_summary(j, missed_on)
    assert later.figures.sessions_missed == 1
    assert "(1 missed)" in later.figures.sessions_sentence()  # still shown, as overdue is
    assert later.approved and later.content_hash == build_summary(j, today).content_hash
    # An approval signed over the earlier hash, which counted the missed session, still counts.
    earlier = content_hash_of(
        canonical_content(
            dataclasses.replace(
                later, figures=dataclasses.replace(later.figures, sessions_awaiting=1)
            )
        )
    )
    record_approval(j, "mentor", j.pair().id, earlier)
    assert build_summary(j, missed_on).approvals["mentor"].approved
    assert not build_summary(j, today).approvals["mentor"].approved  # not missed then: another hash


def test_an_approval_from_before_keeps_counting_when_a_session_is_planned() -> None:
    import dataclasses

    from rmjournal.core.review import review_figures
    from rmjournal.core.summary import (
        approve,
        build_summary,
        canonical_content,
        content_hash_of,
        rebind_legacy_approvals,
        record_approval,
    )

    j = _full_plan()
    j.plan_next_session(beyond_plan=True)  # one planned session, as approvals saw it before
    approve(j, "mentor")
    summary = build_summary(j)
    legacy = content_hash_of(
        canonical_content(
            dataclasses.replace(summary, figures=review_figures(j, shareable_only=True))
        )
    )
    record_approval(j, "mentor", j.pair().id, legacy)  # signed over the legacy hash
    assert build_summary(j).approvals["mentor"].approved  # the same content: still counts
    rebind_legacy_approvals(j)  # stored again in today's form, so planning cannot lapse it
    assert j.records.execute("SELECT content_hash FROM approvals").fetchone()[0] != legacy
    j.delete_planned_session(j.next_session().id)
    assert build_summary(j).approvals["mentor"].approved


def test_a_private_items_sealed_notes_still_open_after_schema_6() -> None:
    db = store.new_database(5)
    cipher = base_journal().records._cipher
    old = Journal(db, me="mentor", cipher=cipher)
    start_old_pair(old, mentor=base_journal().pair().mentor, mentee=base_journal().pair().mentee)
    old.records.execute(  # as schema 5 wrote a session (later columns do not exist yet)
        "INSERT INTO sessions (id, number, date, status, created_at, updated_at, author)"
        " VALUES ('s1', 1, '2026-03-05', 'planned', ?, ?, 'mentor') RETURNING id",
        ("2026-03-01T09:00:00+00:00", "2026-03-01T09:00:00+00:00"),
    ).fetchone()
    stamp = "2026-03-01T09:00:00+00:00"
    old.records.execute(
        "INSERT INTO agenda_items (id, session_id, position, topic, raised_by, notes, outcome,"
        " visibility, created_at, updated_at, author) VALUES ('p1', ?, 0, ?, 'mentor', ?,"
        " 'open', 'private', ?, ?, 'mentor')",
        (
            "s1",
            cipher.seal("p1", "topic", "Private worry"),
            cipher.seal("p1", "notes", "sealed words"),
            stamp,
            stamp,
        ),
    )
    migrated = Journal.from_bytes(store.serialize(db), me="mentor", cipher=cipher)
    item = migrated.agenda_item("p1")
    assert (item.topic, item.mentor_notes, item.mentee_notes) == (
        "Private worry",
        "sealed words",
        "",
    )
    assert "sealed words" not in str(store.serialize(migrated.records._conn))
