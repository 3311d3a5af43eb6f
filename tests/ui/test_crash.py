"""A crash prints one safe sentence: no traceback, no local variables, no journal text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testkit import MARKER, PASSPHRASE

SCRIPT = r"""
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path[:0] = [{uikit_dir!r}, {tests_dir!r}]  # uikit, and the testkit it imports
from testkit import PASSPHRASE
from uikit import make_journal

from rmjournal.app import make_app
from rmjournal.core.clock import FixedClock

MARKER = {marker!r}
folder = Path({folder!r})
clock = FixedClock(datetime(2026, 7, 20, 9, tzinfo=UTC))
path = folder / "pair.rmj"
make_journal(path, clock, mentor=MARKER + " mentor")


def crash_with_secrets_in_locals():
    passphrase = PASSPHRASE
    entry_text = MARKER + " what was said in confidence"
    raise RuntimeError("boom " + entry_text + passphrase)


async def drive(pilot):
    app = pilot.app
    app.focused.value = PASSPHRASE
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()
    assert app.journal_file is not None
    app.journal_file.journal.agree_action(MARKER + " action", owner="both")
    app.call_later(crash_with_secrets_in_locals)
    await pilot.pause()


app = make_app(path, clock=clock, data_dir=folder, config_dir=folder / "cfg", allow_test_kdf=True)
app.run(headless=True, size=(100, 34), auto_pilot=drive)
print("exit", app.return_code)
"""


def _files_containing(folder: Path, needle: bytes) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and needle in p.read_bytes()]


def test_crash_output_holds_no_secret_or_journal_text(tmp_path: Path) -> None:
    folder = tmp_path / "crash"
    folder.mkdir()
    script = SCRIPT.format(
        uikit_dir=str(Path(__file__).parent),
        tests_dir=str(Path(__file__).parent.parent),
        marker=MARKER,
        folder=str(folder),
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("TEXTUAL")}
    env.update(HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "xc"), TMPDIR=str(tmp_path))
    out = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        cwd=Path(__file__).resolve().parents[2],
    )
    both = out.stdout + out.stderr
    assert "exit 1" in out.stdout, both
    assert "RuntimeError" in out.stderr
    assert "Traceback" not in both
    assert MARKER not in both
    assert PASSPHRASE not in both
    assert "passphrase =" not in both and "entry_text" not in both
    assert _files_containing(tmp_path, MARKER.encode()) == []
