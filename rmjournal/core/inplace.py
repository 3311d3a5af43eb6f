"""The database's own bytes, read where SQLite keeps them: a save that never copies the body.

A journal's database lives in one buffer SQLite owns (it was deserialized). `Connection.
serialize()` copies that buffer into a new `bytes`: at 50,000 entries 58 MiB more for every save,
and in the app, whose heap keeps large freed buffers for speed (`app/autosave.py`), the copy
is what took the process from 140 to 270 MiB. SQLite's C function can hand over the buffer
itself instead (`sqlite3_serialize` with `SQLITE_SERIALIZE_NOCOPY`); Python does not offer that
flag, so `view()` calls the function through ctypes, in the very library `_sqlite3` is linked
to, with the connection's `sqlite3*` read from the Python object.

That last step depends on CPython's layout of a connection (the handle is the first field
after the object header, in 3.11 to 3.14), so it is proved before it is used: once per process,
on a small database of its own, the bytes seen through the handle must equal `serialize()`'s.
Anywhere it cannot be proved (another Python, SQLite linked in statically with hidden symbols,
as in some Windows and macOS builds) `view()` returns None and the caller copies as before.

The view is only valid while nothing writes to the database: a write may move the buffer
(it grows by reallocation). `frozen()` holds the records' lock, which every write takes, for as
long as the view is used (the body's sealing: about 60 ms at 50,000 entries, 13 ms at 10,000,
never the fsync), and releases the view before the lock. Reads go on meanwhile (a SELECT takes
no lock), and the app puts off the writes that can wait, drafts and notes as typing pauses
(`Records.held_elsewhere`). Lending needs SQLite built serialized (`sqlite3.threadsafety` 3):
the save thread calls into the connection while the app's thread reads.

The other way round, `read_only()` lets SQLite read a body where it was decrypted
(`sqlite3_deserialize` with `SQLITE_DESERIALIZE_READONLY`, no copy): a merge's other copy.

And `buffer()` + `give()` let an opening read the sealed body straight into memory from
`sqlite3_malloc64`, decrypt it there, and hand that very block to the journal's database
(`SQLITE_DESERIALIZE_FREEONCLOSE | RESIZEABLE`, as Python's own `deserialize()` does for the
copy it makes): no copy of the body at all between the file and the database, one journal's
worth less at the opening's peak and ~35 ms less at 50,000 entries. A block not given is
wiped and freed when its last view goes.
"""

from __future__ import annotations

import functools
import sqlite3
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

SQLITE_SERIALIZE_NOCOPY = 1
_READ_ONLY = 4  # SQLITE_DESERIALIZE_READONLY
_OWNED = 1 | 2  # SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_RESIZEABLE
_LAYOUTS = {(3, 11), (3, 12), (3, 13), (3, 14)}
"""Python versions whose connection object starts with the `sqlite3*` handle (checked anyway)."""


def _handle(conn: sqlite3.Connection) -> int:
    """The connection's `sqlite3*`: the first field after the object header."""
    import ctypes

    return ctypes.c_void_p.from_address(id(conn) + object.__basicsize__).value or 0


def _pointer(serialize: Any, conn: sqlite3.Connection) -> tuple[int, int]:
    """(address, size) of the main database's buffer without a copy; (0, 0) when SQLite has
    none to lend (a database that was never deserialized)."""
    import ctypes

    size = ctypes.c_int64(0)
    address = serialize(_handle(conn), b"main", ctypes.byref(size), SQLITE_SERIALIZE_NOCOPY)
    return (address or 0), size.value


def _function(name: str) -> Any:
    """The C function `name` of the very library `_sqlite3` uses; None where it is not found
    (SQLite linked into `_sqlite3` with its symbols hidden, or no `_sqlite3` file to load)."""
    import ctypes

    try:
        import _sqlite3

        return getattr(ctypes.CDLL(_sqlite3.__file__), name)
    except (ImportError, OSError, AttributeError):
        return None


@functools.cache
def _serialize() -> Any:
    """`sqlite3_serialize` of the library `_sqlite3` uses, proved on a small database; None
    where it cannot be found or proved."""
    if sys.implementation.name != "cpython" or sys.version_info[:2] not in _LAYOUTS:
        return None
    if sqlite3.threadsafety != 3:  # the save thread calls in while the app's thread reads
        return None
    import ctypes

    function = _function("sqlite3_serialize")
    if function is None:
        return None
    function.restype = ctypes.c_void_p
    function.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.POINTER(ctypes.c_int64), ctypes.c_uint,
    ]  # fmt: skip
    source = sqlite3.connect(":memory:")
    probe = sqlite3.connect(":memory:")
    try:
        source.execute("PRAGMA user_version = 20261203")
        source.execute("CREATE TABLE proof (word TEXT)")
        source.execute("INSERT INTO proof VALUES ('lent, not copied')")
        probe.deserialize(source.serialize())
        address, size = _pointer(function, probe)
        expected = probe.serialize()
        if not address or ctypes.string_at(address, size) != expected:
            return None
    finally:
        probe.close()
        source.close()
    return function


@functools.cache
def _deserialize() -> Any:
    """`sqlite3_deserialize` of the same library, once `_serialize()` proved it and the handle;
    None otherwise."""
    function = _function("sqlite3_deserialize") if _serialize() is not None else None
    if function is None:
        return None
    import ctypes

    function.restype = ctypes.c_int
    function.argtypes = [
        ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int64, ctypes.c_int64,
        ctypes.c_uint,
    ]  # fmt: skip
    return function


def read_only(data: bytes | bytearray | memoryview) -> tuple[sqlite3.Connection, object] | None:
    """A connection that reads the database in `data` where it lies (no copy), read-only, and
    what pins `data` meanwhile; None where that cannot be done (then deserialize a copy), as
    for `bytes` (only writable buffers can be pinned).

    SQLite neither writes nor frees the buffer (`SQLITE_DESERIALIZE_READONLY`, no
    FREEONCLOSE): close the connection before the pin and `data` go. For the other copy a
    merge only reads: at 50,000 entries one journal's worth less at its peak."""
    deserialize = _deserialize()
    if deserialize is None:
        return None
    import ctypes

    try:
        pin = (ctypes.c_ubyte * len(data)).from_buffer(data)  # writable, contiguous buffers
    except (TypeError, ValueError):
        return None
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    size = len(data)
    if deserialize(_handle(conn), b"main", ctypes.addressof(pin), size, size, _READ_ONLY) != 0:
        conn.close()
        return None
    return conn, pin


@functools.cache
def _allocator() -> tuple[Any, Any] | None:
    """`sqlite3_malloc64` and `sqlite3_free` of the same library, once `_deserialize()` is
    proved; None otherwise."""
    if _deserialize() is None:
        return None
    malloc, free = _function("sqlite3_malloc64"), _function("sqlite3_free")
    if malloc is None or free is None:
        return None
    import ctypes

    malloc.restype, malloc.argtypes = ctypes.c_void_p, [ctypes.c_uint64]
    free.restype, free.argtypes = None, [ctypes.c_void_p]
    return malloc, free


class _Block:
    """A block from `sqlite3_malloc64`, owned here until `give()` hands it to SQLite. Kept
    alive by the ctypes array over it (and so by every view of it); when the last goes, the
    block is wiped and freed."""

    def __init__(self, address: int, size: int, free: Any) -> None:
        self.address, self.size, self._free = address, size, free

    def take(self) -> int:
        """The address, and the duty to free it, handed over (0 if already handed over)."""
        address, self.address = self.address, 0
        return address

    def __del__(self) -> None:
        address = self.take()
        if address:
            try:
                import ctypes

                ctypes.memset(address, 0, self.size)  # the body's plaintext, once decrypted
                self._free(address)
            except Exception:  # noqa: S110  at the interpreter's exit: the process frees it
                pass


def buffer(size: int) -> memoryview | None:
    """`size` writable bytes from SQLite's allocator, which `give()` can hand to a connection
    without a copy; None where that cannot be done (then use a `bytearray`)."""
    functions = _allocator()
    if functions is None or size <= 0:
        return None
    import ctypes

    malloc, free = functions
    address = malloc(size)
    if not address:
        raise MemoryError
    array = (ctypes.c_ubyte * size).from_address(address)
    array.block = _Block(address, size, free)  # type: ignore[attr-defined]
    return memoryview(array).cast("B")


def _start(data: memoryview) -> int:
    """The address of a writable view's first byte."""
    import ctypes

    first = ctypes.c_ubyte.from_buffer(data)
    try:
        return ctypes.addressof(first)
    finally:
        del first  # no export of `data` left behind, so it can be released


def give(conn: sqlite3.Connection, data: bytes | bytearray | memoryview) -> bool:
    """Make `data`, a view from the start of a `buffer()`, the main database of `conn`, with
    no copy; whether it was given (False: `data` is not such a view, nothing changed).

    From then on SQLite owns the block (it may move or free it), so `data` is released here
    (not given if that fails: something holds a buffer of it) and no other view of the block
    may be read again: Python cannot tell, since views made from views do not count as held.
    The opening's views are its own and end with it (`JournalFile`, `verify`)."""
    if not isinstance(data, memoryview):
        return False
    block = getattr(data.obj, "block", None)
    if not isinstance(block, _Block) or not block.address:
        return False
    if data.readonly or not data.contiguous or not data.nbytes or _start(data) != block.address:
        return False
    used = data.nbytes
    try:
        data.release()  # first: once SQLite has the block, no view of it may be read
    except BufferError:  # something still reads through `data`: it stays the caller's
        return False
    address = block.take()
    # On failure SQLite frees the block itself (FREEONCLOSE): it is SQLite's either way.
    code = _deserialize()(_handle(conn), b"main", address, used, block.size, _OWNED)
    if code != 0:
        raise sqlite3.DatabaseError(f"sqlite3_deserialize failed ({code})")
    return True


def lends() -> bool:
    """Whether this Python and SQLite can lend a deserialized database's buffer (`view`)."""
    return _serialize() is not None


def view(conn: sqlite3.Connection) -> memoryview | None:
    """The main database's bytes where SQLite holds them (read-only, no copy), or None where
    they cannot be lent (then use `serialize()`). Valid only until the next write."""
    serialize = _serialize()
    if serialize is None:
        return None
    address, size = _pointer(serialize, conn)
    if not address:
        return None
    import ctypes

    return memoryview((ctypes.c_ubyte * size).from_address(address)).cast("B").toreadonly()


class Frozen:
    """What `frozen()` hands a save: the change count, the body, and `thaw()`."""

    def __init__(
        self, changes: int, body: bytes | memoryview, lock: threading.RLock | None
    ) -> None:
        self.changes = changes
        self.body = body
        self._lock = lock

    @property
    def lent(self) -> bool:
        """Whether the body is the database's own buffer (writes wait until `thaw()`)."""
        return self._lock is not None

    def thaw(self) -> None:
        """Done with the body: a lent view is released, and writes may go on (idempotent)."""
        if self._lock is None:
            return
        lock, self._lock = self._lock, None
        try:
            if isinstance(self.body, memoryview):
                self.body.release()
        finally:
            self.body = b""
            lock.release()


@contextmanager
def frozen(
    conn: sqlite3.Connection, lock: threading.RLock, prepare: Callable[[], int]
) -> Iterator[Frozen]:
    """Hold `lock` (the one every write to `conn` takes), run `prepare()` (the change count),
    and hand over the database lent (`view`, the lock held until `thaw()`) or else copied (the
    lock released at once). Thawed at the end of the block at the latest."""
    lock.acquire()
    try:
        changes = prepare()
        lent = view(conn)
        if lent is None:
            held = Frozen(changes, bytes(conn.serialize()), None)
            lock.release()
        else:
            held = Frozen(changes, lent, lock)
    except BaseException:
        lock.release()
        raise
    try:
        yield held
    finally:
        held.thaw()
