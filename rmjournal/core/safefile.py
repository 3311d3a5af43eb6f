"""Files that survive crashes: the atomic write, private folders and files (the journal's lock,
which a save confirms first, is `locking.py`).

A save goes to a fresh temp file in the same folder (O_EXCL, 0600), is flushed to the drive
(`fsync`; `F_FULLFSYNC` on macOS, where `fsync` leaves the data in the drive's cache), read
back and compared, then moved over the original with `os.replace` and the folder flushed: at
every instant the journal on disk is either the old file or the new one. A journal that is a
symbolic link (into a synced folder, say) is written at the link's target, so the link stays.
On Windows, where an indexer, antivirus or sync client may hold the target for a moment, the
replace is retried briefly. The file operations go through `disk`, which fault tests replace
with one that fails at a chosen step (ENOSPC, EIO) on real files, so the recovery paths are
exercised for real.

Every call that exists only on POSIX systems (`fchmod`, `getuid`, `O_CLOEXEC`, `O_DIRECTORY`,
`O_NOFOLLOW`, `fcntl`) is guarded, so the same code runs on Windows, macOS and Linux.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from rmjournal.core.errors import NotFound, SaveFailed, UsageError

if TYPE_CHECKING:
    from rmjournal.core.crypto import ReadBackCheck

Buffer = bytes | bytearray | memoryview
"""What a write takes: any bytes-like part."""

FILE_MODE = 0o600
DIR_MODE = 0o700
CLOEXEC = getattr(os, "O_CLOEXEC", 0)  # Python's descriptors are non-inheritable anyway
BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # absent on Windows: checked with lstat there
REPLACE_RETRY_DELAYS: tuple[float, ...] = (
    (0.02, 0.05, 0.1, 0.2, 0.4, 0.8) if sys.platform == "win32" else ()
)
"""Pauses between attempts when the replace meets PermissionError: on Windows another program
(indexer, antivirus, OneDrive) may hold the journal open for a moment; on POSIX it is final."""


class Held(Protocol):
    """A lock this process holds on a journal (`locking.JournalLock`)."""

    def confirm(self) -> None:
        """Make sure the lock still guards the journal, or raise `SaveFailed`."""
        ...


_held: dict[str, Held] = {}
"""The locks this process holds, by their journal's real path (`held_key`), so that a save
confirms its own first (`locking.JournalLock` registers itself here)."""


def held_key(path: Path) -> str:
    """The key of a journal's real path in the registry of locks held."""
    return os.path.normcase(os.path.abspath(path))


def hold(journal: Path, lock: Held) -> None:
    """Register `lock` as this process's lock on `journal` (its real path)."""
    _held[held_key(journal)] = lock


def let_go(journal: Path, lock: Held) -> None:
    """Forget `lock` as this process's lock on `journal`, if it still is."""
    if _held.get(held_key(journal)) is lock:
        del _held[held_key(journal)]


def fchmod(fd: int, mode: int) -> None:
    """Set the mode of an open file where the system has POSIX modes (not on Windows)."""
    if sys.platform != "win32" and hasattr(os, "fchmod"):
        os.fchmod(fd, mode)


def owned_by_me(fd: int) -> bool:
    """Whether this user owns the open file (always true where there are no POSIX owners)."""
    if sys.platform != "win32" and hasattr(os, "getuid"):
        return os.fstat(fd).st_uid == os.getuid()
    return True


def _full_fsync(fd: int) -> None:
    """Flush `fd` to the drive itself: `F_FULLFSYNC` on macOS (its `fsync` stops at the drive's
    cache), falling back to `fsync` where the file system does not support it."""
    if sys.platform == "darwin":
        try:
            import fcntl

            fcntl.fcntl(fd, fcntl.F_FULLFSYNC)
            return
        except (ImportError, AttributeError, OSError):
            pass
    os.fsync(fd)


def real_target(path: Path) -> Path:
    """The file a save must replace: `path` itself, or the file a symbolic link points to (so
    the link, into a synced folder say, stays a link)."""
    if path.is_symlink():
        return Path(os.path.realpath(path))
    return path


class FileSystem:
    """The operations a save is made of, one method per step so a test can fail any one."""

    def create_exclusive(self, path: Path) -> int:
        """A new file only this user can read, failing if the name exists."""
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | CLOEXEC | BINARY
        fd = os.open(path, flags, FILE_MODE)
        fchmod(fd, FILE_MODE)
        return fd

    def write(self, fd: int, data: bytes | bytearray | memoryview) -> None:
        """All of `data`, however many `write` calls it takes."""
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]

    def fsync(self, fd: int) -> None:
        """The file's data on the disk, not just in the cache (`F_FULLFSYNC` on macOS)."""
        _full_fsync(fd)

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

    def read_back_check(self, path: Path, length: int, written: ReadBackCheck) -> bool:
        """Whether the file on disk holds `length` bytes that pass `written` (the check fed
        every part as it was written), read in 1 MiB chunks: the check of a file written in
        parts, never held whole."""
        seen = written.twin()
        chunk = bytearray(1 << 20)
        view = memoryview(chunk)
        size = 0
        with path.open("rb", buffering=0) as handle:
            while count := handle.readinto(chunk):
                seen.update(view[:count])
                size += count
                time.sleep(0)  # a thread saving lets the app's thread run between chunks
        view.release()
        return size == length and seen.finalize() == written.finalize()

    def replace(self, source: Path, target: Path) -> None:
        """Move `source` over `target` in one step."""
        os.replace(source, target)

    def fsync_dir(self, folder: Path) -> None:
        """The folder entry (the rename) on the disk. Windows cannot open a folder as a file;
        NTFS journals the rename itself, so there is nothing to flush there."""
        if sys.platform == "win32":
            return
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | CLOEXEC)
        try:
            _full_fsync(fd)
        finally:
            os.close(fd)

    def remove(self, path: Path) -> None:
        path.unlink(missing_ok=True)


disk = FileSystem()


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
    target = real_target(Path(target))
    prefix = f".{target.name}."
    try:
        names = os.listdir(target.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefix) and name.endswith(".tmp") and len(name) == len(prefix) + 20:
            with contextlib.suppress(OSError):
                os.unlink(target.parent / name)


def why(exc: OSError, folder: Path) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return "the disk is full"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"there is no permission to write in {folder}"
    if exc.errno == errno.EIO:
        return "the disk reported an input/output error"
    return f"the system reported {errno.errorcode.get(exc.errno or 0, type(exc).__name__)}"


def _replace(temp: Path, target: Path) -> None:
    """`disk.replace`, tried again after a pause while Windows reports the target busy."""
    for delay in REPLACE_RETRY_DELAYS:
        try:
            disk.replace(temp, target)
            return
        except PermissionError:
            time.sleep(delay)
    disk.replace(temp, target)


def write_private_text(path: Path, text: str) -> None:
    """Write an export (`text`: sensitive plaintext the person asked for) to `path`: atomically,
    readable only by its owner (0600), never half-written. The one writer of exports for the
    CLI and the app.

    A folder given as the file is `UsageError`; a missing parent folder is `NotFound`. A folder
    that could not be synced after the replace is not an error: the file is complete.
    """
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name.")
    if not path.parent.exists():
        raise NotFound(f"The folder {path.parent} does not exist.")
    with contextlib.suppress(NotDurable):  # written and complete; only the folder fsync failed
        atomic_write(path, text.encode("utf-8"))


def atomic_write(target: Path, data: bytes | bytearray) -> None:
    """Replace (or create) `target` with `data` so a crash leaves the old or the new file.

    A symbolic link is followed: its target is replaced and the link stays. When this process
    holds the journal's lock, the lock is checked first (see `JournalLock.confirm`). On failure
    before the replace, the temp file is removed, `target` is byte-identical and `SaveFailed`
    is raised; if only the final folder fsync fails, `NotDurable` is raised.
    """

    def write(fd: int) -> Callable[[Path], bool]:
        disk.write(fd, data)
        return lambda temp: disk.read_back(temp, data)

    _replace_atomically(Path(target), write)


def atomic_write_parts(target: Path, produce: Callable[[Callable[[Buffer], None]], None]) -> None:
    """`atomic_write`, for a file written in parts: `produce(write)` calls `write` with each
    part in order (it may reuse one buffer). What reaches the disk is checked as it is written
    (`ReadBackCheck`), and the file read back must pass the same check. The same guarantees;
    no buffer the size of the file."""

    # `cryptography` only when a save needs it: locking, and so `info`, import this module.
    from rmjournal.core.crypto import ReadBackCheck

    def write(fd: int) -> Callable[[Path], bool]:
        written = 0
        check = ReadBackCheck()

        def part(data: Buffer) -> None:
            nonlocal written
            disk.write(fd, data)
            check.update(data)
            written += len(data)

        produce(part)
        return lambda temp: disk.read_back_check(temp, written, check)

    _replace_atomically(Path(target), write)


def _replace_atomically(target: Path, write: Callable[[int], Callable[[Path], bool]]) -> None:
    """The steps both writers share: the lock confirmed, a fresh temp file beside `target`,
    `write(fd)` (which returns the check of the temp file as read back), fsync, the check, the
    replace, the folder fsync; on failure the temp file goes and `SaveFailed` says why."""
    target = real_target(target)
    held = _held.get(held_key(target))
    if held is not None:
        held.confirm()
    temp = temp_name(target)
    try:
        fd = disk.create_exclusive(temp)
        try:
            read_back_ok = write(fd)
            disk.fsync(fd)
        finally:
            disk.close(fd)
        if not read_back_ok(temp):
            raise OSError(errno.EIO, "read-back mismatch")
        _replace(temp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            disk.remove(temp)
        raise SaveFailed(
            f"Saving failed: {why(exc, target.parent)}. {target.name} is unchanged and your "
            "changes are still open; fix the problem and save again, or save elsewhere."
        ) from None
    try:
        disk.fsync_dir(target.parent)
    except OSError as exc:
        raise NotDurable(str(exc)) from None
