"""The Dashboard: the pair, next session, overdue and due-soon actions, cadence, learnings."""

from __future__ import annotations

from pathlib import Path

import pytest
from contentkit import THEMES, make_demo_journal, open_app, shown_text, snapshot_run
from uikit import SIZE, settle

from rmjournal.app.screens.agenda import AgendaScreen
from rmjournal.app.screens.dashboard import DashboardScreen


@pytest.fixture
def demo_path(journal_dir: Path, clock) -> Path:
    return make_demo_journal(journal_dir / "demo.rmj", clock)


async def test_dashboard_shows_follow_through_in_words(app_factory, demo_path: Path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        journal = app.journal_file.journal
        text = shown_text(app)
        assert "Priya Raman" in text and "Martin Cole" in text
        overdue = journal.overdue()
        assert f"! {len(overdue)} overdue" in text
        assert text.count("! OVERDUE") == min(len(overdue), 4)  # a word, not colour alone
        assert "» due" in text
        held = len(journal.sessions(status="held"))
        assert f"Sessions held: {held} of {journal.pair().planned_sessions} planned" in text
        days = (journal.pair().review_on - journal.today()).days
        assert f"Review in {days} days" in text
        assert "Our adverts screen out the people we say we want." in text
        assert "Session 7" in text  # the planned one, part two's first
        assert "Stage: part two" in text  # the stage and the one next step, in words
        assert "Next: Session 7 in 9 days: prepare its agenda" in text


async def test_a_planned_session_long_past_shows_as_missed(
    app_factory, demo_path: Path, clock
) -> None:
    from datetime import timedelta

    clock.moment += timedelta(days=90)  # the demo's planned session 7 is now far in the past
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "1 missed: planned, neither held nor cancelled" in shown_text(app)


async def test_n_plans_the_first_session_and_opens_its_agenda(app_factory, journal_path) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        assert "No session planned" in shown_text(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, AgendaScreen)
        journal = app.journal_file.journal
        (session,) = journal.sessions()
        # The open, undated action is already on the agenda as a follow-up.
        assert [i.topic for i in journal.agenda(session.id)] == [
            "Follow-up: Read the staff survey on bullying"
        ]
        await pilot.press("d")  # the fixed key works from the agenda
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Session 1" in shown_text(app)


@pytest.mark.parametrize("theme", THEMES)
def test_dashboard_snapshot(snap_compare, app_factory, demo_path: Path, theme: str) -> None:
    app = app_factory(demo_path)
    assert snap_compare(app, run_before=snapshot_run(app, theme), terminal_size=SIZE)


async def test_a_closed_pair_sees_when_the_review_was_and_the_check_in_not_a_review_to_come(
    app_factory, demo_path: Path, clock
) -> None:
    """Closing at the review left "Review in 176 days" on the dashboard: the plan's review date
    still lay ahead, though the review was held and the pair closed."""
    from testkit import PASSPHRASE

    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.secret import Secret

    with JournalFile.open(
        demo_path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock
    ) as jf:
        pair = jf.journal.decide("close")
        jf.save()
    assert pair.review_on > clock.today() and pair.check_in_on is not None
    from contentkit import rendered_text

    app = app_factory(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(app, pilot)
        text = shown_text(app)
        days = (pair.check_in_on - clock.today()).days
        assert f"Review held {pair.review_held_on:%a} {pair.review_held_on.day}" in text
        assert f"Check-in in {days} days" in text
        assert "Review in" not in text
        # Drawn, not only held: the panel's five lines at 80×24 leave out the last session.
        assert f"Check-in in {days} days" in rendered_text(app)
