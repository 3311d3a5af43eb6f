"""Nothing typed is lost, in a real terminal (#13): text typed in a dialog survives the idle lock,
Escape, a hang-up (the terminal closed) and a killed process; it is offered back after
unlocking and is in `rmjournal export --format json` under `drafts`.

Skipped cleanly where tmux is not installed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from tmuxkit import REPO, TMUX, Tmux, start_app
from uikit import make_journal

from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")

MARKER = "QUOKKA-DRAFT-MARKER-51"
TERMINAL = (110, 36)


def _journal(journal_dir: Path, clock) -> Path:
    path = journal_dir / "pair.rmj"
    make_journal(path, clock)
    with JournalFile.open(path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True) as jf:
        session = jf.journal.plan_next_session()
        jf.journal.add_agenda_item(session.id, "Talent scheme")
        jf.save()
    return path


def _keys(tmux: Tmux, *keys: str, literal: bool = False) -> None:
    tmux.run("send-keys", "-t", "rmj", *(["-l"] if literal else []), *keys)


def _unlock(tmux: Tmux) -> None:
    tmux.wait_for(lambda s: "Passphrase" in s, "the unlock screen")
    _keys(tmux, PASSPHRASE, literal=True)
    _keys(tmux, "Enter")


def _type_in_a_note(tmux: Tmux) -> None:
    """From the dashboard: the sessions list, the session's record, a new note, the marker."""
    tmux.wait_for(lambda s: "Amara Okafor" in s, "the dashboard")
    _keys(tmux, "s")
    tmux.wait_for(lambda s: "Session 1" in s or "planned" in s, "the sessions list")
    _keys(tmux, "Enter")
    tmux.wait_for(lambda s: "Notes on topic" in s, "the session's record")
    _keys(tmux, "n")
    tmux.wait_for(lambda s: "Write in this session" in s, "the note dialog")
    _keys(tmux, MARKER, literal=True)
    tmux.wait_for(lambda s: MARKER in s, "the marker typed")


def _app_pid(tmux: Tmux) -> int:
    """The app's process: the pane's own, or its child when a shell started it."""
    pane = int(tmux.run("list-panes", "-t", "rmj", "-F", "#{pane_pid}").stdout.split()[0])
    if b"rmjournal" in Path(f"/proc/{pane}/cmdline").read_bytes():
        return pane
    children = Path(f"/proc/{pane}/task/{pane}/children").read_text().split()
    return int(children[0])


def _gone(pid: int, timeout: float = 20) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        stat = Path(f"/proc/{pid}/stat")
        if stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z":
            return True
        time.sleep(0.1)
    return False


def _ended(tmux: Tmux) -> None:
    deadline = time.monotonic() + 15
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive(), "the app did not quit"


def _exported_drafts(tmp_path: Path, path: Path, env: dict[str, str]) -> list[str]:
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "rmjournal", "export", str(path), "--format", "json",
         "--passphrase-file", str(secret), "--insecure-test-kdf"],
        capture_output=True, text=True, env=env, cwd=REPO, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    return [v for d in doc.get("drafts", []) for v in d["fields"].values()]


def _offered_after_unlocking(tmp_path: Path, path: Path, now: str) -> None:
    """Start the app again: after unlocking, the drafts offer shows the marker; quit."""
    tmux = start_app(tmp_path, path, now, TERMINAL)
    try:
        _unlock(tmux)
        tmux.wait_for(lambda s: "kept from before" in s and MARKER in s, "the drafts offer")
        _keys(tmux, "Escape")  # later: it stays kept
        _keys(tmux, "C-q")
        _ended(tmux)
    finally:
        tmux.run("kill-server", check=False)


def test_the_idle_lock_with_a_dialog_open_keeps_the_text(
    tmp_path: Path, journal_dir: Path, clock
) -> None:
    path = _journal(journal_dir, clock)
    (tmp_path / "config" / "rmjournal").mkdir(parents=True)
    (tmp_path / "config" / "rmjournal" / "config.toml").write_text("lock_timeout_minutes = 0.1\n")
    now = clock.now().isoformat()
    tmux = start_app(tmp_path, path, now, TERMINAL)
    try:
        _unlock(tmux)
        _type_in_a_note(tmux)
        locked = tmux.wait_for(lambda s: "Locked after a while" in s, "the idle lock", 30)
        assert "kept as a draft" in locked and MARKER not in locked
        _unlock(tmux)
        tmux.wait_for(lambda s: "kept from before" in s and MARKER in s, "the drafts offer")
        _keys(tmux, "Escape", "C-q")
        _ended(tmux)
    finally:
        tmux.run("kill-server", check=False)
    assert MARKER in _exported_drafts(tmp_path, path, tmux.env)


def test_escape_keeps_the_text_as_a_draft(tmp_path: Path, journal_dir: Path, clock) -> None:
    path = _journal(journal_dir, clock)
    now = clock.now().isoformat()
    tmux = start_app(tmp_path, path, now, TERMINAL)
    try:
        _unlock(tmux)
        _type_in_a_note(tmux)
        _keys(tmux, "Escape")
        tmux.wait_for(lambda s: "keep it as a draft" in s, "the question on Escape")
        _keys(tmux, "k")
        tmux.wait_for(lambda s: "Write in this session" not in s, "the dialog closed")
        _keys(tmux, "C-l")
        tmux.wait_for(lambda s: "Locked." in s, "the lock")
        _unlock(tmux)
        tmux.wait_for(lambda s: "kept from before" in s and MARKER in s, "the drafts offer")
    finally:
        tmux.run("kill-server", check=False)
    time.sleep(0.5)
    assert MARKER in _exported_drafts(tmp_path, path, tmux.env)


@pytest.mark.parametrize("how", ["kill-session", "kill -HUP"])
def test_a_hang_up_half_a_second_after_typing_keeps_the_text(
    tmp_path: Path, journal_dir: Path, clock, how: str
) -> None:
    path = _journal(journal_dir, clock)
    now = clock.now().isoformat()
    tmux = start_app(tmp_path, path, now, TERMINAL)
    try:
        _unlock(tmux)
        _type_in_a_note(tmux)
        pid = _app_pid(tmux)
        time.sleep(0.5)  # before the autosave (2 s) would have written anything
        if how == "kill-session":
            tmux.run("kill-session", "-t", "rmj")  # the terminal closed: SIGHUP
        else:
            os.kill(pid, signal.SIGHUP)
        assert _gone(pid), "the app did not exit on SIGHUP"
    finally:
        tmux.run("kill-server", check=False)
    assert MARKER in _exported_drafts(tmp_path, path, tmux.env)
    _offered_after_unlocking(tmp_path, path, now)


def test_a_killed_process_keeps_the_draft_written_after_the_debounce(
    tmp_path: Path, journal_dir: Path, clock
) -> None:
    path = _journal(journal_dir, clock)
    now = clock.now().isoformat()
    tmux = start_app(tmp_path, path, now, TERMINAL)
    try:
        _unlock(tmux)
        tmux.wait_for(lambda s: "Amara Okafor" in s, "the dashboard")
        saved_before = path.stat().st_mtime_ns
        _type_in_a_note(tmux)
        pid = _app_pid(tmux)
        deadline = time.monotonic() + 20  # the draft (0.4 s), then the autosave (2 s)
        while path.stat().st_mtime_ns == saved_before and time.monotonic() < deadline:
            time.sleep(0.1)
        assert path.stat().st_mtime_ns != saved_before, "the draft was never saved"
        time.sleep(3)  # were the keys still arriving at that save, the next one has them all
        os.kill(pid, signal.SIGKILL)
        assert _gone(pid)
    finally:
        tmux.run("kill-server", check=False)
    assert MARKER in _exported_drafts(tmp_path, path, tmux.env)
    _offered_after_unlocking(tmp_path, path, now)
