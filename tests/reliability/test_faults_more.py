"""More faults: kill -9 during imports, a really full disk, a read-only folder.

* kill -9 at random moments during `import` (validate, merge in memory, atomic save): the journal
  always opens and holds what it held before or the whole import. 30 kills here, 500 under slow.
* A full disk is a real one: a tiny tmpfs mounted for the test (needs root, else skipped; the
  step-by-step ENOSPC/EIO injection of `test_vault_faults.py` covers the same paths without it).
* A read-only folder is a real read-only mount too (root bypasses file permissions, so chmod
  would prove nothing when the tests run as root).
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from testkit import EXAMPLE_JSON

from rmjournal.core import safefile
from rmjournal.core.clock import FixedClock
from rmjournal.core.errors import JournalError, SaveFailed
from rmjournal.core.interchange import import_document
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret

PW = "fault test passphrase"
REPO = Path(__file__).resolve().parent.parent.parent
CLOCK = FixedClock(datetime(2026, 7, 20, 9, 0, tzinfo=UTC))


def _open(path: Path) -> JournalFile:
    return JournalFile.open(path, Secret.passphrase(PW), allow_test_kdf=True, clock=CLOCK)


def _new(path: Path) -> None:
    jf, _ = JournalFile.create(path, passphrase=Secret.passphrase(PW), test_kdf=True, clock=CLOCK)
    jf.close()


def _records(path: Path) -> int:
    with _open(path) as jf:
        return len(jf.journal.record_ids())


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMJOURNAL_")}
    env["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "rmjournal", *args, "--insecure-test-kdf"],
        capture_output=True, text=True, timeout=60, cwd=cwd, env=env,
    )  # fmt: skip


# ------------------------------------------------------------------ kill -9 during import


def _import_child(path: Path, doc: dict, delay: float | None) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        code = 0
        try:
            with _open(path) as jf:
                import_document(jf.journal, doc)
                jf.save()
        except BaseException:
            code = 1
        os._exit(code)
    if delay is None:
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def _kill_import_loop(folder: Path, iterations: int, seed: int) -> dict[str, int]:
    path = folder / "pair.rmj"
    _new(path)
    original = path.read_bytes()
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    before = _records(path)
    started = time.monotonic()
    assert _import_child(path, doc, None) == 0
    span = time.monotonic() - started
    after = _records(path)
    assert after > before
    rng = random.Random(seed)
    seen = {"before": 0, "after": 0}
    for _ in range(iterations):
        path.write_bytes(original)
        _import_child(path, doc, rng.uniform(span * 0.3, span * 1.1))
        count = _records(path)  # always opens: never damaged
        assert count in (before, after), "a killed import left the journal half imported"
        if count == before:
            seen["before"] += 1
            span *= 1.15
        else:
            seen["after"] += 1
            span *= 0.85
    with _open(path):  # a temp file a kill left behind is removed by the next open
        pass
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    return seen


def test_kill_9_during_import_leaves_before_or_after(journal_dir: Path) -> None:
    seen = _kill_import_loop(journal_dir, 30, seed=30)
    assert seen["before"] and seen["after"], seen


@pytest.mark.slow
def test_kill_9_during_import_500_times(journal_dir: Path) -> None:
    seen = _kill_import_loop(journal_dir, 500, seed=500)
    assert seen["before"] and seen["after"], seen


# ------------------------------------------------------------------ real mounts (root only)


@contextlib.contextmanager
def _tmpfs(where: Path, size: str) -> Iterator[Path]:
    where.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root; ENOSPC is injected in test_vault_faults")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def _fill(folder: Path, leave: int) -> Path:
    """Fill the file system but `leave` bytes; return the filler file."""
    filler = folder / "filler"
    st = os.statvfs(folder)
    free = st.f_bavail * st.f_frsize
    with filler.open("wb") as handle, contextlib.suppress(OSError):
        handle.write(b"\0" * max(0, free - leave))
    return filler


def test_full_disk_import_fails_cleanly_and_retry_works(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "disk", "2m") as disk:
        path = disk / "pair.rmj"
        _new(path)
        (disk / "pw").write_text(PW + "\n")
        (tmp_path / "doc.json").write_text(EXAMPLE_JSON.read_text(encoding="utf-8"))
        before = path.read_bytes()
        filler = _fill(disk, leave=8 * 1024)  # the journal cannot grow by a new copy
        done = _cli("import", str(path), "--from", str(tmp_path / "doc.json"),
                    "--passphrase-file", "pw", cwd=disk)  # fmt: skip
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("rmjournal: Saving failed: the disk is full.")
        assert "Traceback" not in done.stderr and done.stdout == ""
        assert path.read_bytes() == before
        assert not [p for p in disk.iterdir() if p.name.endswith(".tmp")]
        filler.unlink()  # space freed: the same command now works
        done = _cli("import", str(path), "--from", str(tmp_path / "doc.json"),
                    "--passphrase-file", "pw", cwd=disk)  # fmt: skip
        assert done.returncode == 0, done.stderr
        assert _records(path) > 0


def test_full_disk_while_open_keeps_changes_in_memory(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "disk", "1m") as disk:
        path = disk / "pair.rmj"
        _new(path)
        with _open(path) as jf:
            before = path.read_bytes()
            filler = _fill(disk, leave=4 * 1024)
            import_document(jf.journal, json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
            with pytest.raises(SaveFailed, match="disk is full"):
                jf.save()
            assert path.read_bytes() == before and jf.dirty
            filler.unlink()
            jf.save()
        assert _records(path) > 0


@contextlib.contextmanager
def _read_only_view(source: Path, view: Path) -> Iterator[Path]:
    """`source` seen read-only at `view` (a read-only bind mount)."""
    view.mkdir()
    subprocess.run(["mount", "--bind", str(source), str(view)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], check=True)
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], capture_output=True)


def test_read_only_folder(tmp_path: Path) -> None:
    with _tmpfs(tmp_path / "media", "4m") as media:
        path = media / "pair.rmj"
        _new(path)
        (media / "pw").write_text(PW + "\n")
        (tmp_path / "doc.json").write_text(EXAMPLE_JSON.read_text(encoding="utf-8"))
        before = path.read_bytes()
        with _read_only_view(media, tmp_path / "ro") as ro:
            for args in (
                ("import", str(ro / "pair.rmj"), "--from", str(tmp_path / "doc.json")),
                ("verify", str(ro / "pair.rmj")),
                ("backup", str(ro / "pair.rmj"), "--out", str(ro / "copy.rmj")),
            ):
                done = _cli(*args, "--passphrase-file", "pw", cwd=ro)
                assert done.returncode == 1, done.stderr
                assert done.stderr.startswith("rmjournal: Cannot use pair.rmj: there is no ")
                assert "permission to write in" in done.stderr
                assert "Traceback" not in done.stderr and done.stdout == ""
            with pytest.raises(JournalError, match="no permission to write"):
                _open(ro / "pair.rmj")  # the app's unlock shows the same sentence
        assert path.read_bytes() == before
        assert sorted(p.name for p in media.iterdir()) == ["pair.rmj", "pair.rmj.lock", "pw"]


def test_folder_turning_read_only_while_open(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remount to read-only is refused while the lock file is open for writing, so EROFS is
    injected at the first step of the save (the real `os.open` error a read-only folder gives)."""
    path = journal_dir / "pair.rmj"
    _new(path)
    with _open(path) as jf:
        import_document(jf.journal, json.loads(EXAMPLE_JSON.read_text(encoding="utf-8")))
        before = path.read_bytes()

        class ReadOnly(safefile.FileSystem):
            def create_exclusive(self, path: Path) -> int:
                raise OSError(errno.EROFS, os.strerror(errno.EROFS))

        monkeypatch.setattr(safefile, "disk", ReadOnly())
        with pytest.raises(SaveFailed, match="no permission to write") as caught:
            jf.save()
        assert "unchanged" in str(caught.value) and jf.dirty
        assert path.read_bytes() == before
        monkeypatch.setattr(safefile, "disk", safefile.FileSystem())
        jf.save()
    assert _records(path) > 0
