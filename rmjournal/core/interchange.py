"""The JSON interchange format (`rmjournal-export`, version 1): export, validation and import.

The one plaintext form of a journal (design/interchange.md). Import validates the whole document
first and reports every problem with its JSON path, then merges by id in one transaction (the
newer `updated_at` wins, nothing is ever deleted), so a document with any problem changes nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from rmjournal.core.errors import InvalidImport, JournalError, Problem
from rmjournal.core.journal import Journal, Row
from rmjournal.core.model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    ENTRY_KINDS,
    OUTCOMES,
    OWNERS,
    PHASES,
    PROMPT_FOR,
    ROLES,
    SESSION_STATUSES,
    VISIBILITIES,
    Pair,
    Person,
    Role,
)

FORMAT = "rmjournal-export"
VERSION = 1

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
_TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")

MAX_NUMBER = 100_000
"""The largest count an import accepts (session numbers, minutes, days between sessions): far
above any real journal, far below what SQLite (64-bit integers) or date arithmetic overflows on."""


def _is_unicode(text: str) -> bool:
    """Whether `text` can be stored: JSON's `\\ud800` escapes give lone surrogates, not text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(value: Any) -> str:
    """A value from a document, short and safe to quote in one line of a message."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
        return text if len(text) <= 40 else text[:37] + "…"
    return "a list" if isinstance(value, list) else "an object"


class ImportReport:
    """What an import did: records added, updated (the document's copy was newer) and left."""

    def __init__(self) -> None:
        self.added = self.updated = self.left = 0

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.left} left as they were."


# ---------------------------------------------------------------------------- export


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
    duration_minutes, place, time FROM sessions WHERE deleted_at IS NULL ORDER BY rowid"""
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
    for srowid, sid, number, day, status, created, updated, minutes, place, at in conn.execute(
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
        if at is not None:
            session["time"] = at
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


# ---------------------------------------------------------------------------- validation


def parse_document(text: str | bytes) -> Any:
    """The JSON value in `text`; `InvalidImport` if it is not JSON at all."""
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text)
    except UnicodeDecodeError:
        raise InvalidImport(
            [Problem("", "the file is not UTF-8 text, so it is not JSON")]
        ) from None
    except json.JSONDecodeError as exc:
        raise InvalidImport(
            [
                Problem(
                    "", f"the file is not JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
                )
            ]
        ) from None
    except RecursionError:
        raise InvalidImport(
            [Problem("", "the file is not JSON this tool can read (nested too deeply)")]
        ) from None
    except ValueError:  # a number with thousands of digits (Python's int conversion limit)
        raise InvalidImport(
            [Problem("", "the file is not JSON this tool can read (a number is far too long)")]
        ) from None


class _Checker:
    """Walks a document collecting every problem with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(self, value: Any, path: str) -> dict[str, Any] | None:
        if not isinstance(value, dict):
            self.add(path, "expected an object")
            return None
        return value

    def field(
        self,
        obj: dict[str, Any],
        key: str,
        path: str,
        check: Callable[[Any, str], bool],
        *,
        optional: bool = False,
    ) -> Any:
        """The value at `key` if present and valid (None otherwise; a problem if required)."""
        where = f"{path}.{key}" if path else key
        if key not in obj or (optional and obj[key] is None):
            if not optional:
                self.add(where, "missing")
            return None
        value = obj[key]
        return value if check(value, where) else None

    def text(self, value: Any, path: str) -> bool:
        if isinstance(value, str) and _is_unicode(value):
            return True
        if isinstance(value, str):
            self.add(path, "expected text, not an escape that stands for no character")
        else:
            self.add(path, "expected text")
        return False

    def nonempty(self, value: Any, path: str) -> bool:
        if not self.text(value, path):
            return False
        if not value.strip():
            self.add(path, "expected some text, not an empty string")
            return False
        return True

    def integer(self, minimum: int) -> Callable[[Any, str], bool]:
        def check(value: Any, path: str) -> bool:
            if isinstance(value, bool) or not isinstance(value, int):
                self.add(path, "expected a whole number")
                return False
            if not minimum <= value <= MAX_NUMBER:
                self.add(path, f"expected a whole number from {minimum} to {MAX_NUMBER}")
                return False
            return True

        return check

    def enum(self, allowed: Sequence[str]) -> Callable[[Any, str], bool]:
        def check(value: Any, path: str) -> bool:
            if value not in allowed or not isinstance(value, str):
                self.add(path, f"expected one of {', '.join(allowed)}")
                return False
            return True

        return check

    def uuid(self, value: Any, path: str) -> bool:
        if isinstance(value, str):
            import uuid  # only when validating an import: keeps it off `export`'s start-up

            try:
                uuid.UUID(value)
                return True
            except ValueError:
                pass
        self.add(path, "expected an id (a UUID like 4bc7344e-257b-5325-aee9-49831131e6b9)")
        return False

    def time_of_day(self, value: Any, path: str) -> bool:
        if isinstance(value, str) and _TIME.match(value):
            return True
        self.add(path, "expected a time of day like 14:30")
        return False

    def date(self, value: Any, path: str) -> bool:
        if isinstance(value, str) and _DATE.match(value):
            try:
                date.fromisoformat(value)
                return True
            except ValueError:
                pass
        self.add(path, "expected a date like 2026-03-05")
        return False

    def stamp(self, value: Any, path: str) -> bool:
        if isinstance(value, str) and _TS.match(value):
            try:
                datetime.fromisoformat(value)
                return True
            except ValueError:
                pass
        self.add(path, "expected a timestamp with its offset, like 2026-03-05T18:00:00+00:00")
        return False

    def tags(self, value: Any, path: str) -> bool:
        if not isinstance(value, list):
            self.add(path, "expected a list of text")
            return False
        ok = True
        for i, tag in enumerate(value):
            if not self.text(tag, f"{path}[{i}]"):
                ok = False
        return ok

    def items(self, obj: dict[str, Any], key: str, path: str) -> list[tuple[str, dict[str, Any]]]:
        """The objects of the list at `key`, each with its path."""
        where = f"{path}.{key}" if path else key
        if key not in obj:
            self.add(where, "missing")
            return []
        value = obj[key]
        if not isinstance(value, list):
            self.add(where, "expected a list")
            return []
        out = []
        for i, item in enumerate(value):
            checked = self.obj(item, f"{where}[{i}]")
            if checked is not None:
                out.append((f"{where}[{i}]", checked))
        return out


class _Seen(NamedTuple):
    """An id found in the document: where, which table, whose, and how visible."""

    path: str
    table: str
    author: str | None
    visibility: Any


def validate_document(doc: Any, journal: Journal | None = None) -> list[Problem]:
    """Every problem in `doc` (with its JSON path); empty if it can be imported into `journal`."""
    c = _Checker()
    top = c.obj(doc, "")
    if top is None:
        c.problems = [Problem("", "expected a JSON object (an rmjournal export)")]
        return c.problems
    if top.get("format") != FORMAT:
        c.add("format", f"expected {FORMAT!r}: this is not an rmjournal export")
    version = top.get("version")
    if version != VERSION or isinstance(version, bool):
        c.add(
            "version", f"unknown version {_shown(version)}; this rmjournal reads version {VERSION}"
        )
        return c.problems
    c.field(top, "exported_at", "", c.stamp)
    exported_by = c.field(top, "exported_by", "", c.enum(ROLES))
    me = journal.me if journal is not None else exported_by
    seen: dict[str, _Seen] = {}

    def record_id(obj: dict[str, Any], path: str, table: str, author: Any, visibility: Any) -> None:
        item_id = c.field(obj, "id", path, c.uuid)
        if item_id is None:
            return
        if item_id in seen:
            c.add(f"{path}.id", f"the same id is used at {seen[item_id].path}.id")
            return
        seen[item_id] = _Seen(path, table, author, visibility)
        if visibility == "private" and author in ROLES and me in ROLES and author != me:
            c.add(
                path,
                f"a private item of the {author} cannot be imported by the {me}: "
                "it could not be kept private to its author",
            )

    def stamps(obj: dict[str, Any], path: str) -> None:
        c.field(obj, "created_at", path, c.stamp)
        c.field(obj, "updated_at", path, c.stamp)

    # pair
    pair = c.obj(top.get("pair"), "pair") if "pair" in top else None
    if "pair" not in top:
        c.add("pair", "missing")
    if pair is not None:
        pair_id = c.field(pair, "id", "pair", c.uuid)
        c.field(pair, "title", "pair", c.text)
        for side in ROLES:
            if side not in pair:
                c.add(f"pair.{side}", "missing")
                continue
            person = c.obj(pair[side], f"pair.{side}")
            if person is not None:
                c.field(person, "name", f"pair.{side}", c.nonempty)
                c.field(person, "role", f"pair.{side}", c.text)
                c.field(person, "network", f"pair.{side}", c.text, optional=True)
        c.field(pair, "started_on", "pair", c.date)
        c.field(pair, "cadence_days", "pair", c.integer(1))
        c.field(pair, "planned_sessions", "pair", c.integer(1))
        c.field(pair, "review_on", "pair", c.date)
        c.field(pair, "agreement", "pair", c.text)
        for path, goal in c.items(pair, "goals", "pair"):
            owner = c.field(goal, "owner", path, c.enum(ROLES))
            visibility = c.field(goal, "visibility", path, c.enum(VISIBILITIES))
            record_id(goal, path, "goals", owner, visibility)
            c.field(goal, "text", path, c.text)
            stamps(goal, path)
        if journal is not None and pair_id is not None and not journal.is_empty():
            current = journal.pair()
            if current is not None and current.id != pair_id:
                c.add(
                    "pair.id",
                    "this document belongs to another pair (its pair id is not this journal's)",
                )

    # sessions
    for path, s in c.items(top, "sessions", ""):
        record_id(s, path, "sessions", None, None)
        c.field(s, "number", path, c.integer(1))
        c.field(s, "date", path, c.date)
        c.field(s, "status", path, c.enum(SESSION_STATUSES))
        c.field(s, "duration_minutes", path, c.integer(0), optional=True)
        c.field(s, "place", path, c.text, optional=True)
        c.field(s, "time", path, c.time_of_day, optional=True)
        stamps(s, path)
        for apath, item in c.items(s, "agenda", path):
            raised = c.field(item, "raised_by", apath, c.enum(ROLES))
            visibility = c.field(item, "visibility", apath, c.enum(VISIBILITIES))
            record_id(item, apath, "agenda_items", raised, visibility)
            c.field(item, "topic", apath, c.text)
            c.field(item, "minutes", apath, c.integer(0), optional=True)
            c.field(item, "notes", apath, c.text)
            c.field(item, "outcome", apath, c.enum(OUTCOMES))
            c.field(item, "carried_from", apath, c.uuid, optional=True)
            c.field(item, "action_id", apath, c.uuid, optional=True)
            c.field(item, "prompt", apath, c.text, optional=True)
            stamps(item, apath)
        for epath, entry in c.items(s, "entries", path):
            author = c.field(entry, "author", epath, c.enum(ROLES))
            visibility = c.field(entry, "visibility", epath, c.enum(VISIBILITIES))
            record_id(entry, epath, "entries", author, visibility)
            c.field(entry, "kind", epath, c.enum(ENTRY_KINDS))
            c.field(entry, "prompt", epath, c.text, optional=True)
            c.field(entry, "text", epath, c.text)
            c.field(entry, "tags", epath, c.tags)
            stamps(entry, epath)

    # actions
    for path, a in c.items(top, "actions", ""):
        owner = c.field(a, "owner", path, c.enum(OWNERS))
        visibility = c.field(a, "visibility", path, c.enum(VISIBILITIES))
        author = owner if owner in ROLES else exported_by
        record_id(a, path, "actions", author, visibility)
        c.field(a, "title", path, c.text)
        c.field(a, "detail", path, c.text)
        c.field(a, "kind", path, c.enum(ACTION_KINDS))
        c.field(a, "agreed_in", path, c.uuid, optional=True)
        c.field(a, "due_on", path, c.date, optional=True)
        c.field(a, "status", path, c.enum(ACTION_STATUSES))
        c.field(a, "closed_on", path, c.date, optional=True)
        c.field(a, "tags", path, c.tags)
        stamps(a, path)
        for fpath, f in c.items(a, "follow_ups", path):
            fauthor = c.field(f, "author", fpath, c.enum(ROLES))
            record_id(f, fpath, "follow_ups", fauthor, visibility)
            c.field(f, "on", fpath, c.date)
            c.field(f, "session", fpath, c.uuid, optional=True)
            c.field(f, "status", fpath, c.enum(ACTION_STATUSES))
            c.field(f, "note", fpath, c.text)

    # prompts
    for path, p in c.items(top, "prompts", ""):
        record_id(p, path, "prompts", None, None)
        c.field(p, "phase", path, c.enum(PHASES))
        c.field(p, "for", path, c.enum(PROMPT_FOR))
        c.field(p, "text", path, c.nonempty)
        c.field(p, "pack", path, c.text)

    # against the journal: an id may not change table, nor overwrite the partner's private item
    if journal is not None:
        known = journal.record_ids()
        for item_id, where in seen.items():
            if item_id not in known:
                continue
            table, visibility, author = known[item_id]
            if table != where.table:
                c.add(
                    f"{where.path}.id",
                    "this id already belongs to another kind of item in the journal",
                )
            elif visibility == "private" and author != journal.me:
                c.add(
                    f"{where.path}.id",
                    "this id belongs to your partner's private item in the journal",
                )
    return c.problems


# ---------------------------------------------------------------------------- import


def _newer(doc_stamp: str, stored_stamp: str) -> bool:
    return datetime.fromisoformat(doc_stamp) > datetime.fromisoformat(stored_stamp)


def import_document(journal: Journal, doc: Any) -> ImportReport:
    """Validate `doc` completely, then merge it into `journal` by id in one transaction.

    `InvalidImport` (listing every problem) and no change at all if anything is wrong.
    """
    problems = validate_document(doc, journal)
    if problems:
        raise InvalidImport(problems)
    report = ImportReport()
    exported_by: Role = doc["exported_by"]

    def merge(table: str, row: Row) -> None:
        stored = journal.raw_record(table, row["id"])
        if stored is None:
            row["author"] = row["author"] or exported_by
            journal.put_record(table, row)
            report.added += 1
        elif _newer(row["updated_at"], stored["updated_at"]):
            row["author"] = row["author"] or stored["author"]
            journal.put_record(table, row)
            report.updated += 1
        else:
            report.left += 1

    def add_once(table: str, row: Row) -> None:
        # Follow-ups and prompts carry no updated_at: added when new, otherwise left.
        if journal.raw_record(table, row["id"]) is None:
            journal.put_record(table, row)
            report.added += 1
        else:
            report.left += 1

    def base(obj: dict[str, Any], author: str | None) -> Row:
        return {
            "id": obj["id"],
            "created_at": obj["created_at"],
            "updated_at": obj["updated_at"],
            "author": author,
            "deleted_at": None,
        }

    with journal.transaction():
        p = doc["pair"]
        if journal.is_empty() or journal.pair() is None:
            journal.set_pair(
                Pair(
                    id=p["id"],
                    title=p["title"],
                    mentor=Person(
                        p["mentor"]["name"], p["mentor"]["role"], p["mentor"].get("network")
                    ),
                    mentee=Person(
                        p["mentee"]["name"], p["mentee"]["role"], p["mentee"].get("network")
                    ),
                    started_on=date.fromisoformat(p["started_on"]),
                    cadence_days=p["cadence_days"],
                    planned_sessions=p["planned_sessions"],
                    review_on=date.fromisoformat(p["review_on"]),
                    agreement=p["agreement"],
                )
            )
        for g in p["goals"]:
            merge(
                "goals",
                {
                    **base(g, g["owner"]),
                    "owner": g["owner"],
                    "text": g["text"],
                    "visibility": g["visibility"],
                },
            )
        for s in doc["sessions"]:
            merge(
                "sessions",
                {
                    **base(s, None),
                    "number": s["number"],
                    "date": s["date"],
                    "status": s["status"],
                    "duration_minutes": s.get("duration_minutes"),
                    "place": s.get("place"),
                    "time": s.get("time"),
                },
            )
            for position, item in enumerate(s["agenda"]):
                merge(
                    "agenda_items",
                    {
                        **base(item, item["raised_by"]),
                        "session_id": s["id"],
                        "position": position,
                        "topic": item["topic"],
                        "raised_by": item["raised_by"],
                        "minutes": item.get("minutes"),
                        "notes": item["notes"],
                        "outcome": item["outcome"],
                        "carried_from": item.get("carried_from"),
                        "action_id": item.get("action_id"),
                        "prompt": item.get("prompt"),
                        "visibility": item["visibility"],
                    },
                )
            for entry in s["entries"]:
                merge(
                    "entries",
                    {
                        **base(entry, entry["author"]),
                        "session_id": s["id"],
                        "kind": entry["kind"],
                        "prompt": entry.get("prompt"),
                        "text": entry["text"],
                        "visibility": entry["visibility"],
                        "tags": json.dumps(entry["tags"], ensure_ascii=False),
                    },
                )
        for a in doc["actions"]:
            author = a["owner"] if a["owner"] in ROLES else exported_by
            merge(
                "actions",
                {
                    **base(a, author),
                    "title": a["title"],
                    "detail": a["detail"],
                    "kind": a["kind"],
                    "owner": a["owner"],
                    "agreed_in": a.get("agreed_in"),
                    "due_on": a.get("due_on"),
                    "status": a["status"],
                    "closed_on": a.get("closed_on"),
                    "visibility": a["visibility"],
                    "tags": json.dumps(a["tags"], ensure_ascii=False),
                },
            )
            for f in a["follow_ups"]:
                row = {
                    "id": f["id"],
                    "created_at": a["updated_at"],
                    "updated_at": a["updated_at"],
                    "author": f["author"],
                    "deleted_at": None,
                    "action_id": a["id"],
                    "on_date": f["on"],
                    "session_id": f.get("session"),
                    "status": f["status"],
                    "note": f["note"],
                    "visibility": "private" if a["visibility"] == "private" else "pair",
                }
                add_once("follow_ups", row)
        for pr in doc["prompts"]:
            add_once(
                "prompts",
                {
                    "id": pr["id"],
                    "created_at": doc["exported_at"],
                    "updated_at": doc["exported_at"],
                    "author": exported_by,
                    "deleted_at": None,
                    "phase": pr["phase"],
                    "for_": pr["for"],
                    "text": pr["text"],
                    "pack": pr["pack"],
                },
            )
    return report


def import_json(journal: Journal, text: str | bytes) -> ImportReport:
    """Parse, validate and merge a JSON document (see `import_document`)."""
    return import_document(journal, parse_document(text))
