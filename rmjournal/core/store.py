"""The journal's SQLite schema, versioned migrations, and (de)serialising the in-memory database.

The database lives only in memory (`PRAGMA temp_store=MEMORY`, no file, no temp files) and travels
as the serialized bytes the vault encrypts; `PRAGMA user_version` records the schema version so a
journal saved by any earlier version is migrated forward on open.

Every record table has `id` (UUID text), `created_at`, `updated_at` (ISO-8601 text), `author`
(mentor | mentee) and `deleted_at` (a tombstone: rows are never removed, so two copies of a journal
can be merged field by field). Private text fields hold `PrivateCipher` tokens, never plaintext.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from rmjournal.core.errors import FileDamaged

if TYPE_CHECKING:  # sqlite-utils is imported where a schema is created or migrated, not to read
    import sqlite_utils

SCHEMA_VERSION = 4
"""The schema this code writes; `migrate()` brings older databases up to it."""

RECORD_TABLES = (
    "pair",
    "goals",
    "sessions",
    "agenda_items",
    "entries",
    "actions",
    "follow_ups",
    "prompts",
)
"""Tables holding merge-able records (id, created_at, updated_at, author, deleted_at)."""

PRIVATE_FIELDS: dict[str, tuple[str, ...]] = {
    "goals": ("text",),
    "agenda_items": ("topic", "notes", "prompt"),
    "entries": ("text", "prompt", "tags"),
    "actions": ("title", "detail", "tags"),
    "follow_ups": ("note",),
}
"""The text columns sealed with the author's personal key when a row is private."""


def _common() -> dict[str, type]:
    return {"created_at": str, "updated_at": str, "author": str, "deleted_at": str}


def _migrate_1(db: sqlite_utils.Database) -> None:
    """Version 1: the record tables."""
    c = _common()
    db.table("pair").create(
        {
            "id": str,
            "title": str,
            "mentor_name": str,
            "mentor_role": str,
            "mentor_network": str,
            "mentee_name": str,
            "mentee_role": str,
            "mentee_network": str,
            "started_on": str,
            "cadence_days": int,
            "planned_sessions": int,
            "review_on": str,
            "agreement": str,
            **c,
        },
        pk="id",
        not_null={"title", "mentor_name", "mentee_name", "started_on"},
    )
    db.table("goals").create(
        {"id": str, "owner": str, "text": str, "visibility": str, **c},
        pk="id",
        not_null={"owner", "text", "visibility"},
    )
    db.table("sessions").create(
        {
            "id": str,
            "number": int,
            "date": str,
            "status": str,
            "duration_minutes": int,
            "place": str,
            **c,
        },
        pk="id",
        not_null={"number", "date", "status"},
    )
    db.table("agenda_items").create(
        {
            "id": str,
            "session_id": str,
            "position": int,
            "topic": str,
            "raised_by": str,
            "minutes": int,
            "notes": str,
            "outcome": str,
            "carried_from": str,
            "action_id": str,
            "prompt": str,
            "visibility": str,
            **c,
        },
        pk="id",
        not_null={"session_id", "position", "topic", "raised_by", "notes", "outcome", "visibility"},
    )
    db.table("entries").create(
        {
            "id": str,
            "session_id": str,
            "kind": str,
            "prompt": str,
            "text": str,
            "visibility": str,
            "tags": str,
            **c,
        },
        pk="id",
        not_null={"session_id", "kind", "text", "visibility", "tags"},
    )
    db.table("actions").create(
        {
            "id": str,
            "title": str,
            "detail": str,
            "kind": str,
            "owner": str,
            "agreed_in": str,
            "due_on": str,
            "status": str,
            "closed_on": str,
            "visibility": str,
            "tags": str,
            **c,
        },
        pk="id",
        not_null={"title", "detail", "kind", "owner", "status", "visibility", "tags"},
    )
    db.table("follow_ups").create(
        {
            "id": str,
            "action_id": str,
            "on_date": str,
            "session_id": str,
            "status": str,
            "note": str,
            "visibility": str,
            **c,
        },
        pk="id",
        not_null={"action_id", "on_date", "status", "note", "visibility"},
    )
    db.table("prompts").create(
        {"id": str, "phase": str, "for_": str, "text": str, "pack": str, **c},
        pk="id",
        not_null={"phase", "for_", "text", "pack"},
    )
    for table, column in [
        ("agenda_items", "session_id"),
        ("agenda_items", "carried_from"),
        ("agenda_items", "action_id"),
        ("entries", "session_id"),
        ("follow_ups", "action_id"),
        ("actions", "status"),
    ]:
        db.table(table).create_index([column])


# What the shared search index holds for each table: kind, title, body, date, session, action.
# Private and deleted rows are never indexed here (the main database is readable by both partners).
_INDEX_SQL: dict[str, str] = {
    "entries": """SELECT id, 'entry', coalesce(prompt, ''), text || ' ' ||
        (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(entries.tags)),
        substr(created_at, 1, 10), session_id, NULL FROM entries""",
    "agenda_items": """SELECT id, 'agenda', topic, notes || ' ' || coalesce(prompt, ''),
        substr(created_at, 1, 10), session_id, action_id FROM agenda_items""",
    "actions": """SELECT id, 'action', title, detail || ' ' ||
        (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(actions.tags)),
        substr(created_at, 1, 10), agreed_in, id FROM actions""",
    "follow_ups": """SELECT id, 'follow_up', '', note, on_date, session_id, action_id
        FROM follow_ups""",
    "goals": """SELECT id, 'goal', '', text, substr(created_at, 1, 10), NULL, NULL FROM goals""",
}
INDEXED_TABLES = tuple(_INDEX_SQL)


def _visible_where(table: str) -> str:
    return "deleted_at IS NULL" + ("" if table == "pair" else " AND visibility != 'private'")


def _migrate_2(db: sqlite_utils.Database) -> None:
    """Version 2: a persisted full-text index of every non-private, non-deleted item."""
    conn = db.conn
    conn.executescript(
        """
        CREATE TABLE search_docs (
            rowid INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            title TEXT NOT NULL, body TEXT NOT NULL, when_on TEXT,
            session_id TEXT, action_id TEXT);
        CREATE VIRTUAL TABLE search_fts USING fts5(
            title, body, content='search_docs', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
            INSERT INTO search_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
        END;
        CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
            INSERT INTO search_fts(search_fts, rowid, title, body)
            VALUES ('delete', old.rowid, old.title, old.body);
        END;
        """
    )
    for table, select in _INDEX_SQL.items():
        conn.execute(
            "INSERT INTO search_docs (item_id, kind, title, body, when_on, session_id, action_id) "
            f"{select} WHERE {_visible_where(table)}"
        )


def _migrate_3(db: sqlite_utils.Database) -> None:
    """Version 3: summary approvals and merge conflicts.

    An approval binds one partner to a hash of the summary's content; a conflict keeps the
    losing side of a field both copies changed, so a merge never silently drops anyone's words.
    Both carry the common record columns so that copies of a journal can merge them too.
    """
    c = _common()
    db.table("approvals").create(
        {"id": str, "role": str, "content_hash": str, "approved_at": str, **c}, pk="id"
    )
    db.table("conflicts").create(
        {
            "id": str,
            "table_name": str,  # the record table, e.g. "entries"
            "item_id": str,  # the record both copies changed
            "field": str,  # the column both changed ("*" for the whole record)
            "kept": str,  # JSON of the value the merge kept
            "other": str,  # JSON of the other copy's value (sealed if the field was private)
            "other_updated_at": str,
            "resolved_at": str,
            **c,
        },
        pk="id",
    )
    db.conn.execute("CREATE INDEX conflicts_item ON conflicts(item_id)")


VERSIONED_TABLES = (*RECORD_TABLES, "approvals", "conflicts")
"""Every table that copies of a journal merge by id (`core/merge.py`): the record tables, the
approvals and the merge conflicts themselves. Each has the common record columns."""

VERSION_HISTORY_LIMIT = 100
"""How many earlier versions of one row `row_versions` remembers (the oldest is always kept)."""


def install_version_triggers(db: sqlite_utils.Database) -> None:
    """(Re)create the triggers that record, on every change to a row, which fields changed.

    Each UPDATE that changes a row gives it a new version id (`<updated_at>~<random>`), pushes the
    old one onto its history and notes the new id against every field that changed. A merge
    compares these to tell "only one copy changed this field" from "both did" without a stored
    base version (see `core/merge.py`). A later migration that adds a column to one of
    `VERSIONED_TABLES` must call this again so the new column is tracked too.
    """
    conn = db.conn
    for table in VERSIONED_TABLES:
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "id"]
        changed = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)
        fields = ", ".join(
            f"'{c}', CASE WHEN OLD.{c} IS NOT NEW.{c} THEN v ELSE json_extract(f, '$.{c}') END"
            for c in cols
            if c != "updated_at"
        )
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_version")
        conn.execute(
            f"""CREATE TRIGGER {table}_version AFTER UPDATE ON {table} FOR EACH ROW
            WHEN {changed}
            BEGIN
                INSERT OR IGNORE INTO row_versions (table_name, item_id, v, h, f)
                VALUES ('{table}', OLD.id, OLD.updated_at || '~0', '[]', '{{}}');
                UPDATE row_versions SET
                    h = CASE WHEN json_array_length(h) >= {VERSION_HISTORY_LIMIT}
                        THEN json_insert(json_remove(h, '$[1]'), '$[#]', v)
                        ELSE json_insert(h, '$[#]', v) END,
                    v = NEW.updated_at || '~' || lower(hex(randomblob(8)))
                WHERE table_name = '{table}' AND item_id = OLD.id;
                UPDATE row_versions SET f = json_patch(f, json_object({fields}))
                WHERE table_name = '{table}' AND item_id = OLD.id;
            END"""  # noqa: S608 - fixed table and column names from the schema
        )


def _migrate_4(db: sqlite_utils.Database) -> None:
    """Version 4: per-row version history, so that two copies can be merged field by field.

    `row_versions` holds, for each row changed since this version, its current version id (`v`),
    the ids of its earlier versions (`h`, a JSON list) and the version in which each field last
    changed (`f`, a JSON object; a field missing there has not changed since the oldest version
    in `h`). A row with no entry is in its first known version, `<updated_at>~0`. Triggers keep
    it up to date, so no code that writes a record has to know about it.
    """
    db.conn.execute(
        "CREATE TABLE row_versions (table_name TEXT NOT NULL, item_id TEXT NOT NULL,"
        " v TEXT NOT NULL, h TEXT NOT NULL, f TEXT NOT NULL, PRIMARY KEY (table_name, item_id))"
    )
    install_version_triggers(db)


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migrate_1,
    2: _migrate_2,
    3: _migrate_3,
    4: _migrate_4,
}


def reindex(conn: sqlite3.Connection, table: str, item_id: str) -> None:
    """Update the shared search index for one row (drop it; re-add it if both may read it)."""
    select = _INDEX_SQL.get(table)
    if select is None:
        return
    conn.execute("DELETE FROM search_docs WHERE item_id = ?", (item_id,))
    conn.execute(
        "INSERT INTO search_docs (item_id, kind, title, body, when_on, session_id, action_id) "
        f"{select} WHERE id = ? AND {_visible_where(table)}",
        (item_id,),
    )


def connect() -> sqlite3.Connection:
    """A fresh in-memory connection that never spills to temp files."""
    conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


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


def load(data: bytes) -> sqlite3.Connection:
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
    try:
        conn.deserialize(data)
        conn.execute("PRAGMA temp_store=MEMORY")
        version = user_version(conn)
        has_pair = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pair'"
        ).fetchone()
    except (sqlite3.DatabaseError, MemoryError) as exc:
        conn.close()
        raise FileDamaged(
            "The journal's contents are damaged: its database cannot be read."
        ) from exc
    if version == 0 or not has_pair:
        conn.close()
        raise FileDamaged("The file's contents are not a journal database.")
    if version != SCHEMA_VERSION:
        import sqlite_utils

        try:
            migrate(sqlite_utils.Database(conn))
        except BaseException:
            conn.close()
            raise
    return conn


def deserialize(data: bytes) -> sqlite_utils.Database:
    """The database held in `data` as a sqlite-utils `Database` (see `load`)."""
    import sqlite_utils

    return sqlite_utils.Database(load(data))


def serialize(db: sqlite_utils.Database | sqlite3.Connection) -> bytes:
    """The whole main database as bytes (TEMP tables, the private search index, left out)."""
    conn = db if isinstance(db, sqlite3.Connection) else db.conn
    return bytes(conn.serialize())
