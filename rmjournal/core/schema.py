"""The journal's SQLite schema: its tables, the shared search index, and versioned migrations.

Every record table has `id` (UUID text), `created_at`, `updated_at` (ISO-8601 text), `author`
(mentor | mentee) and `deleted_at` (a tombstone: rows are never removed, so two copies of a journal
can be merged field by field). Private text fields hold `PrivateCipher` tokens, never plaintext.
Each migration brings a database from the version before it to its own; `store.migrate` runs
them in order. The frozen hand-written versions 1 to 6 live in `schema_history.py`; this module
keeps the registry and every later version.
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
from rmjournal.core.schema_history import (
    HAND_WRITTEN_MIGRATIONS,
    common_columns,
    install_version_triggers,
)
from rmjournal.core.search_schema import index_partner_notes

if TYPE_CHECKING:  # sqlite-utils is imported where a schema is created or migrated, not to read
    import sqlite_utils

DRAFTS_SINCE = 9
"""The schema whose migration creates the `drafts` table (`core/journal/drafts.py`)."""

SIGNING_SCHEMA = 10
"""The schema whose migration adds signed approvals and the pinned signing keys."""

SET_ASIDE_SINCE = 11
"""The schema whose migration adds the `set_aside` table and the authors' signature columns
(`_migrate_11`)."""

BATCHES_SINCE = 13
"""The schema whose migration adds `signature_batches`: one authorship signature over the
digests of many rows written together (an import), `core/journal/authorship.py`."""

SCHEMA_VERSION = max(
    latest_field_schema(), DRAFTS_SINCE, SIGNING_SCHEMA, SET_ASIDE_SINCE, BATCHES_SINCE
)
"""The schema this code writes; `migrate()` brings older databases up to it. The hand-written
migrations end at `fields.FIRST_SCHEMA`; each later version adds the columns of the fields
(`fields.RECORD_FIELDS`) whose `since` it is."""

PRIVATE_FIELDS: dict[str, tuple[str, ...]] = private_fields()
"""The text columns sealed with the author's personal key when a row is private."""

MIGRATIONS: dict[int, Callable[[sqlite_utils.Database], None]] = dict(HAND_WRITTEN_MIGRATIONS)
"""Schema version → its migration: the frozen history (`schema_history.py`), then the rest."""


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
        | common_columns(),
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
    at a merge and a copy made before a rekey still opens (`slot_records.py`, `vault_keys.py`).
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


def _with_batches(
    fields_migration: Callable[[sqlite_utils.Database], None] | None,
) -> Callable[[sqlite_utils.Database], None]:
    def migrate(db: sqlite_utils.Database) -> None:
        if fields_migration is not None:
            fields_migration(db)
        db.conn.execute(
            "CREATE TABLE IF NOT EXISTS signature_batches (id TEXT PRIMARY KEY,"
            " role TEXT NOT NULL, digests BLOB NOT NULL, signature TEXT NOT NULL)"
        )

    migrate.__doc__ = (
        f"Version {BATCHES_SINCE}: `signature_batches`, each one person's signature over the"
        " digests of many rows they wrote together; such a row's `signature` names its batch"
        " and its place in it (`core/journal/authorship.py`). Rows signed one by one stay so."
    )
    return migrate


MIGRATIONS[BATCHES_SINCE] = _with_batches(MIGRATIONS.get(BATCHES_SINCE))


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
