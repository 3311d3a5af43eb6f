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

SCHEMA_VERSION = 6
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
    "templates",
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
        if not cols:  # a table a later migration creates (and then calls this again)
            continue
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


def _tag_words(table: str) -> str:
    """SQL for a row's tags as words, as `group_concat(value, ' ')` over `json_each` gives them.

    Without `json_each`: FTS5 reads external content with statements that may not use virtual
    tables (table-valued functions included), so the view below walks the array by index.
    """
    tags = f"{table}.tags"
    return (
        f" (WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t"  # noqa: S608
        f" WHERE i + 1 < json_array_length({tags}))"
        f" SELECT coalesce(group_concat(json_extract({tags}, '$[' || i || ']'), ' '), '')"
        f" FROM t WHERE i < json_array_length({tags}))"
    )


# Schema 5's index, per table: kind, title, body, date, session, action. The title and body are
# read from the record itself (the `search_docs` view), never stored a second time.
_INDEX_COLUMNS: dict[str, tuple[str, str, str, str, str, str]] = {
    "entries": (
        "'entry'",
        "coalesce(entries.prompt, '')",
        "entries.text || ' ' ||" + _tag_words("entries"),
        "substr(entries.created_at, 1, 10)",
        "entries.session_id",
        "NULL",
    ),
    "agenda_items": (
        "'agenda'",
        "agenda_items.topic",
        "agenda_items.notes || ' ' || coalesce(agenda_items.prompt, '')",
        "substr(agenda_items.created_at, 1, 10)",
        "agenda_items.session_id",
        "agenda_items.action_id",
    ),
    "actions": (
        "'action'",
        "actions.title",
        "actions.detail || ' ' ||" + _tag_words("actions"),
        "substr(actions.created_at, 1, 10)",
        "actions.agreed_in",
        "actions.id",
    ),
    "follow_ups": (
        "'follow_up'",
        "''",
        "follow_ups.note",
        "follow_ups.on_date",
        "follow_ups.session_id",
        "follow_ups.action_id",
    ),
    "goals": ("'goal'", "''", "goals.text", "substr(goals.created_at, 1, 10)", "NULL", "NULL"),
}


def _index_insert(table: str, where: str) -> str:
    """SQL adding the shared index's row for the items of `table` matching `where`, if visible."""
    kind, _title, _body, when, session, action = _INDEX_COLUMNS[table]
    return (
        "INSERT INTO search_items (item_id, kind, when_on, session_id, action_id)"  # noqa: S608
        f" SELECT {table}.id, {kind}, {when}, {session}, {action} FROM {table}"
        f" WHERE {where} AND {_visible_where(table)}"
    )


def _migrate_5(db: sqlite_utils.Database) -> None:
    """Version 5: the search index no longer keeps a second copy of every shared text.

    `search_items` keeps what a hit needs besides its text (item id, kind, date, session,
    action); the view `search_docs` (same columns as the version-2 table) joins each to the title
    and body of its record, and `search_fts` is an external-content FTS5 index over that view, so
    `snippet()` reads the records' own text. Triggers on the indexed tables keep it up to date:
    before a row changes its index entry is removed (the FTS5 'delete' needs the text as it was
    indexed, which the view still shows then), after it changes it is added again if both
    partners may read it. Private and deleted rows are never indexed.
    """
    conn = db.conn
    arms = " UNION ALL ".join(
        f"SELECT i.rowid AS rowid, i.item_id AS item_id, i.kind AS kind, {title} AS title,"  # noqa: S608
        f" {body} AS body, i.when_on AS when_on, i.session_id AS session_id,"
        f" i.action_id AS action_id FROM search_items i JOIN {table} ON {table}.id = i.item_id"
        f" WHERE i.kind = {kind}"
        for table, (kind, title, body, _w, _s, _a) in _INDEX_COLUMNS.items()
    )
    conn.executescript(
        f"""
        DROP TRIGGER search_docs_ai;
        DROP TRIGGER search_docs_ad;
        DROP TABLE search_fts;
        CREATE TABLE search_items (
            rowid INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            when_on TEXT, session_id TEXT, action_id TEXT);
        INSERT INTO search_items (rowid, item_id, kind, when_on, session_id, action_id)
            SELECT rowid, item_id, kind, when_on, session_id, action_id FROM search_docs;
        DROP TABLE search_docs;
        CREATE VIEW search_docs AS {arms};
        CREATE VIRTUAL TABLE search_fts USING fts5(
            title, body, content='search_docs', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2');
        INSERT INTO search_fts(search_fts) VALUES ('rebuild');
        CREATE TRIGGER search_items_bd BEFORE DELETE ON search_items BEGIN
            INSERT INTO search_fts(search_fts, rowid, title, body)
            SELECT 'delete', rowid, title, body FROM search_docs WHERE rowid = old.rowid;
        END;
        CREATE TRIGGER search_items_ai AFTER INSERT ON search_items BEGIN
            INSERT INTO search_fts(rowid, title, body)
            SELECT rowid, title, body FROM search_docs WHERE rowid = new.rowid;
        END;
        """  # noqa: S608 - fixed names and SQL from this module
    )
    for table in _INDEX_COLUMNS:
        for when, op in (("BEFORE", "UPDATE"), ("BEFORE", "DELETE")):
            conn.execute(
                f"CREATE TRIGGER {table}_search_{when[0].lower()}{op[0].lower()} {when} {op}"  # noqa: S608
                f" ON {table} BEGIN DELETE FROM search_items WHERE item_id = OLD.id; END"
            )
        for op in ("INSERT", "UPDATE"):
            conn.execute(
                f"CREATE TRIGGER {table}_search_a{op[0].lower()} AFTER {op} ON {table}"
                f" BEGIN {_index_insert(table, f'{table}.id = NEW.id')}; END"
            )
    # One b-tree segment: else FTS5's automerge rewrites the rebuilt segments over the next few
    # writes (about 2.7 MB of free pages at 50,000 entries). Then give the pages of the dropped
    # copy back, so the saved body shrinks with the change.
    conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    conn.execute("VACUUM")


def _migrate_6(db: sqlite_utils.Database) -> None:
    """Version 6: a session's time of day, and the pair's own session templates and agreement
    texts (`core/template_store.py`).

    One record table for both (`kind` is "session" or "agreement"; `body` holds a template's
    topics as JSON or an agreement's Markdown), so copies merge them like every record.
    """
    db.table("templates").create(
        {
            "id": str,
            "kind": str,
            "name": str,
            "description": str,
            "body": str,
            "pack": str,
            **_common(),
        },
        pk="id",
        not_null={"kind", "name", "body", "pack"},
    )
    db.conn.execute("ALTER TABLE sessions ADD COLUMN time TEXT")  # "HH:MM", for calendars
    install_version_triggers(db)


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migrate_1,
    2: _migrate_2,
    3: _migrate_3,
    4: _migrate_4,
    5: _migrate_5,
    6: _migrate_6,
}


def reindex(conn: sqlite3.Connection, table: str, item_id: str) -> None:
    """Refresh the shared search index for one row (drop it; re-add it if both may read it).

    Since schema 5 triggers do this whenever an indexed row is written, so writers need not
    call it; it stays for rebuilding or checking the index.
    """
    if table not in _INDEX_COLUMNS:
        return
    conn.execute("DELETE FROM search_items WHERE item_id = ?", (item_id,))
    conn.execute(_index_insert(table, f"{table}.id = ?"), (item_id,))


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
        _harden(conn)
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
