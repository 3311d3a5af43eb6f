"""The journal's SQLite schema: its tables, the shared search index, and versioned migrations.

Every record table has `id` (UUID text), `created_at`, `updated_at` (ISO-8601 text), `author`
(mentor | mentee) and `deleted_at` (a tombstone: rows are never removed, so two copies of a journal
can be merged field by field). Private text fields hold `PrivateCipher` tokens, never plaintext.
Each migration brings a database from the version before it to its own; `store.migrate` runs
them in order.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rmjournal.core.fields import (
    COLUMN_TYPES,
    FIRST_SCHEMA,
    LIFECYCLE_SCHEMA,
    added_in,
    latest_field_schema,
    private_fields,
)
from rmjournal.core.search_schema import INDEXED_TABLES, index_partner_notes, migrate_2, migrate_5

if TYPE_CHECKING:  # sqlite-utils is imported where a schema is created or migrated, not to read
    import sqlite_utils

DRAFTS_SINCE = 9
"""The schema whose migration creates the `drafts` table (`core/journal/drafts.py`)."""

SIGNING_SCHEMA = 10
"""The schema whose migration adds signed approvals and the pinned signing keys."""

SET_ASIDE_SINCE = 11
"""The schema whose migration adds the `set_aside` table and the authors' signature columns
(`_migrate_11`)."""

SCHEMA_VERSION = max(latest_field_schema(), DRAFTS_SINCE, SIGNING_SCHEMA, SET_ASIDE_SINCE)
"""The schema this code writes; `migrate()` brings older databases up to it. The hand-written
migrations end at `fields.FIRST_SCHEMA`; each later version adds the columns of the fields
(`fields.RECORD_FIELDS`) whose `since` it is."""

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

PRIVATE_FIELDS: dict[str, tuple[str, ...]] = private_fields()
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


def _migrate_6(db: sqlite_utils.Database) -> None:
    """Version 6: an index on `created_at` of every searchable table, for `recent()`.

    `recent()` wants the newest few items of each table; with the index SQLite reads them from
    the end of the index instead of sorting the whole table.
    """
    for table in INDEXED_TABLES:
        db.conn.execute(f"CREATE INDEX {table}_created ON {table}(created_at)")


MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = {
    1: _migrate_1,
    2: migrate_2,
    3: _migrate_3,
    4: _migrate_4,
    5: migrate_5,
    6: _migrate_6,
}


def _fill_agreed_on(db: sqlite_utils.Database) -> None:
    """Version 8 fills `actions.agreed_on` (its session's date, else the day it was written)
    and gives every goal the status `open` and no links.

    It runs before the triggers learn the new column, so filling it is no change to merge: two
    copies migrated apart compute the same day from the same (plaintext) columns.
    """
    db.conn.execute(
        "UPDATE actions SET agreed_on = coalesce("
        "(SELECT s.date FROM sessions s WHERE s.id = actions.agreed_in), substr(created_at, 1, 10))"
    )
    db.conn.execute("UPDATE goals SET status = 'open', links = '[]'")


FIELD_FILLS: dict[int, Callable[[sqlite_utils.Database], None]] = {8: _fill_agreed_on}
"""Schema version → what fills the columns that version adds, for rows older than them."""


def _field_migration(version: int) -> Callable[[sqlite_utils.Database], None]:
    """The migration to `version` made from the field table: add the new fields' columns."""

    def migrate(db: sqlite_utils.Database) -> None:
        for table, added in added_in(version).items():
            for f in added:
                kind = COLUMN_TYPES.get(f.kind, "TEXT")
                db.conn.execute(f"ALTER TABLE {table} ADD COLUMN {f.col} {kind}")
        if version in FIELD_FILLS:
            FIELD_FILLS[version](db)
        install_version_triggers(db)  # the new columns' changes are tracked for merging

    migrate.__doc__ = f"Version {version}: the columns of the fields added in it (fields.py)."
    return migrate


MIGRATIONS.update({v: _field_migration(v) for v in range(FIRST_SCHEMA + 1, SCHEMA_VERSION + 1)})


def _create_templates(db: sqlite_utils.Database) -> None:
    """The pair's own session templates and agreement texts (`core/template_store.py`).

    One record table for both (`kind` is "session" or "agreement"; `body` holds a template's
    topics as JSON or an agreement's Markdown), so copies merge them like every record.
    """
    db.table("templates").create(
        {"id": str, "kind": str, "name": str, "description": str, "body": str, "pack": str}
        | _common(),
        pk="id",
        not_null={"kind", "name", "body", "pack"},
    )


TEMPLATES_SINCE = 7
"""The schema whose migration creates the `templates` table (with that version's fields)."""


def _with_templates(
    fields_migration: Callable[[sqlite_utils.Database], None],
) -> Callable[[sqlite_utils.Database], None]:
    def migrate(db: sqlite_utils.Database) -> None:
        _create_templates(db)
        fields_migration(db)  # adds that version's columns and reinstalls the version triggers

    migrate.__doc__ = f"Version {TEMPLATES_SINCE}: the templates table, then the new fields."
    return migrate


MIGRATIONS[TEMPLATES_SINCE] = _with_templates(MIGRATIONS[TEMPLATES_SINCE])


def _migrate_8(db: sqlite_utils.Database) -> None:
    """Version 8: notes on an agenda item are kept per author.

    `notes` stays the notes of the item's author (the person who put it on the agenda: what the
    one `notes` of earlier versions was written into), and `partner_notes` (the field table's)
    holds the other partner's, so two people taking notes on one topic each write their own
    field and a merge never has to choose between them. NULL until the partner writes; a
    private item has none (only its author can write it). No stored value moves, so sealed text
    still opens (it is bound to its field's name) and the version history stays true. The
    search view reads the new column too.
    """
    _field_migration(8)(db)
    index_partner_notes(db)


MIGRATIONS[8] = _migrate_8


def _migrate_signing(db: sqlite_utils.Database) -> None:
    """Version 10: approvals are signatures, per variant; each person's signing key is pinned.

    `approvals.variant` names what was approved (NULL for the named summary, as every earlier
    approval was) and `approvals.signature` holds the approver's Ed25519 signature over it
    (`core/signing.py`); an approval without one reads as not approved. `signing_keys` holds one
    public key per role, signed by itself and, when both were present, by the partner. It is
    not merged like records: a merge only adds a key a copy lacks (`signing.merge_keys`).
    `slot_records` holds, per role, a counter and that person's signature over their key slots
    as they are, and `pair_key_history` the pair keys before a rekey, so keys follow the copies
    at a merge and a copy made before a rekey still opens (`vault_keys.py`).
    """
    db.conn.execute("ALTER TABLE approvals ADD COLUMN variant TEXT")
    db.conn.execute("ALTER TABLE approvals ADD COLUMN signature TEXT")
    db.conn.execute(
        "CREATE TABLE IF NOT EXISTS signing_keys (role TEXT PRIMARY KEY, public_key TEXT NOT NULL,"
        " self_signature TEXT NOT NULL, partner_signature TEXT, pinned_at TEXT NOT NULL)"
    )
    db.conn.execute(
        "CREATE TABLE IF NOT EXISTS slot_records (role TEXT PRIMARY KEY, counter INTEGER NOT NULL,"
        " digest TEXT NOT NULL, signature TEXT NOT NULL)"
    )
    db.conn.execute(
        "CREATE TABLE IF NOT EXISTS pair_key_history (key_id TEXT PRIMARY KEY,"
        " pair_key TEXT NOT NULL)"
    )
    install_version_triggers(db)  # the approvals' new columns are tracked for merging


def _with_signing(
    fields_migration: Callable[[sqlite_utils.Database], None] | None,
) -> Callable[[sqlite_utils.Database], None]:
    def migrate(db: sqlite_utils.Database) -> None:
        if fields_migration is not None:
            fields_migration(db)
        _migrate_signing(db)

    migrate.__doc__ = _migrate_signing.__doc__
    return migrate


MIGRATIONS[SIGNING_SCHEMA] = _with_signing(MIGRATIONS.get(SIGNING_SCHEMA))


SIGNED_TABLES = ("goals", "agenda_items", "entries", "actions", "follow_ups")
"""The record tables whose rows carry their author's signature (`signature`, schema 11); an
agenda item's partner notes carry their writer's (`partner_signature`)."""


def _migrate_11(
    fields_migration: Callable[[sqlite_utils.Database], None],
) -> Callable[[sqlite_utils.Database], None]:
    def migrate(db: sqlite_utils.Database) -> None:
        fields_migration(db)
        db.conn.execute(
            "CREATE TABLE set_aside (id TEXT PRIMARY KEY, table_name TEXT NOT NULL,"
            " item_id TEXT NOT NULL, reason TEXT NOT NULL, source TEXT NOT NULL,"
            " row TEXT NOT NULL, versions TEXT, found_at TEXT NOT NULL)"
        )
        for table in SIGNED_TABLES:
            db.conn.execute(f"ALTER TABLE {table} ADD COLUMN signature TEXT")
        db.conn.execute("ALTER TABLE agenda_items ADD COLUMN partner_signature TEXT")
        install_version_triggers(db)  # the signatures merge with their rows

    migrate.__doc__ = (
        f"Version {SET_ASIDE_SINCE}: rows that fail their checks are set aside in `set_aside`"
        " (kept whole: `core/journal/checks.py`), and what a person writes carries their"
        " signature (`core/journal/authorship.py`)."
    )
    return migrate


MIGRATIONS[SET_ASIDE_SINCE] = _migrate_11(MIGRATIONS[SET_ASIDE_SINCE])


PAIR_LIFECYCLE_COLUMNS: dict[str, str] = {
    "phase": "INTEGER",
    "review_held_on": "TEXT",
    "decision": "TEXT",
    "decided_on": "TEXT",
    "check_in_on": "TEXT",
    "phase_started_on": "TEXT",
    "plan_changes": "TEXT",
}
"""The pair's columns schema 12 adds: the phase, the review as an event, the decision, the
check-in date, and the log of every change to the plan and the agreement (JSON: who, when,
from what to what)."""


def _migrate_lifecycle(db: sqlite_utils.Database) -> None:
    """Version 12: the relationship's stages.

    The pair gains its phase (1 until a part two), the review held on a date, the decision and
    the check-in date, and the log of plan changes; actions gain their check-in (the field
    table's); the `opportunities` table holds what one partner offered the other. Older pairs
    are in phase 1 with no review held and no decision, so they read as they always did.
    """
    db.conn.execute(
        "CREATE TABLE IF NOT EXISTS opportunities (id TEXT PRIMARY KEY, created_at TEXT,"
        " updated_at TEXT, author TEXT, deleted_at TEXT)"
    )
    for column, kind in PAIR_LIFECYCLE_COLUMNS.items():
        db.conn.execute(f"ALTER TABLE pair ADD COLUMN {column} {kind}")
    db.conn.execute("UPDATE pair SET phase = 1, plan_changes = '[]'")
    _field_migration(LIFECYCLE_SCHEMA)(db)  # the field table's columns, then the triggers


MIGRATIONS[LIFECYCLE_SCHEMA] = _migrate_lifecycle


def _create_drafts(db: sqlite_utils.Database) -> None:
    """The reader's drafts (`core/journal/drafts.py`): what was typed in a dialog and not saved.

    Not a record table: drafts are not merged, exported only to their author, and removed
    outright. `body` is sealed with the author's personal key (title and field values as JSON).
    """
    db.conn.execute(
        "CREATE TABLE drafts (id TEXT PRIMARY KEY, author TEXT NOT NULL, place TEXT NOT NULL,"
        " body TEXT NOT NULL, created_at TEXT NOT NULL, updated_at TEXT NOT NULL)"
    )
    db.conn.execute("CREATE UNIQUE INDEX drafts_place ON drafts(author, place)")


def _with_drafts(
    fields_migration: Callable[[sqlite_utils.Database], None],
) -> Callable[[sqlite_utils.Database], None]:
    def migrate(db: sqlite_utils.Database) -> None:
        _create_drafts(db)
        fields_migration(db)

    migrate.__doc__ = f"Version {DRAFTS_SINCE}: the drafts table, then any new fields."
    return migrate


MIGRATIONS[DRAFTS_SINCE] = _with_drafts(MIGRATIONS[DRAFTS_SINCE])
