"""Files that survive crashes and second instances: the journal lock and the atomic write.

A save goes to a fresh temp file in the same folder (O_EXCL, 0600), is fsynced, read back and
compared, then moved over the original with `os.replace` and the folder fsynced: at every
instant the journal on disk is either the old file or the new one. The file operations go
through `_io`, which fault tests replace with one that fails at a chosen step (ENOSPC, EIO) on
real files, so the recovery paths are exercised for real.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import time
from pathlib import Path

from rmjournal.core.errors import JournalError, JournalLocked, SaveFailed

FILE_MODE = 0o600
DIR_MODE = 0o700


class FileSystem:
    """The operations a save is made of, one method per step so a test can fail any one."""

    def create_exclusive(self, path: Path) -> int:
        """A new file only this user can read, failing if the name exists."""
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, FILE_MODE)
        os.fchmod(fd, FILE_MODE)
        return fd

    def write(self, fd: int, data: bytes | bytearray) -> None:
        """All of `data`, however many `write` calls it takes."""
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    def fsync(self, fd: int) -> None:
        """The file's data on the disk, not just in the cache."""
        os.fsync(fd)

    def close(self, fd: int) -> None:
        os.close(fd)

    def read(self, path: Path) -> bytes:
        """The file's bytes as they are on disk now."""
        with path.open("rb") as handle:
            return handle.read()

    def read_back(self, path: Path, expected: bytes | bytearray) -> bool:
        """Whether the file on disk holds exactly `expected` (compared in 1 MiB chunks)."""
        want = memoryview(expected)
        chunk = bytearray(1 << 20)
        offset = 0
        with path.open("rb", buffering=0) as handle:
            while count := handle.readinto(chunk):
                got = chunk if count == len(chunk) else chunk[:count]  # bytearray == view: memcmp
                if got != want[offset : offset + count]:
                    return False
                offset += count
        return offset == len(want)

    def replace(self, source: Path, target: Path) -> None:
        """Move `source` over `target` in one step."""
        os.replace(source, target)

    def fsync_dir(self, folder: Path) -> None:
        """The folder entry (the rename) on the disk."""
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)


_io = FileSystem()


class NotDurable(Exception):
    """The new file replaced the old one but the folder's fsync failed (internal)."""


def make_private_dirs(folder: Path) -> None:
    """Create `folder` and any missing parents as 0700 whatever the umask; leave existing ones."""
    missing = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=DIR_MODE)
        except FileExistsError:
            continue
        os.chmod(path, DIR_MODE)


def temp_name(target: Path) -> Path:
    """A fresh temp-file name beside `target` (`.NAME.<random>.tmp`)."""
    return target.with_name(f".{target.name}.{os.urandom(8).hex()}.tmp")


def remove_stale_temps(target: Path) -> None:
    """Delete temp files a crashed save left beside `target` (only call with the lock held)."""
    prefix = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith(".tmp") and len(name) == len(prefix) + 20:
            with contextlib.suppress(OSError):
                os.unlink(target.parent / name)


def _why(exc: OSError, folder: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"there is no permission to write in {folder}"
    if exc.errno == errno.EIO:
        return "the disk reported an input/output error"
    return f"the system reported {errno.errorcode.get(exc.errno or 0, type(exc).__name__)}"


def atomic_write(target: Path, data: bytes | bytearray) -> None:
    """Replace (or create) `target` with `data` so a crash leaves the old or the new file.

    On failure before the replace, the temp file is removed, `target` is byte-identical and
    `SaveFailed` is raised; if only the final folder fsync fails, `NotDurable` is raised.
    """
    temp = temp_name(target)
    try:
        fd = _io.create_exclusive(temp)
        try:
            _io.write(fd, data)
            _io.fsync(fd)
        finally:
            _io.close(fd)
        if not _io.read_back(temp, data):
            raise OSError(errno.EIO, "read-back mismatch")
        _io.replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            _io.remove(temp)
        raise SaveFailed(
            f"Saving failed: {_why(exc, target.parent)}. {target.name} is unchanged and your "
            "changes are still open; fix the problem and save again, or save elsewhere."
        ) from None
    try:
        _io.fsync_dir(target.parent)
    except OSError as exc:
        raise NotDurable(str(exc)) from None


class JournalLock:
    """An exclusive `flock` on `<journal>.lock`, held for as long as the journal is open.

    A lock file beside the journal (never the journal itself, which saves replace) lets a
    second app or command see at once that the journal is in use, and the kernel drops the lock
    when a process dies, so a crash never leaves a stale lock.
    """

    def __init__(self, journal: Path, wait: float = 0.0) -> None:
        self.path = journal.with_name(journal.name + ".lock")
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, FILE_MODE)
        except FileNotFoundError:
            raise JournalError(f"The folder {journal.parent} does not exist.") from None
        except OSError as exc:
            raise JournalError(f"Cannot use {journal.name}: {_why(exc, journal.parent)}.") from None
        if os.fstat(fd).st_uid == os.getuid():
            os.fchmod(fd, FILE_MODE)
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise JournalLocked(
                        f"{journal.name} is open in another rmjournal window or command. "
                        "Close it there (or wait for it to finish), then try again."
                    ) from None
                time.sleep(0.05)
        self._fd: int | None = fd

    def release(self) -> None:
        """Let others open the journal (idempotent)."""
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
