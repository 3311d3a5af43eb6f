"""The records layer: the one owner of a journal's database, cipher, clock and change counter.

Every other part of the journal (and of the core) reads and writes through a `Records`: rows as
dicts, opened for this reader (`me`) or blanked when they are the partner's private items, and
sealed with this reader's personal key before they reach the database. Every write counts in
`changes`, which the app's autosave watches. The reader's own private search index (a TEMP
table, never saved) follows every write here too. Nothing here imports textual.

Writes and transactions hold the records' lock, and so does a save (`frozen()`), from a worker
thread: it never catches a transaction half done, nor a count that does not match its bytes.
"""

from __future__ import annotations

import base64
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from rmjournal.core import inplace, store
from rmjournal.core.clock import Clock, default_clock
from rmjournal.core.crypto import PrivateCipher, Signer
from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal import authorship, search_index
from rmjournal.core.journal.rows import (
    UNSET,
    WRITTEN,
    PartnersPrivateItem,
    Row,
    check,
    new_id,
)
from rmjournal.core.model import ROLES, Role
from rmjournal.core.schema import SIGNED_TABLES

if TYPE_CHECKING:
    import sqlite_utils


class Records:
    """One reader's access to the rows of a journal database (see the module docstring)."""

    def __init__(
        self,
        db: sqlite_utils.Database | sqlite3.Connection,
        *,
        me: Role,
        cipher: PrivateCipher,
        clock: Clock | None = None,
    ) -> None:
        check(me, ROLES, "The reader's role")
        if isinstance(db, sqlite3.Connection):
            self._conn: sqlite3.Connection = db
        else:
            self._conn = db.conn
        self._me: Role = me
        self._cipher = cipher
        self._clock: Clock = clock or default_clock()
        self._changes = 0
        self._tx_depth = 0
        self._lock = threading.RLock()
        self._private_index = False
        self._private_rows: dict[str, int] = {}
        self._signed_tables: dict[str, bool] = {}
        self._batch: authorship.Batch | None = None
        self._batches_table: bool | None = None
        search_index.watch_forgetting(self._conn)

    # ------------------------------------------------------------------ who, when, how much

    @property
    def me(self) -> Role:
        """The role that unlocked the journal."""
        return self._me

    def signer(self) -> Signer:
        """The reader's signing key (from their personal key): see `core/signing.py`."""
        return self._cipher.signer()

    @property
    def changes(self) -> int:
        """How many writes this reader has made since opening (reads do not count)."""
        return self._changes

    def count_changes(self, n: int = 1) -> None:
        """Count `n` writes made through `execute` (the autosave saves when the count moves)."""
        with self._lock:
            self._changes += n

    def stamp(self) -> str:
        """Now, as stored in `created_at` / `updated_at`."""
        return self._clock.stamp()

    def now(self) -> datetime:
        """Now, as the journal's clock sees it (fixed in tests)."""
        return self._clock.now()

    def today(self) -> date:
        """Today, as the journal's clock sees it (fixed in tests)."""
        return self._clock.today()

    # ------------------------------------------------------------------ the database

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one fixed SQL statement (not a change); a SELECT never waits for a save."""
        if sql.lstrip()[:6].upper() == "SELECT":
            return self._conn.execute(sql, tuple(params))
        with self._lock:
            return self._conn.execute(sql, tuple(params))

    def write(self, sql: str, params: Sequence[Any] = ()) -> int:
        """Run one writing statement; count it as a change if it touched a row. Rows touched."""
        with self._lock:
            rowcount = self._conn.execute(sql, tuple(params)).rowcount
            if rowcount:
                self._changes += 1
        return rowcount

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """The rows of one fixed SELECT, as dicts by column name."""
        cur = self._conn.execute(sql, tuple(params))
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def held_elsewhere(self) -> bool:
        """Whether another thread holds the records (a save sealing a lent body)."""
        if self._lock.acquire(blocking=False):
            self._lock.release()
            return False
        return True

    def frozen(self) -> AbstractContextManager[inplace.Frozen]:
        """The change count and the database's bytes, held still for a save from any thread:
        lent with no copy (writes wait until `thaw()`) or copied (`core/inplace.py`). Words the
        shared index forgot since the last save are removed from its segments first."""

        def prepare() -> int:
            search_index.forget_for_good(self._conn)
            return self._changes

        return inplace.frozen(self._conn, self._lock, prepare)

    def close(self) -> None:
        """Drop the database from memory (as far as Python allows)."""
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes so they all happen or none do (nested uses join the outer one)."""
        with self._lock:  # held from BEGIN to COMMIT: no snapshot sees half of it
            if self._tx_depth == 0:
                self._conn.execute("BEGIN")
            self._tx_depth += 1
            try:
                yield
            except BaseException:
                self._tx_depth -= 1
                if self._tx_depth == 0:
                    self._conn.execute("ROLLBACK")
                    self._private_index = False  # rebuilt on next search
                raise
            self._tx_depth -= 1
            if self._tx_depth == 0:
                self._conn.execute("COMMIT")

    # ------------------------------------------------------------------ rows

    def raw(self, table: str, item_id: str) -> Row | None:
        """The stored row (sealed, tombstone or not) by id; None if absent."""
        cur = self._conn.execute(f"SELECT * FROM {table} WHERE id = ?", (item_id,))  # noqa: S608
        row = cur.fetchone()
        if row is None:
            return None
        return dict(zip([c[0] for c in cur.description], row, strict=True))

    def select(
        self, table: str, where: str = "1", params: Sequence[Any] = (), order: str = WRITTEN
    ) -> list[Row]:
        """The live (not deleted) stored rows of `table` matching a fixed `where`, in `order`
        (the order they were written, `rows.WRITTEN`, unless told)."""
        cur = self._conn.execute(
            f"SELECT * FROM {table} WHERE deleted_at IS NULL AND ({where}) ORDER BY {order}",  # noqa: S608
            tuple(params),
        )
        names = [c[0] for c in cur.description]
        return [dict(zip(names, r, strict=True)) for r in cur.fetchall()]

    def live(self, table: str, item_id: str, what: str) -> Row:
        """The stored row of a live record; NotFound (naming it as `what`) otherwise."""
        row = self.raw(table, item_id)
        if row is None or row.get("deleted_at"):
            raise NotFound(f"No {what} with id {item_id} in this journal.")
        return row

    def is_hidden(self, row: Row) -> bool:
        """Whether the row is the partner's private item (its text unreadable here)."""
        return row.get("visibility") == "private" and row.get("author") != self._me

    def open(self, table: str, row: Row) -> tuple[Row, bool]:
        """The row with private fields opened, or blanked (and True) if it is the partner's."""
        if row.get("visibility") != "private":
            return row, False
        plain = dict(row)
        fields = store.PRIVATE_FIELDS.get(table, ())
        if row.get("author") != self._me:
            for f in fields:
                if plain.get(f) is not None:
                    plain[f] = "[]" if f == "tags" else ""
            if plain.get("prompt") is not None:
                plain["prompt"] = None
            return plain, True
        for f in fields:
            value = plain.get(f)
            if value is not None:
                plain[f] = self._cipher.open(row["id"], f, value)
        return plain, False

    def open_field(self, item_id: str, field: str, value: str) -> str:
        """One sealed field of this reader's own private item, opened."""
        return self._cipher.open(item_id, field, value)

    def seal_field(self, item_id: str, field: str, value: str) -> str:
        """One field of this reader's own private item, sealed (as `put` seals it)."""
        return self._cipher.seal(item_id, field, value)

    def is_sealed(self, value: str) -> bool:
        """Whether a stored value is sealed text (a private item's field)."""
        return self._cipher.is_sealed(value)

    def _seal(self, table: str, plain: Row) -> Row:
        if plain.get("visibility") != "private":
            return plain
        if plain.get("author") != self._me:
            raise PartnersPrivateItem("Only its author can write a private item.")
        sealed = dict(plain)
        for f in store.PRIVATE_FIELDS.get(table, ()):
            value = sealed.get(f)
            if value is not None:
                sealed[f] = self._cipher.seal(plain["id"], f, value)
        return sealed

    def put(self, table: str, plain: Row, *, stored: Row | None = UNSET) -> None:
        """Insert or update one record by id from plaintext values; seal, sign, index, count it.

        `stored` is the row as stored now (`raw`; None if there is none), when the caller has
        just read it: the write then reads nothing more."""
        with self._lock:
            self._put(table, plain, stored)

    def _put(self, table: str, plain: Row, stored: Row | None = UNSET) -> None:
        if stored is UNSET:
            stored = (
                self.raw(table, plain["id"])
                if self._signs(table)
                else self._exists(table, plain["id"])
            )
        row = self._sign(table, self._seal(table, plain), stored)
        cols = list(row)
        if stored is not None:
            sets = ", ".join(f"{c} = ?" for c in cols if c != "id")
            self._conn.execute(
                f"UPDATE {table} SET {sets} WHERE id = ?",  # noqa: S608
                [row[c] for c in cols if c != "id"] + [row["id"]],
            )
        else:
            self._conn.execute(
                f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",  # noqa: S608
                [row[c] for c in cols],
            )
        # The shared search index follows by itself (triggers, see search_schema.migrate_5).
        if self._private_index and table in store.INDEXED_TABLES:
            self._reindex_private(table, plain)
        self._changes += 1

    def tombstone(self, table: str, item_id: str, stamp: str) -> None:
        """Mark one record deleted at `stamp` (kept as a tombstone, so copies can merge)."""
        with self._lock:
            self._conn.execute(
                f"UPDATE {table} SET deleted_at = ?, updated_at = ? WHERE id = ?",  # noqa: S608
                (stamp, stamp, item_id),
            )
            self._sign_stored(table, item_id)
            if self._private_index:
                self._reindex_private(table, {"id": item_id, "deleted_at": stamp})
            self._changes += 1

    # ------------------------------------------------------------------ authorship signatures

    def _exists(self, table: str, item_id: str) -> Row | None:
        """An empty row if `table` holds `item_id` (for a table whose rows are not signed)."""
        found = self._conn.execute(f"SELECT 1 FROM {table} WHERE id = ?", (item_id,)).fetchone()  # noqa: S608
        return {} if found else None

    def _signs(self, table: str) -> bool:
        if not authorship.is_signed_table(table):
            return False
        known = self._signed_tables.get(table)
        if known is None:
            cols = {r[1] for r in self._conn.execute(f"PRAGMA table_info({table})")}
            known = self._signed_tables[table] = "signature" in cols
        return known

    def _sign(self, table: str, row: Row, stored: Row | None) -> Row:
        """`row` (as it will be stored) with the writer's authorship signature: kept as stored
        when its signed values did not change (another field was written), else made anew,
        alone or as the next row of the batch being signed (`signing_batch`)."""
        if not self._signs(table):
            return row
        if stored is not None:
            if authorship.same_words(table, {**stored, **row}, stored):
                return {**row, "signature": stored.get("signature")}
            row = {**stored, **row}
        if self._batch is not None:
            return {**row, "signature": self._batch.add(table, row)}
        return {**row, "signature": authorship.sign_row(self._cipher.signer(), table, row)}

    def _has_batches(self) -> bool:
        if self._batches_table is None:
            self._batches_table = bool(
                self._conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table'"
                    " AND name = 'signature_batches'"
                ).fetchone()
            )
        return self._batches_table

    @contextmanager
    def signing_batch(self) -> Iterator[None]:
        """Sign every row written inside with one signature, as a batch (`authorship.py`): for
        many rows written at once (an import), where a signature per row would cost more than
        the writing. All in one transaction, so a row is never stored naming a batch that is
        not. Nested uses join the outer one; a database before schema 13 signs row by row."""
        with self._lock, self.transaction():
            if self._batch is not None or not self._has_batches():
                yield
                return
            batch = self._batch = authorship.Batch(self._cipher.signer().role, new_id())
            try:
                yield
            finally:
                self._batch = None
            if batch.count:
                signer = self._cipher.signer()
                digests = bytes(batch.digests)
                raw = signer.sign(
                    authorship.BATCH_PURPOSE, authorship.batch_message(batch.id, digests)
                )
                self._conn.execute(
                    "INSERT INTO signature_batches (id, role, digests, signature)"
                    " VALUES (?, ?, ?, ?)",
                    (batch.id, signer.role, digests, base64.b64encode(raw).decode("ascii")),
                )
                self._drop_unused_batches()

    def _drop_unused_batches(self) -> None:
        """Delete the batches no row names any more (`authorship.unused_batches_sql`)."""
        sql = authorship.unused_batches_sql([t for t in SIGNED_TABLES if self._signs(t)])
        if sql is not None:
            self._conn.execute(sql)

    def _sign_stored(self, table: str, item_id: str) -> None:
        """Sign the stored row anew after a deletion (which does not go through `put`): only a
        private item's deletion is covered by its signature (`authorship.statement`)."""
        if not self._signs(table):
            return
        stored = self.raw(table, item_id)
        if stored is not None and stored.get("visibility") == "private":
            self._conn.execute(
                f"UPDATE {table} SET signature = ? WHERE id = ?",  # noqa: S608
                (authorship.sign_row(self._cipher.signer(), table, stored), item_id),
            )

    def get(self, table: str, item_id: str, what: str) -> Row:
        """The plaintext of a record this reader may change; NotFound / PartnersPrivateItem else."""
        plain, hidden = self.open(table, self.live(table, item_id, what))
        if hidden:
            raise PartnersPrivateItem(
                f"That {what} is private to your partner; only they can change it."
            )
        return plain

    def update(self, table: str, item_id: str, what: str, **fields: Any) -> Row:
        """Change some fields of a record this reader may change (stamped now); the new row."""
        plain = self.get(table, item_id, what)
        plain.update(fields)
        plain["updated_at"] = self.stamp()
        self.check_private_author(table, plain)
        self.put(table, plain)
        return plain

    def base(self, item_id: str | None = None) -> Row:
        """The fields every new record starts with: id, stamps, author (this reader)."""
        now = self.stamp()
        return {
            "id": item_id or new_id(),
            "created_at": now,
            "updated_at": now,
            "author": self._me,
            "deleted_at": None,
        }

    def check_private_author(self, table: str, plain: Row) -> None:
        """A private item must name its author where the interchange format carries one."""
        if plain.get("visibility") != "private":
            return
        named = {
            "goals": plain.get("owner"),
            "agenda_items": plain.get("raised_by"),
            "actions": plain.get("owner"),
        }.get(table, self._me)
        if named not in (self._me, "both"):
            raise JournalError(
                "A private item must be your own (raised by you, or owned by you or both of you)."
            )

    # ------------------------------------------------------------------ the private index

    def _reindex_private(self, table: str, plain: Row) -> None:
        rowid = self._private_rows.pop(plain["id"], None)
        if rowid is not None:
            self._conn.execute("DELETE FROM temp.private_fts WHERE rowid = ?", (rowid,))
        if (
            plain.get("visibility") == "private"
            and plain.get("author") == self._me
            and not plain.get("deleted_at")
        ):
            doc = search_index.index_doc(table, plain)
            cur = self._conn.execute(search_index.PRIVATE_INSERT, (*doc.fts_values(), plain["id"]))
            self._private_rows[plain["id"]] = int(cur.lastrowid or 0)

    def ensure_private_index(self) -> None:
        """Build the reader's own private search index, in a TEMP table that is never saved."""
        if self._private_index:
            return
        self._conn.execute("DROP TABLE IF EXISTS temp.private_fts")
        self._conn.execute(search_index.PRIVATE_TABLE)
        self._private_index = True
        self._private_rows = {}
        with self.transaction():  # one transaction: a commit per row would be ten times slower
            for table in store.INDEXED_TABLES:
                for r in self.select(table, "visibility = 'private' AND author = ?", (self._me,)):
                    plain, _ = self.open(table, r)
                    self._reindex_private(table, plain)

    def forget_private_index(self) -> None:
        """Drop the private index's state: it is rebuilt on the next search (after a merge)."""
        self._private_index = False
