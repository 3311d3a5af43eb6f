"""Export: a journal as the interchange document, as a dict or as JSON text built as it is read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from typing import Any

from rmjournal.core.errors import JournalError
from rmjournal.core.interchange.common import (
    FORMAT,
    VERSION,
)
from rmjournal.core.journal import Journal
from rmjournal.core.model import (
    Person,
)


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

    goals = [
        {
            "id": g.id,
            "owner": g.owner,
            "text": g.text,
            "visibility": g.visibility,
            "created_at": g.created_at,
            "updated_at": g.updated_at,
        }
        for g in journal.goals()
        if not g.hidden
    ]
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
        }
    )


# Rows straight from SQL into the document's dicts, grouped by session in one pass each: at
# 50,000 entries building `Entry` objects first took as long as everything else together.
_SESSIONS_SQL = """SELECT rowid, id, number, date, status, created_at, updated_at,
    duration_minutes, place FROM sessions WHERE deleted_at IS NULL ORDER BY rowid"""
_ENTRIES_SQL = """SELECT s.rowid, e.id, e.kind, e.author, e.text, e.visibility, e.tags,
    e.created_at, e.updated_at, e.prompt
    FROM sessions s JOIN entries e ON e.session_id = s.id
    WHERE s.deleted_at IS NULL AND e.deleted_at IS NULL ORDER BY s.rowid, e.rowid"""
_AGENDA_SQL = """SELECT s.rowid, a.id, a.topic, a.raised_by, a.notes, a.outcome, a.visibility,
    a.created_at, a.updated_at, a.minutes, a.carried_from, a.action_id, a.prompt, a.author
    FROM sessions s JOIN agenda_items a ON a.session_id = s.id
    WHERE s.deleted_at IS NULL AND a.deleted_at IS NULL
    ORDER BY s.rowid, a.session_id, a.position, a.rowid"""


class _Encoded(str):
    """A document item already encoded as JSON (written out as it is)."""


# Each item on its line is compact (no spaces after "," and ":"), as SQLite's JSON functions
# write the entries. No circular-reference check: the document is built from rows, no cycles.
_ENCODER = json.JSONEncoder(ensure_ascii=False, check_circular=False, separators=(",", ":"))


# Each session's shared entries as one JSON array, written by SQLite's JSON functions (compact,
# quoted exactly as `json.dumps(ensure_ascii=False)` quotes), and how many private entries of
# the reader's are among them (those are opened and written here). Sessions are read by rowid
# and each one's entries through idx_entries_session_id, so they come in rowid order, as the
# document lists them; test_json_export_is_the_document_encoded holds it to the dict path.
_ENTRY_FIELDS = """'id', e.id, 'kind', e.kind, 'author', e.author, 'text', e.text,
    'visibility', e.visibility, 'tags', json(coalesce(e.tags, '[]')),
    'created_at', e.created_at, 'updated_at', e.updated_at"""  # the order `_entry_object` has
_ENTRY_ARRAYS_SQL = f"""SELECT s.rowid, json_group_array(CASE WHEN e.prompt IS NULL
      THEN json_object({_ENTRY_FIELDS}) ELSE json_object({_ENTRY_FIELDS}, 'prompt', e.prompt) END)
      FILTER (WHERE e.visibility != 'private'),
    sum(e.visibility = 'private' AND e.author = ?)
    FROM sessions s JOIN entries e ON e.session_id = s.id
    WHERE s.deleted_at IS NULL AND e.deleted_at IS NULL GROUP BY s.rowid ORDER BY s.rowid"""  # noqa: S608 - fixed SQL
_SESSION_ENTRIES_SQL = """SELECT NULL, id, kind, author, text, visibility, tags, created_at,
    updated_at, prompt FROM entries WHERE session_id = ? AND deleted_at IS NULL
    AND (visibility != 'private' OR author = ?) ORDER BY rowid"""


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
                written = enc([_entry_object(journal, row, {}) for row in rows])
        text = enc(session)
        # The entries go where the dict has them: after "agenda", before the optional fields.
        at = text.index(',"entries":[]')
        yield _Encoded(f'{text[:at]},"entries":{written}{text[at + 13 :]}')


def _entry_object(journal: Journal, row: Any, tag_lists: dict[str, list[str]]) -> dict[str, Any]:
    """One entry row (as `_ENTRIES_SQL` reads it) as the document holds it, opened if private."""
    _, eid, kind, author, text, vis, tags, ecreated, eupdated, prompt = row
    if vis == "private":
        records = journal.records
        text = records.open_field(eid, "text", text)
        tags = records.open_field(eid, "tags", tags)
        if prompt is not None:
            prompt = records.open_field(eid, "prompt", prompt)
    entry = {
        "id": eid,
        "kind": kind,
        "author": author,
        "text": text,
        "visibility": vis,
        "tags": list(
            tag_lists[tags]
            if tags in tag_lists
            else tag_lists.setdefault(tags, list(json.loads(tags or "[]")))
        ),
        "created_at": ecreated,
        "updated_at": eupdated,
    }
    if prompt is not None:
        entry["prompt"] = prompt
    return entry


def _iter_sessions(journal: Journal, *, with_entries: bool = True) -> Iterator[dict[str, Any]]:
    """Each live session as the document holds it, agenda and entries inside, as stored.

    `with_entries=False` leaves "entries" empty and adds the session's "_rowid" (for
    `_iter_session_json`, which reads the entries itself)."""
    conn, me = journal.records, journal.me
    tag_lists: dict[str, list[str]] = {}  # few distinct tag sets: parse each JSON text once
    entries = conn.execute(_ENTRIES_SQL if with_entries else "SELECT NULL WHERE 0")
    agenda = conn.execute(_AGENDA_SQL)
    next_entry = entries.fetchone()
    next_item = agenda.fetchone()
    for srowid, sid, number, day, status, created, updated, minutes, place in conn.execute(
        _SESSIONS_SQL
    ).fetchall():
        items: list[dict[str, Any]] = []
        while next_item is not None and next_item[0] == srowid:
            (_, iid, topic, raised, notes, outcome, vis, icreated, iupdated, iminutes,
             carried, action_id, prompt, author) = next_item  # fmt: skip
            next_item = agenda.fetchone()
            if vis == "private":
                if author != me:
                    continue
                topic = conn.open_field(iid, "topic", topic)
                notes = conn.open_field(iid, "notes", notes)
                if prompt is not None:
                    prompt = conn.open_field(iid, "prompt", prompt)
            item = {
                "id": iid,
                "topic": topic,
                "raised_by": raised,
                "notes": notes,
                "outcome": outcome,
                "visibility": vis,
                "created_at": icreated,
                "updated_at": iupdated,
            }
            if iminutes is not None:
                item["minutes"] = iminutes
            if carried is not None:
                item["carried_from"] = carried
            if action_id is not None:
                item["action_id"] = action_id
            if prompt is not None:
                item["prompt"] = prompt
            items.append(item)
        written: list[dict[str, Any]] = []
        while next_entry is not None and next_entry[0] == srowid:
            row = next_entry
            next_entry = entries.fetchone()
            if row[5] == "private" and row[3] != me:
                continue
            written.append(_entry_object(journal, row, tag_lists))
        session: dict[str, Any] = {
            "id": sid,
            "number": int(number),
            "date": date.fromisoformat(day).isoformat(),
            "status": status,
            "created_at": created,
            "updated_at": updated,
            "agenda": items,
            "entries": written,
        }
        if minutes is not None:
            session["duration_minutes"] = minutes
        if place is not None:
            session["place"] = place
        if not with_entries:
            session["_rowid"] = srowid
        yield session


def _actions_list(journal: Journal) -> list[dict[str, Any]]:
    actions = []
    for a in journal.actions(order="agreed"):
        if a.hidden:
            continue
        actions.append(
            _opt(
                {
                    "id": a.id,
                    "title": a.title,
                    "detail": a.detail,
                    "kind": a.kind,
                    "owner": a.owner,
                    "status": a.status,
                    "visibility": a.visibility,
                    "tags": list(a.tags),
                    "created_at": a.created_at,
                    "updated_at": a.updated_at,
                    "follow_ups": [
                        _opt(
                            {
                                "id": f.id,
                                "on": f.on.isoformat(),
                                "author": f.author,
                                "status": f.status,
                                "note": f.note,
                            },
                            session=f.session,
                        )
                        for f in a.follow_ups
                        if not f.hidden
                    ],
                },
                agreed_in=a.agreed_in,
                due_on=a.due_on.isoformat() if a.due_on else None,
                closed_on=a.closed_on.isoformat() if a.closed_on else None,
            )
        )
    return actions


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
        [
            {"id": p.id, "phase": p.phase, "for": p.for_, "text": p.text, "pack": p.pack}
            for p in journal.custom_prompts()
        ],
    )


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
