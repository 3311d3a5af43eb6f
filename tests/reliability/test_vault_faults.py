"""A save that fails at any step (full disk, I/O error) leaves the journal byte-identical, leaves
no temp file, and can be retried once the problem is gone.

The faults are injected by swapping `safefile.disk` for a `FileSystem` whose chosen step raises
the `OSError` a real disk would; every other step, and every file, is real.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from vault_helpers import make_journal, notes_of, open_journal, sqlite_body

from rmjournal.core import safefile
from rmjournal.core.crypto import ReadBackCheck
from rmjournal.core.errors import SaveFailed, WrongSecret
from rmjournal.core.secret import Secret


class FailingDisk(safefile.FileSystem):
    """A real file system that fails at one step with one errno (a partial write first)."""

    def __init__(self, step: str, code: int) -> None:
        self.step = step
        self.code = code

    def _fail(self, step: str) -> None:
        if step == self.step:
            raise OSError(self.code, os.strerror(self.code))

    def create_exclusive(self, path: Path) -> int:
        self._fail("create_exclusive")
        return super().create_exclusive(path)

    def write(self, fd: int, data: bytes | bytearray | memoryview) -> None:
        if self.step == "write":
            super().write(fd, data[: len(data) // 2])  # the disk fills up half way
        self._fail("write")
        super().write(fd, data)

    def fsync(self, fd: int) -> None:
        self._fail("fsync")
        super().fsync(fd)

    def read_back(self, path: Path, expected: bytes | bytearray) -> bool:
        self._fail("read_back")
        if self.step == "corrupt":  # the disk returns something else than was written
            with path.open("r+b") as handle:
                handle.seek(-1, os.SEEK_END)
                last = handle.read(1)
                handle.seek(-1, os.SEEK_END)
                handle.write(bytes([last[0] ^ 1]))
        return super().read_back(path, expected)

    def read_back_check(self, path: Path, length: int, written: ReadBackCheck) -> bool:
        self._fail("read_back")  # a save's read-back, of a file written in parts
        if self.step == "corrupt":
            with path.open("r+b") as handle:
                handle.seek(-1, os.SEEK_END)
                last = handle.read(1)
                handle.seek(-1, os.SEEK_END)
                handle.write(bytes([last[0] ^ 1]))
        return super().read_back_check(path, length, written)

    def replace(self, source: Path, target: Path) -> None:
        self._fail("replace")
        super().replace(source, target)

    def fsync_dir(self, folder: Path) -> None:
        self._fail("fsync_dir")
        super().fsync_dir(folder)


STEPS = ["create_exclusive", "write", "fsync", "read_back", "corrupt", "replace"]


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EIO], ids=["ENOSPC", "EIO"])
@pytest.mark.parametrize("step", STEPS)
def test_failed_save_keeps_the_original_and_can_be_retried(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch, step: str, code: int
) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "original")
    before = path.read_bytes()
    changed = sqlite_body("original", "unsaved change")

    monkeypatch.setattr(safefile, "disk", FailingDisk(step, code))
    with pytest.raises(SaveFailed, match="unchanged") as caught:
        vault.save(changed)
    if code == errno.ENOSPC and step not in ("corrupt",):
        assert "disk is full" in str(caught.value)
    assert path.read_bytes() == before
    assert _leftovers(journal_dir) == []
    assert vault.generation == 1 and notes_of(vault.read_body()) == ["original"]

    monkeypatch.setattr(safefile, "disk", safefile.FileSystem())  # space freed, disk fine
    vault.save(changed)
    vault.close()
    with open_journal(path) as again:
        assert notes_of(again.read_body()) == ["original", "unsaved change"]
        assert again.generation == 2


@pytest.mark.parametrize("step", ["write", "fsync", "replace"])
def test_failed_passphrase_change_keeps_the_old_passphrase(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "original")
    before = path.read_bytes()
    monkeypatch.setattr(safefile, "disk", FailingDisk(step, errno.EIO))
    with pytest.raises(SaveFailed):
        vault.change_passphrase(Secret.passphrase("new passphrase"))
    assert path.read_bytes() == before
    monkeypatch.setattr(safefile, "disk", safefile.FileSystem())
    vault.close()
    open_journal(path, PASSPHRASE).close()
    with open_journal(path, PASSPHRASE) as retry:
        retry.change_passphrase(Secret.passphrase("new passphrase"))
    with pytest.raises(WrongSecret):
        open_journal(path, PASSPHRASE)
    open_journal(path, "new passphrase").close()


def test_unconfirmed_folder_sync_is_reported_and_the_next_save_works(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "original")
    monkeypatch.setattr(safefile, "disk", FailingDisk("fsync_dir", errno.EIO))
    with pytest.raises(SaveFailed, match="Save again"):
        vault.save(sqlite_body("original", "written"))
    monkeypatch.setattr(safefile, "disk", safefile.FileSystem())
    vault.save(sqlite_body("original", "written", "again"))  # no ChangedOnDisk: state moved on
    vault.close()
    with open_journal(path) as again:
        assert notes_of(again.read_body()) == ["original", "written", "again"]


@pytest.mark.parametrize(
    ("step", "code"),
    [("write", errno.ENOSPC), ("fsync", errno.EIO), ("read_back", errno.EIO), ("corrupt", 0),
     ("replace", errno.EIO)],
)  # fmt: skip
def test_failed_backup_leaves_nothing_behind(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch, step: str, code: int
) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "original")
    out = journal_dir / "copy.rmj"
    monkeypatch.setattr(safefile, "disk", FailingDisk(step, code))
    with pytest.raises(SaveFailed):
        vault.backup(out)
    assert not out.exists() and _leftovers(journal_dir) == []
    monkeypatch.setattr(safefile, "disk", safefile.FileSystem())
    vault.backup(out)
    vault.close()
    open_journal(out).close()
