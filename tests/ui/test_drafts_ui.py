"""Nothing typed is lost in the app (#13): drafts through a lock, a hang-up, a crash and Escape;
the lock's words; focus after navigation; titles; lists after a merge."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from testkit import MARKER, PASSPHRASE
from textual.widgets import DataTable, TextArea
from textual.widgets.data_table import RowDoesNotExist
from uikit import SIZE, screen_text, settle, unlock

from rmjournal.app.config import Config, LoadedConfig
from rmjournal.app.dialogs.drafts import DraftsOffer
from rmjournal.app.dialogs.form import ChoiceDialog
from rmjournal.app.dialogs.session_forms import EntryDialog
from rmjournal.app.screens.navigate import show_session
from rmjournal.app.screens.record import RecordScreen
from rmjournal.app.screens.unlock import UnlockScreen
from rmjournal.core.interchange import export_document, export_json
from rmjournal.core.journal import Journal
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret


class FakeTime:
    """A monotonic clock the test moves on by hand."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _reopen(path: Path) -> JournalFile:
    return JournalFile.open(path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True)


def _with_session(path: Path) -> tuple[str, str]:
    """Plan a session with one topic in the journal at `path`; the session's and item's ids."""
    with _reopen(path) as jf:
        session = jf.journal.plan_next_session()
        item = jf.journal.add_agenda_item(session.id, "Talent scheme")
        jf.journal.record_notes(item.id, "first notes")
        jf.save()
    return session.id, item.id


def _drafts_in_export(path: Path) -> list[str]:
    with _reopen(path) as jf:
        doc = json.loads(export_json(jf.journal))
    return [text for d in doc.get("drafts", []) for text in d["fields"].values()]


async def _type_a_note(app, pilot, session_id: str, text: str = MARKER) -> EntryDialog:
    await show_session(app, session_id, "record")
    await pilot.pause()
    await pilot.press("n")
    await pilot.pause()
    dialog = app.screen
    assert isinstance(dialog, EntryDialog)
    await pilot.pause()
    dialog.query_one("#entry-text", TextArea).insert(text)
    await pilot.pause(0.6)  # past the draft's debounce
    return dialog


async def _unlock_and_restore(app, pilot) -> str:
    """Unlock; the drafts offer shows the text; restore it: the dialog's text, as reopened."""
    await unlock(app, pilot, PASSPHRASE)
    await settle(app, pilot)
    assert isinstance(app.screen, DraftsOffer), type(app.screen)
    assert MARKER in screen_text(app)
    await pilot.press("r")
    await settle(app, pilot, 4)
    assert isinstance(app.screen, EntryDialog), type(app.screen)
    return app.screen.query_one("#entry-text", TextArea).text


async def test_the_idle_lock_keeps_a_dialogs_text_says_so_and_offers_it_back(
    app_factory, journal_path: Path
) -> None:
    session_id, _ = _with_session(journal_path)
    fake = FakeTime()
    config = LoadedConfig(Config(lock_timeout_minutes=0.5))
    app = app_factory(journal_path, config=config, monotonic=fake)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await _type_a_note(app, pilot, session_id)
        fake.now += 31
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        said = screen_text(app)
        assert "kept as a draft" in said and "Write in this session" in said
        assert app.journal_file is None
        assert any(MARKER in t for t in _drafts_in_export(journal_path))  # on disk, sealed
        assert MARKER.encode() not in journal_path.read_bytes()
        assert await _unlock_and_restore(app, pilot) == MARKER
        await pilot.press("ctrl+s")  # saved as an entry: the draft is done with
        await settle(app, pilot)
        journal = app.journal_file.journal
        assert journal.drafts() == []
        assert [e.text for e in journal.entries(session_id)] == [MARKER]


async def test_escape_asks_first_and_keeps_a_draft_or_discards(
    app_factory, journal_path: Path
) -> None:
    session_id, _ = _with_session(journal_path)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        dialog = await _type_a_note(app, pilot, session_id)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        assert "keep editing" in screen_text(app)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen is dialog
        assert dialog.query_one("#entry-text", TextArea).text == MARKER
        await pilot.press("escape", "k")  # keep it as a draft
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        journal = app.journal_file.journal
        assert [d.text() for d in journal.drafts()] == [MARKER]
        assert MARKER in json.dumps(export_document(journal)["drafts"])
        # Opening the same place again offers it back.
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog) and MARKER in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, EntryDialog)
        assert dialog.query_one("#entry-text", TextArea).text == MARKER
        await pilot.press("escape", "d")  # discard: asked, then gone
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)
        assert journal.drafts() == [] and journal.entries(session_id) == []
        # Nothing typed: Escape closes at once.
        await pilot.press("n")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RecordScreen)


async def test_a_sighup_keeps_the_text_typed_a_moment_ago_and_saves(
    app_factory, journal_path: Path
) -> None:
    session_id, _ = _with_session(journal_path)
    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await show_session(app, session_id, "record")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.pause()
        app.screen.query_one("#entry-text", TextArea).insert(MARKER)  # no debounce waited for
        os.kill(os.getpid(), signal.SIGHUP)
        await pilot.pause(0.3)
    assert not app.is_running
    assert app.return_code == 128 + signal.SIGHUP
    assert any(MARKER in t for t in _drafts_in_export(journal_path))
    again = app_factory(journal_path)
    async with again.run_test(size=SIZE) as pilot:
        assert await _unlock_and_restore(again, pilot) == MARKER


async def test_a_crash_keeps_the_dialogs_text_and_saves_it(app_factory, journal_path: Path) -> None:
    session_id, _ = _with_session(journal_path)
    app = app_factory(journal_path, autosave_delay=60)

    def crash() -> None:
        raise RuntimeError("an unexpected problem")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            await unlock(app, pilot, PASSPHRASE)
            await _type_a_note(app, pilot, session_id)
            app.call_later(crash)
            await pilot.pause(0.3)
    assert app.return_code == 1
    assert any(MARKER in t for t in _drafts_in_export(journal_path))


async def test_navigating_back_to_a_record_never_lands_keys_in_its_notes(
    app_factory, journal_path: Path
) -> None:
    session_id, item_id = _with_session(journal_path)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await show_session(app, session_id, "record")
        await pilot.pause()
        journal = app.journal_file.journal
        before = export_document(journal)
        before.pop("exported_at")
        await pilot.press("d", "s", "enter", "x")
        await settle(app, pilot)
        after = export_document(journal)
        after.pop("exported_at")
        assert after == before
        assert journal.agenda_item(item_id).notes == "first notes"
        assert not isinstance(app.focused, TextArea)
        # Coming back to a record from elsewhere leaves the notes unfocused too.
        await show_session(app, session_id, "record")
        await pilot.pause()
        await pilot.press("enter")  # into the notes, on purpose
        assert isinstance(app.focused, TextArea)
        await app.action_go("dashboard")  # as the palette or a link goes
        await pilot.press("s")
        await pilot.pause()
        assert not isinstance(app.focused, TextArea)
        assert not isinstance(app.screen, RecordScreen)  # `s` shows the sessions list


async def test_every_content_screens_title_names_the_file_open(
    app_factory, journal_path: Path
) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        for key in ("d", "s", "a", "r", "e", "slash"):
            await pilot.press(key)
            await pilot.pause()
            assert journal_path.name in app.sub_title, key
            assert journal_path.name in screen_text(app), key  # in the header shown


async def test_the_sessions_list_shows_a_merged_copys_session_at_once(
    app_factory, journal_path: Path, tmp_path: Path
) -> None:
    from rmjournal.app import jobs

    other = tmp_path / "partner-copy.rmj"
    shutil.copy(journal_path, other)
    with _reopen(other) as jf:
        jf.journal.plan_next_session()
        jf.save()
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("s")
        await pilot.pause()
        with _reopen(other) as jf:
            new_id = jf.journal.sessions()[-1].id
        table = app.screen.query_one("#sessions", DataTable)
        with pytest.raises(RowDoesNotExist):  # not shown before the merge
            table.get_row_index(new_id)
        app.run_worker(jobs.merge_copy(app))
        await pilot.pause()
        await pilot.pause()
        app.screen.query_one("#answer").value = str(other)
        await pilot.press("enter")
        await settle(app, pilot, 4)
        table = app.screen.query_one("#sessions", DataTable)
        assert table.get_row_index(new_id) >= 0  # shown without leaving the list


async def test_the_lock_message_tells_the_truth_without_a_dialog(
    app_factory, journal_path: Path
) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        said = screen_text(app)
        assert "Your changes were saved." in said and "draft" not in said


async def test_a_recovery_key_typo_keeps_the_text_and_names_the_group(
    app_factory, journal_dir: Path, clock
) -> None:
    from textual.widgets import Input

    from rmjournal.app.screens.dashboard import DashboardScreen

    path = journal_dir / "rk.rmj"
    jf, key = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), test_kdf=True, clock=clock
    )
    jf.close()
    groups = key.split("-")
    wrong = groups[6][0]
    groups[6] = ("A" if wrong != "A" else "B") + groups[6][1:]
    typo = "-".join(groups)
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        field = app.screen.query_one("#secret", Input)
        field.value = typo
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert field.value == typo  # kept, to be corrected in place
        said = screen_text(app)
        assert "typo" in said and "group 7" in said
        field.value = key
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_escape_in_the_new_journal_form_asks_when_something_was_typed(
    app_factory, journal_path: Path
) -> None:
    from textual.widgets import Input

    from rmjournal.app.screens.create import CreateScreen

    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CreateScreen)
        await pilot.press("escape")  # nothing typed: closes at once
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        await pilot.press("ctrl+n")
        await pilot.pause()
        form = app.screen
        form.query_one("#mentor-name", Input).value = MARKER
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("escape")  # keep editing
        await pilot.pause()
        assert app.screen is form and form.query_one("#mentor-name", Input).value == MARKER
        await pilot.press("escape", "d")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)


async def test_unlocking_rebinds_an_approval_stored_in_the_legacy_form(
    app_factory, journal_path: Path
) -> None:
    import dataclasses

    from rmjournal.core.review import review_figures
    from rmjournal.core.summary import approve, build_summary, canonical_content, content_hash_of

    with _reopen(journal_path) as jf:
        j = jf.journal
        j.plan_next_session()
        approve(j, "mentor")
        summary = build_summary(j)
        legacy = content_hash_of(
            canonical_content(
                dataclasses.replace(summary, figures=review_figures(j, shareable_only=True))
            )
        )
        from rmjournal.core.summary.approvals import record_approval

        pair = j.pair()
        assert pair is not None  # an approval signed over the legacy form of the same content
        record_approval(j, "mentor", pair.id, legacy)
        jf.save()
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        stored = app.journal_file.journal.records.execute("SELECT content_hash FROM approvals")
        assert stored.fetchone()[0] != legacy  # rebound in today's form on unlocking
        assert build_summary(app.journal_file.journal).approvals["mentor"].approved


async def test_ctrl_l_typed_right_after_words_keeps_every_one(app_factory, journal_path) -> None:
    """ctrl+l is taken before the field sees the keys already on their way to it: the lock
    kept the draft as it was before them, and they were lost with the dialog."""
    from textual import events

    session_id, _ = _with_session(journal_path)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await _type_a_note(app, pilot, session_id)
        rest = " and every word after it"
        for char in rest:  # queued before any is handled, as from one read of the terminal
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("ctrl+l", "\x0c"))
        await settle(app, pilot, 4)
        assert isinstance(app.screen, UnlockScreen)
        assert await _unlock_and_restore(app, pilot) == MARKER + rest


@contextlib.contextmanager
def _a_save_holding(journal: Journal) -> Iterator[None]:
    """A save on another thread holding `journal` still (as one sealing a lent body does)
    until the block ends; the block must not have waited for it (the app's thread free)."""
    holding, done = threading.Event(), threading.Event()
    released: list[bool] = []  # False: the app's thread waited for the save all along

    def save() -> None:
        with journal.frozen():
            holding.set()
            released.append(done.wait(10))

    saver = threading.Thread(target=save)
    saver.start()
    try:
        assert holding.wait(10)
        if sys.platform.startswith("linux"):
            assert journal.held_elsewhere(), "the save lends the buffer and holds writes"
        yield
    finally:
        done.set()
        saver.join(10)
    assert released == [True]


async def test_a_draft_due_during_a_save_waits_for_the_save_not_the_typing(
    app_factory, journal_path: Path
) -> None:
    """A save that reads the database's own buffer holds writes off until it has sealed it
    (`core/inplace.py`). A draft falling due then is kept a moment later: the person's keys,
    and the screens they open, never wait for the save."""
    session_id, _ = _with_session(journal_path)
    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await settle(app, pilot)
        journal = app.journal_file.journal
        with _a_save_holding(journal):
            dialog = await _type_a_note(app, pilot, session_id)  # opens the record; 0.6 s on
            place = dialog.draft_place
            assert place is not None
            if journal.held_elsewhere():
                assert journal.draft_at(place) is None, "the draft was written during the save"
            await pilot.press("space", "t", "o", "o")
            await pilot.pause()
            assert dialog.query_one("#entry-text", TextArea).text == MARKER + " too"
        await pilot.pause(0.8)
        kept = journal.draft_at(place)
        assert kept is not None and MARKER + " too" in kept.fields.values()


async def test_notes_due_during_a_save_are_written_after_it(
    app_factory, journal_path: Path
) -> None:
    """Notes typed in a record reach the journal as the typing pauses; during a save that
    holds the journal they are written a moment later, and the typing goes on meanwhile."""
    session_id, _ = _with_session(journal_path)
    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await show_session(app, session_id, "record")
        await settle(app, pilot)
        journal = app.journal_file.journal
        item_id = app.screen.notes_item  # the topic highlighted first
        before = journal.agenda_item(item_id).notes or ""
        with _a_save_holding(journal):
            await pilot.press("enter", "end", "space", "m", "o", "r", "e")  # into the notes
            await pilot.pause(1.3)  # past the notes settling time
            if journal.held_elsewhere():
                assert (journal.agenda_item(item_id).notes or "") == before
        await pilot.pause(0.3)
        assert journal.agenda_item(item_id).notes == before + " more"
