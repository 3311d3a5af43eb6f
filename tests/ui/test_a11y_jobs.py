"""Every file job is in the app (palette → dialog → done): merge a copy, back up, export and
import JSON, a new recovery key, approve. Each runs for real on a test-KDF journal."""

from __future__ import annotations

import json
import shutil
import stat
from datetime import date
from pathlib import Path

from testkit import PASSPHRASE
from textual.widgets import Input
from uikit import SIZE, settle, unlock

from rmjournal.app.commands import PALETTE_COMMANDS
from rmjournal.app.dialogs.form import AskDialog, ConfirmDialog
from rmjournal.app.dialogs.recovery import RecoveryKeyScreen
from rmjournal.app.jobs import run_job
from rmjournal.core.interchange import export_json
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret
from rmjournal.core.summary import build_summary

PARTNER_ACTION = "Shadow the interview panel in March"


def add_in_copy(original: Path, copy: Path, clock) -> None:
    """A second copy of the journal (as the partner's would be) with one more action in it."""
    shutil.copyfile(original, copy)
    jf = JournalFile.open(copy, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock)
    with jf:
        jf.journal.agree_action(PARTNER_ACTION, owner="mentor")
        jf.save()


def titles(app) -> set[str]:
    return {a.title for a in app.journal_file.journal.actions()}


async def answer(app, pilot, text: str | None = None) -> None:
    """Type `text` (None: keep the suggested value) into the job's dialog and press Enter."""
    await pilot.pause()
    assert isinstance(app.screen, AskDialog)
    if text is not None:
        app.screen.query_one("#answer", Input).value = text
    await pilot.press("enter")
    await settle(app, pilot, 4)


def keys_line(app) -> str:
    """The dialog's line of keys, as drawn."""
    return str(app.screen.query_one(".dialog-keys").render())


async def test_merge_another_copy(app_factory, journal_path: Path, tmp_path: Path, clock) -> None:
    other = tmp_path / "partner.rmj"
    add_in_copy(journal_path, other, clock)
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        assert PARTNER_ACTION not in titles(app)
        run_job(app, "merge")
        await pilot.pause()
        # One line says what Enter does; it said "merges" in the hint and "saves" below it.
        assert keys_line(app) == "Enter merges · Escape cancels"
        assert "saves" not in str(app.screen.query_one(".hint").render())
        await answer(app, pilot, str(tmp_path / "missing.rmj"))
        assert any("There is no file" in str(n.message) for n in app._notifications)
        assert PARTNER_ACTION not in titles(app)
        run_job(app, "merge")
        await answer(app, pilot, str(other))
        assert PARTNER_ACTION in titles(app)
        assert any("Merged partner.rmj" in str(n.message) for n in app._notifications)


async def test_backup_is_encrypted_and_opens(app_factory, journal_path: Path, clock) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        run_job(app, "backup")
        await pilot.pause()
        suggested = Path(app.screen.query_one("#answer", Input).value)
        assert suggested.parent == journal_path.resolve().parent / "backups"
        assert "-backup-" in suggested.name
        await answer(app, pilot)
        assert suggested.exists()
        assert b"Read the staff survey" not in suggested.read_bytes()
    back = JournalFile.open(
        suggested, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock
    )
    with back:
        assert "Read the staff survey on bullying" in {a.title for a in back.journal.actions()}


async def test_export_then_import_json(
    app_factory, journal_path: Path, tmp_path: Path, clock
) -> None:
    copy = tmp_path / "partner.rmj"
    add_in_copy(journal_path, copy, clock)
    partner_json = tmp_path / "partner.json"
    jf = JournalFile.open(copy, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock)
    with jf:
        partner_json.write_text(export_json(jf.journal), encoding="utf-8")
    app = app_factory(journal_path)
    out = tmp_path / "exports" / "all.json"
    out.parent.mkdir()
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        run_job(app, "export_json")
        await answer(app, pilot, str(out))
        assert stat.S_IMODE(out.stat().st_mode) == 0o600
        assert json.loads(out.read_text()) == json.loads(export_json(app.journal_file.journal))
        # A broken document changes nothing and says why.
        broken = tmp_path / "broken.json"
        broken.write_text("{not json", encoding="utf-8")
        run_job(app, "import_json")
        await answer(app, pilot, str(broken))
        assert any(n.title == "Not imported" for n in app._notifications)
        run_job(app, "import_json")
        await answer(app, pilot, str(partner_json))
        assert PARTNER_ACTION in titles(app)
        assert any("Imported partner.json: 1 added" in str(n.message) for n in app._notifications)


async def test_new_recovery_key_opens_the_journal(app_factory, journal_path: Path, clock) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        run_job(app, "recovery_key")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        for _ in range(200):  # the job waits on the key's screen, so no waiting for workers
            if isinstance(app.screen, RecoveryKeyScreen):
                break
            await pilot.pause(0.02)
        assert isinstance(app.screen, RecoveryKeyScreen)
        key = app.screen._key
        app.screen.dismiss(True)
        await settle(app, pilot)
        await app.lock()  # saves and closes the journal (its file lock) as the person would
    jf = JournalFile.open(journal_path, Secret.recovery(key), allow_test_kdf=True, clock=clock)
    jf.close()


async def test_approve_from_the_palette(app_factory, journal_path: Path) -> None:
    approve = next(c for c in PALETTE_COMMANDS if c.title == "Approve the summary")
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await app.run_action(approve.action)
        await settle(app, pilot)
        summary = build_summary(app.journal_file.journal)
        assert summary.approvals["mentor"].approved
        assert not summary.approvals["mentee"].approved


def test_every_job_has_a_palette_command() -> None:
    from rmjournal.app.jobs import JOBS

    assert {c.action for c in PALETTE_COMMANDS if c.job} == set(JOBS)


async def test_a_merge_says_which_session_it_renumbered(
    app_factory, journal_path: Path, tmp_path: Path, clock
) -> None:
    """Both copies planned the next session: the merge gives the later one a number of its
    own, and the app says which, not just how many rows changed."""
    other, later = tmp_path / "partner.rmj", date(2030, 3, 20)
    shutil.copyfile(journal_path, other)
    jf = JournalFile.open(other, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock)
    with jf:
        top = max((s.number for s in jf.journal.sessions()), default=0)
        jf.journal.add_session(later)
        jf.save()
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        app.journal_file.journal.add_session(later.replace(day=1))
        run_job(app, "merge")
        await answer(app, pilot, str(other))
        numbers = sorted(s.number for s in app.journal_file.journal.sessions())
        assert numbers[-2:] == [top + 1, top + 2]
        said = [str(n.message) for n in app._notifications]
        wanted = (
            f"Both copies had a session {top + 1}; the one on {later.isoformat()} is now"
            f" session {top + 2}."
        )
        assert any(
            line.startswith(wanted) and "Both are planned" in line and "press Delete" in line
            for line in said
        ), said
