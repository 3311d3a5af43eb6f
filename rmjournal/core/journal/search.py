"""Search and the dashboard's cheap reads: matching items, the newest items, counts."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from datetime import date
from typing import Any

from rmjournal.core import store
from rmjournal.core.errors import JournalError
from rmjournal.core.journal.actions import Actions
from rmjournal.core.journal.entries import Entries
from rmjournal.core.journal.pair import PairAndGoals
from rmjournal.core.journal.rows import Row, as_date
from rmjournal.core.journal.search_index import MAIN_TEXT, beside, fts_query, index_doc
from rmjournal.core.model import Entry, SearchHit

RECENT_SQL = (
    "SELECT *, rowid AS _rowid FROM {table} WHERE deleted_at IS NULL"
    " AND (visibility != 'private' OR author = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?"
)
"""The newest rows of one table this reader may read (read from schema 6's `created_at` index)."""


class Search(PairAndGoals, Entries, Actions):
    """Everything this reader may read, found by words or by age."""

    def search(self, query: str, *, limit: int = 50) -> list[SearchHit]:
        """Everything this reader may read that matches `query`, best match first (bm25).

        Every word must match (`word*` matches a prefix); FTS syntax in the query is treated as
        plain words, so no query can fail. Snippets are plain text.
        """
        match = fts_query(query)
        if not match:
            return []
        self._records.ensure_private_index()
        try:
            shared = self._records.execute(
                "SELECT d.kind, d.item_id, snippet(search_fts, -1, '', '', '…', 12), d.when_on,"
                " d.session_id, d.action_id, bm25(search_fts), d.rowid, 0"
                " FROM search_fts JOIN search_items d ON d.rowid = search_fts.rowid"
                " WHERE search_fts MATCH ? ORDER BY bm25(search_fts) LIMIT ?",
                (match, limit),
            ).fetchall()
            private = self._records.execute(
                "SELECT kind, item_id, snippet(private_fts, -1, '', '', '…', 12), when_on,"
                " session_id, action_id, bm25(private_fts), rowid, 1 FROM temp.private_fts"
                " WHERE private_fts MATCH ? ORDER BY bm25(private_fts) LIMIT ?",
                (match, limit),
            ).fetchall()
        except sqlite3.OperationalError:
            return []
        found = sorted([*shared, *private], key=lambda r: float(r[6]))[:limit]
        # Two queries for every hit's session date and entry title, not two per hit.
        session_dates = {
            sid: date.fromisoformat(day)
            for sid, day in self._by_ids(
                "SELECT id, date FROM sessions WHERE 1", {r[4] for r in found if r[4]}
            )
        }
        entry_titles = {
            eid: f"{kind.capitalize()} by the {author}"
            for eid, kind, author in self._by_ids(
                "SELECT id, kind, author FROM entries WHERE deleted_at IS NULL",
                {r[1] for r in found if r[0] == "entry"},
            )
        }
        hits: list[SearchHit] = []
        repeats: dict[int, tuple[int, int]] = {}  # hit index → (private?, rowid)
        for kind, item_id, snippet, when_on, session_id, action_id, _, rowid, own in found:
            when = as_date(when_on)
            if session_id and kind in ("entry", "agenda"):
                when = session_dates.get(session_id, when)
            title = entry_titles.get(item_id) if kind == "entry" else None
            title = title or self._hit_title(kind, item_id)
            line = beside(title, snippet)
            if not line:
                repeats[len(hits)] = (own, rowid)
            hits.append(
                SearchHit(
                    kind=kind,
                    id=item_id,
                    title=title,
                    snippet=line,
                    when=when,
                    session_id=session_id,
                    action_id=action_id,
                )
            )
        # A match in the title shows the start of the body instead of the title again.
        bodies = self._body_snippets(match, set(repeats.values()))
        for n, where in repeats.items():
            hits[n] = hits[n]._replace(snippet=beside(hits[n].title, bodies.get(where, "")))
        return hits

    def recent(self, limit: int = 10) -> list[SearchHit]:
        """The `limit` newest items this reader may read (by when they were written), newest
        first: entries, agenda items, actions, follow-ups and goals, as search hits whose snippet
        is the start of the item's text. The partner's private items are left out."""
        newest: list[tuple[str, int, str, Row]] = []
        for table in store.INDEXED_TABLES:
            cur = self._records.execute(RECENT_SQL.format(table=table), (self.me, limit))
            names = [c[0] for c in cur.description]
            for r in cur.fetchall():
                row = dict(zip(names, r, strict=True))
                newest.append((row["created_at"], row.pop("_rowid"), table, row))
        newest.sort(key=lambda x: (x[0], x[1]), reverse=True)
        hits: list[SearchHit] = []
        session_dates: dict[str, date] = {}
        for _, _, table, row in newest[:limit]:
            plain, _hidden = self._records.open(table, row)
            kind, _title, _body, when_on, session_id, action_id = index_doc(table, plain)
            when = as_date(when_on)
            if session_id and kind in ("entry", "agenda"):
                if session_id not in session_dates:
                    srow = self._records.raw("sessions", session_id)
                    if srow:
                        session_dates[session_id] = date.fromisoformat(srow["date"])
                when = session_dates.get(session_id, when)
            title = self._hit_title(kind, plain["id"])
            hits.append(
                SearchHit(
                    kind=kind,
                    id=plain["id"],
                    title=title,
                    snippet=beside(title, plain.get(MAIN_TEXT[table]) or ""),
                    when=when,
                    session_id=session_id,
                    action_id=action_id,
                )
            )
        return hits

    def _body_snippets(
        self, match: str, wanted: set[tuple[int, int]]
    ) -> dict[tuple[int, int], str]:
        """The body's snippet of the hits whose best snippet only repeats their title, by
        (private?, rowid): asked for those few only, since each snippet re-reads and re-tokenizes
        its item's text (two snippets per hit cost a quarter of a 10,000-entry search)."""
        found: dict[tuple[int, int], str] = {}
        for own, fts in ((0, "search_fts"), (1, "temp.private_fts")):
            rowids = sorted(rowid for o, rowid in wanted if o == own)
            if not rowids:
                continue
            table = fts.rsplit(".", 1)[-1]
            rows = self._records.execute(
                f"SELECT rowid, snippet({table}, 1, '', '', '…', 12) FROM {fts}"  # noqa: S608
                f" WHERE {table} MATCH ? AND rowid IN (SELECT value FROM json_each(?))",
                (match, json.dumps(rowids)),
            ).fetchall()
            found.update({(own, rowid): text for rowid, text in rows})
        return found

    def _by_ids(self, select: str, ids: set[str]) -> list[tuple[Any, ...]]:
        """Rows of `select` (a fixed `SELECT ... FROM table WHERE ...`) for the ids given."""
        if not ids:
            return []
        return self._records.execute(
            f"{select} AND id IN (SELECT value FROM json_each(?))",  # noqa: S608 - fixed SQL
            (json.dumps(sorted(ids)),),
        ).fetchall()

    def _hit_title(self, kind: str, item_id: str) -> str:
        try:
            if kind == "entry":
                e = self.entry(item_id)
                return f"{e.kind.capitalize()} by the {e.author}"
            if kind == "agenda":
                return f"Agenda: {self.agenda_item(item_id).topic}"
            if kind == "action":
                a = self.action(item_id)
                return f"{a.kind.capitalize()}: {a.title}"
            if kind == "follow_up":
                row = self._records.live("follow_ups", item_id, "follow-up")
                a = self.action(row["action_id"])
                return f"Follow-up: {a.title}" if not a.hidden else "Follow-up"
            if kind == "goal":
                return f"Goal of the {self.goal(item_id).owner}"
        except JournalError:
            pass
        return kind

    # ------------------------------------------------------------------ dashboard (cheap reads)

    def session_counts(self) -> dict[str, int]:
        """How many sessions have each status (deleted ones left out), counted in SQL."""
        rows = self._records.execute(
            "SELECT status, COUNT(*) FROM sessions WHERE deleted_at IS NULL GROUP BY status"
        ).fetchall()
        return {status: int(count) for status, count in rows}

    def conflicts_waiting(self) -> int:
        """How many merge conflicts wait for a person to choose (the dashboard says so)."""
        return int(
            self._records.execute(
                "SELECT count(*) FROM conflicts WHERE deleted_at IS NULL AND resolved_at IS NULL"
            ).fetchone()[0]
        )

    def latest_learnings(self, limit: int) -> list[Entry]:
        """The last `limit` learnings, oldest first: `learnings()[-limit:]` without reading
        (and decrypting) every other learning."""
        if limit <= 0:
            return []
        cur = self._records.execute(
            "SELECT * FROM entries WHERE deleted_at IS NULL AND kind = 'learning'"
            " ORDER BY created_at DESC, rowid DESC LIMIT ?",
            (limit,),
        )
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        return [self._entry(r) for r in reversed(rows)]

    def session_numbers(self, session_ids: Iterable[str | None]) -> dict[str, int]:
        """Session id → number for the (not deleted) sessions among `session_ids`."""
        ids = sorted({item_id for item_id in session_ids if item_id})
        if not ids:
            return {}
        rows = self._records.execute(
            "SELECT id, number FROM sessions WHERE deleted_at IS NULL"
            " AND id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        ).fetchall()
        return {item_id: int(number) for item_id, number in rows}
