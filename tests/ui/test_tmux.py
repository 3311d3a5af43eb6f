"""The real thing in a real terminal (tmux): unlock, look, lock, quit, and the file still verifies.

Skipped cleanly where tmux is not installed.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from tmuxkit import REPO, TMUX, start_app
from uikit import ACTION_TITLE, make_journal

pytestmark = pytest.mark.skipif(TMUX is None, reason="tmux is not installed")


def test_unlock_look_lock_quit_in_tmux(tmp_path: Path, journal_dir: Path, clock) -> None:
    path = journal_dir / "pair.rmj"
    make_journal(path, clock)
    tmux = start_app(tmp_path, path, clock.now().isoformat(), (100, 34))
    try:
        tmux.wait_for(lambda s: "Passphrase" in s, "the unlock screen")
        tmux.run("send-keys", "-t", "rmj", "-l", PASSPHRASE)
        tmux.run("send-keys", "-t", "rmj", "Enter")
        tmux.wait_for(lambda s: "Amara Okafor" in s, "the dashboard")
        tmux.run("send-keys", "-t", "rmj", "a")
        tmux.wait_for(lambda s: ACTION_TITLE in s, "the action on the actions screen")
        tmux.run("send-keys", "-t", "rmj", "C-l")
        locked = tmux.wait_for(lambda s: "Locked" in s, "the unlock screen after ctrl+l")
        assert ACTION_TITLE not in locked and "Amara Okafor" not in locked
        assert PASSPHRASE not in locked
        # The passphrase field has the cursor on the unlock screen, so quit with ctrl+q there.
        tmux.run("send-keys", "-t", "rmj", "C-q")
        deadline = time.monotonic() + 15
        while tmux.alive() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not tmux.alive(), "the app did not quit"
    finally:
        tmux.run("kill-server", check=False)
    secret = tmp_path / "pass.txt"
    secret.write_text(PASSPHRASE + "\n")
    verify_args = ["verify", str(path), "--passphrase-file", str(secret), "--insecure-test-kdf"]
    verify = subprocess.run(
        [sys.executable, "-m", "rmjournal", *verify_args],
        capture_output=True,
        text=True,
        env=tmux.env,
        cwd=REPO,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stderr
