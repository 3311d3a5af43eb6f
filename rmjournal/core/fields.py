"""Each record type's fields, spelled once: the table that drives columns, records, export,
validation, import and the summary's approval hash.

A `Field` names one value of a record as the model (`model.py`) calls it and says where it is
stored (`column`), what the interchange document calls it (`key`), what kind of value it is,
whether the document may leave it out, whether it is sealed when the item is private, whether
the summary's approval hash covers it, and from which schema version the column exists. The
rest of the core reads these tables instead of listing fields again:

- `schema.py` adds the column of every field whose `since` is after schema 6 (a migration of
  its own per version, made from this table);
- `journal/` turns a row into its model record (`to_record`);
- `interchange/` exports (`to_document`, `document_columns`), validates (`Field.kind`,
  `optional`, `allowed`, `minimum`) and imports (`to_row`) by these fields;
- `store.PRIVATE_FIELDS` and the summary's hash (`hashed`) come from here too.

So adding a field to a record type touches two places: its `Field` here, and the model's
named tuple. What is not a plain field stays where its rule lives: the pair's two people, who
the author of an imported item is, an agenda item's position, the follow-ups of an action.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, Literal, NamedTuple, TypeVar

from rmjournal.core.model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    CHECK_INS,
    ENTRY_KINDS,
    GOAL_STATUSES,
    OPPORTUNITY_STATUSES,
    OUTCOMES,
    OWNERS,
    PHASES,
    PROMPT_FOR,
    ROLES,
    SESSION_STATUSES,
    VISIBILITIES,
)

Kind = Literal["id", "text", "nonempty", "enum", "int", "date", "stamp", "tags"]

FIRST_SCHEMA = 6
"""The schema the hand-written migrations end at; a field with a later `since` is added by
`schema.py` from this table."""


class Field(NamedTuple):
    """One value of a record type (see the module docstring)."""

    name: str
    """The model record's attribute."""
    kind: Kind
    column: str = ""
    """The database column ("" = the same as `name`)."""
    key: str | None = ""
    """The document's key ("" = the same as `name`; None = not in the document)."""
    optional: bool = False
    """May be absent or null in the document (and is left out of it when None)."""
    allowed: tuple[str, ...] = ()
    """The words an `enum` field may hold."""
    minimum: int = 0
    """The smallest value an `int` field may hold."""
    private: bool = False
    """Sealed with the author's personal key when the item is private."""
    hashed: bool = False
    """Covered by the shareable summary's approval hash (when the item is shareable)."""
    since: int = 1
    """The schema version whose database first has the column."""

    @property
    def col(self) -> str:
        """The database column."""
        return self.column or self.name

    @property
    def doc_key(self) -> str:
        """The document's key (only for fields in the document)."""
        return self.key or self.name

    def record_value(self, stored: Any) -> Any:
        """The model's value for a stored (plaintext) column value."""
        if stored is None:
            return () if self.kind == "tags" else None
        if self.kind == "date":
            return date.fromisoformat(stored)
        if self.kind == "tags":
            return tuple(json.loads(stored or "[]"))
        if self.kind == "int":
            return int(stored)
        return stored

    def document_value(self, value: Any) -> Any:
        """The document's value for a model value (dates as ISO text, tags as a list)."""
        if value is None:
            return None
        if self.kind == "date":
            return value.isoformat()
        if self.kind == "tags":
            return list(value)
        return value

    def stored_value(self, value: Any) -> Any:
        """The column's value for a (valid) document value."""
        if self.kind == "tags":
            return json.dumps(value, ensure_ascii=False)
        return value


def _f(name: str, kind: Kind, **options: Any) -> Field:
    return Field(name, kind, **options)


LIFECYCLE_SCHEMA = 12
"""The schema that adds the relationship's stages: the pair's phase, review and decision, the
check-in on actions, and the opportunities table."""

NEW_TABLES: dict[str, int] = {"opportunities": LIFECYCLE_SCHEMA}
"""Record tables made after `FIRST_SCHEMA`, with the version that creates them: their fields may
be required (a row or document older than the table has none of them)."""

ID = _f("id", "id", hashed=True)
CREATED = _f("created_at", "stamp")
UPDATED = _f("updated_at", "stamp")

RECORD_FIELDS: dict[str, tuple[Field, ...]] = {
    "goals": (
        ID,
        _f("owner", "enum", allowed=ROLES, hashed=True),
        _f("text", "text", private=True, hashed=True),
        _f("visibility", "enum", allowed=VISIBILITIES),
        CREATED,
        UPDATED,
        _f("status", "enum", optional=True, allowed=GOAL_STATUSES, since=8),
        _f("status_note", "text", optional=True, private=True, since=8),
        _f("links", "tags", optional=True, since=8),
    ),
    "sessions": (
        ID,
        _f("number", "int", minimum=1),
        _f("date", "date"),
        _f("status", "enum", allowed=SESSION_STATUSES),
        CREATED,
        UPDATED,
        _f("duration_minutes", "int", optional=True),
        _f("place", "text", optional=True),
        _f("time", "text", optional=True, since=7),  # "HH:MM", checked by Journal
    ),
    "agenda_items": (
        ID,
        _f("topic", "text", private=True, hashed=True),
        _f("raised_by", "enum", allowed=ROLES, hashed=True),
        _f("notes", "text", private=True, hashed=True),
        _f("outcome", "enum", allowed=OUTCOMES, hashed=True),
        _f("visibility", "enum", allowed=VISIBILITIES),
        CREATED,
        UPDATED,
        _f("minutes", "int", optional=True, hashed=True),
        _f("carried_from", "id", optional=True),
        _f("action_id", "id", optional=True),
        _f("prompt", "text", optional=True, private=True, hashed=True),
        _f("session_id", "id", key=None),
        _f("position", "int", key=None),
        # The notes of the partner who did not put the item on the agenda (`notes` are the
        # author's); the document has them in `notes_by` (interchange/), not as a key.
        _f("partner_notes", "text", key=None, optional=True, private=True, since=8),
    ),
    "entries": (
        ID,
        _f("kind", "enum", allowed=ENTRY_KINDS, hashed=True),
        _f("author", "enum", allowed=ROLES, hashed=True),
        _f("text", "text", private=True, hashed=True),
        _f("prompt", "text", optional=True, private=True, hashed=True),
        _f("visibility", "enum", allowed=VISIBILITIES),
        _f("tags", "tags", private=True, hashed=True),
        CREATED,
        UPDATED,
        _f("session_id", "id", key=None),
    ),
    "actions": (
        ID,
        _f("title", "text", private=True, hashed=True),
        _f("detail", "text", private=True, hashed=True),
        _f("kind", "enum", allowed=ACTION_KINDS, hashed=True),
        _f("owner", "enum", allowed=OWNERS, hashed=True),
        _f("status", "enum", allowed=ACTION_STATUSES, hashed=True),
        _f("visibility", "enum", allowed=VISIBILITIES),
        _f("tags", "tags", private=True, hashed=True),
        CREATED,
        UPDATED,
        _f("agreed_in", "id", optional=True),
        _f("due_on", "date", optional=True, hashed=True),
        _f("closed_on", "date", optional=True, hashed=True),
        _f("author", "enum", allowed=ROLES, key=None),
        _f("agreed_on", "date", optional=True, since=8),
        _f("check_in", "enum", optional=True, allowed=CHECK_INS, since=LIFECYCLE_SCHEMA),
        _f("check_in_note", "text", optional=True, private=True, since=LIFECYCLE_SCHEMA),
        _f("checked_in_on", "date", optional=True, since=LIFECYCLE_SCHEMA),
    ),
    # Created by schema 12 (`schema.py`) with the common columns; these add the rest.
    "opportunities": (
        ID,
        _f("title", "nonempty", private=True, hashed=True, since=LIFECYCLE_SCHEMA),
        _f("offered_by", "enum", allowed=ROLES, hashed=True, since=LIFECYCLE_SCHEMA),
        _f("offered_on", "date", hashed=True, since=LIFECYCLE_SCHEMA),
        _f("status", "enum", allowed=OPPORTUNITY_STATUSES, hashed=True, since=LIFECYCLE_SCHEMA),
        _f("visibility", "enum", allowed=VISIBILITIES, since=LIFECYCLE_SCHEMA),
        CREATED,
        UPDATED,
        _f("outcome", "text", optional=True, private=True, hashed=True, since=LIFECYCLE_SCHEMA),
        _f("author", "enum", allowed=ROLES, key=None),
    ),
    "follow_ups": (
        ID,
        _f("on", "date", column="on_date"),
        _f("author", "enum", allowed=ROLES),
        _f("status", "enum", allowed=ACTION_STATUSES),
        _f("note", "text", private=True),
        _f("session", "id", column="session_id", optional=True),
        _f("action_id", "id", key=None),
    ),
    "prompts": (
        ID,
        _f("phase", "enum", allowed=PHASES),
        _f("for_", "enum", key="for", allowed=PROMPT_FOR),
        _f("text", "nonempty"),
        _f("pack", "text"),
    ),
}
"""Every record type but the pair (whose two people are nested), by table. The document writes
the required fields in this order, then any nested lists, then the optional fields in this
order; the sealed (private) columns are taken in this order too."""


def document_fields(table: str) -> tuple[Field, ...]:
    """The fields of `table` that the document holds, in the document's order of keys."""
    fields = [f for f in RECORD_FIELDS[table] if f.key is not None]
    return (*[f for f in fields if not f.optional], *[f for f in fields if f.optional])


def private_fields() -> dict[str, tuple[str, ...]]:
    """Table → the columns sealed when a row is private."""
    found = {t: tuple(f.col for f in fs if f.private) for t, fs in RECORD_FIELDS.items()}
    return {t: cols for t, cols in found.items() if cols}


def _converters(table: str) -> tuple[tuple[str, str, Callable[[Any], Any] | None], ...]:
    """(model name, column, converter or None for "as stored") for each field of `table`."""
    out = []
    for f in RECORD_FIELDS[table]:
        plain = f.kind not in ("date", "tags", "int")
        out.append((f.name, f.col, None if plain else f.record_value))
    return tuple(out)


_CONVERTERS = {table: _converters(table) for table in RECORD_FIELDS}


R = TypeVar("R")


def to_record(make: type[R], table: str, plain: Mapping[str, Any], **more: Any) -> R:
    """The model record (`make`, e.g. `model.Action`) of one plaintext row of `table`."""
    values = {
        name: plain[col] if convert is None else convert(plain[col])
        for name, col, convert in _CONVERTERS[table]
    }
    values.update(more)
    return make(**values)


def to_document(table: str, record: Any, **nested: Any) -> dict[str, Any]:
    """A model record as the document holds it: required keys, `nested` lists, then the
    optional keys that are not None."""
    out: dict[str, Any] = {}
    optional: list[Field] = []
    for f in document_fields(table):
        if f.optional:
            optional.append(f)
        else:
            out[f.doc_key] = f.document_value(getattr(record, f.name))
    out.update(nested)
    for f in optional:
        value = getattr(record, f.name)
        if value is not None:
            out[f.doc_key] = f.document_value(value)
    return out


def to_row(table: str, obj: Mapping[str, Any], **more: Any) -> dict[str, Any]:
    """The columns of `table` that a (valid) document object gives, plus `more`."""
    row = {
        f.col: f.stored_value(obj[f.doc_key]) if f.doc_key in obj else None
        for f in RECORD_FIELDS[table]
        if f.key is not None
    }
    row.update(more)
    return row


def hashed(table: str, record: Any) -> dict[str, Any]:
    """The values of `record` the summary's approval hash covers, by model name."""
    return {
        f.name: f.document_value(getattr(record, f.name))
        if f.kind == "date"
        else getattr(record, f.name)
        for f in RECORD_FIELDS[table]
        if f.hashed
    }


def added_in(version: int) -> dict[str, tuple[Field, ...]]:
    """Table → the fields whose columns schema `version` adds."""
    found = {t: tuple(f for f in fs if f.since == version) for t, fs in RECORD_FIELDS.items()}
    return {t: fs for t, fs in found.items() if fs}


def latest_field_schema() -> int:
    """The newest schema any field needs (at least `FIRST_SCHEMA`)."""
    return max([FIRST_SCHEMA, *(f.since for fs in RECORD_FIELDS.values() for f in fs)])


COLUMN_TYPES: dict[Kind, str] = {"int": "INTEGER"}
"""The SQLite type of a column added by a field (text unless named here)."""
