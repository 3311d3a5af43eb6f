"""Merging two copies of one pair journal, so that nothing either person wrote is lost.

A pair keeps two copies of one journal (e-mailed, on a shared drive that makes "conflicted
copy" files, or synced by a tool). `merge_into` folds another copy's database into an open
journal; `merge_file` reads the other copy's file with this journal's pair key first (no
passphrase: copies share the pair key). Key slots are never merged: the journal keeps its own.

The rules (docs/merge.md says the same in words for users):

* Records merge by id across `store.VERSIONED_TABLES` (the record tables, approvals and the
  conflicts themselves). A record only one copy has is copied over as it is. An approval
  merges whole (its signature covers all of it) and the later one wins without a conflict:
  both copies' approvals by one person are that person's word, the later their last.
* A record both copies have is compared through its version history (`row_versions`, kept by
  triggers since schema 4). If one copy's version descends from the other's, only that copy
  changed it since they parted: its version wins whole.
* Otherwise both changed it. Field by field, a field only one copy changed takes that copy's
  value. Where both changed a field to different values, the later change wins (the time of the
  version that changed it; equal times are broken by comparing the values, never by which copy
  is which) and the losing value is kept in `conflicts` for the pair to review. Some fields move
  together: an action's status and closed date, and an item's visibility with its sealed text
  when one copy made it private and the other did not.
* A deletion (tombstone) against an edit in the other copy: the later of the two wins, and a
  conflict on `deleted_at` makes it visible. The deleted record keeps the other copy's edits in
  its fields, so a restore loses nothing. A session or action brought back to life brings back
  the contents its deletion took with it; contents added to a record the merge leaves deleted
  are deleted with it unless they are newer than the deletion, in which case they bring it back.
* Private fields are copied as sealed tokens and never opened; a conflict copy of a private
  field is the sealed token, still readable only by its author.
* The result depends only on the two copies, never on which is which nor on the clock: merging
  is commutative (A+B and B+A hold the same records) and idempotent (merging the same copy again
  changes nothing). Conflict ids are uuid5 of table, item, field and the losing value.

The merge runs in one transaction on the in-memory database: it happens whole or not at all,
and the file changes only when the caller saves (atomically, `JournalFile.save`).
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from rmjournal.core import crypto, signing, store
from rmjournal.core.errors import JournalError, NotACopy
from rmjournal.core.interchange.common import newer
from rmjournal.core.journal import Journal, Row, authorship, checks
from rmjournal.core.model import ROLES

try:  # CPython's own BLAKE2, without `hashlib`: that loads the system's second OpenSSL, ~4 MiB
    from _blake2 import blake2b
except ImportError:  # a build without it: hashlib's, from OpenSSL
    from hashlib import blake2b

if TYPE_CHECKING:
    from rmjournal.core.journalfile import JournalFile

__all__ = [
    "KEEP_CHOICES",
    "MERGE_TABLES",
    "Conflict",
    "MergeReport",
    "TableCounts",
    "both_texts",
    "conflicts",
    "item_conflicts",
    "merge_changed_on_disk",
    "merge_file",
    "merge_into",
    "open_conflicts",
    "resolve_conflict",
]

MERGE_TABLES = store.VERSIONED_TABLES
"""The tables merged by id."""

CONFLICT_NAMESPACE = uuid.UUID("6f0c8e2a-5d1b-5b7e-9a43-2f6d1c0e8b71")
"""uuid5 namespace of conflict ids (fixed forever: ids must match across copies and versions)."""

_GROUPS: dict[str, tuple[tuple[str, ...], ...]] = {
    "actions": (("status", "closed_on"),),
}
"""Fields that only make sense together: merged as one unit, from one copy."""

_WHOLE = frozenset({"approvals"})
"""Tables whose records merge whole, from one copy: an approval's role, hash, time and variant
are what its signature covers, so fields from two copies would make a signature for neither."""

_NO_CONFLICTS = frozenset({"approvals", "conflicts"})
"""Tables where both copies' changes never make a conflict to review: a conflict about a
conflict would help nobody, and an approval holds nobody's words. Two approvals by one person
(one on each copy) are the same person's: the later one is their word and is kept."""

_CHILDREN: dict[str, tuple[tuple[str, str], ...]] = {
    "sessions": (("agenda_items", "session_id"), ("entries", "session_id")),
    "actions": (("follow_ups", "action_id"),),
}
"""What deleting a record deletes with it (as `Journal.delete` does): table and link column."""

_NAMES = {
    "pair": "pair details",
    "goals": "goals",
    "sessions": "sessions",
    "agenda_items": "agenda items",
    "entries": "entries",
    "actions": "actions",
    "follow_ups": "follow-ups",
    "prompts": "prompts",
    "templates": "templates",
    "opportunities": "opportunities",
    "approvals": "approvals",
    "conflicts": "conflicts",
}


# ---------------------------------------------------------------------------- report


@dataclass
class TableCounts:
    """What a merge did to one table."""

    added: int = 0
    updated: int = 0
    deleted: int = 0
    conflicts: int = 0
    tombstones: int = 0  # records the other copy made and deleted: stored, never shown

    def __bool__(self) -> bool:
        return bool(self.added or self.updated or self.deleted or self.conflicts)

    def describe(self) -> str:
        """`2 added, 1 updated, 1 in conflict` (only the non-zero counts)."""
        parts = [
            f"{n} {word}"
            for n, word in (
                (self.added, "added"),
                (self.updated, "updated"),
                (self.deleted, "deleted"),
                (self.conflicts, "in conflict"),
            )
            if n
        ]
        return ", ".join(parts) or "nothing"


class Renumbered(NamedTuple):
    """A session given a number of its own: both copies had a session `number`; the one on
    `day` is now session `new`. `both_planned`: neither was held, each copy planned the next
    session, most likely one meeting (a journal otherwise holds one planned session), so the
    front ends say how to delete the one not needed."""

    number: int
    day: str
    new: int
    both_planned: bool

    def __str__(self) -> str:
        return (
            f"both copies had a session {self.number}; the one on {self.day} is now session"
            f" {self.new}"
        )


@dataclass
class MergeReport:
    """What a merge added, updated, deleted and found in conflict, per table and in all."""

    tables: dict[str, TableCounts] = field(
        default_factory=lambda: {t: TableCounts() for t in MERGE_TABLES}
    )
    writes: int = 0
    set_aside: list[str] = field(default_factory=list)
    """The other copy's rows that failed their checks: kept aside whole, not merged in."""
    key_notes: list[str] = field(default_factory=list)
    """One sentence per signing key of the other copy that was refused (`signing.merge_keys`)."""
    renumbered: list[Renumbered] = field(default_factory=list)
    """Each session given a number of its own (`number_sessions_apart`)."""

    def _total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.tables.values())

    @property
    def added(self) -> int:
        """Records the journal did not have."""
        return self._total("added")

    @property
    def updated(self) -> int:
        """Records changed (fields taken from the other copy, or merged from both)."""
        return self._total("updated")

    @property
    def deleted(self) -> int:
        """Records deleted in the other copy (or with a deleted session or action)."""
        return self._total("deleted")

    @property
    def conflicts(self) -> int:
        """Fields both copies changed: new entries in the conflicts table."""
        return self._total("conflicts")

    @property
    def changed(self) -> bool:
        """Whether the journal changed at all (and so needs saving)."""
        return self.writes > 0

    def lines(self) -> list[str]:
        """One line per table that changed, e.g. `entries: 2 added, 1 in conflict`, then one
        per row of the other copy that was set aside (not merged) because it fails its checks."""
        return (
            [f"{_NAMES[t]}: {c.describe()}" for t, c in self.tables.items() if c]
            + [f"set aside, not merged: {what}" for what in self.set_aside]
            + [f"renumbered: {what}" for what in self.renumbered]
        )

    def summary(self) -> str:
        """`3 added, 2 updated, 1 deleted, 1 in conflict.`"""
        return (
            f"{self.added} added, {self.updated} updated, {self.deleted} deleted, "
            f"{self.conflicts} in conflict."
        )

    def __str__(self) -> str:
        lines = [self.summary(), *(f"  {line}" for line in self.lines())]
        return "\n".join([*lines, *(f"  {note}" for note in self.key_notes)])


@dataclass(frozen=True)
class Conflict:
    """A field both copies changed: the value the merge kept and the other copy's value.

    `kept` and `other` are the field's values (text, a number or None). For a private item they
    are opened for its author; the partner gets `hidden=True` and both empty. `field` is
    `deleted_at` when one copy deleted the record and the other edited it: `kept` is then the
    deletion time (the record stayed deleted) or None (it was brought back).
    """

    id: str
    table_name: str
    item_id: str
    field: str
    kept: Any
    other: Any
    other_updated_at: str | None
    created_at: str
    resolved_at: str | None
    author: str | None
    private: bool
    hidden: bool


# ---------------------------------------------------------------------------- versions


@dataclass(frozen=True)
class _Meta:
    """A row's version id, the ids of its earlier versions, and where each field last changed."""

    v: str
    h: tuple[str, ...] = ()
    f: tuple[tuple[str, str], ...] = ()
    raw: tuple[str, str] | None = field(default=None, compare=False)  # h and f as stored

    def stored(self) -> tuple[str, str]:
        """h and f as JSON text: as read if read (so a copied row is copied byte for byte)."""
        if self.raw is not None:
            return self.raw
        return (
            json.dumps(list(self.h), separators=(",", ":")),
            json.dumps(dict(self.f), separators=(",", ":"), sort_keys=True),
        )

    def known(self) -> set[str]:
        return {self.v, *self.h}

    def origin(self) -> str:
        return self.h[0] if self.h else self.v

    def field(self, column: str) -> str:
        return dict(self.f).get(column) or self.origin()

    @classmethod
    def default(cls, row: Row) -> _Meta:
        return cls(f"{row['updated_at']}~0")


def _when(version: str) -> str:
    """The timestamp a version id starts with."""
    return version.rsplit("~", 1)[0]


def _later(a: str, b: str) -> bool:
    """Whether stamp `a` is strictly later than `b` (as times; as text if unparseable)."""
    try:
        return newer(a, b)
    except (TypeError, ValueError):
        return a > b


def _latest(stamps: Iterable[str]) -> str:
    best = ""
    for s in stamps:
        if not best or _later(s, best) or (not _later(best, s) and s > best):
            best = s
    return best


def _history(versions: Iterable[str], exclude: str) -> tuple[str, ...]:
    """Sorted, bounded history: the oldest plus the most recent (as the triggers keep it)."""
    h = sorted(set(versions) - {exclude})
    limit = store.VERSION_HISTORY_LIMIT
    if len(h) > limit:
        h = [h[0], *h[len(h) - limit + 1 :]]
    return tuple(h)


def _digest(*parts: str) -> str:
    return crypto.sha256("\n".join(parts).encode("utf-8")).hex()[:16]


def _metas(conn: Any, table: str, ids: set[str] | None = None) -> dict[str, _Meta]:
    """The versions of `table`'s rows by id: all of them, or those of `ids`."""
    sql = "SELECT item_id, v, h, f FROM row_versions WHERE table_name = ?"
    params: tuple[str, ...] = (table,)
    if ids is not None:
        sql += " AND item_id IN (SELECT value FROM json_each(?))"
        params = (table, json.dumps(sorted(ids)))
    return {
        item_id: _Meta(v, tuple(json.loads(h)), tuple(sorted(json.loads(f).items())), (h, f))
        for item_id, v, h, f in conn.execute(sql, params)
    }


def _meta_of(conn: Any, table: str, item_id: str) -> _Meta | None:
    found = conn.execute(
        "SELECT v, h, f FROM row_versions WHERE table_name = ? AND item_id = ?", (table, item_id)
    ).fetchone()
    if found is None:
        return None
    v, h, f = found
    return _Meta(v, tuple(json.loads(h)), tuple(sorted(json.loads(f).items())), (h, f))


def _row(conn: Any, table: str, item_id: str) -> Row:
    cur = conn.execute(f"SELECT * FROM {table} WHERE id = ?", (item_id,))  # noqa: S608
    names = [c[0] for c in cur.description]
    return dict(zip(names, cur.fetchone(), strict=True))


def _rows(conn: Any, table: str, ids: set[str] | None = None) -> dict[str, Row]:
    """The rows of `table` by id: all of them, or those of `ids`."""
    if ids is None:
        cur = conn.execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed table names
    else:
        cur = conn.execute(
            f"SELECT * FROM {table} WHERE id IN (SELECT value FROM json_each(?))",  # noqa: S608
            (json.dumps(sorted(ids)),),
        )
    names = [c[0] for c in cur.description]
    return {r[0]: dict(zip(names, r, strict=True)) for r in cur.fetchall()}


def _fingerprints(conn: Any, table: str, columns: list[str]) -> Iterator[tuple[str, bytes]]:
    """(id, digest of the row's every value and its version) for each row of `table`, one at
    a time: two copies' rows compared without holding either copy's text in memory.

    `quote()` writes each value with its type (NULL, 1, 1.0, 'text', X'blob' differ), and the
    columns are taken in `columns`' order, so equal digests mean equal rows and versions (a
    BLAKE2b of 128 bits: no two different rows share one by chance)."""
    values = " || ',' || ".join(f"quote(t.{c})" for c in columns)
    cur = conn.execute(
        f"SELECT t.id, {values} || ';' || quote(v.v) || ',' || quote(v.h) || ',' || quote(v.f)"  # noqa: S608
        f" FROM {table} t LEFT JOIN row_versions v ON v.table_name = ? AND v.item_id = t.id",
        (table,),
    )
    for item_id, text in cur:
        yield (
            item_id,
            blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest(),
        )


def _column_names(conn: Any, table: str) -> list[str]:
    return sorted(r[1] for r in conn.execute(f"PRAGMA table_info({table})"))


# ---------------------------------------------------------------------------- merging rows


@dataclass(frozen=True)
class _Lost:
    """A value that lost to the other copy's: becomes a row of the conflicts table."""

    field: str
    kept: Any
    other: Any
    other_updated_at: str


def _value_key(values: Sequence[Any]) -> str:
    return json.dumps(list(values), ensure_ascii=False, sort_keys=True, default=str)


LOGS = {("pair", "plan_changes")}
"""Append-only logs kept as one JSON list in a column: when both copies added to one, the merge
keeps every entry of both (no conflict: nobody's entry is a rival of another's)."""


def _union_log(a: Any, b: Any) -> str:
    """Both copies' entries of a JSON log, each once, oldest first (symmetric in a and b)."""

    def entries(value: Any) -> list[Any]:
        try:
            found = json.loads(value) if isinstance(value, str) else []
        except ValueError:  # an odd value written by a script: nothing to keep from it
            return []
        return found if isinstance(found, list) else []

    kept = {json.dumps(e, sort_keys=True, ensure_ascii=False): e for e in entries(a) + entries(b)}
    ordered = sorted(kept.items(), key=lambda kv: (str(_at(kv[1])), kv[0]))
    return json.dumps([e for _, e in ordered], ensure_ascii=False)


def _at(entry: Any) -> Any:
    return entry.get("at", "") if isinstance(entry, dict) else ""


def _groups(table: str, a: Row, b: Row) -> list[tuple[str, ...]]:
    """The fields of `table` as units of merging (see `_GROUPS` and private sealing)."""
    skip = {"id", "created_at", "updated_at", "deleted_at"}
    if table in _WHOLE:
        return [tuple(c for c in a if c not in skip)]
    groups: list[tuple[str, ...]] = list(_GROUPS.get(table, ()))
    sealed = store.PRIVATE_FIELDS.get(table, ())
    privacy_differs = (a.get("visibility") == "private") != (b.get("visibility") == "private")
    if authorship.is_signed_table(table) and "signature" in a:
        # The author's words, visibility and signature come from one copy: a signature over
        # words it was not made for would read as forged.
        unit = (*(c for c in authorship.signed_columns(table) if c in a and c not in skip),)
        unit = (*unit, "signature")
        if privacy_differs:
            unit = (*unit, *(c for c in sealed if c not in unit))
        groups.append(unit)
    elif sealed and privacy_differs:
        groups.append(("visibility", *sealed))
    grouped = {c for g in groups for c in g}
    groups += [(c,) for c in a if c not in skip and c not in grouped]
    return groups


def merge_rows(
    table: str, a: Row, ma: _Meta, b: Row, mb: _Meta
) -> tuple[Row, _Meta, list[_Lost], str | None]:
    """Two copies of one record merged: the row, its version, the losing values, and the
    deletion stamp a tombstone had if it lost to a newer edit (None otherwise).

    Symmetric in (a, ma) and (b, mb): the copies' order never changes the result.
    """
    if a == b and ma == mb:
        return a, ma, [], None
    ka, kb = ma.known(), mb.known()
    if ma.v != mb.v:
        if mb.v in ka and ma.v not in kb:
            return a, ma, [], None  # a descends from b: only a's copy changed it
        if ma.v in kb and mb.v not in ka:
            return b, mb, [], None
    # Both changed it since they parted (or their histories disagree): field by field.
    merged: Row = {"id": a["id"]}
    fv: dict[str, str] = {}
    lost: list[_Lost] = []
    for group in _groups(table, a, b):
        if all(a[c] == b[c] for c in group):
            for c in group:
                merged[c] = a[c]
                fv[c] = max(ma.field(c), mb.field(c))
            continue
        a_changed = any(ma.field(c) not in kb for c in group)
        b_changed = any(mb.field(c) not in ka for c in group)
        if a_changed and b_changed and len(group) == 1 and (table, group[0]) in LOGS:
            merged[group[0]] = _union_log(a[group[0]], b[group[0]])
            fv[group[0]] = max(ma.field(group[0]), mb.field(group[0]))
            continue
        if a_changed != b_changed:
            a_wins = a_changed
        else:
            diff = [c for c in group if a[c] != b[c]]
            ta = _latest(_when(ma.field(c)) for c in diff)
            tb = _latest(_when(mb.field(c)) for c in diff)
            if _later(ta, tb) or _later(tb, ta):
                a_wins = _later(ta, tb)
            else:  # the same moment: the values decide, never the side
                a_wins = _value_key([a[c] for c in group]) > _value_key([b[c] for c in group])
        win, wm, lose = (a, ma, b) if a_wins else (b, mb, a)
        for c in group:
            merged[c] = win[c]
            fv[c] = wm.field(c)
        if a_changed == b_changed:  # both changed it: the loser is kept as a conflict
            lost += [
                _Lost(c, win[c], lose[c], lose["updated_at"])
                for c in group
                if a[c] != b[c] and c != "signature"  # a signature is no one's words
            ]
    merged["created_at"] = min(a["created_at"], b["created_at"])
    updated = _latest([a["updated_at"], b["updated_at"]])
    merged["updated_at"] = updated
    # A tombstone against an edit: the later wins; the loser is shown as a conflict.
    revived_from: str | None = None
    da, db_ = a["deleted_at"], b["deleted_at"]
    if da and db_:
        merged["deleted_at"] = _latest([da, db_])
        fv["deleted_at"] = max(
            m.field("deleted_at") for m, d in ((ma, da), (mb, db_)) if d == merged["deleted_at"]
        )
    elif da or db_:
        gone, gm, alive = (a, ma, b) if da else (b, mb, a)
        stamp = gone["deleted_at"]
        if _later(alive["updated_at"], stamp):
            merged["deleted_at"] = None
            fv["deleted_at"] = max(ma.field("deleted_at"), mb.field("deleted_at"))
            lost.append(_Lost("deleted_at", None, stamp, gone["updated_at"]))
            revived_from = stamp
        else:
            merged["deleted_at"] = stamp
            fv["deleted_at"] = gm.field("deleted_at")
            lost.append(_Lost("deleted_at", stamp, None, alive["updated_at"]))
    else:
        merged["deleted_at"] = None
    merged = {c: merged[c] for c in a}  # the table's column order
    if authorship.is_signed_table(table) and merged.get("signature") is not None:
        lost = _keep_signed_whole(table, merged, fv, lost, (a, ma), (b, mb))
    v = f"{updated}~m{_digest(*sorted([ma.v, mb.v]))}"
    meta = _Meta(v, _history(ka | kb, v), tuple(sorted(fv.items())))
    if table in _NO_CONFLICTS:
        lost = []  # nobody's words to review: the later one is kept (see `_NO_CONFLICTS`)
    return merged, meta, lost, revived_from


def _keep_signed_whole(
    table: str,
    merged: Row,
    fv: dict[str, str],
    lost: list[_Lost],
    *sides: tuple[Row, _Meta],
) -> list[_Lost]:
    """A private item's signature covers its deletion too: where the deletion kept comes from
    one copy and the words from the other, the merged row would carry a signature made for
    neither (and be set aside by the next merge). The words then come with the deletion, from
    the copy whose deletion was kept, and the other copy's words are kept as conflicts.

    Decided by the values alone, so symmetric in the two sides. Changes `merged` and `fv`;
    returns the losing values."""
    statement = authorship.statement(table, merged)
    if any(statement == authorship.statement(table, row) for row, _ in sides):
        return lost
    keep = [(row, m) for row, m in sides if row["deleted_at"] == merged["deleted_at"]]
    if len(keep) != 1:
        return lost
    (win, wm), (lose, _) = keep[0], next(x for x in sides if x[0] is not keep[0][0])
    unit = next(g for g in _groups(table, win, lose) if "signature" in g)
    for c in unit:
        merged[c] = win[c]
        fv[c] = wm.field(c)
    lost = [x for x in lost if x.field not in unit]
    return lost + [
        _Lost(c, win[c], lose[c], lose["updated_at"])
        for c in unit
        if win[c] != lose[c] and c != "signature"
    ]


# ---------------------------------------------------------------------------- the merge


class _Merger:
    """One merge of `other` into `journal`, inside the journal's transaction."""

    def __init__(self, journal: Journal, other: sqlite3.Connection) -> None:
        self.journal = journal
        self.conn = journal.records
        self.other = other
        self.report = MergeReport()
        self.revived: list[tuple[str, str, str]] = []  # (table, id, the losing deletion stamp)
        self.pending: list[tuple[str, Row, _Lost]] = []
        self.failing: dict[tuple[str, str], str] = {}  # the other copy's rows that fail checks
        self._key_for = signing.key_finder(journal)  # the signing key trusted for each role
        self.batches = authorship.Batches(self.conn.execute)  # rows signed in batches, here
        self.their_batches = authorship.Batches(self.other.execute)  # and in the other copy

    # --- writing --------------------------------------------------------------------------

    def _write(self, table: str, row: Row, meta: _Meta, *, exists: bool) -> None:
        cols = list(row)
        if exists:
            sets = ", ".join(f"{c} = ?" for c in cols if c != "id")
            self.conn.execute(
                f"UPDATE {table} SET {sets} WHERE id = ?",  # noqa: S608 - fixed names
                [row[c] for c in cols if c != "id"] + [row["id"]],
            )
        else:
            self.conn.execute(
                f"INSERT INTO {table} ({', '.join(cols)})"  # noqa: S608 - fixed names
                f" VALUES ({', '.join('?' * len(cols))})",
                [row[c] for c in cols],
            )
        # The trigger gave an UPDATE a random version; the merge's own version replaces it.
        if meta == _Meta.default(row):
            self.conn.execute(
                "DELETE FROM row_versions WHERE table_name = ? AND item_id = ?", (table, row["id"])
            )
        else:
            self.conn.execute(
                "INSERT OR REPLACE INTO row_versions (table_name, item_id, v, h, f)"
                " VALUES (?, ?, ?, ?, ?)",
                (table, row["id"], meta.v, *meta.stored()),
            )
        if authorship.is_signed_table(table):
            self._bring_batch(row)
        # The shared search index follows by itself (triggers, see search_schema.migrate_5).
        self.report.writes += 1

    def _bring_batch(self, row: Row) -> None:
        """Copy the signature batch the row names from the other copy, if this one lacks it:
        a row signed in a batch verifies only next to its batch (`authorship.py`)."""
        batch_id = authorship.batch_of(row)
        if batch_id is None:
            return
        try:
            if self.conn.execute(
                "SELECT 1 FROM signature_batches WHERE id = ?", (batch_id,)
            ).fetchone():
                return
            found = self.other.execute(
                "SELECT id, role, digests, signature FROM signature_batches WHERE id = ?",
                (batch_id,),
            ).fetchone()
        except sqlite3.DatabaseError:  # a database before schema 13 holds no batches
            return
        if found is not None:
            self.conn.execute(
                "INSERT INTO signature_batches (id, role, digests, signature) VALUES (?, ?, ?, ?)",
                tuple(found),
            )

    def _rewrite(self, table: str, item_id: str, changes: Row, tag: str) -> Row:
        """Change some fields of a merged row with a new, deterministic version."""
        row = _row(self.conn, table, item_id)
        meta = _meta_of(self.conn, table, item_id) or _Meta.default(row)
        new = {**row, **changes}
        v = f"{new['updated_at']}~{tag}{_digest(meta.v, tag)}"
        fv = dict(meta.f)
        fv.update({c: v for c in changes if c != "updated_at" and row[c] != new[c]})
        self._write(
            table, new, _Meta(v, _history(meta.known(), v), tuple(sorted(fv.items()))), exists=True
        )
        return new

    # --- steps --------------------------------------------------------------------------

    def find_failing(self) -> None:
        """The other copy's rows that fail their checks (its private rows claiming this
        reader as author must open with this reader's key): they are set aside, not merged."""
        found = checks.failures(
            self.other, me=self.journal.me, opener=self.journal.records.open_field
        )
        self.failing = {(f.table, f.item_id): f.reason for f in found}

    def _set_aside(self, table: str, row: Row, meta: _Meta, reason: str) -> None:
        stored = (meta.v, *meta.stored())
        if checks.keep_aside(
            self.conn, table, row, stored, reason, source="merge", stamp=self.conn.stamp()
        ):
            self.report.set_aside.append(checks.Failure(table, row["id"], reason).describe())
            self.report.writes += 1

    def _valid(
        self, table: str, row: Row, author: Any, batches: authorship.Batches, *, strict: bool
    ) -> bool | None:
        """Whether `row` carries a valid signature: its (unchanged) author's, or with `strict`
        false either partner's. None when it claims such a signature whose key this copy does
        not know yet (a partner's key is pinned when they first open it, and comes with a
        merge); False when it is surely not one (unsigned, another role's, or failing a known
        key), which any reader can tell alike, whichever keys they hold."""
        if row.get("author") != author:
            return False
        text = row.get("signature")
        claimed = text.partition(":")[0] if isinstance(text, str) else None
        if claimed not in ("mentor", "mentee") or (strict and claimed != author):
            return False
        if self._key_for(claimed) is None:
            return None
        who = authorship.signer_of(table, row, self._key_for, batches)
        return who is not None and (who == author or not strict)

    @staticmethod
    def _original_author(a: Row, b: Row, ma: _Meta, mb: _Meta) -> Any:
        """Who wrote the item as far as both copies agree: where one copy changed the author,
        the other's (a change of who wrote an item is never taken), whichever copy is this
        one; where neither or both did, this copy's."""
        if a.get("author") == b.get("author"):
            return a.get("author")
        a_changed = ma.field("author") not in mb.known()
        b_changed = mb.field("author") not in ma.known()
        return b.get("author") if a_changed and not b_changed else a.get("author")

    def _authored(self, table: str, a: Row | None, b: Row, ma: _Meta | None, mb: _Meta) -> bool:
        """Whether the other copy's row `b` may be merged as far as authorship goes.

        Where the copies differ in what an authorship signature covers and only one version
        is signed by the row's author, that version is kept whole and the other set aside
        (`authorship.py`); a row new to this copy that claims this reader as author must be
        signed by them. False when `b` was set aside (nothing more to merge for it)."""
        if "signature" not in b:
            return True
        if a is None:
            if b.get("author") != self.journal.me or authorship.by_author(
                table, b, self._key_for, self.their_batches
            ):
                return True
            reason = (
                f"it claims to be written by the {self.journal.me} (you), but does not carry"
                " your signature"
            )
            self._set_aside(table, b, mb, reason)
            return False
        if authorship.same_words(table, a, b) and a.get("author") == b.get("author"):
            return True
        # Where either version is private, only the author's signature counts; else either
        # partner's (an edit of pair text in the app is signed by whoever made it).
        strict = "private" in (a.get("visibility"), b.get("visibility"))
        author = self._original_author(a, b, ma or _Meta.default(a), mb)
        a_ok = self._valid(table, a, author, self.batches, strict=strict)
        b_ok = self._valid(table, b, author, self.their_batches, strict=strict)
        if (a_ok is False) == (b_ok is False):
            # Nothing to tell them apart by: the merge rules decide. A version that may be
            # the author's (signed with a key this copy does not know yet) counts as such, so
            # the reader who does know it (its author always does) decides the same.
            return True
        if b_ok is False:  # the other copy's version was changed without the author's key
            what = "deleted" if b.get("deleted_at") and not a.get("deleted_at") else "changed"
            reason = (
                f"its {author}'s words were {what} without the {author}'s key: the {author}'s"
                " version is kept"
            )
            self._set_aside(table, b, mb, reason)
            return False
        # This copy's version is the one changed without the author's key: the author's wins.
        reason = (
            f"its {author}'s words were changed without the {author}'s key: the {author}'s"
            " version from the other copy is kept"
        )
        self._set_aside(table, a, ma or _Meta.default(a), reason)
        self._write(table, b, mb, exists=True)
        self.report.tables[table].updated += 1
        return False

    def check_same_pair(self) -> None:
        mine = {r[0] for r in self.conn.execute("SELECT id FROM pair WHERE deleted_at IS NULL")}
        theirs = {r[0] for r in self.other.execute("SELECT id FROM pair WHERE deleted_at IS NULL")}
        if mine and theirs and not mine & theirs:
            raise NotACopy(
                "The other copy belongs to another pair (its pair id is not this journal's). "
                "Nothing was changed."
            )

    def _differing(self, table: str) -> set[str] | None:
        """The ids of the other copy's rows of `table` that are not exactly as this copy holds
        them (values and version), or that failed their checks; None to take every row (the
        two copies' tables do not have the same columns).

        Only those can change anything: `merge_rows` keeps a row both copies hold alike, and
        the authorship check passes it. Two copies of one journal mostly agree, so the rest
        are never read into memory (a merge of two 50,000-entry copies held both whole)."""
        columns = _column_names(self.conn, table)
        if columns != _column_names(self.other, table):
            return None
        mine = dict(_fingerprints(self.conn, table, columns))
        ids = {
            i for i, digest in _fingerprints(self.other, table, columns) if mine.get(i) != digest
        }
        return ids | {item_id for t, item_id in self.failing if t == table}

    def merge_table(self, table: str) -> None:
        counts = self.report.tables[table]
        ids = self._differing(table)
        mine, theirs = _rows(self.conn, table, ids), _rows(self.other, table, ids)
        my_meta, their_meta = _metas(self.conn, table, ids), _metas(self.other, table, ids)

        def ma_of(row: Row | None) -> _Meta | None:
            return None if row is None else my_meta.get(row["id"]) or _Meta.default(row)

        for item_id in sorted(theirs):
            b = theirs[item_id]
            mb = their_meta.get(item_id) or _Meta.default(b)
            if (table, item_id) in self.failing:
                self._set_aside(table, b, mb, self.failing[table, item_id])
                continue
            a = mine.get(item_id)
            if authorship.is_signed_table(table) and not self._authored(table, a, b, ma_of(a), mb):
                continue
            if a is None:
                self._write(table, b, mb, exists=False)
                if b["deleted_at"]:
                    counts.tombstones += 1
                else:
                    counts.added += 1
                continue
            ma = my_meta.get(item_id) or _Meta.default(a)
            row, meta, lost, revived_from = merge_rows(table, a, ma, b, mb)
            if row == a and meta == ma:
                continue
            self._write(table, row, meta, exists=True)
            if row["deleted_at"] and not a["deleted_at"]:
                counts.deleted += 1
            elif row != a:
                counts.updated += 1
            if revived_from is not None and table in _CHILDREN:
                self.revived.append((table, item_id, revived_from))
            self.pending += [(table, row, x) for x in lost]

    def cascade(self) -> None:
        """Keep deletions whole: a session or action and its contents live or go together."""
        for table, item_id, stamp in self.revived:
            self._revive_contents(table, item_id, stamp)
        for parent, children in _CHILDREN.items():
            for child, link in children:
                orphans = self.conn.execute(
                    f"SELECT c.id, c.updated_at, p.id, p.deleted_at,"  # noqa: S608
                    f" c.visibility = 'private' FROM {child} c"
                    f" JOIN {parent} p ON p.id = c.{link}"
                    " WHERE c.deleted_at IS NULL AND p.deleted_at IS NOT NULL ORDER BY c.id"
                ).fetchall()
                for _child, child_updated, parent_id, gone, private in orphans:
                    # A private item changes only by its author: a deletion of what holds it
                    # (by the partner) brings the holder back rather than deleting it.
                    if not private and not _later(child_updated, gone):
                        continue
                    # Newer work in a deleted session or action brings it back.
                    row = _row(self.conn, parent, parent_id)
                    if not row["deleted_at"]:
                        continue
                    revived = self._rewrite(
                        parent,
                        parent_id,
                        {
                            "deleted_at": None,
                            "updated_at": _latest([row["updated_at"], child_updated]),
                        },
                        "r",
                    )
                    self.report.tables[parent].updated += 1
                    self.pending.append(
                        (parent, revived, _Lost("deleted_at", None, gone, row["updated_at"]))
                    )
                    self._revive_contents(parent, parent_id, gone)
        for parent, children in _CHILDREN.items():
            for child, link in children:
                orphans = self.conn.execute(
                    f"SELECT c.id, c.updated_at, p.deleted_at FROM {child} c"  # noqa: S608
                    f" JOIN {parent} p ON p.id = c.{link}"
                    " WHERE c.deleted_at IS NULL AND p.deleted_at IS NOT NULL ORDER BY c.id"
                ).fetchall()
                for child_id, child_updated, gone in orphans:
                    self._rewrite(
                        child,
                        child_id,
                        {"deleted_at": gone, "updated_at": _latest([child_updated, gone])},
                        "d",
                    )
                    self.report.tables[child].deleted += 1

    def _revive_contents(self, parent: str, parent_id: str, stamp: str) -> None:
        """Bring back what the deletion at `stamp` took with the record (same tombstone)."""
        revived = _row(self.conn, parent, parent_id)
        for child, link in _CHILDREN[parent]:
            rows = self.conn.execute(
                f"SELECT id, updated_at FROM {child}"  # noqa: S608 - fixed names
                f" WHERE {link} = ? AND deleted_at = ? ORDER BY id",
                (parent_id, stamp),
            ).fetchall()
            for child_id, child_updated in rows:
                self._rewrite(
                    child,
                    child_id,
                    {
                        "deleted_at": None,
                        "updated_at": _latest([child_updated, revived["updated_at"]]),
                    },
                    "r",
                )
                self.report.tables[child].updated += 1

    def record_conflicts(self) -> None:
        for table, row, lost in self.pending:
            other = json.dumps(lost.other, ensure_ascii=False)
            conflict_id = str(
                uuid.uuid5(
                    CONFLICT_NAMESPACE,
                    "\n".join([table, row["id"], lost.field, _digest(other)]),
                )
            )
            if self.conn.execute("SELECT 1 FROM conflicts WHERE id = ?", (conflict_id,)).fetchone():
                continue  # already recorded (and maybe resolved) by an earlier merge
            when = row["updated_at"]
            self.conn.execute(
                "INSERT INTO conflicts (id, table_name, item_id, field, kept, other,"
                " other_updated_at, resolved_at, created_at, updated_at, author, deleted_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, NULL)",
                (
                    conflict_id,
                    table,
                    row["id"],
                    lost.field,
                    json.dumps(lost.kept, ensure_ascii=False),
                    other,
                    lost.other_updated_at,
                    when,
                    when,
                    row.get("author"),
                ),
            )
            self.report.tables[table].conflicts += 1
            self.report.writes += 1

    def number_sessions_apart(self) -> None:
        """Give the sessions that share a number after the merge numbers of their own.

        Each copy numbers a new session one above its highest, so partners who each planned
        the next session on their own copy both made session N. The one that comes first (by
        date, then by when it was written, then by id: the same in both copies) keeps N; the
        others take the next numbers above the highest, in that order, each with a version
        made from its last (`_rewrite`). Both copies apply the rule to the same sessions and
        reach the same rows, whichever merges first, so their next merge finds nothing to do.
        Sessions carry no signature: the partner's is renumbered like one's own.
        """
        shared = self.conn.execute(
            "SELECT id, number, date, status FROM sessions WHERE deleted_at IS NULL AND number IN"
            " (SELECT number FROM sessions WHERE deleted_at IS NULL GROUP BY number"
            " HAVING count(*) > 1) ORDER BY number, date, created_at, id"
        ).fetchall()
        if not shared:
            return
        top = self.journal.highest_session_number()
        kept: dict[int, str] = {}  # number → the status of the session that keeps it
        for item_id, number, day, status in shared:
            if number not in kept:
                kept[number] = status
                continue
            top += 1
            self._rewrite("sessions", item_id, {"number": top}, f"n{top}")
            self.report.tables["sessions"].updated += 1
            both_planned = status == kept[number] == "planned"
            self.report.renumbered.append(Renumbered(number, day, top, both_planned))

    def run(self) -> MergeReport:
        self.check_same_pair()
        self.find_failing()
        for table in MERGE_TABLES:
            self.merge_table(table)
        self.cascade()
        self.number_sessions_apart()
        self.record_conflicts()
        return self.report


def merge_into(
    journal: Journal, other: bytes | bytearray | memoryview | sqlite3.Connection
) -> MergeReport:
    """Merge another copy of this pair journal into `journal` (in memory; the caller saves).

    `other` is the other copy's decrypted body (`Vault.read_copy`) or its database. All or
    nothing: on any error the journal is as it was. `NotACopy` if it holds another pair.

    The other copy is read through a plain `sqlite3` connection: sqlite-utils (with the click,
    dateutil and pluggy it brings) cost a merge ~10 MiB at its peak and is not needed to read.
    """
    if not isinstance(other, sqlite3.Connection):
        with store.reading(other) as conn:
            return merge_into(journal, conn)
    with journal.transaction():
        report = _Merger(journal, other).run()
        before = journal.changes
        report.key_notes = signing.merge_keys(journal, other)
        report.writes += journal.changes - before
    if report.changed:
        journal.records.count_changes(report.writes)
        # The reader's own private search index (a TEMP table) is rebuilt on the next search.
        journal.records.forget_private_index()
    return report


def merge_file(jf: JournalFile, other: Path) -> MergeReport:
    """Merge the copy at `other` (opened with this journal's pair key) into `jf.journal`.

    The caller saves (`jf.save()`, atomic) if `report.changed`. Raises `NotACopy` (exit 1) for
    another pair's journal, `FileDamaged` (4) if `other` is not a readable journal.
    """
    other = Path(other)
    if other.exists() and other.resolve() == jf.path.resolve():
        raise JournalError("That is the journal itself; give the path of the other copy.")
    return merge_copy(jf, jf.vault.read_copy(other))


def merge_copy(jf: JournalFile, body: bytes | memoryview) -> MergeReport:
    """Merge the copy whose decrypted body `jf.vault.read_copy` just returned, then take the
    key changes its owners signed (`follow_keys`).

    The other copy is in memory once: its database is read where the body was decrypted
    (`store.reading`, no copy) or, where SQLite cannot, the body is copied into a database
    and let go at once. Three times (the body, the database, a second database for its keys)
    was 393 MiB at 50,000 entries. Pass the body without keeping a reference."""
    with store.reading(body) as other:
        del body
        report = merge_into(jf.journal, other)
        follow_keys(jf, other, report)
    return report


def follow_keys(jf: JournalFile, other: sqlite3.Connection, report: MergeReport) -> None:
    """After merging the copy `jf.vault.read_copy` last read (its database `other`): take the
    key changes its owners signed (`Vault.follow_keys`), so a passphrase change, a new recovery
    key, a slot added or removed and a rekey reach this copy too. Their sentences go to
    `report.key_notes`; a change makes the report `changed`, so the caller saves."""
    from rmjournal.core.slot_records import read_key_tables

    copy = jf.vault.last_copy
    if copy is None:
        return
    records, old_keys = read_key_tables(other.execute)
    trusted = {role: signing.key_of(jf.journal, role)[0] for role in ROLES}
    before = jf.vault.keys_dirty
    report.key_notes.extend(jf.vault.follow_keys(copy, records, old_keys, trusted))
    if jf.vault.keys_dirty and not before:
        report.writes += 1


def merge_changed_on_disk(jf: JournalFile) -> MergeReport:
    """For the app, after `ChangedOnDisk`: merge what is now on disk into the open journal.

    What was read becomes what the next `jf.save()` replaces, so saving then keeps both the
    changes in memory and those someone else wrote (and still refuses if it changes again).
    """
    return merge_into(jf.journal, jf.vault.read_copy(jf.path, adopt=True))


# ---------------------------------------------------------------------------- conflicts


def _conflict_rows(journal: Journal, include_resolved: bool) -> Iterator[Row]:
    where = "deleted_at IS NULL" + ("" if include_resolved else " AND resolved_at IS NULL")
    cur = journal.records.execute(
        f"SELECT * FROM conflicts WHERE {where} ORDER BY created_at, id"  # noqa: S608
    )
    names = [c[0] for c in cur.description]
    for r in cur.fetchall():
        yield dict(zip(names, r, strict=True))


def conflicts(journal: Journal, *, include_resolved: bool = False) -> list[Conflict]:
    """The fields both copies changed, oldest first (unresolved only unless asked).

    For the reader's own private items the sealed values are opened; for the partner's they
    are left out (`hidden=True`).
    """
    found: list[Conflict] = []
    for r in _conflict_rows(journal, include_resolved):
        kept, other = json.loads(r["kept"]), json.loads(r["other"])
        private = hidden = False
        if r["table_name"] in store.RECORD_TABLES:
            record = journal.raw_record(r["table_name"], r["item_id"])
            private = record is not None and record.get("visibility") == "private"
        sealed_field = r["field"] in store.PRIVATE_FIELDS.get(r["table_name"], ())
        if sealed_field:
            values = []
            for value in (kept, other):
                opened = value
                if isinstance(value, str) and journal.is_sealed(value):
                    if r["author"] != journal.me:
                        hidden = True
                    else:
                        opened = journal.records.open_field(r["item_id"], r["field"], value)
                values.append(opened)
            kept, other = values
            if hidden:
                kept = other = ""
        found.append(
            Conflict(
                id=r["id"],
                table_name=r["table_name"],
                item_id=r["item_id"],
                field=r["field"],
                kept=kept,
                other=other,
                other_updated_at=r["other_updated_at"],
                created_at=r["created_at"],
                resolved_at=r["resolved_at"],
                author=r["author"],
                private=private,
                hidden=hidden,
            )
        )
    return found


KEEP_CHOICES = ("kept", "other", "both")
"""How a person resolves a conflict: keep the value the merge kept, put the other copy's value
back, or keep both texts (joined, see `both_texts`). A merge is symmetric, so a conflict knows
no "mine" and "theirs": the app shows each value with when it was written."""

BOTH_SEPARATOR = "--- also written on another copy, by {who} ({when}) ---"
"""The line between the two texts of a conflict resolved by keeping both."""

_WHAT = {
    "pair": "pair",
    "goals": "goal",
    "sessions": "session",
    "agenda_items": "agenda item",
    "entries": "entry",
    "actions": "action",
    "follow_ups": "follow-up",
    "prompts": "prompt",
    "opportunities": "opportunity",
}


def field_author(journal: Journal, conflict: Conflict) -> str | None:
    """Whose words the conflicting field holds, as far as the journal knows (a role).

    An agenda item's `notes` are its author's and `partner_notes` the other partner's; any
    other field is taken as its record's author's."""
    if conflict.table_name == "agenda_items" and conflict.field == "partner_notes":
        return "mentee" if conflict.author == "mentor" else "mentor"
    return conflict.author


def both_texts(journal: Journal, conflict: Conflict) -> str:
    """The two texts of a conflict as one: the kept one, a line naming who wrote the other
    and when, then the other. Nothing of either is left out."""
    pair = journal.pair()
    role = field_author(journal, conflict)
    who = "?"
    if pair is not None and role in ("mentor", "mentee"):
        who = pair.person("mentor" if role == "mentor" else "mentee").name
    when = (conflict.other_updated_at or "")[:16].replace("T", " ")
    line = BOTH_SEPARATOR.format(who=who, when=when)
    return f"{conflict.kept}\n\n{line}\n{conflict.other}"


def resolve_conflict(journal: Journal, conflict_id: str, keep: str = "kept") -> None:
    """Settle a conflict as the pair chose (`KEEP_CHOICES`), and mark it resolved.

    `kept` leaves the record as the merge left it; `other` writes the other copy's value into
    it (for a deletion: brings the record back, or deletes it); `both` writes both texts
    joined (text fields only). Either way the conflict stays in the journal with both values
    whole (resolved, no longer listed as waiting): choosing never deletes the losing text.
    """
    if keep not in KEEP_CHOICES:
        raise JournalError(f"Keep must be one of {', '.join(KEEP_CHOICES)}, not {keep!r}.")
    found = [c for c in conflicts(journal, include_resolved=True) if c.id == conflict_id]
    if not found:
        raise JournalError(f"No conflict with id {conflict_id} in this journal.")
    conflict = found[0]
    if conflict.hidden and keep != "kept":
        raise JournalError(
            "That conflict is on your partner's private item; only they can settle it."
        )
    if keep != "kept" and conflict.table_name == "approvals":
        raise JournalError(
            "An approval is kept whole, as its signer last gave it: keep it, or approve again."
        )
    records = journal.records
    with journal.transaction():
        if keep != "kept" and conflict.table_name in _WHAT:
            what = _WHAT[conflict.table_name]
            if conflict.field == "deleted_at":
                if keep == "both":
                    raise JournalError(
                        "A deletion cannot be kept both ways: keep it deleted or bring it back."
                    )
                _settle_deletion(journal, conflict, bring_back=conflict.other is None)
            else:
                if keep == "both" and not (
                    isinstance(conflict.kept, str) and isinstance(conflict.other, str)
                ):
                    raise JournalError(
                        "Only texts can be kept both; choose the kept or the other value."
                    )
                value = both_texts(journal, conflict) if keep == "both" else conflict.other
                records.update(
                    conflict.table_name, conflict.item_id, what, **{conflict.field: value}
                )
        now = records.stamp()
        records.execute(
            "UPDATE conflicts SET resolved_at = ?, updated_at = ? WHERE id = ?",
            (now, now, conflict_id),
        )
        records.count_changes()


def _settle_deletion(journal: Journal, conflict: Conflict, *, bring_back: bool) -> None:
    """Bring back a record the merge left deleted (with what its deletion took), or delete it."""
    records = journal.records
    row = records.raw(conflict.table_name, conflict.item_id)
    if row is None:
        return
    if not bring_back:
        if not row["deleted_at"]:
            journal.delete(conflict.item_id)
        return
    stamp = row["deleted_at"]
    if not stamp:
        return
    now = records.stamp()
    revived = [(conflict.table_name, conflict.item_id)]
    for child, link in _CHILDREN.get(conflict.table_name, ()):
        revived += [
            (child, r[0])
            for r in records.execute(
                f"SELECT id FROM {child} WHERE {link} = ? AND deleted_at = ?",  # noqa: S608
                (conflict.item_id, stamp),
            )
        ]
    for table, item_id in revived:
        records.write(
            f"UPDATE {table} SET deleted_at = NULL, updated_at = ? WHERE id = ?",  # noqa: S608
            (now, item_id),
        )


def open_conflicts(journal: Journal) -> list[Conflict]:
    """The conflicts waiting for a person to choose (what the dashboard counts)."""
    return conflicts(journal)


def item_conflicts(journal: Journal, item_id: str) -> list[Conflict]:
    """The waiting conflicts on one record, for showing the other copy's text beside it."""
    return [c for c in conflicts(journal) if c.item_id == item_id]
