"""Export: a journal as the interchange document, as a dict or as JSON text built as it is read."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from typing import Any

from rmjournal.core.errors import JournalError
from rmjournal.core.fields import Field, document_fields, private_fields, to_document
from rmjournal.core.interchange.common import (
    FORMAT,
    VERSION,
)
from rmjournal.core.journal import Journal
from rmjournal.core.model import (
    ROLES,
    Person,
    joined_notes,
)
from rmjournal.text import json_safe


def _opt(obj: dict[str, Any], **optional: Any) -> dict[str, Any]:
    """`obj` with the optional fields that are not None."""
    obj.update({k: v for k, v in optional.items() if v is not None})
    return obj


def _pair_object(journal: Journal) -> dict[str, Any]:
    pair = journal.pair()
    if pair is None:
        raise JournalError("This journal has no pair yet, so there is nothing to export.")

    def person(p: Person) -> dict[str, Any]:
        return _opt({"name": p.name, "role": p.role}, network=p.network)

    goals = [to_document("goals", g) for g in journal.goals(order="stored") if not g.hidden]
    return _opt(
        {
            "id": pair.id,
            "title": pair.title,
            "mentor": person(pair.mentor),
            "mentee": person(pair.mentee),
            "started_on": pair.started_on.isoformat(),
            "cadence_days": pair.cadence_days,
            "planned_sessions": pair.planned_sessions,
            "review_on": pair.review_on.isoformat(),
            "agreement": pair.agreement,
            "goals": goals,
        },
        # Where the relationship stands (lifecycle.md), only once it has moved: a pair in its
        # first phase with no review held exports as it always did.
        phase=pair.phase if pair.phase > 1 else None,
        phase_started_on=_day(pair.phase_started_on),
        review_held_on=_day(pair.review_held_on),
        decision=pair.decision,
        decided_on=_day(pair.decided_on),
        check_in_on=_day(pair.check_in_on),
    )


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


# Rows straight from SQL into the document's dicts, grouped by session in one pass each: at
# 50,000 entries building `Entry` objects first took as long as everything else together. The
# columns read are the document's fields of each table (`fields.py`).
def _columns(table: str, alias: str = "") -> str:
    return ", ".join(f"{alias}{f.col}" for f in document_fields(table))


_SESSION_FIELDS = document_fields("sessions")
_AGENDA_FIELDS = document_fields("agenda_items")
_ENTRY_DOC_FIELDS = document_fields("entries")
_SESSIONS_SQL = f"""SELECT rowid, {_columns("sessions")}
    FROM sessions WHERE deleted_at IS NULL ORDER BY rowid"""  # noqa: S608 - fixed names
_ENTRIES_SQL = f"""SELECT s.rowid, {_columns("entries", "e.")}
    FROM sessions s JOIN entries e ON e.session_id = s.id
    WHERE s.deleted_at IS NULL AND e.deleted_at IS NULL ORDER BY s.rowid, e.rowid"""  # noqa: S608
_AGENDA_SQL = f"""SELECT s.rowid, {_columns("agenda_items", "a.")}, a.author, a.partner_notes
    FROM sessions s JOIN agenda_items a ON a.session_id = s.id
    WHERE s.deleted_at IS NULL AND a.deleted_at IS NULL
    ORDER BY s.rowid, a.session_id, a.position, a.rowid"""  # noqa: S608 - fixed names


PRIVATE_FIELDS = private_fields()


class _Encoded(str):
    """A document item already encoded as JSON (written out as it is)."""


# Each item on its line is compact (no spaces after "," and ":"), as SQLite's JSON functions
# write the entries. No circular-reference check: the document is built from rows, no cycles.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


def _json_object_sql(table: str, alias: str) -> str:
    """SQL building one row's document object with SQLite's JSON functions, keys in the
    document's order: the required fields, then each optional field only when it is not NULL."""
    fields = document_fields(table)

    def value(f: Field) -> str:
        return f"json(coalesce({alias}{f.col}, '[]'))" if f.kind == "tags" else f"{alias}{f.col}"

    required = ", ".join(f"'{f.doc_key}', {value(f)}" for f in fields if not f.optional)
    sql = f"json_object({required})"
    for f in fields:
        if f.optional:
            sql = (
                f"CASE WHEN {alias}{f.col} IS NULL THEN {sql}"
                f" ELSE json_insert({sql}, '$.{f.doc_key}', {value(f)}) END"
            )
    return sql


# Each session's shared entries as one JSON array, written by SQLite's JSON functions (compact,
# quoted exactly as `json.dumps(ensure_ascii=False)` quotes), and how many private entries of
# the reader's are among them (those are opened and written here). Sessions are read by rowid
# and each one's entries through idx_entries_session_id, so they come in rowid order, as the
# document lists them; test_json_export_is_the_document_encoded holds it to the dict path.
_ENTRY_ARRAYS_SQL = f"""SELECT s.rowid, json_group_array({_json_object_sql("entries", "e.")})
      FILTER (WHERE e.visibility != 'private'),
    sum(e.visibility = 'private' AND e.author = ?)
    FROM sessions s JOIN entries e ON e.session_id = s.id
    WHERE s.deleted_at IS NULL AND e.deleted_at IS NULL GROUP BY s.rowid ORDER BY s.rowid"""  # noqa: S608 - fixed SQL
_SESSION_ENTRIES_SQL = f"""SELECT NULL, {_columns("entries")} FROM entries
    WHERE session_id = ? AND deleted_at IS NULL
    AND (visibility != 'private' OR author = ?) ORDER BY rowid"""  # noqa: S608 - fixed names


def _iter_session_json(journal: Journal) -> Iterator[_Encoded]:
    """`_iter_sessions`, each session encoded as `_iter_lines` would encode its dict.

    The entries come as SQLite's JSON text (`_ENTRY_ARRAYS_SQL`), one array per session: at
    10,000 entries the whole document then takes 275 M instructions to build instead of 437 M
    with a Python f-string per entry (callgrind; docs/performance.md). A session holding the
    reader's own private entries is written from dicts instead, their text opened.
    """
    enc = _ENCODER.encode
    conn, me = journal.records, journal.me
    arrays = conn.execute(_ENTRY_ARRAYS_SQL, (me,))
    next_array = arrays.fetchone()
    for session in _iter_sessions(journal, with_entries=False):
        srowid = session.pop("_rowid")
        written = "[]"
        if next_array is not None and next_array[0] == srowid:
            _, written, mine_private = next_array
            next_array = arrays.fetchone()
            if mine_private:
                rows = conn.execute(_SESSION_ENTRIES_SQL, (session["id"], me)).fetchall()
                written = enc([_entry_object(journal, row) for row in rows])
        text = enc(session)
        # The entries go where the dict has them: after "agenda", before the optional fields.
        at = text.index(',"entries":[]')
        yield _Encoded(f'{text[:at]},"entries":{written}{text[at + 13 :]}')


def _plan(fields: tuple[Field, ...]) -> tuple[tuple[str, bool, Callable[[Any], Any] | None], ...]:
    """(key, optional, converter or None for "as stored") for each field, in order."""

    def convert(f: Field) -> Callable[[Any], Any]:
        return lambda stored: f.document_value(f.record_value(stored))

    return tuple(
        (f.doc_key, f.optional, None if f.kind in ("id", "text", "enum", "stamp") else convert(f))
        for f in fields
    )


_PLANS: dict[tuple[Field, ...], tuple[tuple[str, bool, Callable[[Any], Any] | None], ...]] = {}


def _row_object(fields: tuple[Field, ...], values: Sequence[Any], **nested: Any) -> dict[str, Any]:
    """One row's document object from its values (as `_columns` reads them), in the document's
    order: required keys, `nested` lists, then the optional keys that are not NULL."""
    plan = _PLANS.get(fields) or _PLANS.setdefault(fields, _plan(fields))
    out: dict[str, Any] = {}
    optional: list[tuple[str, Any]] = []
    for (key, is_optional, convert), stored in zip(plan, values, strict=True):
        value = stored if convert is None else convert(stored)
        if not is_optional:
            out[key] = value
        elif stored is not None:
            optional.append((key, value))
    out.update(nested)
    out.update(optional)
    return out


def _opened(journal: Journal, table: str, item_id: str, values: Sequence[Any]) -> list[Any]:
    """A private row's values (as `_columns` reads them) with its sealed fields opened."""
    records = journal.records
    return [
        records.open_field(item_id, f.col, v) if f.private and v is not None else v
        for f, v in zip(document_fields(table), values, strict=True)
    ]


_ENTRY_VISIBILITY = [f.name for f in _ENTRY_DOC_FIELDS].index("visibility")
_ENTRY_AUTHOR = [f.name for f in _ENTRY_DOC_FIELDS].index("author")
_AGENDA_VISIBILITY = [f.name for f in _AGENDA_FIELDS].index("visibility")


def _entry_object(journal: Journal, row: Sequence[Any]) -> dict[str, Any]:
    """One entry row (as `_ENTRIES_SQL` reads it) as the document holds it, opened if private."""
    values = row[1:]
    if values[_ENTRY_VISIBILITY] == "private":
        values = _opened(journal, "entries", values[0], values)
    return _row_object(_ENTRY_DOC_FIELDS, values)


def _iter_sessions(journal: Journal, *, with_entries: bool = True) -> Iterator[dict[str, Any]]:
    """Each live session as the document holds it, agenda and entries inside, as stored.

    `with_entries=False` leaves "entries" empty and adds the session's "_rowid" (for
    `_iter_session_json`, which reads the entries itself)."""
    conn, me = journal.records, journal.me
    entries = conn.execute(_ENTRIES_SQL if with_entries else "SELECT NULL WHERE 0")
    agenda = conn.execute(_AGENDA_SQL)
    next_entry = entries.fetchone()
    next_item = agenda.fetchone()
    for srow in conn.execute(_SESSIONS_SQL).fetchall():
        srowid = srow[0]
        items: list[dict[str, Any]] = []
        while next_item is not None and next_item[0] == srowid:
            values, author, partner_notes = next_item[1:-2], next_item[-2], next_item[-1]
            next_item = agenda.fetchone()
            if values[_AGENDA_VISIBILITY] == "private":
                if author != me:
                    continue
                values = _opened(journal, "agenda_items", values[0], values)
            item = _row_object(_AGENDA_FIELDS, values)
            by = _notes_by(author, item["notes"], partner_notes)
            item["notes"] = joined_notes(by.get("mentor", ""), by.get("mentee", ""))
            if set(by) - {item["raised_by"]}:  # not all the raiser's: `notes` would misattribute
                item["notes_by"] = by
            items.append(item)
        written: list[dict[str, Any]] = []
        while next_entry is not None and next_entry[0] == srowid:
            row = next_entry
            next_entry = entries.fetchone()
            if row[1 + _ENTRY_VISIBILITY] == "private" and row[1 + _ENTRY_AUTHOR] != me:
                continue
            written.append(_entry_object(journal, row))
        session = _row_object(_SESSION_FIELDS, srow[1:], agenda=items, entries=written)
        if not with_entries:
            session["_rowid"] = srowid
        yield session


def _notes_by(author: str, notes: str, partner_notes: str | None) -> dict[str, str]:
    """An agenda item's `notes_by`: each partner's own notes, by role, those who wrote any."""
    other = "mentee" if author == "mentor" else "mentor"
    by = {author: notes or "", other: partner_notes or ""}
    return {role: by[role] for role in ROLES if by[role]}


def _conflicts_list(journal: Journal) -> list[dict[str, Any]]:
    """Every merge conflict the reader may read, waiting or resolved, both values whole: the
    losing side of a field both copies changed is never lost from an export either. The
    partner's conflicts on their private items are left out, as their items are."""
    records, me = journal.records, journal.me
    found: list[dict[str, Any]] = []
    for r in records.query(
        "SELECT * FROM conflicts WHERE deleted_at IS NULL ORDER BY created_at, id"
    ):
        values = [json.loads(r["kept"]), json.loads(r["other"])]
        if r["field"] in PRIVATE_FIELDS.get(r["table_name"], ()):
            sealed = [isinstance(v, str) and journal.is_sealed(v) for v in values]
            if any(sealed) and r["author"] != me:
                continue
            values = [
                records.open_field(r["item_id"], r["field"], v) if was else v
                for v, was in zip(values, sealed, strict=True)
            ]
        found.append(
            _opt(
                {
                    "id": r["id"],
                    "table": r["table_name"],
                    "item_id": r["item_id"],
                    "field": r["field"],
                    "kept": values[0],
                    "other": values[1],
                    "created_at": r["created_at"],
                },
                author=r["author"],
                other_updated_at=r["other_updated_at"],
                resolved_at=r["resolved_at"],
            )
        )
    return found


def _actions_list(journal: Journal) -> list[dict[str, Any]]:
    return [
        to_document(
            "actions",
            a,
            follow_ups=[to_document("follow_ups", f) for f in a.follow_ups if not f.hidden],
        )
        for a in journal.actions(order="stored")
        if not a.hidden
    ]


def _document_fields(journal: Journal, *, encoded: bool = False) -> Iterator[tuple[str, Any]]:
    """The document's top-level fields in order; `sessions` as an iterator, built as read
    (with `encoded`, as JSON text: see `_iter_session_json`)."""
    pair = _pair_object(journal)
    yield "format", FORMAT
    yield "version", VERSION
    yield "exported_at", journal.records.now().isoformat(timespec="seconds")
    yield "exported_by", journal.me
    yield "pair", pair
    yield "sessions", _iter_session_json(journal) if encoded else _iter_sessions(journal)
    yield "actions", _actions_list(journal)
    yield (
        "prompts",
        [to_document("prompts", p) for p in journal.custom_prompts()],
    )
    opportunities = [
        to_document("opportunities", o) for o in journal.opportunities() if not o.hidden
    ]
    if opportunities:  # only then: a journal without any exports as it always did
        yield "opportunities", opportunities
    found = _conflicts_list(journal)
    if found:  # only then: a journal without conflicts exports as it always did
        yield "conflicts", found
    drafts = _drafts_list(journal)
    if drafts:  # only then, as for conflicts
        yield "drafts", drafts


def _drafts_list(journal: Journal) -> list[dict[str, Any]]:
    """The reader's own drafts (never the partner's: they are sealed for their author), each
    with where it was typed and every field's text whole."""
    return [
        {
            "id": d.id,
            "place": d.place,
            "title": d.title,
            "fields": d.fields,
            "created_at": d.created_at,
            "updated_at": d.updated_at,
        }
        for d in journal.drafts()
    ]


def export_document(journal: Journal) -> dict[str, Any]:
    """The journal as an interchange document: everything the reader may read, their own private
    items included and the partner's left out (they could not be kept private elsewhere)."""
    return {
        key: list(value) if isinstance(value, Iterator) else value
        for key, value in _document_fields(journal)
    }


def export_json(journal: Journal) -> str:
    """The interchange document as JSON text: one line per top-level field and per list item.

    Each session, action and goal sits on its own line (diffable, greppable) and the encoding
    stays in the fast C encoder; `json.dumps(indent=...)` is about ten times slower.
    """
    return "".join(iter_json(journal))


def iter_json(journal: Journal) -> Iterator[str]:
    """`export_json`'s text in pieces (one per session), so a large journal can be written out
    while it is read, without holding the whole document in memory."""
    return _iter_lines(_document_fields(journal, encoded=True))


def dumps_document(doc: dict[str, Any]) -> str:
    """`doc` as JSON text laid out as `export_json` describes (non-ASCII kept as is)."""
    return "".join(_iter_lines(iter(doc.items())))


def _iter_lines(fields: Iterator[tuple[str, Any]]) -> Iterator[str]:
    """The document's text in pieces, no raw control character in any (`json_safe`: DEL and C1
    pass both encoders raw, and the export is a file a terminal may show)."""
    for piece in _iter_raw_lines(fields):
        yield json_safe(piece)


def _iter_raw_lines(fields: Iterator[tuple[str, Any]]) -> Iterator[str]:
    plain = _ENCODER.encode

    def enc(value: Any) -> str:
        return value if type(value) is _Encoded else plain(value)

    yield "{\n"
    pending = next(fields, None)
    while pending is not None:
        key, value = pending
        following = next(fields, None)
        comma = "," if following is not None else ""
        items = iter(value) if isinstance(value, (list, Iterator)) else None
        first = next(items, None) if items is not None else None
        if items is not None and first is not None:
            yield f"  {enc(key)}: [\n    {enc(first)}"
            chunk: list[str] = []
            for item in items:
                chunk.append(f",\n    {enc(item)}")
                if len(chunk) >= 64:
                    yield "".join(chunk)
                    chunk = []
            yield "".join(chunk) + f"\n  ]{comma}\n"
        else:
            yield f"  {enc(key)}: {enc([] if items is not None else value)}{comma}\n"
        pending = following
    yield "}\n"
