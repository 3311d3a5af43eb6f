"""The journal's lock: one app or command at a time, and a save only while the lock still holds.

`JournalLock` takes an exclusive lock on `<journal>.lock` (never the journal itself, which saves
replace): `flock` on POSIX, `portalocker` on Windows. It registers itself with `safefile`, so
that every atomic write of that journal first confirms the lock (`JournalLock.confirm`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO

from rmjournal.core import safefile
from rmjournal.core.errors import JournalError, JournalLocked, SaveFailed

LOCK_ATTEMPTS = 20
"""How often the lock is taken again when its file was deleted or replaced while waiting."""


def _portalocker() -> Any:
    """portalocker, imported with a placeholder temp folder: at import it computes
    `tempfile.gettempdir()` as a default argument, which probes $TMPDIR by writing a file there;
    rmjournal never uses that default and writes nothing to temp folders."""
    import tempfile

    saved = tempfile.tempdir
    tempfile.tempdir = saved or os.curdir
    try:
        import portalocker
    finally:
        tempfile.tempdir = saved
    return portalocker


def _try_lock(handle: BinaryIO) -> bool:
    """Take the exclusive lock on the open lock file now; False if another program holds it.

    POSIX: `flock`, the call portalocker itself makes there, without the ~20 ms its import costs
    every command. Windows (or wherever `fcntl` is missing): portalocker (`LockFileEx`, or
    `msvcrt.locking`).
    """
    if sys.platform != "win32":
        try:
            import fcntl
        except ImportError:
            pass
        else:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False
            return True
    portalocker = _portalocker()
    try:
        portalocker.lock(
            handle, portalocker.LockFlags.EXCLUSIVE | portalocker.LockFlags.NON_BLOCKING
        )
    except portalocker.exceptions.LockException:
        return False
    return True


def _unlock(handle: BinaryIO) -> None:
    """Release the lock `_try_lock` took (closing the file would too; this is explicit)."""
    if sys.platform != "win32":
        try:
            import fcntl
        except ImportError:
            pass
        else:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            return
    portalocker = _portalocker()
    with contextlib.suppress(portalocker.exceptions.LockException):
        portalocker.unlock(handle)


class LockLost(SaveFailed):
    """The lock file was deleted or replaced and another program took the new one."""


class JournalLock:
    """An exclusive lock on `<journal>.lock`, held for as long as the journal is open.

    A lock file beside the journal (never the journal itself, which saves replace) lets a
    second app or command see at once that the journal is in use, and the system drops the lock
    when a process dies, so a crash never leaves a stale lock. The locking itself is `flock`
    on POSIX and `portalocker` on Windows (see `_try_lock`).

    The lock file is opened without following a symbolic link (a link there is refused), and
    after locking the file at the path must still be the one locked: a sync client that deletes
    or replaces it would otherwise let a second writer lock a new file. Before each save the
    holder confirms the same (`confirm`), taking the new file if no one else holds it.
    For a journal that is a symbolic link the lock sits beside the real file, so every name
    of one journal shares one lock.
    """

    def __init__(self, journal: Path, wait: float = 0.0) -> None:
        journal = safefile.real_target(Path(journal))
        self.journal = journal
        self.path = journal.with_name(journal.name + ".lock")
        deadline = time.monotonic() + wait
        for _attempt in range(LOCK_ATTEMPTS):
            handle = self._open()
            if not self._lock(handle, deadline):
                handle.close()
                raise JournalLocked(
                    f"{journal.name} is open in another rmjournal window or command. "
                    "Close it there (or wait for it to finish), then try again."
                )
            if self._is_current(handle):
                break
            self._unlock_close(handle)  # deleted or replaced while we waited: lock the new one
        else:
            raise JournalLocked(
                f"The lock file {self.path.name} keeps being deleted or replaced (a sync "
                "client?). Keep it out of sync, then try again."
            )
        self._file: BinaryIO | None = handle
        safefile.hold(journal, self)

    def _open(self) -> BinaryIO:
        """The lock file's descriptor, created 0600 if missing; a link there is refused."""
        try:
            if not safefile.NOFOLLOW and self.path.is_symlink():
                raise OSError(errno.ELOOP, "symbolic link")
            fd = os.open(
                self.path,
                os.O_RDWR | os.O_CREAT | safefile.CLOEXEC | safefile.BINARY | safefile.NOFOLLOW,
                safefile.FILE_MODE,
            )
        except FileNotFoundError:
            raise JournalError(f"The folder {self.journal.parent} does not exist.") from None
        except OSError as exc:
            if exc.errno == errno.ELOOP or self.path.is_symlink():
                raise JournalError(
                    f"{self.path.name} is a link, and rmjournal does not follow links for its "
                    "lock file. Remove it, then try again."
                ) from None
            why = safefile.why(exc, self.journal.parent)
            raise JournalError(f"Cannot use {self.journal.name}: {why}.") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise JournalError(f"{self.path.name} is not a plain file. Remove it, then try again.")
        if safefile.owned_by_me(fd):
            safefile.fchmod(fd, safefile.FILE_MODE)
        return open(fd, "r+b", buffering=0)  # a file object: what every portalocker locks

    @staticmethod
    def _lock(handle: BinaryIO, deadline: float) -> bool:
        """Take the exclusive lock on `handle`, polling until `deadline`; False if still held."""
        while True:
            if _try_lock(handle):
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)

    def _is_current(self, handle: BinaryIO) -> bool:
        """Whether the file at the lock path is still the one open as `handle`."""
        try:
            now = os.stat(self.path, follow_symlinks=False)
        except OSError:
            return False
        held = os.fstat(handle.fileno())
        return (now.st_dev, now.st_ino) == (held.st_dev, held.st_ino)

    @staticmethod
    def _unlock_close(handle: BinaryIO) -> None:
        with contextlib.suppress(OSError):
            _unlock(handle)
        handle.close()

    def confirm(self) -> None:
        """Make sure this lock still guards the journal before writing it.

        If the lock file was deleted or replaced, the new file is locked instead when no one
        else holds it; if another program does, `LockLost` (a `SaveFailed`) is raised and
        nothing is written.
        """
        if self._file is None or self._is_current(self._file):
            return
        try:
            handle = self._open()
        except JournalError as exc:
            raise LockLost(f"Not saved: {exc}") from None
        if not self._lock(handle, time.monotonic()):
            handle.close()
            raise LockLost(
                f"Not saved: the lock file {self.path.name} was deleted or replaced (a sync "
                f"client?) and another rmjournal has {self.journal.name} open now. Your changes "
                "are still open: save elsewhere, or close the other one and save again."
            )
        self._unlock_close(self._file)
        self._file = handle

    def release(self) -> None:
        """Let others open the journal (idempotent)."""
        if self._file is not None:
            self._unlock_close(self._file)
            self._file = None
            safefile.let_go(self.journal, self)
