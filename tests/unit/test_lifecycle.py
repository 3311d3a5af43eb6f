"""The whole relationship (issue #16, lifecycle.md): the plan and the agreement changed by
either partner and recorded, the stages and the decision at review, the check-in a year on,
opportunities, the demo's story, and journals from before schema 12."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from testkit import clock_of, same_database

from rmjournal.core import store
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher, random_key
from rmjournal.core.errors import JournalError
from rmjournal.core.journal import Journal
from rmjournal.core.journal.rows import PartnersPrivateItem
from rmjournal.core.lifecycle import agreement_content, agreement_signatures, next_step, stage
from rmjournal.core.merge import merge_into
from rmjournal.core.model import Person
from rmjournal.core.review import review_document, review_figures


def at(clock: FixedClock, day: date) -> None:
    clock.moment = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def pair_journal() -> tuple[Journal, FixedClock]:
    clock = FixedClock(datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()), clock=clock)
    j.start_pair(
        mentor=Person("Amara Okafor"),
        mentee=Person("David Reed"),
        started_on=date(2026, 1, 5),
        cadence_days=28,
        planned_sessions=2,
        review_on=date(2026, 3, 5),
        agreement="We meet monthly.",
    )
    return j, clock


def mentee_of(j: Journal) -> Journal:
    return same_database(
        j, me="mentee", cipher=PrivateCipher("mentee", random_key()), clock=clock_of(j)
    )


# ------------------------------------------------------------------ the plan and agreement


def test_either_partner_changes_the_plan_and_each_change_is_recorded() -> None:
    j, clock = pair_journal()
    j.update_pair(cadence_days=21, planned_sessions=2)  # planned sessions unchanged: not logged
    at(clock, date(2026, 1, 9))
    mentee = mentee_of(j)
    mentee.update_pair(review_on=date(2026, 4, 1), mentee=Person("David Reed", "DG"))
    changes = j.plan_changes()
    assert [(c.by, c.field, c.old, c.new) for c in changes] == [
        ("mentor", "cadence_days", "28", "21"),
        ("mentee", "review_on", "2026-03-05", "2026-04-01"),
        ("mentee", "mentee", "David Reed", "David Reed, DG"),
    ]
    assert changes[1].at.startswith("2026-01-09")
    assert j.pair().cadence_days == 21 and j.pair().mentee.role == "DG"  # type: ignore[union-attr]
    with pytest.raises(JournalError, match="at least 1"):
        j.update_pair(cadence_days=0)


def test_an_agreement_change_is_logged_without_its_text_and_changes_what_is_signed() -> None:
    j, _clock = pair_journal()
    before = agreement_content(j.pair())  # type: ignore[arg-type]
    mentee_of(j).set_agreement("We meet monthly. Either of us may pause.")
    pair = j.pair()
    assert pair is not None and pair.agreement == "We meet monthly. Either of us may pause."
    assert agreement_content(pair) != before
    last = j.plan_changes()[-1]
    assert (last.by, last.field, last.old, last.new) == ("mentee", "agreement", None, None)


# ------------------------------------------------------------------ stages and decisions


def test_stages_from_agreeing_to_a_closed_pair_and_its_check_in() -> None:
    j, clock = pair_journal()
    assert stage(j) == "agreeing"
    s1 = j.add_session(date(2026, 1, 8))
    at(clock, date(2026, 1, 8))
    assert next_step(j) == "Session 1 is today: record it"
    j.mark_held(s1.id)
    assert stage(j) == "meeting"
    assert next_step(j) == "Plan the next session (n)"
    s2 = j.plan_next_session()
    at(clock, date(2026, 2, 20))
    assert next_step(j) == "Session 2 was missed: hold, move or cancel it"
    j.mark_held(s2.id)
    assert next_step(j) == "Review due in 13 days: plan it"
    at(clock, date(2026, 3, 8))
    assert stage(j) == "review_due"
    assert next_step(j) == "Review was due 3 days ago: hold it and decide what next"
    j.hold_review()
    assert next_step(j) == "Review held: decide to close, extend or start a part two"
    c = j.commit_to("Sponsor the network", agreed_in=s1.id)
    j.commit_to("Mentor someone else", agreed_in=s2.id)
    dropped = j.commit_to("Chair the panel", agreed_in=s2.id)
    j.drop_action(dropped.id, on=date(2026, 3, 1))
    pair = j.decide("close")
    assert (pair.decision, pair.decided_on, pair.check_in_on) == (
        "close",
        date(2026, 3, 8),
        date(2027, 3, 8),
    )
    assert stage(j) == "closed"
    assert next_step(j) == "Closed: the check-in is on 2027-03-08 (in 365 days)"
    at(clock, date(2027, 3, 1))
    assert next_step(j) == "Check-in due: revisit 2 commitments"  # the dropped one is not
    j.check_in_action(c.id, "kept", "The network has a sponsor.")
    assert next_step(j) == "Check-in due: revisit 1 commitment"
    doc = review_document(j, review_figures(j))
    assert doc["check_in"] == {"kept": 1, "partly": 0, "not_kept": 0}
    assert (doc["stage"], doc["decision"], doc["review_held_on"], doc["check_in_on"]) == (
        "closed",
        "close",
        "2026-03-08",
        "2027-03-08",
    )
    left = j.commitments_to_revisit()[1]
    j.check_in_action(left.id, "partly")
    assert next_step(j) == "Check-in held: 1 kept, 1 partly, 0 not kept"
    with pytest.raises(JournalError, match="check-in"):
        j.check_in_action(left.id, "maybe")  # type: ignore[arg-type]


def test_extend_and_part_two_change_the_plan_and_the_stage() -> None:
    j, clock = pair_journal()
    for day in (date(2026, 1, 8), date(2026, 2, 5)):
        j.mark_held(j.add_session(day).id)
    at(clock, date(2026, 3, 5))
    with pytest.raises(JournalError, match="close"):
        j.decide("extend", check_in_on=date(2027, 1, 1))
    pair = j.decide("extend")
    assert (pair.planned_sessions, pair.review_on, pair.phase) == (4, date(2026, 4, 30), 1)
    assert pair.review_held_on == date(2026, 3, 5)
    assert stage(j) == "extended"
    assert not j.review_is_held()  # the review it was decided at is behind it
    at(clock, date(2026, 4, 30))
    assert stage(j) == "review_due"
    pair = j.decide("part_two", sessions=3, review_on=date(2026, 10, 1))
    assert (pair.phase, pair.planned_sessions, pair.phase_started_on) == (
        2,
        5,
        date(2026, 4, 30),
    )
    assert stage(j) == "part_two"
    assert review_document(j, review_figures(j))["phase"] == 2
    with pytest.raises(JournalError, match="a new review is held after it"):
        j.decide("extend")  # the same day: that review was decided already
    at(clock, date(2026, 5, 2))
    with pytest.raises(JournalError, match="after today"):
        j.decide("extend", review_on=date(2026, 4, 1))
    assert j.pair().phase == 2  # type: ignore[union-attr]  # the refused decision changed nothing


# ------------------------------------------------------------------ opportunities


def test_opportunities_count_for_both_and_a_private_one_is_sealed() -> None:
    j, _clock = pair_journal()
    board = j.add_opportunity("Shadow the board", offered_by="mentee", on=date(2026, 1, 20))
    secret = j.add_opportunity("A word with the CEO", offered_by="mentee", visibility="private")
    j.update_opportunity(board.id, status="taken", outcome="Sat in on two meetings")
    raw = j.records.raw("opportunities", secret.id)
    assert raw is not None and "CEO" not in str(raw["title"])
    mentee = mentee_of(j)
    seen = {o.id: o for o in mentee.opportunities()}
    assert seen[secret.id].hidden and seen[secret.id].title == ""
    with pytest.raises(PartnersPrivateItem):
        mentee.update_opportunity(secret.id, status="taken")
    for reader in (j, mentee):
        doc = review_document(reader, review_figures(reader))
        assert doc["opportunities"] == {"offered": 2, "taken": 1}
    shown = review_figures(j, shareable_only=True).opportunities
    assert shown == []  # neither is shareable
    with pytest.raises(JournalError, match="title"):
        j.add_opportunity("  ", offered_by="mentor")


def test_opportunities_merge_between_copies() -> None:
    j, _clock = pair_journal()
    other = Journal.from_bytes(
        j.to_bytes(), me="mentee", cipher=PrivateCipher("mentee", random_key())
    )
    made = other.add_opportunity("An introduction to the CPO", offered_by="mentee")
    report = merge_into(j, other.to_bytes())
    assert report.changed
    assert [o.id for o in j.opportunities()] == [made.id]


def test_opportunities_travel_in_the_json_export_and_back() -> None:
    """An export holds the reader's opportunities (the partner's private ones stay out), an
    import brings them back whole, and a journal without any exports as it always did."""
    import json

    from rmjournal.core.interchange import export_document, import_document

    j, _clock = pair_journal()
    assert "opportunities" not in export_document(j)
    board = j.add_opportunity("Shadow the board", offered_by="mentee", on=date(2026, 1, 20))
    j.update_opportunity(board.id, status="taken", outcome="Sat in on two meetings")
    mine = j.add_opportunity("My own note of it", offered_by="mentor", visibility="private")
    doc = json.loads(json.dumps(export_document(j)))
    assert [o["title"] for o in doc["opportunities"]] == ["My own note of it", "Shadow the board"]
    fresh = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()))
    import_document(fresh, doc)
    back = {o.id: o for o in fresh.opportunities()}
    assert back[board.id].status == "taken" and back[board.id].outcome == "Sat in on two meetings"
    assert back[mine.id].visibility == "private" and back[mine.id].title == "My own note of it"
    raw = fresh.records.raw("opportunities", mine.id)
    assert raw is not None and "own note" not in str(raw["title"])  # sealed again on import
    assert [o["title"] for o in export_document(mentee_of(j))["opportunities"]] == [
        "Shadow the board"
    ]


def test_where_the_relationship_stands_travels_in_the_json_export() -> None:
    """The phase, the review held, the decision and the check-in date come back on import; a
    pair in its first phase exports without them, as it always did."""
    from rmjournal.core.interchange import export_document, import_document

    j, clock = pair_journal()
    assert "phase" not in export_document(j)["pair"]
    at(clock, date(2026, 3, 5))
    j.hold_review()
    j.decide("close")
    pair = j.pair()
    assert pair is not None and pair.check_in_on is not None
    doc = export_document(j)
    assert doc["pair"]["decision"] == "close" and doc["pair"]["review_held_on"] == "2026-03-05"
    fresh = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()))
    import_document(fresh, doc)
    back = fresh.pair()
    assert back is not None
    assert (back.decision, back.review_held_on, back.check_in_on) == (
        "close",
        date(2026, 3, 5),
        pair.check_in_on,
    )
    assert stage(fresh, date(2026, 4, 1)) == stage(j, date(2026, 4, 1))


# ------------------------------------------------------------------ older journals


def test_a_schema_11_journal_opens_in_phase_one_with_goals_open() -> None:
    db = store.new_database(target=11)
    stamp = "2026-01-05T10:00:00+00:00"
    db.conn.execute(
        "INSERT INTO pair (id, title, mentor_name, mentee_name, started_on, cadence_days,"
        " planned_sessions, review_on, agreement, created_at, updated_at, author)"
        " VALUES ('p1', 'A & B', 'A', 'B', '2026-01-05', 28, 6, '2026-07-05', '', ?, ?, 'mentor')",
        (stamp, stamp),
    )
    db.conn.execute(
        "INSERT INTO goals (id, owner, text, visibility, created_at, updated_at, author, status)"
        " VALUES ('g1', 'mentee', 'Listen more', 'pair', ?, ?, 'mentee', 'open')",
        (stamp, stamp),
    )
    j = Journal.from_bytes(
        store.serialize(db), me="mentor", cipher=PrivateCipher("mentor", random_key())
    )
    pair = j.pair()
    assert pair is not None and (pair.phase, pair.decision, pair.review_held_on) == (1, None, None)
    assert [g.status for g in j.goals()] == ["open"]
    assert j.plan_changes() == [] and j.opportunities() == []
    assert store.user_version(j.records.execute("SELECT 1").connection) == store.SCHEMA_VERSION


# ------------------------------------------------------------------ the demo


@pytest.mark.parametrize("a_year_on", [False, True])
def test_the_demo_tells_six_months_a_review_and_a_decision(a_year_on: bool) -> None:
    from rmjournal.core import demo

    clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()), clock=clock)
    demo.populate_mentor(j, a_year_on=a_year_on)
    demo.populate_mentee(mentee_of(j), a_year_on=a_year_on)
    doc = review_document(j, review_figures(j))
    assert doc["sessions"]["held"] == 6
    assert doc["goals"] == {"open": 0, "achieved": 2, "partly": 1, "not_achieved": 0}
    assert doc["opportunities"] == {"offered": 2, "taken": 1}
    pair = j.pair()
    assert pair is not None and pair.review_held_on is not None
    assert pair.review_held_on >= max(s.date for s in j.sessions("held"))
    for a in j.actions():
        assert a.closed_on is None or a.closed_on >= a.agreed_day, a.title
    if a_year_on:
        assert (doc["stage"], doc["decision"]) == ("closed", "close")
        assert doc["next_step"] == "Check-in due: revisit 2 commitments"
    else:
        assert (doc["stage"], doc["decision"], doc["phase"]) == ("part_two", "part_two", 2)
        assert doc["next_step"].startswith("Session 7 in 9 days")
    goals = review_figures(j, shareable_only=True).goals
    hiring = next(g for g in goals if g.goal.text.startswith("Change at least one hiring"))
    assert [a.title for a in hiring.actions] == [
        "Rewrite the Digital job advert template with the network"
    ]


def test_both_sign_the_agreement_and_a_change_withdraws_both_signatures() -> None:
    from rmjournal.core import signing, summary  # the package registers the agreement variant

    j, _clock = pair_journal()
    mentee = mentee_of(j)
    signing.ensure_pinned(j)
    signing.ensure_pinned(mentee)  # as each does at their own unlock
    summary.approve(j, variant_name="agreement")
    summary.approve(mentee, variant_name="agreement")
    both = agreement_signatures(j)
    assert both.signed == {"mentor": True, "mentee": True} and both.both
    assert review_document(j, review_figures(j))["agreement"] == {
        "mentor": True, "mentee": True, "both": True,
    }  # fmt: skip
    mentee.set_agreement("We meet monthly, and write up within a week.")
    after = agreement_signatures(j)
    assert after.signed == {"mentor": False, "mentee": False}
    assert after.withdrawn == {"mentor": True, "mentee": True}
    assert "withdrawn" in after.sentence()
