"""Reading a journal file safely: its type and size checked before a byte is read.

A path may name a folder, a named pipe (whose reader would wait for ever), a device, or a file
far larger than any journal (which would be read into memory whole before anything notices).
Every read of a journal goes through `open_checked`, which opens without blocking, asks `fstat`
what it opened and refuses all of these in a sentence. `FileSource` then reads only what
unlocking needs when it needs it: the header, a checksum pass in 1 MiB chunks (nothing kept),
and, once a slot has opened, the sealed body into one buffer that is decrypted in place.
"""

from __future__ import annotations

import io
import os
import stat
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, Protocol

from rmjournal.core import crypto, fileformat, inplace, recovery
from rmjournal.core.errors import FileDamaged, JournalError, NotFound, Tampered, WrongSecret
from rmjournal.core.fileformat import Header, Slot, SlotKind
from rmjournal.core.model import Role
from rmjournal.core.secret import Secret

_CHUNK = 1 << 20


class SlotInfo(NamedTuple):
    """One key slot as `info` shows it: number (position), whose, what kind, and its KDF cost."""

    number: int
    role: Role
    kind: SlotKind
    kdf: str
    unlocked_with: bool = False


class FileInfo(NamedTuple):
    """Header facts readable without a secret (`rmjournal info`)."""

    path: Path
    version: int
    test_kdf: bool
    file_id: str
    generation: int
    slots: list[SlotInfo]
    size: int
    modified: datetime


def slot_infos(header: Header, unlocked: Slot | None = None) -> list[SlotInfo]:
    """The slots of `header` as `info` lists them, marking `unlocked`."""
    return [
        SlotInfo(
            number=i,
            role=slot.role,
            kind=slot.kind,
            kdf=slot.params.describe() if slot.params else "HKDF-SHA256 (256-bit recovery key)",
            unlocked_with=slot is unlocked,
        )
        for i, slot in enumerate(header.slots)
    ]


def open_checked(path: Path) -> tuple[io.FileIO, os.stat_result]:
    """`path` opened for reading, and its `fstat`; refused unless a regular file of a size a
    journal can have (`NotFound`, `FileDamaged`, or `JournalError` for an unreadable file)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    flags |= getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise NotFound(f"There is no journal at {path}.") from None
    except IsADirectoryError:
        raise FileDamaged(f"{path} is a folder, not a journal.") from None
    except OSError as exc:
        reason = (exc.strerror or "an input/output error").lower()
        raise JournalError(f"{path} could not be read ({reason}).") from None
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise FileDamaged(f"{path} is a folder, not a journal.")
        if not stat.S_ISREG(st.st_mode):
            raise FileDamaged(
                f"{path} is not a regular file (it is a pipe, a device or a socket), "
                "so it cannot be a journal."
            )
        if st.st_size > fileformat.MAX_FILE_BYTES:
            raise FileDamaged(
                f"{path.name} is damaged or not a journal: at {st.st_size:,} bytes it is larger "
                f"than any journal can be ({fileformat.MAX_FILE_BYTES // 1024**3} GiB)."
            )
        handle = io.FileIO(fd, "rb", closefd=True)
    except BaseException:
        os.close(fd)
        raise
    return handle, st


def read_checked(path: Path) -> bytearray:
    """The whole file at `path`, read once into one buffer after `open_checked`'s checks."""
    handle, st = open_checked(path)
    with handle:
        return _read_exactly(handle, 0, st.st_size, path)


def _read_exactly(handle: io.FileIO, offset: int, size: int, path: Path) -> bytearray:
    buffer = bytearray(size)
    _read_into(handle, offset, buffer, path)
    return buffer


def _read_into(handle: io.FileIO, offset: int, buffer: bytearray | memoryview, path: Path) -> None:
    """Fill `buffer` from `offset` of the file (`FileDamaged` if it ends first)."""
    size = len(buffer)
    view = memoryview(buffer)
    try:
        handle.seek(offset)
        done = 0
        while done < size:
            count = handle.readinto(view[done:])
            if not count:
                raise FileDamaged(f"{path.name} changed while it was read (it became shorter).")
            done += count
    except OSError as exc:
        reason = (exc.strerror or "an input/output error").lower()
        raise JournalError(f"{path} could not be read ({reason}).") from None
    finally:
        view.release()


class FileSource:
    """An open journal file as a `fileformat.Source`: read in parts, on demand."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._handle, self.stat = open_checked(path)
        self.size = self.stat.st_size
        self._head: bytes | None = None
        self.trailer = b""

    def head(self) -> bytes:
        """The first bytes, up to the largest header."""
        if self._head is None:
            self._head = bytes(
                _read_exactly(
                    self._handle, 0, min(self.size, fileformat.MAX_HEADER_BYTES), self.path
                )
            )
        return self._head

    def file_id(self) -> str | None:
        """The file id from the header (unchecked: only a hint for which slot to try first)."""
        head = self.head()
        if not head.startswith(fileformat.MAGIC) or len(head) < fileformat.PREFIX.size:
            return None
        return head[12 : 12 + fileformat.FILE_ID_BYTES].hex()

    def checksum_ok(self) -> bool:
        """Hash the file in 1 MiB chunks (nothing kept) and compare with its trailer."""
        digest = crypto.Sha256()
        chunk = bytearray(_CHUNK)
        view = memoryview(chunk)
        end = self.size - fileformat.TRAILER_BYTES
        try:
            self._handle.seek(0)
            done = 0
            while done < end:
                count = self._handle.readinto(view[: min(_CHUNK, end - done)])
                if not count:
                    return False
                digest.update(view[:count])
                done += count
            self.trailer = bytes(_read_exactly(self._handle, end, self.size - end, self.path))
        except OSError as exc:
            reason = (exc.strerror or "an input/output error").lower()
            raise JournalError(f"{self.path} could not be read ({reason}).") from None
        finally:
            view.release()
        return digest.finalize() == self.trailer

    def sealed_body(self, header: fileformat.Header) -> bytearray | memoryview:
        """The sealed body, read into a fresh buffer of exactly its length, from SQLite's
        allocator where it can be: decrypted in place, the database is then that buffer."""
        block = inplace.buffer(header.body_length)
        buffer = bytearray(header.body_length) if block is None else block
        _read_into(self._handle, len(header.raw), buffer, self.path)
        return buffer

    def close(self) -> None:
        """Close the file."""
        self._handle.close()

    def __enter__(self) -> FileSource:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class Source(Protocol):
    """A journal's bytes to unlock: in memory (`Buffer`) or an open file read on demand."""

    size: int

    def head(self) -> bytes:
        """The first `MAX_HEADER_BYTES` bytes (fewer if the file is shorter)."""
        ...

    def checksum_ok(self) -> bool:
        """Whether the trailer is the SHA-256 of everything before it."""
        ...

    def sealed_body(self, header: fileformat.Header) -> bytearray | memoryview:
        """A fresh writable buffer holding the sealed body (`header.body_length` bytes)."""
        ...


class Buffer:
    """A whole file already in memory, as a `Source`."""

    def __init__(self, data: bytes | bytearray | memoryview) -> None:
        self._view = memoryview(data)
        self.size = len(self._view)

    def head(self) -> bytes:
        return bytes(self._view[: fileformat.MAX_HEADER_BYTES])

    def checksum_ok(self) -> bool:
        return (
            crypto.sha256(self._view[: -fileformat.TRAILER_BYTES])
            == self._view[-fileformat.TRAILER_BYTES :]
        )

    def sealed_body(self, header: fileformat.Header) -> bytearray:
        start = len(header.raw)
        return bytearray(self._view[start : start + header.body_length])


def unlock(
    data: bytes | bytearray | memoryview,
    secret: Secret,
    name: str,
    *,
    role_hint: Role | None,
    allow_test_kdf: bool,
) -> tuple[Header, fileformat.Unlocked]:
    """`unlock_source` over a whole file in memory (the test vectors' and fuzzers' entry)."""
    return unlock_source(
        Buffer(data), secret, name, role_hint=role_hint, allow_test_kdf=allow_test_kdf
    )


def unlock_source(
    source: Source,
    secret: Secret,
    name: str,
    *,
    role_hint: Role | None,
    allow_test_kdf: bool,
    first: tuple[int, str | None] | None = None,
) -> tuple[Header, fileformat.Unlocked]:
    """Parse and open a file with a passphrase or recovery key; nothing is trusted before both
    the slot's tag and the body's tag (over the whole header) verify.

    Slot `first` (remembered from the last unlock here) is tried first. The body is read only
    after a slot has opened, so the key derivation never runs with a large body in memory.
    """
    recovery_key = recovery.decode(secret.value) if secret.kind == "recovery" else None
    header = fileformat.parse_parts(
        source.head(), source.size, name, allow_test_kdf=allow_test_kdf,
        checksum_ok=source.checksum_ok,
    )  # fmt: skip
    order = fileformat.slot_order(header, secret.kind, role_hint, first)
    tried = fileformat.within_budget(order)
    for slot in tried:
        if recovery_key is not None:
            kek = fileformat.recovery_kek(recovery_key, slot.salt)
        else:
            assert slot.params is not None
            kek = fileformat.passphrase_kek(secret, slot.salt, slot.params)
        keys = fileformat.open_slot(header, slot, kek)
        if keys is not None:
            try:
                body = fileformat.open_body_in_place(
                    header, source.sealed_body(header), keys[0], name
                )
            except Tampered:
                if not source.checksum_ok():  # changed since the first check: damage after all
                    raise FileDamaged(f"{name} is damaged: its checksum does not match.") from None
                raise
            return header, fileformat.Unlocked(slot, kek, keys[0], keys[1], body)
    if recovery_key is not None:
        raise WrongSecret(
            f"That recovery key does not open {name}: it belongs to another journal or was "
            "replaced by a newer one."
        )
    wanted = role_hint or (first[1] if first is not None else None)
    if wanted in ("mentor", "mentee") and not any(
        s.role == wanted and s.kind == "passphrase" for s in header.slots
    ):
        raise WrongSecret(
            f"{name} has no passphrase slot for the {wanted} any more: it was removed from this "
            f"copy (with `slot remove`, or by someone editing the file), so no passphrase of "
            f"the {wanted}'s opens it; yours was not the problem. Open another copy or a "
            "backup, or use your recovery key if its slot is still there."
        )
    if len(tried) < len(order):
        budget = fileformat.MAX_TRIED_WORK_KIB // 1024**2
        raise WrongSecret(
            f"The passphrase does not open {name} in the slots tried (one unlock tries at most "
            f"{budget} GiB·passes of key derivation). Check it, name your role (`--role`), "
            "or unlock with your recovery key."
        )
    raise WrongSecret(
        f"The passphrase does not open {name}. Check it and try again, "
        "or unlock with your recovery key."
    )


def inspect(path: Path) -> FileInfo:
    """Header facts for `info`: format, KDF, slots, size, last save; no secret needed."""
    data = read_checked(path)
    header = fileformat.parse(data, path.name, allow_test_kdf=True)
    st = os.stat(path)
    return FileInfo(
        path=path,
        version=fileformat.VERSION,
        test_kdf=header.test_kdf,
        file_id=header.file_id.hex(),
        generation=header.generation,
        slots=slot_infos(header),
        size=len(data),
        modified=datetime.fromtimestamp(st.st_mtime, UTC),
    )
