"""Unlocking: focus and wording, wrong secrets, errors in plain words, a second instance."""

from __future__ import annotations

from pathlib import Path

from contentkit import rendered_text
from testkit import PASSPHRASE
from uikit import SIZE, screen_text, unlock

from rmjournal.app.screens.dashboard import DashboardScreen
from rmjournal.app.screens.unlock import UnlockScreen
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret


async def test_unlock_screen_focuses_the_passphrase_field(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.focused is not None and app.focused.id == "secret"
        assert "passphrase" in screen_text(app).lower()
        await unlock(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, DashboardScreen)
        assert app.journal_file is not None


async def test_wrong_passphrase_says_so_and_stays(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, "not the passphrase")
        assert isinstance(app.screen, UnlockScreen)
        assert "Wrong passphrase" in screen_text(app)
        field = app.screen.query_one("#secret")
        assert field.value == ""
        assert app.focused is field
        assert app.journal_file is None


async def test_letter_keys_type_into_the_field_not_switch_screens(
    app_factory, journal_path
) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("d", "a", "q", "question_mark", "slash")
        await pilot.pause()
        assert isinstance(app.screen, UnlockScreen)
        assert app.screen.query_one("#secret").value == "daq?/"
        assert app.is_running


async def test_test_kdf_file_refused_without_the_switch(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path, allow_test_kdf=False)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, UnlockScreen)
        assert "test" in screen_text(app).lower()
        assert "Traceback" not in screen_text(app)


async def test_damaged_file_message_is_plain(app_factory, journal_dir: Path) -> None:
    bad = journal_dir / "damaged.rmj"
    bad.write_bytes(b"not a journal at all" * 10)
    app = app_factory(bad)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        text = screen_text(app)
        assert isinstance(app.screen, UnlockScreen)
        assert "✗" in text and "Traceback" not in text


async def test_second_instance_sees_the_lock_message(
    app_factory, journal_path: Path, clock
) -> None:
    holder = JournalFile.open(journal_path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True)
    try:
        app = app_factory(journal_path)
        async with app.run_test(size=SIZE) as pilot:
            await unlock(app, pilot, PASSPHRASE)
            assert isinstance(app.screen, UnlockScreen)
            assert "open" in screen_text(app).lower()
            assert app.journal_file is None
    finally:
        holder.close()


async def test_recovery_key_unlocks(app_factory, journal_dir: Path, clock) -> None:
    path = journal_dir / "rk.rmj"
    jf, recovery = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), test_kdf=True, clock=clock
    )
    jf.close()
    app = app_factory(path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+r")
        assert "recovery key" in screen_text(app).lower()
        # The way back is named as such: it said "Use recovery key" while already using one.
        drawn = rendered_text(app)
        assert "Use passphrase" in drawn and "Use recovery key" not in drawn
        assert "ctrl+r passphrase instead" in drawn
        await pilot.press("ctrl+r")
        await pilot.pause()
        drawn = rendered_text(app)
        assert "Use recovery key" in drawn and "Use passphrase" not in drawn
        await pilot.press("ctrl+r")
        await unlock(app, pilot, recovery)
        assert isinstance(app.screen, DashboardScreen)


async def test_picker_lists_journals_in_the_data_folder(app_factory, tmp_path, clock) -> None:
    from uikit import make_journal

    data = tmp_path / "data" / "rmjournal"
    data.mkdir(parents=True)
    make_journal(data / "first.rmj", clock)
    app = app_factory(None, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        assert "first.rmj" in str(app.screen.query_one("#journals").get_option_at_index(0).prompt)
        assert app.focused is not None and app.focused.id == "secret"
        await unlock(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, DashboardScreen)


async def test_a_backup_made_without_out_is_not_in_the_picker(app_factory, tmp_path, clock) -> None:
    """`rmjournal backup PATH` puts the copy in backups/, and the picker lists journals only,
    newest first: no backup (not even one an older version left in the folder), no other file."""
    import os
    import shutil
    import subprocess
    import sys

    from uikit import make_journal

    data = tmp_path / "data" / "rmjournal"
    data.mkdir(parents=True)
    make_journal(data / "older.rmj", clock)
    make_journal(data / "newer.rmj", clock)
    os.utime(data / "older.rmj", (1_000_000, 1_000_000))
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "rmjournal", "backup", str(data / "newer.rmj"),
         "--passphrase-file", str(secret), "--insecure-test-kdf"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [p.name for p in data.iterdir() if "backup" in p.name and p.is_file()] == []
    (made,) = (data / "backups").iterdir()
    shutil.copy(made, data / made.name)  # as an older version left one among the journals
    (data / "notes.txt").write_text("not a journal")
    app = app_factory(None, data_dir=data)
    async with app.run_test(size=SIZE):
        picker = app.screen.query_one("#journals")
        names = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert names == ["newer.rmj", "older.rmj"]


async def test_after_lock_the_list_shows_new_journals(app_factory, tmp_path, clock) -> None:
    from uikit import make_journal

    from rmjournal.app.screens.dashboard import DashboardScreen as Dashboard

    data = tmp_path / "data" / "rmjournal"
    data.mkdir(parents=True)
    make_journal(data / "first.rmj", clock)
    app = app_factory(None, data_dir=data)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        make_journal(data / "zz-second.rmj", clock)  # made while the app runs
        await pilot.press("ctrl+l")
        await pilot.pause()
        await pilot.pause()
        picker = app.screen.query_one("#journals")
        names = [str(picker.get_option_at_index(i).prompt) for i in range(picker.option_count)]
        assert sorted(names) == ["first.rmj", "zz-second.rmj"]
        assert app.screen.chosen_path() == data / "first.rmj"  # the one just locked
        await unlock(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, Dashboard)


async def test_demo_hint_shows_its_public_passphrases(app_factory, journal_path: Path) -> None:
    """`rmjournal demo` prints the passphrases, then the app covers them: the hint keeps them."""
    hint = "Demo journal: Priya (mentor) types “demo mentor lantern”."
    app = app_factory(journal_path, unlock_hint=hint)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert hint in screen_text(app)
        assert app.focused is not None and app.focused.id == "secret"
    plain = app_factory(journal_path)
    async with plain.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Demo journal" not in screen_text(plain)


async def test_while_unlocking_focus_stays_and_enter_is_ignored(
    app_factory, journal_path: Path, monkeypatch
) -> None:
    """The field stays focused and enabled while the journal opens (disabling it moved the
    focus and re-laid the footer twice, ~80 ms of the wait); a second Enter does nothing."""
    import threading

    from rmjournal.app import session

    release = threading.Event()
    opened = []
    real_open = session.open_journal

    def slow_open(*args, **kwargs):
        opened.append(1)
        release.wait(10)
        return real_open(*args, **kwargs)

    monkeypatch.setattr(session, "open_journal", slow_open)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        field = screen.query_one("#secret")
        field.value = PASSPHRASE
        await pilot.press("enter")
        for _ in range(5):  # not settle(): the worker waits for `release`
            await pilot.pause(0.02)
        assert screen.busy and screen.query_one("#unlock-busy").display
        assert app.focused is field and not field.disabled
        await pilot.press("x", "enter")  # ignored: one unlock at a time
        await pilot.pause(0.05)
        assert len(opened) == 1 and "Unlocking" in screen_text(app)
        release.set()
        for _ in range(100):
            if isinstance(app.screen, DashboardScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, DashboardScreen) and app.journal_file is not None


async def test_an_older_copy_put_back_is_said_after_unlocking(
    app_factory, journal_path: Path
) -> None:
    import os

    old = journal_path.with_name("old.rmj")
    with JournalFile.open(journal_path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True) as jf:
        jf.vault.backup(old)
        jf.save()  # a newer save, seen on this computer
    os.replace(old, journal_path)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        assert isinstance(app.screen, DashboardScreen)  # it opens: a warning, not an error
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert any("is older than a copy of it opened on this computer" in m for m in said)
