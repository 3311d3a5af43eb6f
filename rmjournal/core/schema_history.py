"""The journal's hand-written schema history: versions 1 to 6, frozen as they shipped.

These migrations created the record tables, the approvals and merge conflicts, the per-row
version history that merging relies on, and the indexes; they never change once released, so
they live apart from `schema.py`, which keeps the migration registry and every later version.
The list of record tables and the version triggers live here too because version 4 needs them;
they follow the current schema (later migrations call `install_version_triggers` again, and it
skips a table not yet created). This module does not import `schema.py`, which builds on it, so
the two cannot form a circle.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rmjournal.core.search_schema import INDEXED_TABLES, migrate_2, migrate_5

if TYPE_CHECKING:  # sqlite-utils is imported where a schema is created or migrated, not to read
    import sqlite_utils

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
    "opportunities",
)
"""Tables holding merge-able records (id, created_at, updated_at, author, deleted_at)."""


def common_columns() -> dict[str, type]:
    """The columns every merge-able table has besides `id`."""
    return {"created_at": str, "updated_at": str, "author": str, "deleted_at": str}


def _migrate_1(db: sqlite_utils.Database) -> None:
    """Version 1: the record tables."""
    c = common_columns()
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


def _migrate_3(db: sqlite_utils.Database) -> None:
    """Version 3: summary approvals and merge conflicts.

    An approval binds one partner to a hash of the summary's content; a conflict keeps the
    losing side of a field both copies changed, so a merge never silently drops anyone's words.
    Both carry the common record columns so that copies of a journal can merge them too.
    """
    c = common_columns()
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


def _migrate_6(db: sqlite_utils.Database) -> None:
    """Version 6: an index on `created_at` of every searchable table, for `recent()`.

    `recent()` wants the newest few items of each table; with the index SQLite reads them from
    the end of the index instead of sorting the whole table.
    """
    for table in INDEXED_TABLES:
        db.conn.execute(f"CREATE INDEX {table}_created ON {table}(created_at)")


HAND_WRITTEN_MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migrate_1,
    2: migrate_2,
    3: _migrate_3,
    4: _migrate_4,
    5: migrate_5,
    6: _migrate_6,
}
"""Schema version → the migration that brings a database from the version before it."""
