"""Review figures against values worked out by hand on a small journal with a fixed date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from testkit import same_database

from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher, random_key
from rmjournal.core.journal import Journal
from rmjournal.core.model import Person
from rmjournal.core.review import (
    MonthCount,
    months_between,
    review_figures,
)

TODAY = date(2026, 3, 10)


def at(clock: FixedClock, day: date) -> None:
    clock.moment = datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


@pytest.fixture
def hand() -> dict:
    """A pair journal whose figures are worked out by hand below (reader: the mentor)."""
    clock = FixedClock(datetime(2026, 1, 5, 10, 0, tzinfo=UTC))
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()), clock=clock)
    j.start_pair(
        mentor=Person("Amara Okafor"),
        mentee=Person("David Reed"),
        started_on=date(2026, 1, 5),
        cadence_days=14,
        planned_sessions=6,
        review_on=date(2026, 7, 5),
    )
    s1 = j.add_session(date(2026, 1, 8), status="held")
    s2 = j.add_session(date(2026, 1, 22), status="held")
    j.add_session(date(2026, 2, 12), status="cancelled")
    s4 = j.add_session(date(2026, 2, 26), status="held")
    j.add_session(date(2026, 3, 30))  # still planned
    ids: dict[str, str] = {}
    at(clock, date(2026, 1, 8))
    ids["a1"] = j.agree_action("Read the survey", owner="mentor", due_on=date(2026, 1, 20)).id
    ids["a2"] = j.commit_to(
        "Change the panel rule", due_on=date(2026, 2, 1), visibility="shareable", tags=["hiring"]
    ).id
    j.close_action(ids["a1"], on=date(2026, 1, 18))
    j.close_action(ids["a2"], on=date(2026, 2, 7))
    at(clock, date(2026, 1, 22))
    ids["a3"] = j.commit_to("Talk at the away day", due_on=date(2026, 2, 20)).id
    ids["a4"] = j.agree_action("Pilot sponsorship", owner="both").id
    j.drop_action(ids["a4"], on=date(2026, 3, 1))
    at(clock, date(2026, 2, 26))
    ids["a5"] = j.agree_action("Draft the blog", owner="mentee", due_on=date(2026, 3, 20)).id
    j.start_action(ids["a5"], on=date(2026, 2, 27))
    ids["a6"] = j.agree_action("Book the hackathon room", owner="mentor").id
    gone = j.agree_action("A mistake", owner="mentor", due_on=date(2026, 1, 1))
    j.delete(gone.id)
    ids["l1"] = j.add_entry(
        s1.id, "Panels matter", kind="learning", visibility="shareable", tags=["hiring"]
    ).id
    ids["l2"] = j.add_entry(s2.id, "Ask early", kind="learning", tags=["Hiring"]).id
    ids["l3"] = j.add_entry(
        s4.id, "I can say no", kind="learning", visibility="private", tags=["confidence"]
    ).id
    j.add_entry(s4.id, "A plain note", kind="note")
    # The mentee's own private learning: counted, never read by the mentor.
    mentee = same_database(
        j, me="mentee", cipher=PrivateCipher("mentee", random_key()), clock=clock
    )
    mentee.add_entry(s4.id, "Mentee secret", kind="learning", visibility="private", tags=["hiring"])
    ids["g1"] = j.add_goal("mentee", "Fix our hiring panels", visibility="shareable").id
    ids["g2"] = j.add_goal("mentor", "Speak up with #confidence").id
    at(clock, TODAY)
    return {"journal": j, "mentee": mentee, "ids": ids}


def test_sessions_and_cadence(hand: dict) -> None:
    f = review_figures(hand["journal"])
    assert f.today == TODAY
    assert (f.sessions_held, f.sessions_planned) == (3, 6)
    assert (f.sessions_cancelled, f.sessions_scheduled) == (1, 1)
    assert f.held_dates == [date(2026, 1, 8), date(2026, 1, 22), date(2026, 2, 26)]
    assert f.mean_days_between == pytest.approx(24.5)  # gaps of 14 and 35 days
    assert f.cadence_kept is False  # 24.5 > 14 × 1.25
    assert f.sessions_sentence() == "3 of 6 planned sessions held (1 cancelled, 1 still scheduled)"
    months = ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06", "2026-07"]
    assert [m.month for m in f.sessions_by_month] == months
    assert [m.count for m in f.sessions_by_month] == [2, 1, 0, 0, 0, 0, 0]


def test_actions_by_status_owner_and_commitments(hand: dict) -> None:
    f = review_figures(hand["journal"])
    assert f.by_kind_status["action"] == {"open": 1, "in_progress": 1, "done": 1, "dropped": 1}
    assert f.by_kind_status["commitment"] == {
        "open": 1,
        "in_progress": 0,
        "done": 1,
        "dropped": 0,
    }
    assert f.by_status == {"open": 2, "in_progress": 1, "done": 2, "dropped": 1}
    assert f.actions_total == 6  # the deleted one is not counted
    assert f.by_owner_status["mentor"] == {"open": 1, "in_progress": 0, "done": 1, "dropped": 0}
    assert f.by_owner_status["mentee"] == {"open": 1, "in_progress": 1, "done": 1, "dropped": 0}
    assert f.by_owner_status["both"] == {"open": 0, "in_progress": 0, "done": 0, "dropped": 1}
    assert (f.commitments_kept, f.commitments_made) == (1, 2)
    assert f.overdue == 1  # only a3 (due 20 Feb); a5 is due 20 Mar
    assert f.median_days_to_close == 30  # closed after 10, 30 and 38 days
    assert [m.count for m in f.opened_by_month[:3]] == [4, 2, 0]
    assert [m.count for m in f.closed_by_month[:3]] == [1, 1, 1]


def test_learnings_over_time_count_everything_but_show_only_what_may_be_read(hand: dict) -> None:
    f = review_figures(hand["journal"])
    assert f.learnings_total == 4
    assert [m.count for m in f.learnings_by_month[:3]] == [2, 2, 0]
    assert [(s.number, s.learnings) for s in f.learnings_by_session] == [
        (1, 1),
        (2, 1),
        (3, 0),
        (4, 2),
        (5, 0),
    ]
    texts = [e.text for e in f.learnings]
    assert texts == ["Panels matter", "Ask early", "I can say no"]
    assert "Mentee secret" not in repr(f)


def test_goals_gather_what_is_linked_to_them_and_a_tag_alone_never_links(hand: dict) -> None:
    ids = hand["ids"]
    j = hand["journal"]
    # every item is tagged with a word of a goal ("hiring", "confidence"), none linked yet
    assert all(not g.actions and not g.learnings for g in review_figures(j).goals)
    for item in ("a2", "l1", "l2"):
        j.link_to_goal(ids["g1"], ids[item])
    j.link_to_goal(ids["g2"], ids["l3"])
    f = review_figures(j)
    by_goal = {g.goal.id: g for g in f.goals}
    assert [a.id for a in by_goal[ids["g1"]].actions] == [ids["a2"]]
    assert [e.id for e in by_goal[ids["g1"]].learnings] == [ids["l1"], ids["l2"]]
    assert [e.id for e in by_goal[ids["g2"]].learnings] == [ids["l3"]]


def test_shareable_only_keeps_counts_and_narrows_lists(hand: dict) -> None:
    ids = hand["ids"]
    hand["journal"].link_to_goal(ids["g1"], ids["l1"])
    hand["journal"].link_to_goal(ids["g1"], ids["l2"])
    everything = review_figures(hand["journal"])
    shared = review_figures(hand["journal"], shareable_only=True)
    assert shared.stable() == everything.stable()
    assert [g.goal.id for g in shared.goals] == [ids["g1"]]
    assert [e.id for e in shared.goals[0].learnings] == [ids["l1"]]
    assert [e.id for e in shared.learnings] == [ids["l1"]]


def test_days_to_and_since_the_review(hand: dict) -> None:
    j = hand["journal"]
    assert review_figures(j).days_to_review == 117
    assert review_figures(j).review_sentence() == "117 days to the review (2026-07-05)"
    assert review_figures(j, date(2026, 7, 5)).review_sentence().startswith("the review is today")
    later = review_figures(j, date(2026, 7, 7))
    assert later.days_to_review == -2
    assert later.review_sentence() == "the review was 2 days ago (2026-07-05)"
    assert later.overdue == 2  # a3 and, by then, a5


def test_a_pair_that_closed_at_an_early_review_is_not_told_of_a_review_to_come(
    hand: dict,
) -> None:
    """The review held early and the pair closed: "117 days to the review" was still said (on
    the review screen, by `rmjournal review` and in the summary), from the plan's date."""
    from rmjournal.core.summary import render_summary

    j = hand["journal"]
    j.decide("close")
    figures = review_figures(j)
    assert figures.days_to_review == 117
    held = j.today().isoformat()
    assert figures.review_sentence() == f"the review was held on {held} and the pair closed"
    assert "days to the review" not in render_summary(j, "markdown")


def test_the_same_counts_whoever_reads(hand: dict) -> None:
    j = hand["journal"]
    mentee = hand["mentee"]
    assert review_figures(mentee).stable() == review_figures(j).stable()
    assert "I can say no" not in [e.text for e in review_figures(mentee).learnings]


def test_helpers() -> None:
    assert months_between(date(2025, 11, 30), date(2026, 2, 1)) == [
        "2025-11",
        "2025-12",
        "2026-01",
        "2026-02",
    ]
    assert months_between(date(2026, 2, 1), date(2026, 1, 1)) == []
    assert MonthCount("2026-01", 2).count == 2


def test_no_pair_is_a_plain_error() -> None:
    from rmjournal.core.errors import NotFound

    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", random_key()))
    with pytest.raises(NotFound):
        review_figures(j)
