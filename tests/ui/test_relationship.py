"""The relationship screen (issue #16): the plan, the agreement, goals, opportunities, the
decision and the check-in, each changed in the app as the CLI changes them."""

from __future__ import annotations

from pathlib import Path

import pytest
from contentkit import THEMES, keys_for, make_demo_journal, open_app, shown_text, snapshot_run
from uikit import SIZE, settle, step

from rmjournal.app.screens.relationship import RelationshipScreen


@pytest.fixture
def demo_path(journal_dir: Path, clock) -> Path:
    return make_demo_journal(journal_dir / "demo.rmj", clock)


async def _close_and_check_in_the_first(pilot, result: str) -> None:
    """Decide to close (the check-in is then there to hold), check in the first commitment
    with `result`'s key, and stop at the evidence dialog."""
    for keys in (["x"], ["c"], ["k"], ["1", "enter"], [result]):
        await pilot.press(*keys)
        await step(pilot)


async def _open(app, pilot) -> None:
    """As a person reaches it: the palette, a few letters of its name, Enter."""
    await open_app(app, pilot)
    await pilot.press("ctrl+p", *keys_for("relationship"))
    await pilot.pause(0.3)
    await pilot.press("enter")
    await settle(app, pilot)
    assert isinstance(app.screen, RelationshipScreen)


async def test_the_screen_shows_the_stage_goals_and_opportunities(
    app_factory, demo_path: Path
) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        text = shown_text(app)
        assert "Stage: part two · phase 2" in text
        assert "Session 7 in 9 days: prepare its agenda" in text
        assert "[achieved] Change at least one hiring practice" in text
        assert "[partly] See how senior decisions are made" in text
        assert "[taken] Shadow the digital board as an observer" in text
        assert "Signatures: signed by both" in text
        assert "the mentee changed decision: — → part_two" in text


async def test_editing_the_agreement_logs_it_and_withdraws_the_signatures(
    app_factory, demo_path: Path
) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        journal = app.journal_file.journal
        from rmjournal.core.lifecycle import agreement_signatures

        assert agreement_signatures(journal).signed == {"mentor": True, "mentee": True}
        before = journal.pair().agreement
        await pilot.press("t")
        await step(pilot)
        from textual.widgets import TextArea

        area = app.screen.query_one("#agreement-text", TextArea)
        assert area.text == before
        area.text = before + "\n- We write up each session within a week."
        await pilot.press("ctrl+s")
        await step(pilot)
        assert journal.pair().agreement.endswith("within a week.")
        last = journal.plan_changes()[-1]
        assert (last.by, last.field) == ("mentor", "agreement")
        assert "changed agreement" in shown_text(app)
        signatures = agreement_signatures(journal)
        assert signatures.signed == {"mentor": False, "mentee": False}
        assert signatures.withdrawn == {"mentor": True, "mentee": True}


async def test_an_opportunity_and_a_goal_status_from_the_keyboard(
    app_factory, demo_path: Path
) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        journal = app.journal_file.journal
        await pilot.press("o")
        await step(pilot)
        await pilot.press(*"Speak at the digital all-hands", "enter")
        await step(pilot)
        await pilot.press("p")  # my partner offered it
        await step(pilot)
        made = journal.opportunities()[-1]
        assert (made.title, made.offered_by, made.status) == (
            "Speak at the digital all-hands",
            "mentee",
            "offered",
        )
        await pilot.press("u")
        await step(pilot)
        await pilot.press("ctrl+a", *"3", "enter")
        await step(pilot)
        await pilot.press("t")
        await step(pilot)
        await pilot.press(*"Spoke to 300 people", "enter")
        await step(pilot)
        done = journal.opportunity(made.id)
        assert (done.status, done.outcome) == ("taken", "Spoke to 300 people")
        assert "[taken] Speak at the digital all-hands" in shown_text(app)
        await pilot.press("G")
        await step(pilot)
        await pilot.press(*"2", "enter")
        await step(pilot)
        await pilot.press("n")
        await step(pilot)
        await pilot.press("enter")  # no note
        await step(pilot)
        assert journal.goals()[1].status == "not_achieved"


async def test_the_decision_and_the_check_in_from_the_keyboard(
    app_factory, demo_path: Path, clock
) -> None:
    from datetime import timedelta

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        journal = app.journal_file.journal
        clock.moment += timedelta(days=200)  # past part two's review
        await _close_and_check_in_the_first(pilot, "p")  # partly
        pair = journal.pair()
        assert pair.decision == "close" and pair.check_in_on is not None
        await pilot.press(*"Half the adverts use it", "enter")
        await step(pilot)
        first = journal.commitments_to_revisit()[0]
        assert (first.check_in, first.check_in_note) == ("partly", "Half the adverts use it")
        assert "[partly] Rewrite the Digital job advert" in shown_text(app)


async def test_evidence_typed_when_the_app_locks_is_kept_and_comes_back(
    app_factory, demo_path: Path, clock
) -> None:
    """The check-in's evidence (the last step of three) typed when the idle lock comes: kept
    as a draft, offered after unlocking, and back in its dialog at the same commitment."""
    from datetime import timedelta

    from testkit import PASSPHRASE
    from textual.widgets import Input
    from uikit import unlock

    from rmjournal.app.config import Config, LoadedConfig
    from rmjournal.app.dialogs.drafts import DraftsOffer
    from rmjournal.app.dialogs.form import AskDialog
    from rmjournal.app.screens.unlock import UnlockScreen

    class FakeTime:
        now = 1000.0

        def __call__(self) -> float:
            return self.now

    fake = FakeTime()
    config = LoadedConfig(Config(lock_timeout_minutes=0.5))
    app = app_factory(demo_path, config=config, monotonic=fake)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        clock.moment += timedelta(days=200)
        await _close_and_check_in_the_first(pilot, "k")  # kept
        first = app.journal_file.journal.commitments_to_revisit()[0]
        assert isinstance(app.screen, AskDialog)
        await pilot.press(*"Every advert since uses it")
        await pilot.pause(0.6)  # past the draft's pause
        fake.now += 31
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        await unlock(app, pilot, PASSPHRASE)
        await settle(app, pilot)
        assert isinstance(app.screen, DraftsOffer), type(app.screen)
        await pilot.press("r")
        for _ in range(10):  # not `settle`: the restored dialog's worker waits for an answer
            await step(pilot)
        assert isinstance(app.screen, AskDialog), type(app.screen)
        assert app.screen.query_one("#answer", Input).value == "Every advert since uses it"
        await pilot.press("enter")
        await step(pilot)
        kept = app.journal_file.journal.action(first.id)
        assert (kept.check_in, kept.check_in_note) == ("kept", "Every advert since uses it")
        assert app.journal_file.journal.drafts() == []


@pytest.mark.parametrize("theme", THEMES)
def test_relationship_snapshot(snap_compare, app_factory, demo_path: Path, theme: str) -> None:
    app = app_factory(demo_path)

    async def go(pilot) -> None:
        await app.run_action("go('relationship')")

    assert snap_compare(app, run_before=snapshot_run(app, theme, then=go), terminal_size=SIZE)


async def test_the_palette_finds_the_decision_by_the_word_close(
    app_factory, demo_path: Path, clock
) -> None:
    """ "close" in the palette found nothing: the decision lived under "Go to the relationship"."""
    from datetime import timedelta

    from rmjournal.app.dialogs.form import ChoiceDialog

    app = app_factory(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(app, pilot)
        clock.moment += timedelta(days=200)  # past part two's review
        await pilot.press("ctrl+p", *keys_for("close"))
        await pilot.pause(0.3)
        await pilot.press("enter")
        await step(pilot)
        assert isinstance(app.screen, ChoiceDialog), type(app.screen)
        await pilot.press("c")  # close
        await step(pilot)
        assert isinstance(app.screen, RelationshipScreen)
        journal = app.journal_file.journal
        assert journal.pair().decision == "close"
        await pilot.press("ctrl+p", *keys_for("check-in"))  # the check-in, by its own name
        await pilot.pause(0.3)
        await pilot.press("enter")
        await step(pilot)
        await pilot.press("1", "enter")  # the first commitment to revisit
        await step(pilot)
        assert isinstance(app.screen, ChoiceDialog), type(app.screen)
        await pilot.press("k")  # kept
        await step(pilot)
        await pilot.press(*keys_for("Every advert uses it"), "enter")
        await step(pilot)
        assert journal.commitments_to_revisit()[0].check_in == "kept"
