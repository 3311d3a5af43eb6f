"""Helpers for the merge tests: two diverging copies, normalised contents, a fresh index.

Shared by the unit, property, CLI and kill tests of `merge`, so no test module imports another.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Any

from testkit import clock_of

from rmjournal.core import store
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import Journal
from rmjournal.core.merge import (
    MERGE_TABLES,
    merge_into,
)
from rmjournal.core.model import Person, Role

BASE = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
KEYS: dict[Role, bytes] = {"mentor": os.urandom(32), "mentee": os.urandom(32)}


def cipher(role: Role) -> PrivateCipher:
    return PrivateCipher(role, KEYS[role])


def base_journal(clock: FixedClock | None = None) -> Journal:
    """A small journal both copies start from (opened by the mentor)."""
    j = Journal.new(me="mentor", cipher=cipher("mentor"), clock=clock or FixedClock(BASE))
    j.start_pair(mentor=Person("Ama", "Director"), mentee=Person("Kofi", "Graduate"))
    return j


def copy_of(data: bytes, me: Role, moment: datetime) -> Journal:
    """A copy of the journal in `data` opened by `me`, with its own clock."""
    return Journal.from_bytes(data, me=me, cipher=cipher(me), clock=FixedClock(moment))


def tick(j: Journal, minutes: float = 1) -> None:
    clock_of(j).advance(minutes=minutes)


def merged(into: bytes, other: bytes, me: Role = "mentor") -> Journal:
    """A journal holding `other` merged into `into`."""
    j = copy_of(into, me, BASE)
    merge_into(j, other)
    return j


def normalised(j: Journal) -> dict[str, list[tuple[Any, ...]]]:
    """Everything a merge may change, independent of rowids and row order."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for table in (*MERGE_TABLES, "row_versions"):
        rows = j.records.execute(f"SELECT * FROM {table}").fetchall()
        out[table] = sorted(rows, key=repr)
    out["search_docs"] = sorted(
        j.records.execute(
            "SELECT item_id, kind, title, body, when_on, session_id, action_id FROM search_docs"
        ).fetchall(),
        key=repr,
    )
    return out


def fresh_index(j: Journal) -> list[tuple[Any, ...]]:
    """The shared search index rebuilt from scratch on a copy of `j`'s database."""
    db = store.deserialize(j.to_bytes())
    db.conn.execute("DELETE FROM search_items")
    for table in store.INDEXED_TABLES:
        for (item_id,) in db.conn.execute(f"SELECT id FROM {table}").fetchall():
            store.reindex(db.conn, table, item_id)
    rows = db.conn.execute(
        "SELECT item_id, kind, title, body, when_on, session_id, action_id FROM search_docs"
    ).fetchall()
    db.conn.close()
    return sorted(rows, key=repr)


def assert_index_consistent(j: Journal) -> None:
    assert normalised(j)["search_docs"] == fresh_index(j)
    assert j.records.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")


def live_ids(j: Journal, table: str) -> set[str]:
    return {r[0] for r in j.records.execute(f"SELECT id FROM {table} WHERE deleted_at IS NULL")}


def add_legacy_approval_conflict(j: Journal, role: Role = "mentee") -> str:
    """An approval by `role` and the conflict on it that a merge made before approvals merged
    whole (the same person approved on both copies); returns the conflict's id."""
    stamp = j.records.stamp()
    approval, conflict = (
        "00000000-0000-4000-8000-0000000000a1",
        "00000000-0000-4000-8000-0000000000c1",
    )
    j.records.execute(
        "INSERT INTO approvals (id, role, content_hash, approved_at, created_at, updated_at,"
        " author) VALUES (?, ?, 'newer-hash', ?, ?, ?, ?)",
        (approval, role, stamp, stamp, stamp, role),
    )
    j.records.execute(
        "INSERT INTO conflicts (id, table_name, item_id, field, kept, other, other_updated_at,"
        " created_at, updated_at, author) VALUES (?, 'approvals', ?, 'content_hash',"
        " '\"newer-hash\"', '\"older-hash\"', ?, ?, ?, ?)",
        (conflict, approval, stamp, stamp, stamp, role),
    )
    j.records.count_changes()
    return conflict
