"""Honest figures (issue #16): actions count from `agreed_on`, nothing closes before it was
agreed, the cadence verdict looks up to today, and a planned session long past is missed."""

from __future__ import annotations

import copy
from datetime import UTC, date, datetime

import pytest

from rmjournal.core import store
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher, random_key
from rmjournal.core.errors import InvalidImport, JournalError
from rmjournal.core.interchange import export_document, import_document
from rmjournal.core.journal import Journal
from rmjournal.core.model import Person
from rmjournal.core.review import review_figures


def at(clock: FixedClock, day: date) -> None:
    clock.moment = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def pair_journal(cadence: int = 28) -> tuple[Journal, FixedClock]:
    clock = FixedClock(datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()), clock=clock)
    j.start_pair(
        mentor=Person("Amara Okafor"),
        mentee=Person("David Reed"),
        started_on=date(2026, 1, 5),
        cadence_days=cadence,
        planned_sessions=6,
        review_on=date(2026, 7, 5),
    )
    return j, clock


# ------------------------------------------------------------------ agreed_on


def test_an_action_agreed_in_a_session_is_agreed_on_its_date_however_late_it_is_typed() -> None:
    j, clock = pair_journal()
    s1 = j.add_session(date(2026, 1, 8), status="held")
    at(clock, date(2026, 3, 1))  # typed in weeks later
    late = j.agree_action("Read the survey", agreed_in=s1.id)
    loose = j.agree_action("Book a room")
    assert late.agreed_on == date(2026, 1, 8)
    assert loose.agreed_on == date(2026, 3, 1)
    j.close_action(late.id, on=date(2026, 1, 18))
    f = review_figures(j)
    assert f.median_days_to_close == 10  # from 8 Jan, not from 1 Mar
    assert [(m.month, m.count) for m in f.opened_by_month[:3]] == [
        ("2026-01", 1),
        ("2026-02", 0),
        ("2026-03", 1),
    ]


def test_moving_the_session_or_changing_it_moves_agreed_on() -> None:
    j, _clock = pair_journal()
    s1 = j.add_session(date(2026, 1, 8), status="held")
    s2 = j.add_session(date(2026, 2, 5))
    a = j.agree_action("Draft the blog", agreed_in=s2.id)
    assert a.agreed_on == date(2026, 2, 5)
    j.update_session(s2.id, on=date(2026, 2, 9))
    assert j.action(a.id).agreed_on == date(2026, 2, 9)
    assert j.edit_action(a.id, agreed_in=s1.id).agreed_on == date(2026, 1, 8)
    assert j.edit_action(a.id, agreed_in=None).agreed_on == date(2026, 1, 5)  # the day written


def test_closing_before_the_day_agreed_is_refused_with_a_sentence() -> None:
    j, _clock = pair_journal()
    s2 = j.add_session(date(2026, 2, 5))
    a = j.agree_action("Draft the blog", agreed_in=s2.id)
    with pytest.raises(JournalError, match="before the day it was agreed"):
        j.close_action(a.id, on=date(2026, 2, 1))
    assert j.action(a.id).status == "open"  # nothing written
    j.close_action(a.id, on=date(2026, 2, 5))
    s3 = j.add_session(date(2026, 3, 5))
    with pytest.raises(JournalError, match="before the day it was agreed"):
        j.edit_action(a.id, agreed_in=s3.id)


def test_migration_gives_old_actions_agreed_on_from_session_else_creation() -> None:
    db = store.new_database(target=6)
    ts = "2026-03-05T18:00:00+00:00"
    c = db.conn
    c.execute(
        "INSERT INTO sessions (id, number, date, status, created_at, updated_at, author)"
        " VALUES ('s1', 1, '2026-02-20', 'held', ?, ?, 'mentor')",
        (ts, ts),
    )
    for action_id, session in (("a1", "s1"), ("a2", None)):
        c.execute(
            "INSERT INTO actions (id, title, detail, kind, owner, agreed_in, status, visibility,"
            " tags, created_at, updated_at, author) VALUES (?, 't', '', 'action', 'both', ?,"
            " 'open', 'pair', '[]', ?, ?, 'mentor')",
            (action_id, session, ts, ts),
        )
    store.migrate(db)
    got = dict(c.execute("SELECT id, agreed_on FROM actions").fetchall())
    assert got == {"a1": "2026-02-20", "a2": "2026-03-05"}
    # filling the column is not a change a merge would see
    assert c.execute("SELECT count(*) FROM row_versions").fetchone()[0] == 0


def test_import_refuses_closed_before_agreed_and_fills_a_missing_agreed_on() -> None:
    j, _clock = pair_journal()
    s1 = j.add_session(date(2026, 1, 8), status="held")
    a = j.agree_action("Read the survey", agreed_in=s1.id)
    j.close_action(a.id, on=date(2026, 1, 20))
    doc = export_document(j)
    assert doc["actions"][0]["agreed_on"] == "2026-01-08"

    bad = copy.deepcopy(doc)
    bad["actions"][0]["closed_on"] = "2026-01-02"
    with pytest.raises(InvalidImport, match="before the day it was agreed"):
        import_document(Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key())), bad)

    # agreed_on left out (an older export): its session's date is used, and checked
    older = copy.deepcopy(doc)
    del older["actions"][0]["agreed_on"]
    fresh = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()))
    import_document(fresh, older)
    assert fresh.actions()[0].agreed_on == date(2026, 1, 8)
    del bad["actions"][0]["agreed_on"]
    with pytest.raises(InvalidImport, match="closed_on"):
        import_document(Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key())), bad)


# ------------------------------------------------------------------ cadence and missed


def test_a_silence_of_two_cadences_means_the_cadence_is_not_kept() -> None:
    j, _clock = pair_journal(cadence=28)
    for day in (date(2026, 1, 8), date(2026, 2, 5), date(2026, 3, 5)):
        j.add_session(day, status="held")
    assert review_figures(j, date(2026, 3, 20)).cadence_kept is True
    assert review_figures(j, date(2026, 4, 20)).cadence_kept is True  # gaps 28, 28, 46: 34
    assert review_figures(j, date(2026, 4, 25)).cadence_kept is False  # 28, 28, 51: 35.7 > 35
    silent = review_figures(j, date(2026, 5, 1))  # 57 days ≥ 2 × 28
    assert silent.silence_days == 57
    assert silent.cadence_kept is False
    assert "not kept" in silent.cadence_sentence()
    # a year on, still silent, with sessions of the plan left: never "kept"
    assert review_figures(j, date(2027, 3, 5)).cadence_kept is False


def test_no_session_ever_held_is_not_kept_once_two_cadences_pass() -> None:
    j, _clock = pair_journal(cadence=28)
    assert review_figures(j, date(2026, 1, 20)).cadence_kept is None  # too early to tell
    f = review_figures(j, date(2026, 3, 5))
    assert f.cadence_kept is False
    assert "not kept" in f.cadence_sentence()


def test_every_planned_session_held_ends_the_silence_clock() -> None:
    j, _clock = pair_journal(cadence=28)
    for day in ("2026-01-08", "2026-02-05", "2026-03-05", "2026-04-02", "2026-04-30", "2026-05-28"):
        j.add_session(date.fromisoformat(day), status="held")
    f = review_figures(j, date(2027, 1, 5))
    assert f.silence_days is None
    assert f.cadence_kept is True


def test_a_planned_session_half_a_cadence_past_is_missed_and_counts_against_the_cadence() -> None:
    j, _clock = pair_journal(cadence=28)
    j.add_session(date(2026, 1, 8), status="held")
    j.add_session(date(2026, 2, 5), status="held")
    late = j.add_session(date(2026, 3, 5))
    on_day = review_figures(j, date(2026, 3, 19))  # 14 days: exactly half, not yet missed
    assert (on_day.sessions_missed, on_day.sessions_scheduled) == (0, 1)
    f = review_figures(j, date(2026, 3, 20))
    assert (f.sessions_missed, f.sessions_scheduled) == (1, 0)
    assert f.cadence_kept is False
    assert f.sessions_sentence() == "2 of 6 planned sessions held (1 missed)"
    # the approval hash does not change merely because a day passed
    assert f.stable() == on_day.stable()
    j.mark_held(late.id)
    assert review_figures(j, date(2026, 3, 20)).sessions_missed == 0


def test_a_cancelled_session_counts_against_the_cadence_through_its_gap() -> None:
    j, _clock = pair_journal(cadence=28)
    j.add_session(date(2026, 1, 8), status="held")
    j.add_session(date(2026, 2, 5), status="cancelled")
    j.add_session(date(2026, 3, 5), status="held")
    f = review_figures(j, date(2026, 3, 10))
    assert f.mean_days_between == 56
    assert f.cadence_kept is False


# ------------------------------------------------------------------ the demo


def test_the_demo_journal_has_consistent_dates_and_its_carried_topic_reappears() -> None:
    from testkit import same_database

    from rmjournal.core import demo

    clock = FixedClock(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()), clock=clock)
    demo.populate_mentor(j)
    demo.populate_mentee(
        same_database(j, me="mentee", cipher=PrivateCipher("mentee", random_key()), clock=clock)
    )
    dates = {s.id: s.date for s in j.sessions()}
    actions = j.actions()
    assert actions
    for a in actions:
        assert a.agreed_in is not None and a.agreed_on == dates[a.agreed_in], a.title
        assert a.closed_on is None or a.closed_on >= a.agreed_on, a.title
        for f in a.follow_ups:
            assert f.on >= a.agreed_on, a.title
    months = {m.month for m in review_figures(j).opened_by_month if m.count}
    assert len(months) >= 2  # not all "agreed this month"
    agenda = j.all_agenda_items()
    carried = [i for i in agenda if i.outcome == "carried_over"]
    assert carried
    for item in carried:
        assert any(i.carried_from == item.id for i in agenda), item.topic


# ------------------------------------------------------------------ goals


def test_goal_status_note_and_links_are_explicit() -> None:
    j, _clock = pair_journal()
    s1 = j.add_session(date(2026, 1, 8), status="held")
    goal = j.add_goal("mentee", "Change at least one hiring practice", visibility="shareable")
    assert (goal.status, goal.status_note, goal.links) == ("open", None, ())
    the = j.add_entry(s1.id, "Panels", kind="learning", visibility="shareable", tags=["the"])
    hiring = j.agree_action("Rewrite the advert", tags=["hiring"], visibility="shareable")
    assert review_figures(j).goals[0].learnings == []  # "the" and "hiring" are words of the goal
    assert review_figures(j).goals[0].actions == []
    j.link_to_goal(goal.id, hiring.id)
    j.link_to_goal(goal.id, hiring.id)  # twice is once
    f = review_figures(j, shareable_only=True)
    assert [a.id for a in f.goals[0].actions] == [hiring.id]
    assert f.goals[0].learnings == []
    assert j.link_to_goal(goal.id, hiring.id, linked=False).links == ()
    done = j.set_goal_status(goal.id, "partly", "One panel changed, adverts not yet.")
    assert (done.status, done.status_note) == ("partly", "One panel changed, adverts not yet.")
    with pytest.raises(JournalError, match="status"):
        j.set_goal_status(goal.id, "finished")  # type: ignore[arg-type]
    with pytest.raises(JournalError, match="No action, entry or agenda item"):
        j.link_to_goal(goal.id, s1.id)  # a session is not linkable
    assert the.id not in j.goal(goal.id).links


def test_goal_status_and_links_survive_export_and_import() -> None:
    j, _clock = pair_journal()
    s1 = j.add_session(date(2026, 1, 8), status="held")
    goal = j.add_goal("mentor", "Be heard at the board", visibility="private")
    item = j.add_agenda_item(s1.id, "Board papers")
    j.link_to_goal(goal.id, item.id)
    j.set_goal_status(goal.id, "achieved", "Spoke twice.")
    doc = export_document(j)
    back = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()))
    import_document(back, doc)
    got = back.goal(goal.id)
    assert (got.status, got.status_note, got.links) == ("achieved", "Spoke twice.", (item.id,))
    assert export_document(back)["pair"]["goals"] == doc["pair"]["goals"]
    bad = copy.deepcopy(doc)
    bad["pair"]["goals"][0]["status"] = "done"
    with pytest.raises(InvalidImport, match="status"):
        import_document(Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key())), bad)
