"""What the search index holds of each record, and user words made into a safe FTS5 query.

The shared index (`search_fts`, kept by triggers in `store.py`) holds every item that is not
private; the reader's own private items go to a TEMP table that is never saved (built and kept
up to date by `records.Records`). Both index the same document of an item, made here.
"""

from __future__ import annotations

import json
import re
import sqlite3
from typing import Any, NamedTuple

PRIVATE_TABLE = (
    "CREATE VIRTUAL TABLE temp.private_fts USING fts5(title, body, kind UNINDEXED,"
    " item_id UNINDEXED, when_on UNINDEXED, session_id UNINDEXED, action_id UNINDEXED,"
    " tokenize='unicode61 remove_diacritics 2')"
)
PRIVATE_INSERT = (
    "INSERT INTO temp.private_fts (title, body, kind, when_on, session_id, action_id, item_id)"
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)

FORGOTTEN_TABLE = "CREATE TEMP TABLE IF NOT EXISTS search_forgotten (n INTEGER NOT NULL)"
FORGOTTEN_TRIGGER = (
    "CREATE TEMP TRIGGER IF NOT EXISTS search_forgetting AFTER DELETE ON main.search_items"
    " BEGIN UPDATE search_forgotten SET n = n + 1; END"
)


def watch_forgetting(conn: Any) -> None:
    """Count, in TEMP (never saved), every item the shared index forgets (`forget_for_good`).

    An item leaves the shared index when it is made private, edited, deleted or replaced by an
    import or a merge: the triggers of schema 5 remove its `search_items` row, and FTS5 adds a
    delete marker in a new segment, while the old words stay in the earlier segments until
    FTS5's automerge happens to rewrite them, which can be many saves later."""
    has_index = conn.execute(
        "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = 'search_items'"
    ).fetchone()
    if not has_index:
        return
    conn.execute(FORGOTTEN_TABLE)
    if not conn.execute("SELECT 1 FROM temp.search_forgotten").fetchone():
        conn.execute("INSERT INTO temp.search_forgotten (n) VALUES (0)")
    conn.execute(FORGOTTEN_TRIGGER)


def forget_for_good(conn: Any) -> bool:
    """Before the body is saved: if the shared index forgot any item since the last save, merge
    its segments into one (FTS5 'optimize'), so the forgotten words leave the index, and the
    pages they were on are freed (zeroed by `secure_delete`). Whether it had to."""
    try:
        found = conn.execute("SELECT n FROM temp.search_forgotten").fetchone()
    except sqlite3.OperationalError:  # not watched: a database without the shared index
        return False
    if not found or not found[0]:
        return False
    conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    conn.execute("UPDATE temp.search_forgotten SET n = 0")
    return True


MAIN_TEXT = {
    "entries": "text",
    "agenda_items": "notes",
    "actions": "detail",
    "follow_ups": "note",
    "goals": "text",
}
"""The column `recent()` shows as an item's text (the title is shown apart)."""


class Doc(NamedTuple):
    """One item as the search index holds it."""

    kind: str
    title: str
    body: str
    when_on: str | None
    session_id: str | None
    action_id: str | None

    def fts_values(self) -> tuple[str, str, str, str | None, str | None, str | None]:
        """The values for `PRIVATE_INSERT`, the item's id left to add."""
        return (self.title, self.body, self.kind, self.when_on, self.session_id, self.action_id)


def index_doc(table: str, p: dict[str, Any]) -> Doc:
    """The indexed document of one record (plaintext row) of an indexed table."""
    tags = " ".join(json.loads(p.get("tags") or "[]")) if "tags" in p else ""
    if table == "entries":
        return Doc(
            "entry", p["prompt"] or "", f"{p['text']} {tags}", p["created_at"][:10],
            p["session_id"], None,
        )  # fmt: skip
    if table == "agenda_items":
        return Doc(
            "agenda", p["topic"], f"{p['notes']} {p['prompt'] or ''}", p["created_at"][:10],
            p["session_id"], p["action_id"],
        )  # fmt: skip
    if table == "actions":
        return Doc(
            "action", p["title"], f"{p['detail']} {tags}", p["created_at"][:10],
            p["agreed_in"], p["id"],
        )  # fmt: skip
    if table == "follow_ups":
        return Doc("follow_up", "", p["note"], p["on_date"], p["session_id"], p["action_id"])
    return Doc("goal", "", p["text"], p["created_at"][:10], None, None)


def fts_query(text: str) -> str:
    """User words as a safe FTS5 query: every term quoted (AND of terms), `word*` kept as prefix.

    User text is data: quoting means no FTS5 operator or syntax a person types can cause an error.
    """
    terms: list[str] = []
    for token in text.split():
        prefix = token.endswith("*")
        word = token.replace('"', " ").strip("*").strip()
        if not word or not re.search(r"\w", word):
            continue
        terms.append('"' + word + '"' + ("*" if prefix else ""))
    return " ".join(terms)


def beside(title: str, snippet: str) -> str:
    """`snippet` on one line, or "" when it only repeats `title` (an agenda item without notes
    matches on its topic, which its title already shows)."""
    line = " ".join(snippet.split())
    return "" if line.strip("… ") in title else line
