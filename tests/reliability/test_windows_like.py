"""The real CLI and the app's unlock in a process made as much like Windows as Linux allows
(`windows_like.py`: no fcntl, termios, resource, pwd or grp; no os.getuid, os.fchmod,
O_CLOEXEC, O_DIRECTORY, O_NOFOLLOW…): every POSIX-only call in rmjournal must be guarded."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from testkit import PASSPHRASE, REPO

HERE = Path(__file__).resolve().parent


def windows_like(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RMJOURNAL_", "TEXTUAL"))}
    env.update(
        PYTHONPATH=str(REPO), XDG_CONFIG_HOME=str(cwd / "cfg"), XDG_DATA_HOME=str(cwd / "data")
    )
    done = subprocess.run(
        [sys.executable, str(HERE / "windows_like.py"), *map(str, args)],
        capture_output=True, text=True, cwd=cwd, env=env, timeout=120,
    )  # fmt: skip
    assert "Traceback" not in done.stderr and "unexpected problem" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
    return done


def test_the_cli_and_the_apps_unlock_run_without_posix_only_calls(tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    secret = ["--passphrase-file", pw, "--insecure-test-kdf"]
    journal = tmp_path / "pair.rmj"
    made = windows_like("cli", "new", journal, "--mentor", "Kwame", "--mentee", "Helen", *secret,
                        cwd=tmp_path)  # fmt: skip
    assert "Recovery key: " in made.stdout
    note = tmp_path / "note.txt"
    note.write_text("The WALRUS note, written on the journal itself.\n")
    windows_like("cli", "add", journal, "--text-file", note, *secret, cwd=tmp_path)
    other = tmp_path / "copy.rmj"
    shutil.copyfile(journal, other)
    note.write_text("The PELICAN note, written in a copy.\n")
    windows_like("cli", "add", other, "--text-file", note, *secret, cwd=tmp_path)
    merged = windows_like("cli", "merge", journal, other, *secret, cwd=tmp_path)
    assert merged.stdout.strip()
    assert "PELICAN" in windows_like("cli", "search", journal, "PELICAN", *secret,
                                     cwd=tmp_path).stdout  # fmt: skip
    doc = json.loads(windows_like("cli", "export", journal, *secret, cwd=tmp_path).stdout)
    texts = [e["text"] for s in doc["sessions"] for e in s["entries"]]
    assert any("WALRUS" in t for t in texts) and any("PELICAN" in t for t in texts)
    windows_like("cli", "verify", journal, *secret, cwd=tmp_path)
    unlocked = windows_like("unlock", journal, PASSPHRASE, cwd=tmp_path)
    assert "unlocked: DashboardScreen" in unlocked.stdout


def test_the_prelude_really_blocks_what_windows_lacks(tmp_path: Path) -> None:
    code = (
        "import runpy, sys; sys.argv = ['x', 'noop']\n"
        f"ns = runpy.run_path({str(HERE / 'windows_like.py')!r})\n"
        "ns['go_windows_like']()\n"
        "import os\n"
        "try:\n    import fcntl\nexcept ImportError:\n    print('no fcntl')\n"
        "try:\n    import resource\nexcept ImportError:\n    print('no resource')\n"
        "print(hasattr(os, 'getuid'), hasattr(os, 'fchmod'), hasattr(os, 'O_CLOEXEC'))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60
    )
    assert done.stdout.split("\n")[:3] == ["no fcntl", "no resource", "False False False"], (
        done.stdout + done.stderr
    )
