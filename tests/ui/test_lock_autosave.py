"""Safety while unlocked: autosave and its indicator, save errors, ctrl+l and the idle lock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from testkit import PASSPHRASE
from textual.widgets import Static
from uikit import ACTION_TITLE, SIZE, screen_text, settle, unlock

from rmjournal.app import session
from rmjournal.app.config import Config, LoadedConfig
from rmjournal.app.screens.base import JournalScreen
from rmjournal.app.screens.dashboard import DashboardScreen
from rmjournal.app.screens.lock import SaveFailedLockScreen
from rmjournal.app.screens.unlock import UnlockScreen
from rmjournal.app.widgets.status import StatusLine
from rmjournal.core.errors import SaveFailed
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret


def _status(app) -> str:
    return str(app.screen.query_one(StatusLine).render())


def _content_screens(app) -> list:
    return [
        s for stack in app._screen_stacks.values() for s in stack if isinstance(s, JournalScreen)
    ]


def _reopen(path: Path) -> JournalFile:
    return JournalFile.open(path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True)


class FakeTime:
    """A monotonic clock the test moves on by hand (idle lock and autosave without sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_autosave_shows_unsaved_then_saved(app_factory, journal_path: Path) -> None:
    fake = FakeTime()
    app = app_factory(journal_path, autosave_delay=2.0, monotonic=fake)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        assert "✓ Saved" in _status(app)
        app.journal_file.journal.agree_action("Book the next meeting", owner="both")
        await pilot.pause(0.15)
        assert "● Unsaved changes" in _status(app)
        fake.now += 1.0  # not yet: the debounce waits 2 s after the last change
        await pilot.pause(0.15)
        assert "● Unsaved changes" in _status(app)
        fake.now += 1.5
        await pilot.pause(0.15)
        await settle(app, pilot)
        assert "✓ Saved" in _status(app)
        with _reopen_after_close(app, journal_path) as titles:
            assert "Book the next meeting" in titles


class _reopen_after_close:
    """Lock the app's file, read the action titles on disk, keep the test readable."""

    def __init__(self, app, path: Path) -> None:
        self.app, self.path = app, path

    def __enter__(self) -> list[str]:
        self.app.journal_file.close()
        self.app.journal_file = None
        with _reopen(self.path) as jf:
            return [a.title for a in jf.journal.actions()]

    def __exit__(self, *exc: object) -> None:
        return None


async def test_save_error_is_shown_and_changes_stay(app_factory, journal_path, monkeypatch) -> None:
    def refuse(jf) -> int:
        raise SaveFailed("The disk is full; the journal file was not changed.")

    app = app_factory(journal_path, autosave_delay=0.1)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        monkeypatch.setattr(session, "save", refuse)
        app.journal_file.journal.agree_action("Kept in memory", owner="both")
        await pilot.pause(0.4)
        await settle(app, pilot)
        assert "✗ Not saved" in _status(app)
        messages = [n.message for n in app._notifications]
        assert any("disk is full" in str(m) for m in messages)
        assert "Kept in memory" in [a.title for a in app.journal_file.journal.actions()]
        # Locking cannot save either: content goes, the changes stay, and it asks what to do.
        await pilot.press("ctrl+l")
        for _ in range(5):  # not settle(): the lock worker waits for this screen's answer
            await pilot.pause(0.05)
        assert isinstance(app.screen, SaveFailedLockScreen)
        assert _content_screens(app) == []
        assert app.journal_file is not None
        monkeypatch.undo()
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert app.journal_file is None
    with _reopen(journal_path) as jf:
        assert "Kept in memory" in [a.title for a in jf.journal.actions()]


async def test_ctrl_l_saves_clears_content_and_shows_unlock(app_factory, journal_path) -> None:
    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        for key in ("s", "a", "r", "e", "d"):
            await pilot.press(key)
        await pilot.press("question_mark")
        await pilot.pause()
        app.journal_file.journal.agree_action("Saved by locking", owner="both")
        assert len(_content_screens(app)) == 5
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert app.current_mode == "locked"
        assert _content_screens(app) == []
        assert app.journal_file is None
        assert app.sub_title == ""
        assert "Locked" in screen_text(app)
        assert app.focused is not None and app.focused.id == "secret"
        # The journal keys do nothing while locked (the field takes the letters).
        await pilot.press("d")
        assert isinstance(app.screen, UnlockScreen)
        app.focused.value = ""
        await unlock(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, DashboardScreen)
        assert "Saved by locking" in [a.title for a in app.journal_file.journal.actions()]


async def test_idle_auto_lock(app_factory, journal_path: Path) -> None:
    fake = FakeTime()
    config = LoadedConfig(Config(lock_timeout_minutes=0.5))  # 30 s of fake time
    app = app_factory(journal_path, config=config, monotonic=fake)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, DashboardScreen)
        fake.now += 20
        await pilot.press("s")  # activity resets the timer
        fake.now += 20
        await pilot.pause(0.2)
        assert app.journal_file is not None
        fake.now += 11
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert app.journal_file is None
        assert _content_screens(app) == []
        assert "without use" in screen_text(app)


async def test_a_paste_counts_as_use_for_the_idle_lock(app_factory, journal_path: Path) -> None:
    """Someone pasting their notes in is using the app: the idle lock waits as for a key."""
    from textual import events

    fake = FakeTime()
    config = LoadedConfig(Config(lock_timeout_minutes=0.5))  # 30 s of fake time
    app = app_factory(journal_path, config=config, monotonic=fake)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        fake.now += 20
        app.post_message(events.Paste("notes from the train"))
        await pilot.pause(0.2)
        fake.now += 20
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert app.journal_file is not None  # 40 s since unlocking, 20 since the paste
        fake.now += 11
        await pilot.pause(0.2)
        await settle(app, pilot)
        assert app.journal_file is None


async def test_quit_saves(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        app.journal_file.journal.agree_action("Saved by quitting", owner="both")
        await pilot.press("q")
        await pilot.pause()
    assert not app.is_running
    with _reopen(journal_path) as jf:
        titles = [a.title for a in jf.journal.actions()]
    assert "Saved by quitting" in titles and ACTION_TITLE in titles


def test_status_line_words() -> None:
    from rmjournal.app.widgets.status import SAVE_LABELS

    assert all(words for _, words in SAVE_LABELS.values())
    assert Static  # the status line is a Static: plain words, not colour alone


async def test_the_snapshot_is_taken_off_the_app_thread(app_factory, journal_path, monkeypatch):
    """Typing never waits for a save: the save's snapshot, sealing and writing all run in a
    worker thread, and what it saved is the change count its snapshot held."""
    import threading

    from rmjournal.core.journal import Journal

    where: list[bool] = []
    real = Journal.frozen

    def watched(self: Journal) -> Any:
        where.append(threading.current_thread() is threading.main_thread())
        return real(self)

    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        monkeypatch.setattr(Journal, "frozen", watched)
        app.journal_file.journal.agree_action("Saved from a worker", owner="both")
        assert await app.save() is None
        assert where == [False]
        assert app.autosave.is_saved(app.journal_file.journal.changes)
        assert "✓ Saved" in _status(app)
        with _reopen_after_close(app, journal_path) as titles:
            assert "Saved from a worker" in titles


async def test_the_open_journal_is_kept_out_of_full_collections_until_locked(
    app_factory, journal_path
):
    """Its screens are frozen for the cyclic collector while open (no full pass walks them
    during typing) and handed back to it when the journal locks, so nothing is kept after."""
    import gc

    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await settle(app, pilot)
        assert gc.get_freeze_count() > 0
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert isinstance(app.screen, UnlockScreen)
        assert gc.get_freeze_count() == 0


async def test_a_save_redraws_the_status_line_not_the_whole_screen(
    app_factory, journal_path, monkeypatch
):
    """The save state changes twice per save (saving, saved) while the person types: only the
    status line is drawn again, never the whole screen (nor the screen behind a dialog)."""
    from textual._compositor import Compositor

    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await settle(app, pilot)
        full: list[int] = []
        real = Compositor.render_full_update

        def counted(self: Compositor, *args: object, **kwargs: object) -> object:
            full.append(1)
            return real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Compositor, "render_full_update", counted)
        app.journal_file.journal.agree_action("Saved without a repaint", owner="both")
        await pilot.pause(0.15)  # ticks (every 0.05 s here) notice the change
        assert "● Unsaved changes" in _status(app)
        assert await app.save() is None
        await settle(app, pilot)
        assert "✓ Saved" in _status(app)
        assert full == []


async def test_the_journal_is_opened_and_saved_on_one_thread(
    app_factory, journal_path, monkeypatch
):
    """Opening and every save run on the journals' own thread (not whichever worker thread is
    free), so the memory a save frees is the memory the next one reuses (session.on_file_thread)."""
    import threading

    from rmjournal.core.journal import Journal

    threads: list[str] = []
    real_open, real_frozen = JournalFile.open.__func__, Journal.frozen  # type: ignore[attr-defined]

    def opened(cls, *args, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real_open(cls, *args, **kwargs)

    def frozen(self: Journal) -> Any:
        threads.append(threading.current_thread().name)
        return real_frozen(self)

    monkeypatch.setattr(JournalFile, "open", classmethod(opened))
    monkeypatch.setattr(Journal, "frozen", frozen)
    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        for n in range(2):
            app.journal_file.journal.agree_action(f"Saved on the file thread {n}", owner="both")
            assert await app.save() is None
    assert len(threads) == 3
    assert len(set(threads)) == 1
    assert threads[0].startswith("rmjournal-file")


def test_the_first_save_finds_its_memory_mapped() -> None:
    """Where glibc is there (Linux), the allocator keeps large freed buffers and the buffer a
    save will need can be touched in advance, off the GIL."""
    import sys

    from rmjournal.app.autosave import keep_large_buffers, share_one_arena, touch_buffer

    linux = sys.platform.startswith("linux")
    assert share_one_arena() is linux
    assert keep_large_buffers() is linux
    assert touch_buffer(8 << 20) is linux
    assert touch_buffer(0) is False


async def test_a_save_under_a_dialog_redraws_nothing_until_it_closes(
    app_factory, journal_path, monkeypatch
):
    """Typing in a dialog while the journal is saved: the screen behind it is not drawn again
    (each change there redraws the whole terminal); its status line says the state once the
    dialog is closed."""
    from textual._compositor import Compositor

    from rmjournal.app.dialogs.form import AskDialog

    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        app.journal_file.journal.agree_action("Saved under a dialog", owner="both")
        await pilot.pause(0.15)  # ticks (every 0.05 s here) notice the change
        behind = app.screen
        assert "● Unsaved changes" in str(behind.query_one(StatusLine).render())
        app.push_screen(AskDialog("Typing", "Type here"))
        await settle(app, pilot)
        full: list[int] = []
        real = Compositor.render_full_update

        def counted(self: Compositor, *args: object, **kwargs: object) -> object:
            full.append(1)
            return real(self, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(Compositor, "render_full_update", counted)
        assert await app.save() is None
        await settle(app, pilot)
        assert full == []
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is behind
        assert "✓ Saved" in _status(app)


async def _saves_and_touches(app_factory, journal_path, monkeypatch) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    """Two saves in the app: each touch of memory and each freezing of the body, with thread."""
    import threading

    from rmjournal.app import autosave
    from rmjournal.core.journal import Journal

    events: list[tuple[str, str, int]] = []
    real_touch, real_frozen = autosave.touch_buffer, Journal.frozen

    def touch(size: int) -> bool:
        events.append(("touch", threading.current_thread().name, size))
        return real_touch(size)

    def frozen(self: Journal) -> Any:
        events.append(("frozen", threading.current_thread().name, 0))
        return real_frozen(self)

    monkeypatch.setattr(autosave, "touch_buffer", touch)
    monkeypatch.setattr(Journal, "frozen", frozen)
    app = app_factory(journal_path, autosave_delay=60)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        for n in range(2):
            app.journal_file.journal.agree_action(f"Prepared save {n}", owner="both")
            assert await app.save() is None
    return events


async def test_a_save_that_copies_prepares_its_memory_first(app_factory, journal_path, monkeypatch):
    """Where SQLite cannot lend its buffer (`core/inplace.py`), the body is copied holding the
    GIL: before that, room at least the file's size is touched on the same thread without the
    GIL, the same size while the journal grows little."""
    from rmjournal.core import inplace

    monkeypatch.setattr(inplace, "lends", lambda: False)
    monkeypatch.setattr(inplace, "view", lambda conn: None)
    events = await _saves_and_touches(app_factory, journal_path, monkeypatch)
    size = journal_path.stat().st_size
    assert [e[0] for e in events] == ["touch", "frozen", "touch", "frozen"]
    assert len({e[1] for e in events}) == 1
    assert events[0][2] == events[2][2] >= size


async def test_a_lent_save_prepares_no_memory(app_factory, journal_path, monkeypatch):
    """Where the body is lent (Linux's CPython here), nothing is copied, so no memory is
    touched for it: at 50,000 entries that was 72 MiB kept beside the journal."""
    import sys

    from rmjournal.core import inplace

    if sys.platform.startswith("linux"):
        assert inplace.lends(), "CPython on Linux lends SQLite's buffer"
    events = await _saves_and_touches(app_factory, journal_path, monkeypatch)
    copied = ["touch", "frozen", "touch", "frozen"]
    assert [e[0] for e in events] == (["frozen", "frozen"] if inplace.lends() else copied)
