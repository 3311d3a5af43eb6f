"""A sync tool replaces the journal file behind the open app: saving offers a merge."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from mergekit import add_legacy_approval_conflict
from testkit import PASSPHRASE
from uikit import SIZE, screen_text, settle, unlock

from rmjournal.app.dialogs.merge_offer import MergeOfferScreen
from rmjournal.app.screens.conflicts import ConflictsScreen
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.merge import conflicts
from rmjournal.core.secret import Secret


async def _until(pilot, condition, rounds: int = 100) -> None:
    """Pause until `condition()` holds (a save waiting on a dialog never completes by itself)."""
    for _ in range(rounds):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError("the app never got there")


def _edit_copy_behind_the_app(path: Path, copy: Path, clock) -> None:
    """What the partner's copy did meanwhile: a new goal and a new title for the pair."""
    with JournalFile.open(
        copy, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock
    ) as jf:
        jf.journal.add_goal("mentee", "Goal written on the other computer")
        jf.journal.update_pair(title="Title from the other copy")
        jf.save()
    os.replace(copy, path)  # how a sync tool delivers a file: a whole new file in its place


async def test_changed_file_is_merged_then_saved(app_factory, journal_path: Path, clock) -> None:
    copy = journal_path.with_name("copy.rmj")
    shutil.copy(journal_path, copy)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        journal = app.journal_file.journal
        clock.advance(minutes=5)
        journal.add_goal("mentor", "Goal written in the open app")
        journal.update_pair(title="Title from the open app")
        _edit_copy_behind_the_app(journal_path, copy, clock)
        clock.advance(minutes=5)
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: isinstance(app.screen, MergeOfferScreen))
        await pilot.press("m")
        await settle(app, pilot, rounds=4)
        assert isinstance(app.screen, ConflictsScreen), "both changed the title: a conflict to see"
        assert app.save_state == "saved"
        table = app.screen.query_one("#conflicts")
        assert table.row_count == 1
        await pilot.press("space")
        await pilot.pause()
        assert conflicts(journal) == []
        await pilot.press("escape")
        await pilot.press("ctrl+q")
        await settle(app, pilot)
    with JournalFile.open(journal_path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True) as jf:
        texts = {g.text for g in jf.journal.goals()}
        assert {"Goal written in the open app", "Goal written on the other computer"} <= texts
        assert jf.journal.pair().title in {"Title from the open app", "Title from the other copy"}


async def test_declining_the_merge_keeps_changes_unsaved(
    app_factory, journal_path: Path, clock
) -> None:
    copy = journal_path.with_name("copy.rmj")
    shutil.copy(journal_path, copy)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        app.journal_file.journal.add_goal("mentor", "Kept in memory")
        _edit_copy_behind_the_app(journal_path, copy, clock)
        on_disk = journal_path.read_bytes()
        await pilot.press("ctrl+s")
        await _until(pilot, lambda: isinstance(app.screen, MergeOfferScreen))
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.save_state == "failed"
        assert journal_path.read_bytes() == on_disk, "the other copy's file was not overwritten"
        assert any(g.text == "Kept in memory" for g in app.journal_file.journal.goals())


async def test_a_conflict_on_an_approval_from_an_older_merge_opens_and_settles(
    app_factory, journal_path: Path, clock
) -> None:
    """A journal an older merge left with a conflict on an approval: the screen names it, will
    not swap the approval for the other copy's, and settles it by keeping it."""
    with JournalFile.open(
        journal_path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock
    ) as jf:
        add_legacy_approval_conflict(jf.journal, "mentee")
        jf.save()
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictsScreen)
        table = app.screen.query_one("#conflicts")
        assert table.row_count == 1
        assert "the mentee's approval" in str(table.get_row_at(0)[0])
        await pilot.press("o")
        await pilot.pause()
        assert any("approve again" in str(n.message) for n in app._notifications)
        assert len(conflicts(app.journal_file.journal)) == 1
        await pilot.press("space")
        await pilot.pause()
        assert conflicts(app.journal_file.journal) == []
        assert "No conflicts left to review" in screen_text(app)
