"""A whole scripted session under `strace -f`: what does rmjournal open for writing, and does the
plaintext end up anywhere on disk?

The session (every command a real process): new, import a document carrying a marker, search
for it, export the summary to stdout, approve, backup, merge a copy; then the app in a child
process (`make_app().run_test()`): unlock, search for the marker, lock. Checked:

* nothing outside the journal's folder is opened for writing or created, renamed, removed or
  made (apart from /dev/*, /proc/*, and Python's own byte-code caches);
* the marker is in no file under the journal's folder, the private $TMPDIR, /var/tmp, nor any
  other file a process wrote;
* no passphrase reaches an argv or an environment (strace shows every execve in full).

Skipped where strace is missing or ptrace is not permitted.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from testkit import EXAMPLE_JSON, MARKER

REPO = Path(__file__).resolve().parent.parent.parent
STRACE = shutil.which("strace") or "/usr/bin/strace"
PW = "leak session passphrase words"
WRITE_FLAGS = re.compile(r"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND")
CALL = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+(\w+)\((.*)\)\s+=\s+(-?\d+|\?)")
PATH_ARG = re.compile(r'(?:(\d+)<([^>]*)>, )?"((?:[^"\\]|\\.)*)"')
MUTATING = {"mkdir", "mkdirat", "rename", "renameat", "renameat2", "unlink", "unlinkat", "rmdir",
            "link", "linkat", "symlink", "symlinkat", "truncate", "creat", "chmod", "fchmodat",
            "chown", "fchownat", "utimensat", "mknod", "mknodat"}  # fmt: skip


def _strace_works() -> bool:
    if not Path(STRACE).exists():
        return False
    done = subprocess.run([STRACE, "-f", "-o", "/dev/null", "true"], capture_output=True)
    return done.returncode == 0


pytestmark = pytest.mark.skipif(not _strace_works(), reason="strace missing or ptrace refused")


def _env(tmpdir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RMJOURNAL_", "TEXTUAL"))}
    env.update(PYTHONPATH=str(REPO), TMPDIR=str(tmpdir), RMJOURNAL_ALLOW_TEST_KDF="1")
    return env


def _traced(log: Path, argv: list[str], cwd: Path, env: dict[str, str]) -> str:
    done = subprocess.run(
        [STRACE, "-f", "-qq", "-y", "-v", "-s", "4096", "-e", "trace=%file,creat",
         "-e", "signal=none", "-o", str(log), *argv],
        capture_output=True, text=True, timeout=120, cwd=cwd, env=env,
    )  # fmt: skip
    assert done.returncode == 0, (argv, done.stderr[-2000:])
    return done.stdout


def _written(log: Path, cwd: Path) -> set[Path]:
    """Every path a traced process opened for writing or changed (created, renamed, removed)."""
    out: set[Path] = set()
    for line in log.read_text(errors="replace").splitlines():
        m = CALL.match(line)
        if not m:
            continue
        _, call, args, result = m.groups()
        if result.startswith("-"):
            continue  # failed: nothing was written
        if call in ("open", "openat", "openat2"):
            if not WRITE_FLAGS.search(args):
                continue
        elif call not in MUTATING:
            continue
        for dirfd_path, name in ((d, n) for _, d, n in PATH_ARG.findall(args)):
            name = name.encode().decode("unicode_escape")
            base = Path(dirfd_path) if dirfd_path else cwd
            out.add(Path(os.path.normpath(base / name)))
    return out


def _allowed(path: Path, folder: Path) -> bool:
    text = str(path)
    if path == folder or folder in path.parents:
        return True
    if text.startswith(("/dev/", "/proc/")) or text in ("/dev", "/proc"):
        return True
    return "__pycache__" in path.parts  # Python's byte-code cache of its own modules


def _holds_marker(path: Path) -> bool:
    try:
        if not path.is_file():
            return False
        return MARKER.encode() in path.read_bytes()
    except OSError:
        return False


APP_SESSION = """
import asyncio
from pathlib import Path
from rmjournal.app import make_app

async def main():
    folder = Path({folder!r})
    app = make_app(folder / "pair.rmj", allow_test_kdf=True, data_dir=folder,
                   config_dir=folder / "config")
    async with app.run_test(size=(100, 34)) as pilot:
        app.focused.value = Path({pw_file!r}).read_text().strip()  # typed, not in argv
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.journal_file is not None, "the app did not unlock"
        await pilot.press("slash")
        await pilot.pause()
        app.focused.value = {word!r}
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.journal_file is None, "the app did not lock"
    print("app session done")

asyncio.run(main())
"""


def test_scripted_session_writes_only_in_the_journal_folder_and_no_plaintext(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "journals"
    folder.mkdir(mode=0o700)
    inputs = tmp_path / "inputs"  # the test's own plaintext, outside what is checked
    inputs.mkdir(mode=0o700)
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir(mode=0o700)
    logs = tmp_path / "logs"
    logs.mkdir()
    env = _env(tmpdir)
    (inputs / "pw").write_text(PW + "\n")
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    entry = doc["sessions"][0]["entries"][0]
    entry["text"] = f"{entry['text']} {MARKER}"
    entry["visibility"] = "shareable"
    (inputs / "doc.json").write_text(json.dumps(doc))
    journal = folder / "pair.rmj"
    pw = ["--passphrase-file", str(inputs / "pw")]
    cli = [sys.executable, "-m", "rmjournal"]
    word = MARKER.split("-")[0]
    steps = [
        ["new", str(journal), "--mentor", "Ama", "--mentee", "Kofi", *pw, "--insecure-test-kdf"],
        ["import", str(journal), "--from", str(inputs / "doc.json"), *pw],
        ["backup", str(journal), "--out", str(folder / "copy.rmj"), *pw],
        ["search", str(journal), word, *pw],
        ["export", str(journal), "--format", "markdown", *pw],
        ["approve", str(journal), *pw],
        ["backup", str(journal), "--out", str(folder / "backup.rmj"), *pw],
        ["merge", str(folder / "copy.rmj"), str(journal), *pw],
    ]
    outputs = []
    for i, step in enumerate(steps):
        outputs.append(_traced(logs / f"{i}.log", [*cli, *step], folder, env))
    assert MARKER in outputs[3] or word in outputs[3], (
        "search found the marker (so the marker really is inside)"
    )
    assert MARKER in outputs[4], "the summary on stdout holds the shareable marker"
    app = APP_SESSION.format(folder=str(folder), pw_file=str(inputs / "pw"), word=word)
    assert "app session done" in _traced(
        logs / "app.log", [sys.executable, "-c", textwrap.dedent(app)], folder, env
    )

    written: set[Path] = set()
    for log in sorted(logs.iterdir()):
        text = log.read_text(errors="replace")
        assert PW not in text, f"the passphrase appears in {log.name} (argv, env or a path)"
        written |= _written(log, folder)
    state = Path(env["XDG_STATE_HOME"]) / "rmjournal"  # seen.json: file ids and generations
    outside = sorted(str(p) for p in written if not (_allowed(p, folder) or _allowed(p, state)))
    assert outside == [], outside
    assert any(p.name.endswith(".tmp") for p in written), "the parser saw the atomic saves"

    scanned = [p for p in folder.rglob("*") if p.is_file()]
    scanned += [p for p in tmpdir.rglob("*") if p.is_file()]
    scanned += [p for p in Path("/var/tmp").rglob("*") if p.is_file()]
    scanned += [p for p in written if p.is_file()]
    holding = sorted({str(p) for p in scanned if _holds_marker(p)})
    assert holding == [], holding
    assert len(scanned) >= 5
    assert list(tmpdir.iterdir()) == [], "something used $TMPDIR"
