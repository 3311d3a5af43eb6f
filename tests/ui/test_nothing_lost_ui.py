"""Acceptance of #13: two note-takers on two copies lose no word, whatever the merge order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from uikit import PASSPHRASE, SIZE, make_journal, settle, unlock

from rmjournal.app.screens.conflicts import ConflictsScreen
from rmjournal.app.screens.dashboard import DashboardScreen
from rmjournal.app.screens.record import RecordScreen
from rmjournal.core.clock import FixedClock
from rmjournal.core.interchange import export_json
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.merge import merge_file
from rmjournal.core.secret import Secret

MENTEE_PASS = "mentee passphrase for tests"
WORDS = {
    "mentor": "mentor-laptop quokka scheme excludes part-timers",
    "mentee": "mentee-phone narwhal rota gaps block training",
    "mentor-desktop": "mentor-desktop ocelot second machine words",
}


def _open(path: Path, role: str, clock: FixedClock) -> JournalFile:
    secret = Secret.passphrase(PASSPHRASE if role == "mentor" else MENTEE_PASS)
    return JournalFile.open(path, secret, allow_test_kdf=True, clock=clock)


def _copies(tmp: Path, clock: FixedClock) -> tuple[Path, Path, Path, str, str]:
    """Three copies of one journal (mentor's laptop, mentee's, mentor's desktop), each with
    notes written on the same agenda item; the session and item ids."""
    base = tmp / "base.rmj"
    make_journal(base, clock)
    with _open(base, "mentor", clock) as jf:
        jf.vault.add_slot("mentee", Secret.passphrase(MENTEE_PASS))
        session = jf.journal.plan_next_session()
        item = jf.journal.add_agenda_item(session.id, "Talent scheme")
        jf.save()
    paths = []
    for name, role, minutes in (
        ("laptop", "mentor", 5),
        ("phone", "mentee", 6),
        ("desk", "mentor", 7),
    ):
        path = tmp / f"{name}.rmj"
        shutil.copy(base, path)
        copy_clock = FixedClock(clock.now())
        copy_clock.advance(minutes=minutes)
        with _open(path, role, copy_clock) as jf:
            key = "mentor-desktop" if name == "desk" else role
            jf.journal.record_notes(item.id, WORDS[key])
            jf.save()
        paths.append(path)
    return paths[0], paths[1], paths[2], session.id, item.id


@pytest.mark.parametrize("order", ["laptop-first", "phone-first"])
async def test_every_word_of_both_copies_survives_merge(
    tmp_path: Path, clock: FixedClock, app_factory, order: str
) -> None:
    laptop, phone, desk, session_id, item_id = _copies(tmp_path, clock)
    into, others = (laptop, [phone, desk]) if order == "laptop-first" else (phone, [laptop, desk])
    role = "mentor" if into == laptop else "mentee"
    for _twice in range(2):
        for other in others:
            with _open(into, role, clock) as jf:
                merge_file(jf, other)
                jf.save()
    # The other direction too: each other copy takes the merged one in, and ends up the same.
    for other in others:
        with _open(other, "mentor" if other != phone else "mentee", clock) as jf:
            merge_file(jf, into)
            jf.save()
            text = export_json(jf.journal)
            for words in WORDS.values():
                assert words in text, (other.name, words)
    with _open(into, role, clock) as jf:
        doc = json.loads(export_json(jf.journal))
    flat = json.dumps(doc, ensure_ascii=False)
    for words in WORDS.values():
        assert words in flat
    app = app_factory(into)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE if role == "mentor" else MENTEE_PASS)
        await settle(app, pilot)
        app.push_screen(RecordScreen(app.journal_file.journal, session_id, item_id))
        await settle(app, pilot)
        from textual.widgets import Static, TextArea

        shown = "\n".join(str(w.render()) for w in app.screen.query(Static))
        shown += "\n" + app.screen.query_one("#notes", TextArea).text
        for words in WORDS.values():
            assert words in shown, words
        partner = "Sir David Reed" if role == "mentor" else "Amara Okafor"
        assert f"{partner}'s notes" in shown  # who wrote them, by name


def _full_plan_journal(path: Path, clock: FixedClock) -> None:
    """A journal whose two-session plan is held, its summary approved by both."""
    from rmjournal.core.crypto import Signer, random_key
    from rmjournal.core.summary import approve

    make_journal(path, clock)
    with _open(path, "mentor", clock) as jf:
        jf.journal.update_pair(planned_sessions=2)
        for _ in range(2):
            jf.journal.mark_held(jf.journal.plan_next_session().id)
        approve(jf.journal, "mentor")
        # The mentee, present at the keyboard, signs with their own key (they have no slot yet).
        approve(jf.journal, "mentee", signer=Signer("mentee", random_key()))
        jf.save()


@pytest.mark.parametrize(("answer", "plan"), [("1", 2), ("2", 3), ("escape", 2)])
async def test_planning_past_the_plan_asks_and_keeps_approvals(
    tmp_path: Path, clock: FixedClock, app_factory, answer: str, plan: int
) -> None:
    from rmjournal.app.dialogs.form import ChoiceDialog
    from rmjournal.core.summary import build_summary

    path = tmp_path / "full.rmj"
    _full_plan_journal(path, clock)
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("s")
        await settle(app, pilot)
        journal = app.journal_file.journal
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ChoiceDialog)
        assert len(journal.sessions()) == 2  # nothing made before the answer
        await pilot.press(answer)
        await settle(app, pilot)
        assert len(journal.sessions()) == (2 if answer == "escape" else 3)
        assert journal.pair().planned_sessions == plan
        approvals = build_summary(journal).approvals
        kept = answer != "2"  # a longer plan changes what the summary says
        assert all(a.approved for a in approvals.values()) == kept


async def test_an_unheld_session_is_deleted_from_the_sessions_list(
    tmp_path: Path, clock: FixedClock, app_factory
) -> None:
    from rmjournal.app.dialogs.form import ConfirmDialog

    path = tmp_path / "full.rmj"
    _full_plan_journal(path, clock)
    with _open(path, "mentor", clock) as jf:
        jf.journal.plan_next_session(beyond_plan=True)
        jf.save()
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("s")
        await settle(app, pilot)
        journal = app.journal_file.journal
        await pilot.press("end", "delete")  # the last row: session 3, planned
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(app, pilot)
        assert [s.number for s in journal.sessions()] == [1, 2]
        await pilot.press("home", "delete")  # session 1 was held: refused, no question
        await settle(app, pilot)
        assert not isinstance(app.screen, ConfirmDialog)
        assert [s.number for s in journal.sessions()] == [1, 2]


async def test_the_dashboard_says_conflicts_are_waiting(
    tmp_path: Path, clock: FixedClock, app_factory
) -> None:
    from contentkit import rendered_text
    from uikit import screen_text

    laptop, _phone, desk, _sid, _iid = _copies(tmp_path, clock)
    with _open(laptop, "mentor", clock) as jf:
        merge_file(jf, desk)  # the same person on two machines: one conflict
        jf.save()
    app = app_factory(laptop)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await settle(app, pilot)
        assert "1 merge conflict waiting" in screen_text(app)
        # At 80×24 the way there is on the screen, not cut off below the panel's last line.
        drawn = rendered_text(app)
        assert "1 merge conflict waiting (c)" in drawn
        assert "c Conflicts" in drawn  # the footer names the key while conflicts wait
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, ConflictsScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_notes_typed_on_a_record_reach_the_journal_while_typing(
    app_factory, tmp_path: Path, clock
) -> None:
    """Notes are written into the journal once the typing pauses, without leaving the editor,
    so a killed process loses at most the last second (the autosave then saves them)."""
    from textual.widgets import TextArea

    path = tmp_path / "pair.rmj"
    make_journal(path, clock)
    with _open(path, "mentor", clock) as jf:
        session = jf.journal.plan_next_session()
        item = jf.journal.add_agenda_item(session.id, "Talent scheme")
        jf.save()
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await settle(app, pilot)
        app.push_screen(RecordScreen(app.journal_file.journal, session.id, item.id))
        await settle(app, pilot)
        await pilot.press("enter")  # into the notes, on purpose
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#notes", TextArea)
        await pilot.press(*"candid words")
        await pilot.pause(1.5)  # a pause in the typing, still in the editor
        assert app.screen.focused is app.screen.query_one("#notes", TextArea)
        (written,) = [i for i in app.journal_file.journal.agenda(session.id) if i.id == item.id]
        assert written.notes == "candid words"
