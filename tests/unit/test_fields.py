"""The field table (`core/fields.py`) agrees with the database, the model and the document, and
a field added to it reaches the schema by itself."""

from __future__ import annotations

import json

import pytest

from rmjournal.core import fields, model, schema, store
from rmjournal.core.fields import RECORD_FIELDS, Field

MODELS = {
    "goals": model.Goal,
    "sessions": model.Session,
    "agenda_items": model.AgendaItem,
    "entries": model.Entry,
    "actions": model.Action,
    "follow_ups": model.FollowUp,
    "prompts": model.Prompt,
    "opportunities": model.Opportunity,
}
NOT_FIELDS = {"hidden", "follow_ups", "builtin", "mentor_notes", "mentee_notes", "author"}
"""Model attributes that are not stored values of the record (made by the journal: an agenda
item's notes by each partner come from `notes`, `partner_notes` and its author, a column whose
rules live with the journal)."""
KEPT_APART = {
    "author", "deleted_at", "visibility", "created_at", "updated_at",
    "signature", "partner_signature",  # schema 11: the authors' signatures (journal/authorship)
}  # fmt: skip
"""Columns a table may hold without a field: their rules live with the journal and the import."""


@pytest.mark.parametrize("table", sorted(RECORD_FIELDS))
def test_every_field_is_a_column_and_every_column_a_field(table: str) -> None:
    db = store.new_database()
    columns = {r[1] for r in db.conn.execute(f"PRAGMA table_info({table})")}
    named = {f.col for f in RECORD_FIELDS[table]}
    assert named <= columns, named - columns
    assert columns - named <= KEPT_APART, columns - named - KEPT_APART


@pytest.mark.parametrize("table", sorted(RECORD_FIELDS))
def test_every_field_is_in_the_model_and_every_model_value_a_field(table: str) -> None:
    names = {f.name for f in RECORD_FIELDS[table]}
    model_fields = set(MODELS[table]._fields)
    assert names <= model_fields, names - model_fields
    assert model_fields - names <= NOT_FIELDS, model_fields - names - NOT_FIELDS


def test_fields_added_after_the_written_migrations_are_optional() -> None:
    for table, table_fields in RECORD_FIELDS.items():
        for f in table_fields:
            if f.since > fields.FIRST_SCHEMA and f.since != fields.NEW_TABLES.get(table):
                assert f.optional, f"{table}.{f.name}: old documents and rows lack it"


def test_the_document_writes_required_keys_before_optional_ones() -> None:
    for table in RECORD_FIELDS:
        optional = [f.optional for f in fields.document_fields(table)]
        assert optional == sorted(optional), table


def test_a_field_added_to_the_table_gets_its_column_and_is_tracked_for_merging(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = store.new_database()  # at the latest schema, before the field exists
    version = store.SCHEMA_VERSION + 1
    weight = Field("weight", "int", optional=True, since=version)
    monkeypatch.setitem(RECORD_FIELDS, "goals", (*RECORD_FIELDS["goals"], weight))
    assert fields.latest_field_schema() == version
    schema._field_migration(version)(db)
    cols = {r[1]: r[2] for r in db.conn.execute("PRAGMA table_info(goals)")}
    assert cols["weight"] == "INTEGER"
    stamp = "2026-07-20T09:00:00+00:00"
    db.conn.execute(
        "INSERT INTO goals (id, owner, text, visibility, created_at, updated_at, author)"
        " VALUES ('g', 'mentor', 'Listen', 'pair', ?, ?, 'mentor')",
        (stamp, stamp),
    )
    db.conn.execute("UPDATE goals SET weight = 3, updated_at = ? WHERE id = 'g'", (stamp,))
    (changed,) = db.conn.execute("SELECT f FROM row_versions WHERE item_id = 'g'").fetchone()
    assert "weight" in json.loads(changed)
    row = {"id": "g", "owner": "mentor", "text": "Listen", "visibility": "pair",
           "created_at": stamp, "updated_at": stamp, "status": "open", "status_note": None,
           "links": (), "weight": 3}  # fmt: skip
    assert fields.to_row("goals", {k: v for k, v in row.items()})["weight"] == 3
    assert fields.to_document("goals", type("G", (), row)())["weight"] == 3


def test_the_sealed_columns_come_from_the_table() -> None:
    assert store.PRIVATE_FIELDS["entries"] == ("text", "prompt", "tags")
    assert fields.private_fields() == store.PRIVATE_FIELDS
    assert "sessions" not in store.PRIVATE_FIELDS
