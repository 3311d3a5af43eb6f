"""Journal: every domain operation of a pair journal, used alike by the app and the command line.

A Journal is one reader's view (`me`, the role that unlocked the file) of the in-memory
database of `store.py`. It returns the records of `model.py`. The text of a private item is
sealed with its author's personal key before it reaches the database; the partner gets such
items with `hidden=True` and empty text. Every write counts in `changes`, which the app's
autosave watches. Nothing here imports textual.

The package is split by domain, each module one part of `Journal`:

- `records`: the records layer, the one owner of the database, the cipher, the clock and the
  change counter (every other part reads and writes through it); `rows`: what the parts share
  (a row, `check`, dates as stored, fresh ids, the `Part` base);
- `search_index`: what the search index holds of each record, and safe FTS queries;
- `pair` (the pair and goals), `sessions` (sessions and agendas), `entries` (entries and
  prompts), `actions` (actions and follow-ups), `planning` (the next session, carry-over),
  `visibility` (visibility and deletion), `search` (search, recent items, dashboard counts),
  `drafts` (what was typed and not yet saved, sealed for its author).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING

from rmjournal.core import inplace, store
from rmjournal.core.clock import Clock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import checks
from rmjournal.core.journal.drafts import Drafts
from rmjournal.core.journal.opportunities import Opportunities
from rmjournal.core.journal.pair import add_months
from rmjournal.core.journal.planning import Planning
from rmjournal.core.journal.records import Records
from rmjournal.core.journal.rows import UNSET, VISIBLE_TABLES, PartnersPrivateItem, Row
from rmjournal.core.journal.search import Search
from rmjournal.core.journal.search_index import fts_query
from rmjournal.core.journal.visibility import VisibilityAndDeletion
from rmjournal.core.model import Role

if TYPE_CHECKING:
    import sqlite_utils

__all__ = ["UNSET", "Journal", "PartnersPrivateItem", "Records", "Row", "add_months", "fts_query"]


class Journal(Planning, Search, VisibilityAndDeletion, Opportunities, Drafts):
    """A pair journal opened by one person: the domain operations over its in-memory database.

    Every method names what a person does ("plan the next session", "agree an action", "follow
    up"), so the app and the CLI share one set of rules.
    """

    def __init__(
        self,
        db: sqlite_utils.Database | sqlite3.Connection,
        *,
        me: Role,
        cipher: PrivateCipher,
        clock: Clock | None = None,
    ) -> None:
        self._records = Records(db, me=me, cipher=cipher, clock=clock)

    @classmethod
    def new(cls, *, me: Role, cipher: PrivateCipher, clock: Clock | None = None) -> Journal:
        """An empty journal (no pair yet) in memory, at the latest schema."""
        return cls(store.new_database(), me=me, cipher=cipher, clock=clock)

    @classmethod
    def from_bytes(
        cls,
        data: bytes,
        *,
        me: Role,
        cipher: PrivateCipher,
        clock: Clock | None = None,
        check: bool = True,
    ) -> Journal:
        """The journal held in a decrypted body, migrated to the latest schema if it is older;
        rows that fail their checks are set aside (`checks.py`), so none can stop a command.
        `check=False` only for a body known to be sound (`JournalFile`: one this computer
        saved or checked before)."""
        journal = cls(store.load(data), me=me, cipher=cipher, clock=clock)
        if check:
            journal.set_aside_failing()
        return journal

    # ------------------------------------------------------------ rows that fail their checks

    def set_aside_failing(self) -> list[checks.Failure]:
        """Check every row (the reader's own private ones opened) and move those that fail
        into `set_aside`, whole. Not counted as a change: the rows are found again on the next
        opening until a save keeps them aside. What was found."""
        records = self._records
        found = checks.failures(records, me=self.me, opener=records.open_field)
        if found:
            with records.transaction():
                checks.set_aside_failures(records, found, stamp=records.stamp())
            records.forget_private_index()
        return found

    def set_aside(self) -> list[checks.SetAside]:
        """Every row kept aside because it failed its checks, oldest first."""
        return checks.set_aside_rows(self._records)

    def set_aside_notice(self) -> str | None:
        """One sentence while rows are set aside (the CLI's warning, the app's notice)."""
        return checks.notice(len(self.set_aside()))

    @property
    def records(self) -> Records:
        """The records layer, for the core's interchange, summary and merge (rows, SQL, seals).

        The app and the CLI use the domain methods instead."""
        return self._records

    @property
    def changes(self) -> int:
        """How many writes were made since opening: the app saves when this moves."""
        return self._records.changes

    def to_bytes(self) -> bytes:
        """A copy of the database, as a save holds it (the private search index left out)."""
        with self._records.frozen() as held:
            return bytes(held.body)

    def frozen(self) -> AbstractContextManager[inplace.Frozen]:
        """The change count and the body held still for a save, with no copy where SQLite can
        lend its buffer (`Records.frozen`); safe from a thread."""
        return self._records.frozen()

    def held_elsewhere(self) -> bool:
        """Whether a save on another thread holds the journal still: a write would wait."""
        return self._records.held_elsewhere()

    def close(self) -> None:
        """Drop the database from memory (as far as Python allows)."""
        self._records.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes so they all happen or none do (nested uses join the outer one)."""
        with self._records.transaction():
            yield

    def is_sealed(self, value: str) -> bool:
        """Whether a stored value is sealed text (a field of a private item)."""
        return self._records.is_sealed(value)

    # ------------------------------------------------------------ records (interchange, merge)

    def raw_record(self, table: str, item_id: str) -> Row | None:
        """The stored row (sealed, tombstones included) for merging; None if absent."""
        if table not in store.RECORD_TABLES:
            raise ValueError(f"not a record table: {table}")
        return self._records.raw(table, item_id)

    def record_ids(self) -> dict[str, tuple[str, str | None, str | None]]:
        """Every record id (tombstones included) with its table, visibility and author."""
        known: dict[str, tuple[str, str | None, str | None]] = {}
        for table in store.RECORD_TABLES:
            vis = "visibility" if table in VISIBLE_TABLES else "NULL"
            for item_id, visibility, author in self._records.execute(
                f"SELECT id, {vis}, author FROM {table}"  # noqa: S608 - fixed names
            ):
                known[item_id] = (table, visibility, author)
        return known

    def put_record(self, table: str, plain: Row, *, stored: Row | None = UNSET) -> None:
        """Write a whole record as given (plaintext, own timestamps) by id: for import and merge.

        Private text is sealed with this reader's key; a private record must be the reader's own.
        `stored`: the row as `raw_record` just read it (None: absent), so nothing is read again.
        """
        if table not in store.RECORD_TABLES:
            raise ValueError(f"not a record table: {table}")
        self._records.put(table, plain, stored=stored)
