"""Row checks: a row that fails them is set aside, so nothing a copy or a script holds can
brick a journal.

Both partners hold the pair key, so either can write any row into a copy (a script, or a copy
whose slots were swapped for a fake "mentor"). The rest of the core trusts the rows it reads:
a session date that is not a date, or a "private" entry sealed with someone else's key, would
stop `export`, `search`, `recent`, `approve` and the app. So every row is checked where it
comes in (on opening a journal, and in the other copy before a merge), by the field table
(`fields.RECORD_FIELDS`: each field's kind, allowed words, minimum, whether it may be empty),
and the reader's own private rows must open with the reader's key, field by field.

A row that fails is **set aside**: moved whole (every column as stored, sealed text still
sealed, its version history) into the `set_aside` table (schema 11) and out of its own table,
so every command keeps working without it; nothing is deleted. `rmjournal verify` lists what is
set aside; the CLI and the app say so in one sentence. A row the other copy holds that fails
its checks is not merged in: it is set aside the same way (the copy itself is never changed).
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple, Protocol

from rmjournal.core.errors import JournalError
from rmjournal.core.fields import RECORD_FIELDS, Field
from rmjournal.core.model import ROLES

MAX_NUMBER = 100_000
"""The largest whole number a row may hold: the interchange format's bound (`interchange.common`,
which imports the journal package, so the figure is repeated here)."""

CHECKED_TABLES = tuple(RECORD_FIELDS)
"""The tables whose rows are checked (every record type of the field table)."""

_WHAT = {
    "goals": "goal",
    "sessions": "session",
    "agenda_items": "agenda item",
    "entries": "entry",
    "actions": "action",
    "follow_ups": "follow-up",
    "prompts": "prompt",
}


class Executes(Protocol):
    """A connection or the records layer: anything that runs one SQL statement."""

    def execute(self, sql: str, params: Any = ..., /) -> Any: ...


class Failure(NamedTuple):
    """One row that fails its checks: where it is and why, in words."""

    table: str
    item_id: str
    reason: str

    def describe(self) -> str:
        """`entry 7548b9af: its private text does not open with your key`."""
        return f"{_WHAT.get(self.table, self.table)} {str(self.item_id)[:8]}: {self.reason}"


class SetAside(NamedTuple):
    """A row kept in the `set_aside` table."""

    id: str
    table: str
    item_id: str
    reason: str
    source: str
    found_at: str

    def describe(self) -> str:
        """One line for `verify`: what, which, why, and where it came from."""
        where = {"merge": "from a merged copy", "import": "from an import"}.get(
            self.source, "in this file"
        )
        return f"{Failure(self.table, self.item_id, self.reason).describe()} ({where})"


def _quoted(words: Iterable[object]) -> str:
    return ", ".join("'" + str(w).replace("'", "''") + "'" for w in words)


def _nullable(f: Field) -> bool:
    return f.optional or f.key is None


def _kind_ok(f: Field, c: str) -> str:
    """SQL that is true when column `c` holds a value of field `f`'s kind."""
    if f.kind == "id":
        ok = f"typeof({c}) = 'text' AND length({c}) BETWEEN 1 AND 200"
    elif f.kind == "text":
        ok = f"typeof({c}) = 'text'"
    elif f.kind == "nonempty":
        ok = f"typeof({c}) = 'text' AND trim({c}) != ''"
    elif f.kind == "enum":
        # CASE, not IN: SQLite builds a lookup table for an IN list; a CASE of a few words
        # compares in place (15 against 21 ms over 50,000 entries).
        whens = " ".join(f"WHEN {_quoted([w])} THEN 1" for w in f.allowed)
        ok = f"typeof({c}) = 'text' AND CASE {c} {whens} ELSE 0 END"
    elif f.kind == "int":
        ok = f"typeof({c}) = 'integer' AND {c} BETWEEN {int(f.minimum)} AND {MAX_NUMBER}"
    elif f.kind == "date":
        # The date of its day number, so normalised: 2026-02-30 comes back as 2026-03-02 and
        # differs (as with a '+0 days' modifier, at half the cost of parsing the text twice).
        ok = f"typeof({c}) = 'text' AND date(julianday({c})) IS {c} AND {c} >= '0001-01-01'"
    elif f.kind == "stamp":
        # A time SQLite reads with 'T' after ten characters: SQLite has then read those ten as
        # YYYY-MM-DD with a month 01-12 and a day 01-31, so only the month's length is left to
        # test, by the day's two digits (formatting the date back with date() to compare costs
        # about three times as much over 50,000 entries).
        year = f"CAST(substr({c}, 1, 4) AS INTEGER)"
        leap = f"{year} % 4 = 0 AND ({year} % 100 != 0 OR {year} % 400 = 0)"
        long_months = " ".join(f"WHEN '{m:02d}' THEN 1" for m in (1, 3, 5, 7, 8, 10, 12))
        ok = (
            f"typeof({c}) = 'text' AND substr({c}, 11, 1) = 'T'"
            f" AND julianday({c}) IS NOT NULL AND {c} >= '0001-01-01'"
            f" AND CASE WHEN substr({c}, 9, 2) <= '28' THEN 1"
            f" WHEN substr({c}, 6, 2) = '02' THEN substr({c}, 9, 2) = '29' AND ({leap})"
            f" WHEN substr({c}, 9, 2) <= '30' THEN 1"
            f" ELSE CASE substr({c}, 6, 2) {long_months} ELSE 0 END END"
        )
    else:  # tags: a JSON list of texts
        # CASE, not AND: SQLite may evaluate every operand, and JSON functions stop on bad JSON.
        # A list of one (the usual) is judged by its one element's type, without json_each.
        ok = (
            f"CASE WHEN typeof({c}) = 'text' AND json_valid({c}) THEN json_type({c}) = 'array'"  # noqa: S608
            f" AND CASE json_array_length({c}) WHEN 0 THEN 1"
            f" WHEN 1 THEN json_type({c}, '$[0]') = 'text'"
            f" ELSE NOT EXISTS (SELECT 1 FROM json_each({c}) WHERE type != 'text') END ELSE 0 END"
        )
    return f"(CASE WHEN {c} IS NULL THEN 1 ELSE ({ok}) END)" if _nullable(f) else f"({ok})"


def _columns(conn: Executes, table: str) -> set[str]:
    return {r[1] for r in conn.execute(f"PRAGMA table_info({table})").fetchall()}


def _field_sql(table: str, columns: set[str]) -> list[tuple[Field, str]]:
    """(field, SQL true when the row's value is fine) for every field of `table` it has."""
    has_visibility = "visibility" in columns
    out: list[tuple[Field, str]] = []
    for f in RECORD_FIELDS[table]:
        if f.col not in columns:
            continue
        ok = _kind_ok(f, f.col)
        if f.private and has_visibility:
            # Sealed when private: only its author can check it (opening it, below).
            ok = f"(CASE WHEN visibility = 'private' THEN 1 ELSE {ok} END)"
        out.append((f, ok))
    if "deleted_at" in columns:
        out.append((Field("deleted_at", "stamp", optional=True), _kind_ok(
            Field("deleted_at", "stamp", optional=True), "deleted_at"
        )))  # fmt: skip
    if has_visibility and "author" in columns:
        # Whose key seals it decides who reads it: a private row names one of the two people.
        out.append(
            (Field("author", "enum", allowed=ROLES), f"(visibility != 'private' OR author IN"
             f" ({_quoted(ROLES)}))")
        )  # fmt: skip
    return out


def _reason(f: Field, value: Any) -> str:
    what = f.name.replace("_", " ").strip()
    if value is None:
        return f"its {what} is missing"
    if f.kind == "date":
        return f"its {what} is not a date"
    if f.kind == "stamp":
        return f"its {what} is not a time"
    if f.kind == "enum":
        return f"its {what} is not one of {', '.join(f.allowed)}"
    if f.kind == "int":
        return f"its {what} is not a whole number from {f.minimum} to {MAX_NUMBER}"
    if f.kind == "tags":
        return f"its {what} are not a list of words"
    if f.kind == "id":
        return f"its {what} is not an id"
    return f"its {what} is not text"


Opener = Callable[[str, str, str], str]
"""Opens one sealed field of the reader's own private item: (item id, column, token)."""


def _opened_ok(f: Field, plain: Any) -> bool:
    if f.kind == "tags":
        try:
            tags = json.loads(plain)
        except (TypeError, ValueError):
            return False
        return isinstance(tags, list) and all(isinstance(t, str) for t in tags)
    if f.kind == "nonempty":
        return isinstance(plain, str) and bool(plain.strip())
    return isinstance(plain, str)


def failures(
    conn: Executes,
    *,
    me: str,
    opener: Opener,
    tables: Iterable[str] = CHECKED_TABLES,
    ids: Iterable[str] | None = None,
) -> list[Failure]:
    """Every row of `tables` (all of them, or only `ids`) that fails its checks.

    Values are checked in SQL by the field table; the reader's own private rows are opened with
    `opener` field by field (the partner's stay sealed: only their author can check them). The
    two run side by side, each a few tenths of a second at 50,000 entries: SQLite steps without
    Python's lock, on a thread of its own, while this thread opens the private rows. A row
    failing both is reported once, for its value.
    """
    wanted = None if ids is None else {str(i) for i in ids}
    plans: list[tuple[str, list[tuple[Field, str]], list[Field], list[Any]]] = []
    for table in tables:
        columns = _columns(conn, table)
        if not columns or "id" not in columns:
            continue
        sealed = [f for f in RECORD_FIELDS[table] if f.private and f.col in columns]
        private: list[Any] = []
        if sealed and "visibility" in columns and "author" in columns:
            cols = ", ".join(f.col for f in sealed)
            private = conn.execute(
                f"SELECT id, {cols} FROM {table} WHERE visibility = 'private' AND author = ?",  # noqa: S608
                (me,),
            ).fetchall()
        plans.append((table, _field_sql(table, columns), sealed, private))

    by_value: dict[str, list[Failure]] = {}
    problem: list[BaseException] = []

    def check_values() -> None:
        try:
            for table, field_checks, _sealed, _private in plans:
                by_value[table] = _value_failures(conn, table, field_checks, wanted)
        except BaseException as error:  # raised again on the caller's thread
            problem.append(error)

    worker = threading.Thread(target=check_values, name="rmjournal-row-checks", daemon=True)
    worker.start()
    try:
        unopened = {
            table: _private_failures(table, sealed, private, me=me, opener=opener, wanted=wanted)
            for table, _checks, sealed, private in plans
        }
    finally:
        worker.join()
    if problem:
        raise problem[0]
    found: list[Failure] = []
    for table, *_rest in plans:
        failed = by_value[table]
        named = {f.item_id for f in failed}
        found += failed + [f for f in unopened[table] if f.item_id not in named]
    return found


def _value_failures(
    conn: Executes, table: str, field_checks: list[tuple[Field, str]], wanted: set[str] | None
) -> list[Failure]:
    """The rows of `table` whose stored values fail the field table's checks (one SQL scan)."""
    bad_where = " OR ".join(f"NOT coalesce({ok}, 0)" for _f, ok in field_checks) or "0"
    flags = ", ".join(f"coalesce({ok}, 0)" for _f, ok in field_checks)
    found: list[Failure] = []
    for item_id, *good in conn.execute(
        f"SELECT id, {flags} FROM {table} WHERE {bad_where}"  # noqa: S608
    ).fetchall():
        if wanted is not None and str(item_id) not in wanted:
            continue
        f = next(f for (f, _ok), g in zip(field_checks, good, strict=True) if not g)
        value = conn.execute(
            f"SELECT {f.col} FROM {table} WHERE id IS ?",  # noqa: S608
            (item_id,),
        ).fetchone()[0]
        found.append(Failure(table, str(item_id), _reason(f, value)))
    return found


def _private_failures(
    table: str, sealed: list[Field], rows: list[Any], *, me: str, opener: Opener,
    wanted: set[str] | None,
) -> list[Failure]:  # fmt: skip
    """The reader's own private rows of `table` whose sealed fields do not open with their key."""
    found: list[Failure] = []
    for item_id, *values in rows:
        if wanted is not None and str(item_id) not in wanted:
            continue
        for f, value in zip(sealed, values, strict=True):
            if value is None:
                continue
            try:
                plain = opener(item_id, f.col, value) if isinstance(value, str) else None
            except JournalError:
                plain = None
            if plain is None or not _opened_ok(f, plain):
                what = f.name.replace("_", " ")
                found.append(
                    Failure(
                        table,
                        str(item_id),
                        f"it is private, written as the {me}, but its {what} does not open"
                        " with your key (written by someone else, or altered)",
                    )
                )
                break
    return found


def _as_json(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"blob": bytes(value).hex()}
    if isinstance(value, float) and math.isnan(value):  # JSON has no word for NaN
        return {"real": "NaN"}
    return value


def row_json(row: dict[str, Any]) -> str:
    """A stored row as JSON text, every column as stored (blobs as hex)."""
    return json.dumps(
        {k: _as_json(v) for k, v in row.items()}, ensure_ascii=False, sort_keys=True, default=str
    )


def aside_id(table: str, row: dict[str, Any]) -> str:
    """The id of a set-aside row: the same row set aside twice (or from either copy) is one."""
    import hashlib  # here: a command that finds nothing to set aside never needs it

    text = "\n".join([table, str(row.get("id")), row_json(row)])
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def has_table(conn: Executes) -> bool:
    """Whether the database has the `set_aside` table (schema 11 and later)."""
    return bool(
        conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'set_aside'"
        ).fetchone()
    )


def known_ids(conn: Executes) -> set[str]:
    """The ids of every set-aside row."""
    if not has_table(conn):
        return set()
    return {r[0] for r in conn.execute("SELECT id FROM set_aside").fetchall()}


def keep_aside(
    conn: Executes,
    table: str,
    row: dict[str, Any],
    versions: tuple[Any, ...] | None,
    reason: str,
    *,
    source: str,
    stamp: str,
) -> bool:
    """Store one row (and its version history) in `set_aside`; whether it was new there."""
    new = conn.execute(
        "INSERT OR IGNORE INTO set_aside (id, table_name, item_id, reason, source, row,"
        " versions, found_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            aside_id(table, row),
            table,
            str(row.get("id")),
            reason,
            source,
            row_json(row),
            None if versions is None else json.dumps(list(versions)),
            stamp,
        ),
    ).rowcount
    return bool(new)


def set_aside_failures(conn: Executes, found: Iterable[Failure], *, stamp: str) -> int:
    """Move each failing row of this database out of its table into `set_aside`. How many."""
    moved = 0
    for failure in found:
        cur = conn.execute(
            f"SELECT * FROM {failure.table} WHERE id IS ?",  # noqa: S608
            (failure.item_id,),
        )
        names = [c[0] for c in cur.description]
        values = cur.fetchone()
        if values is None:
            continue
        row = dict(zip(names, values, strict=True))
        versions = conn.execute(
            "SELECT v, h, f FROM row_versions WHERE table_name = ? AND item_id IS ?",
            (failure.table, row["id"]),
        ).fetchone()
        keep_aside(
            conn,
            failure.table,
            row,
            None if versions is None else tuple(versions),
            failure.reason,
            source="file",
            stamp=stamp,
        )
        conn.execute(
            "DELETE FROM row_versions WHERE table_name = ? AND item_id IS ?",
            (failure.table, row["id"]),
        )
        conn.execute(f"DELETE FROM {failure.table} WHERE id IS ?", (row["id"],))  # noqa: S608
        moved += 1
    return moved


def set_aside_rows(conn: Executes) -> list[SetAside]:
    """Every row kept in `set_aside`, oldest first."""
    if not has_table(conn):
        return []
    return [
        SetAside(*r)
        for r in conn.execute(
            "SELECT id, table_name, item_id, reason, source, found_at FROM set_aside"
            " ORDER BY found_at, id"
        ).fetchall()
    ]


def notice(count: int) -> str | None:
    """The one sentence the CLI and the app show while rows are set aside."""
    if not count:
        return None
    if count == 1:
        return (
            "1 item in this journal fails its checks and is set aside (kept whole, left out of"
            " every view): `rmjournal verify` lists it."
        )
    return (
        f"{count} items in this journal fail their checks and are set aside (kept whole, left"
        " out of every view): `rmjournal verify` lists them."
    )
