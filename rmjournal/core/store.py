"""The in-memory journal database: opening, migrating and (de)serialising it.

The database lives only in memory (`PRAGMA temp_store=MEMORY`, no file, no temp files) and travels
as the serialized bytes the vault encrypts; `PRAGMA user_version` records the schema version so a
journal saved by any earlier version is migrated forward on open.

The schema itself (tables, search index, migrations) is in `schema.py`; its names are re-exported
here, where the rest of the core has always found them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rmjournal.core import inplace
from rmjournal.core.errors import FileDamaged
from rmjournal.core.schema import MIGRATIONS, PRIVATE_FIELDS, SCHEMA_VERSION
from rmjournal.core.schema_history import (
    RECORD_TABLES,
    VERSION_HISTORY_LIMIT,
    VERSIONED_TABLES,
    install_version_triggers,
)
from rmjournal.core.search_schema import INDEXED_TABLES, reindex

if TYPE_CHECKING:  # sqlite-utils is imported where a schema is created or migrated, not to read
    import sqlite_utils

__all__ = [
    "INDEXED_TABLES",
    "PRIVATE_FIELDS",
    "RECORD_TABLES",
    "SCHEMA_VERSION",
    "VERSIONED_TABLES",
    "VERSION_HISTORY_LIMIT",
    "connect",
    "deserialize",
    "install_version_triggers",
    "load",
    "migrate",
    "new_database",
    "reading",
    "reindex",
    "serialize",
    "user_version",
]


def connect() -> sqlite3.Connection:
    """A fresh in-memory connection that never spills to temp files."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    _harden(conn)
    return conn


def _harden(conn: sqlite3.Connection) -> None:
    """Temp data stays in memory, and deleted or overwritten content is zeroed.

    `secure_delete` matters because the serialized database is readable by both partners: text
    made private, or edited away, must not linger in free space of the pages the vault saves.
    """
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("PRAGMA secure_delete=ON")


def user_version(db: sqlite_utils.Database | sqlite3.Connection) -> int:
    """The schema version recorded in the database."""
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def migrate(db: sqlite_utils.Database, target: int = SCHEMA_VERSION) -> None:
    """Apply every migration after the database's version up to `target`."""
    current = user_version(db)
    if current > SCHEMA_VERSION:
        raise FileDamaged(
            f"This journal was written by a newer rmjournal (schema {current}). "
            "Update rmjournal to open it."
        )
    # No surrounding transaction (sqlite-utils commits as it creates tables): a migration that
    # fails leaves only this in-memory copy half-done, and it is discarded; the file is untouched.
    for version in range(current + 1, target + 1):
        MIGRATIONS[version](db)
        db.conn.execute(f"PRAGMA user_version = {int(version)}")


def new_database(target: int = SCHEMA_VERSION) -> sqlite_utils.Database:
    """An empty journal database at schema `target` (the latest unless a test asks otherwise)."""
    import sqlite_utils

    db = sqlite_utils.Database(connect())
    migrate(db, target)
    return db


def load(data: bytes | bytearray | memoryview) -> sqlite3.Connection:
    """A connection to the database held in `data` (as `serialize()` wrote it), migrated to the
    latest schema.

    No `PRAGMA quick_check` here: the body was authenticated (AES-GCM) before it got here, so it
    is byte for byte what rmjournal saved, and a full check costs about 85 ms at 50,000 entries
    on every open. `rmjournal verify` runs SQLite's `integrity_check`; a read that meets a
    damaged page still fails with an error, never with wrong data. sqlite-utils is imported only
    when an older schema has to be migrated, which keeps it off the path of every command.
    """
    if len(data) < 512:
        raise FileDamaged("The file's contents are not a journal database.")
    conn = connect()

    def deserialize() -> None:
        # A body decrypted in SQLite's own memory (`inplace.buffer`) becomes the database
        # itself; any other is copied in.
        if not inplace.give(conn, data):
            conn.deserialize(data)

    try:
        version = _check_journal(conn, deserialize)
    except BaseException:
        conn.close()
        raise
    if version != SCHEMA_VERSION:
        import sqlite_utils

        try:
            migrate(sqlite_utils.Database(conn))
        except BaseException:
            conn.close()
            raise
    return conn


@contextmanager
def reading(data: bytes | bytearray | memoryview) -> Iterator[sqlite3.Connection]:
    """The database in `data` to read, closed at the end of the block: read where it lies
    where SQLite can (`inplace.read_only`: no copy; `data` must stay as it is meanwhile), else
    a migrated copy (`load`), as for an older schema. The same checks as `load`."""
    found = inplace.read_only(data) if len(data) >= 512 else None
    if found is not None:
        conn, pin = found
        try:
            current = _check_journal(conn) == SCHEMA_VERSION
        except BaseException:
            conn.close()
            raise
        if not current:  # an older schema: migrated in a copy
            conn.close()
            found = None
    if found is None:
        conn, pin = load(data), None
    del data  # a copy needs it no more; read in place, the pin holds it
    try:
        yield conn
    finally:
        conn.close()
        del pin


def _check_journal(conn: sqlite3.Connection, deserialize: Callable[[], None] | None = None) -> int:
    """`deserialize()` the database into `conn` (if it is not there already), harden it, and
    return the schema version of the journal it holds; `FileDamaged` if it is none."""
    try:
        if deserialize is not None:
            deserialize()
        _harden(conn)
        version = user_version(conn)
        has_pair = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pair'"
        ).fetchone()
    except (sqlite3.DatabaseError, MemoryError) as exc:
        raise FileDamaged(
            "The journal's contents are damaged: its database cannot be read."
        ) from exc
    if version == 0 or not has_pair:
        raise FileDamaged("The file's contents are not a journal database.")
    return version


def deserialize(data: bytes | bytearray | memoryview) -> sqlite_utils.Database:
    """The database held in `data` as a sqlite-utils `Database` (see `load`)."""
    import sqlite_utils

    return sqlite_utils.Database(load(data))


def serialize(db: sqlite_utils.Database | sqlite3.Connection) -> bytes:
    """The whole main database as bytes (TEMP tables, the private search index, left out)."""
    conn = db if isinstance(db, sqlite3.Connection) else db.conn
    return bytes(conn.serialize())
