"""Validation: every problem of a document, each with its JSON path, before anything is written.

The rules of the format live here; the walker that checks each value's kind (`Checker`) is in
`checker.py`.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, NamedTuple

from rmjournal.core.errors import InvalidImport, Problem
from rmjournal.core.interchange.checker import Checker
from rmjournal.core.interchange.common import (
    FORMAT,
    VERSION,
    shown,
)
from rmjournal.core.journal import Journal
from rmjournal.core.model import (
    DECISIONS,
    OWNERS,
    ROLES,
    VISIBILITIES,
)
from rmjournal.core.schema_history import RECORD_TABLES


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


class _Seen(NamedTuple):
    """An id found in the document: where, which table, whose, and how visible."""

    path: str
    table: str
    author: str | None
    visibility: Any


def agreed_day(action: dict[str, Any], session_dates: dict[str, str]) -> str | None:
    """A document action's `agreed_on`: as given, else its session's date, else the day it was
    written (interchange.md, second round); None when none of them can be read."""
    given = action.get("agreed_on")
    if isinstance(given, str):
        return given
    agreed_in = action.get("agreed_in")
    if isinstance(agreed_in, str) and agreed_in in session_dates:
        return session_dates[agreed_in]
    created = action.get("created_at")
    return created[:10] if isinstance(created, str) else None


def _iso_date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def document_session_dates(doc: dict[str, Any], journal: Journal | None) -> dict[str, str]:
    """Session id → its date (ISO text), from the journal and then the document (which wins)."""
    dates: dict[str, str] = {}
    if journal is not None and not journal.is_empty():
        dates.update({s.id: s.date.isoformat() for s in journal.sessions()})
    sessions = doc.get("sessions")
    for s in sessions if isinstance(sessions, list) else []:
        if isinstance(s, dict) and isinstance(s.get("id"), str) and isinstance(s.get("date"), str):
            dates[s["id"]] = s["date"]
    return dates


def validate_document(doc: Any, journal: Journal | None = None) -> list[Problem]:
    """Every problem in `doc` (with its JSON path); empty if it can be imported into `journal`."""
    c = Checker()
    top = c.obj(doc, "")
    if top is None:
        c.problems = [Problem("", "expected a JSON object (an rmjournal export)")]
        return c.problems
    if top.get("format") != FORMAT:
        c.add("format", f"expected {FORMAT!r}: this is not an rmjournal export")
    version = top.get("version")
    if version != VERSION or isinstance(version, bool):
        c.add(
            "version", f"unknown version {shown(version)}; this rmjournal reads version {VERSION}"
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
        c.field(pair, "phase", "pair", c.integer(1), optional=True)
        for key in ("phase_started_on", "review_held_on", "decided_on", "check_in_on"):
            c.field(pair, key, "pair", c.date, optional=True)
        c.field(pair, "decision", "pair", c.enum(DECISIONS), optional=True)
        for path, goal in c.items(pair, "goals", "pair"):
            owner = c.field(goal, "owner", path, c.enum(ROLES))
            visibility = c.field(goal, "visibility", path, c.enum(VISIBILITIES))
            record_id(goal, path, "goals", owner, visibility)
            c.fields(goal, path, "goals", done=("owner", "visibility"))
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
        c.fields(s, path, "sessions", done=())
        for apath, item in c.items(s, "agenda", path):
            raised = c.field(item, "raised_by", apath, c.enum(ROLES))
            visibility = c.field(item, "visibility", apath, c.enum(VISIBILITIES))
            record_id(item, apath, "agenda_items", raised, visibility)
            c.fields(item, apath, "agenda_items", done=("raised_by", "visibility"))
            by = c.field(item, "notes_by", apath, c.obj_of_text(ROLES), optional=True)
            if by and visibility == "private" and raised in ROLES and set(by) - {raised}:
                c.add(
                    f"{apath}.notes_by",
                    "a private item holds only its author's notes (the partner cannot read it)",
                )
        for epath, entry in c.items(s, "entries", path):
            author = c.field(entry, "author", epath, c.enum(ROLES))
            visibility = c.field(entry, "visibility", epath, c.enum(VISIBILITIES))
            record_id(entry, epath, "entries", author, visibility)
            c.fields(entry, epath, "entries", done=("author", "visibility"))

    # actions
    session_dates = document_session_dates(top, journal)
    for path, a in c.items(top, "actions", ""):
        owner = c.field(a, "owner", path, c.enum(OWNERS))
        visibility = c.field(a, "visibility", path, c.enum(VISIBILITIES))
        author = owner if owner in ROLES else exported_by
        record_id(a, path, "actions", author, visibility)
        c.fields(a, path, "actions", done=("owner", "visibility"))
        closed, agreed = _iso_date(a.get("closed_on")), _iso_date(agreed_day(a, session_dates))
        if closed is not None and agreed is not None and closed < agreed:
            c.add(
                f"{path}.closed_on",
                f"closed on {closed.isoformat()}, before the day it was agreed "
                f"({agreed.isoformat()})",
            )
        for fpath, f in c.items(a, "follow_ups", path):
            fauthor = c.field(f, "author", fpath, c.enum(ROLES))
            record_id(f, fpath, "follow_ups", fauthor, visibility)
            c.fields(f, fpath, "follow_ups", done=("author",))

    # prompts
    for path, p in c.items(top, "prompts", ""):
        record_id(p, path, "prompts", None, None)
        c.fields(p, path, "prompts", done=())

    # opportunities (optional: documents before them have none)
    for path, o in c.items(top, "opportunities", "") if "opportunities" in top else []:
        visibility = c.field(o, "visibility", path, c.enum(VISIBILITIES))
        record_id(o, path, "opportunities", exported_by, visibility)
        c.fields(o, path, "opportunities", done=("visibility",))

    # conflicts (optional: documents before them have none)
    for path, k in c.items(top, "conflicts", "") if "conflicts" in top else []:
        c.field(k, "id", path, c.uuid)
        c.field(k, "table", path, c.enum(RECORD_TABLES))
        c.field(k, "item_id", path, c.uuid)
        c.field(k, "field", path, c.nonempty)
        for key in ("kept", "other"):
            if key not in k:
                c.add(f"{path}.{key}", "missing")
            elif not (k[key] is None or isinstance(k[key], int | float | str)):
                c.add(f"{path}.{key}", "expected text, a number or null")
            elif isinstance(k[key], str):
                c.text(k[key], f"{path}.{key}")
        c.field(k, "author", path, c.enum(ROLES), optional=True)
        c.field(k, "created_at", path, c.stamp)
        c.field(k, "other_updated_at", path, c.text, optional=True)
        c.field(k, "resolved_at", path, c.stamp, optional=True)

    # drafts (optional: the exporting person's own unsaved text)
    for path, d in c.items(top, "drafts", "") if "drafts" in top else []:
        c.field(d, "id", path, c.uuid)
        c.field(d, "place", path, c.nonempty)
        c.field(d, "title", path, c.text)
        values = d.get("fields")
        if not isinstance(values, dict):
            c.add(f"{path}.fields", "expected an object of field names and their text")
        else:
            for key, value in values.items():
                if not isinstance(value, str):
                    c.add(f"{path}.fields.{key}", "expected text")
                else:
                    c.text(value, f"{path}.fields.{key}")
        c.field(d, "created_at", path, c.stamp)
        c.field(d, "updated_at", path, c.stamp)

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
