"""The shared search index in the schema: what it holds of each table, and its migrations.

The index (`search_fts`, FTS5 over the `search_docs` view) holds every item both partners may
read: private and deleted rows are never indexed, since the saved database is readable by both.
Triggers keep it up to date (schema 5), so no code that writes a record has to know about it.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite_utils

# What the shared search index holds for each table: kind, title, body, date, session, action.
# Private and deleted rows are never indexed here (the main database is readable by both partners).
_INDEX_SQL: dict[str, str] = {
    "entries": """SELECT id, 'entry', coalesce(prompt, ''), text || ' ' ||
        (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(entries.tags)),
        substr(created_at, 1, 10), session_id, NULL FROM entries""",
    "agenda_items": """SELECT id, 'agenda', topic, notes || ' ' || coalesce(prompt, ''),
        substr(created_at, 1, 10), session_id, action_id FROM agenda_items""",
    "actions": """SELECT id, 'action', title, detail || ' ' ||
        (SELECT coalesce(group_concat(value, ' '), '') FROM json_each(actions.tags)),
        substr(created_at, 1, 10), agreed_in, id FROM actions""",
    "follow_ups": """SELECT id, 'follow_up', '', note, on_date, session_id, action_id
        FROM follow_ups""",
    "goals": """SELECT id, 'goal', '', text, substr(created_at, 1, 10), NULL, NULL FROM goals""",
}
INDEXED_TABLES = tuple(_INDEX_SQL)


def _visible_where(table: str) -> str:
    return "deleted_at IS NULL" + ("" if table == "pair" else " AND visibility != 'private'")


def migrate_2(db: sqlite_utils.Database) -> None:
    """Version 2: a persisted full-text index of every non-private, non-deleted item."""
    conn = db.conn
    conn.executescript(
        """
        CREATE TABLE search_docs (
            rowid INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            title TEXT NOT NULL, body TEXT NOT NULL, when_on TEXT,
            session_id TEXT, action_id TEXT);
        CREATE VIRTUAL TABLE search_fts USING fts5(
            title, body, content='search_docs', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER search_docs_ai AFTER INSERT ON search_docs BEGIN
            INSERT INTO search_fts(rowid, title, body) VALUES (new.rowid, new.title, new.body);
        END;
        CREATE TRIGGER search_docs_ad AFTER DELETE ON search_docs BEGIN
            INSERT INTO search_fts(search_fts, rowid, title, body)
            VALUES ('delete', old.rowid, old.title, old.body);
        END;
        """
    )
    for table, select in _INDEX_SQL.items():
        conn.execute(
            "INSERT INTO search_docs (item_id, kind, title, body, when_on, session_id, action_id) "
            f"{select} WHERE {_visible_where(table)}"
        )


def _tag_words(table: str) -> str:
    """SQL for a row's tags as words, as `group_concat(value, ' ')` over `json_each` gives them.

    Without `json_each`: FTS5 reads external content with statements that may not use virtual
    tables (table-valued functions included), so the view below walks the array by index.
    """
    tags = f"{table}.tags"
    return (
        f" (WITH RECURSIVE t(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM t"  # noqa: S608
        f" WHERE i + 1 < json_array_length({tags}))"
        f" SELECT coalesce(group_concat(json_extract({tags}, '$[' || i || ']'), ' '), '')"
        f" FROM t WHERE i < json_array_length({tags}))"
    )


# Schema 5's index, per table: kind, title, body, date, session, action. The title and body are
# read from the record itself (the `search_docs` view), never stored a second time. Frozen as
# schema 5 had it (its migration must not name a column a later one adds): `_INDEX_COLUMNS` is
# the current form.
_INDEX_COLUMNS_5: dict[str, tuple[str, str, str, str, str, str]] = {
    "entries": (
        "'entry'",
        "coalesce(entries.prompt, '')",
        "entries.text || ' ' ||" + _tag_words("entries"),
        "substr(entries.created_at, 1, 10)",
        "entries.session_id",
        "NULL",
    ),
    "agenda_items": (
        "'agenda'",
        "agenda_items.topic",
        "agenda_items.notes || ' ' || coalesce(agenda_items.prompt, '')",
        "substr(agenda_items.created_at, 1, 10)",
        "agenda_items.session_id",
        "agenda_items.action_id",
    ),
    "actions": (
        "'action'",
        "actions.title",
        "actions.detail || ' ' ||" + _tag_words("actions"),
        "substr(actions.created_at, 1, 10)",
        "actions.agreed_in",
        "actions.id",
    ),
    "follow_ups": (
        "'follow_up'",
        "''",
        "follow_ups.note",
        "follow_ups.on_date",
        "follow_ups.session_id",
        "follow_ups.action_id",
    ),
    "goals": ("'goal'", "''", "goals.text", "substr(goals.created_at, 1, 10)", "NULL", "NULL"),
}

_INDEX_COLUMNS: dict[str, tuple[str, str, str, str, str, str]] = {
    **_INDEX_COLUMNS_5,
    "agenda_items": (
        "'agenda'",
        "agenda_items.topic",
        "agenda_items.notes || ' ' || coalesce(agenda_items.partner_notes, '') || ' ' ||"
        " coalesce(agenda_items.prompt, '')",
        "substr(agenda_items.created_at, 1, 10)",
        "agenda_items.session_id",
        "agenda_items.action_id",
    ),
}
"""The search index's columns per table as the latest schema has them (see `_INDEX_COLUMNS_5`)."""


def _search_view(columns: dict[str, tuple[str, str, str, str, str, str]]) -> str:
    """The `search_docs` view over `search_items` and the records' own text."""
    arms = " UNION ALL ".join(
        f"SELECT i.rowid AS rowid, i.item_id AS item_id, i.kind AS kind, {title} AS title,"  # noqa: S608
        f" {body} AS body, i.when_on AS when_on, i.session_id AS session_id,"
        f" i.action_id AS action_id FROM search_items i JOIN {table} ON {table}.id = i.item_id"
        f" WHERE i.kind = {kind}"
        for table, (kind, title, body, _w, _s, _a) in columns.items()
    )
    return f"CREATE VIEW search_docs AS {arms}"


def index_partner_notes(db: sqlite_utils.Database) -> None:
    """Schema 8: the search view reads an agenda item's `partner_notes` too. An empty column
    adds no words, so the index built over the earlier view is valid as it stands."""
    db.conn.execute("DROP VIEW search_docs")
    db.conn.execute(_search_view(_INDEX_COLUMNS))


def _index_insert(table: str, where: str) -> str:
    """SQL adding the shared index's row for the items of `table` matching `where`, if visible."""
    kind, _title, _body, when, session, action = _INDEX_COLUMNS[table]
    return (
        "INSERT INTO search_items (item_id, kind, when_on, session_id, action_id)"  # noqa: S608
        f" SELECT {table}.id, {kind}, {when}, {session}, {action} FROM {table}"
        f" WHERE {where} AND {_visible_where(table)}"
    )


def migrate_5(db: sqlite_utils.Database) -> None:
    """Version 5: the search index no longer keeps a second copy of every shared text.

    `search_items` keeps what a hit needs besides its text (item id, kind, date, session,
    action); the view `search_docs` (same columns as the version-2 table) joins each to the title
    and body of its record, and `search_fts` is an external-content FTS5 index over that view, so
    `snippet()` reads the records' own text. Triggers on the indexed tables keep it up to date:
    before a row changes its index entry is removed (the FTS5 'delete' needs the text as it was
    indexed, which the view still shows then), after it changes it is added again if both
    partners may read it. Private and deleted rows are never indexed.
    """
    conn = db.conn
    conn.executescript(
        f"""
        DROP TRIGGER search_docs_ai;
        DROP TRIGGER search_docs_ad;
        DROP TABLE search_fts;
        CREATE TABLE search_items (
            rowid INTEGER PRIMARY KEY, item_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
            when_on TEXT, session_id TEXT, action_id TEXT);
        INSERT INTO search_items (rowid, item_id, kind, when_on, session_id, action_id)
            SELECT rowid, item_id, kind, when_on, session_id, action_id FROM search_docs;
        DROP TABLE search_docs;
        {_search_view(_INDEX_COLUMNS_5)};
        CREATE VIRTUAL TABLE search_fts USING fts5(
            title, body, content='search_docs', content_rowid='rowid',
            tokenize='unicode61 remove_diacritics 2');
        INSERT INTO search_fts(search_fts) VALUES ('rebuild');
        CREATE TRIGGER search_items_bd BEFORE DELETE ON search_items BEGIN
            INSERT INTO search_fts(search_fts, rowid, title, body)
            SELECT 'delete', rowid, title, body FROM search_docs WHERE rowid = old.rowid;
        END;
        CREATE TRIGGER search_items_ai AFTER INSERT ON search_items BEGIN
            INSERT INTO search_fts(rowid, title, body)
            SELECT rowid, title, body FROM search_docs WHERE rowid = new.rowid;
        END;
        """  # noqa: S608 - fixed names and SQL from this module
    )
    for table in _INDEX_COLUMNS_5:
        for when, op in (("BEFORE", "UPDATE"), ("BEFORE", "DELETE")):
            conn.execute(
                f"CREATE TRIGGER {table}_search_{when[0].lower()}{op[0].lower()} {when} {op}"  # noqa: S608
                f" ON {table} BEGIN DELETE FROM search_items WHERE item_id = OLD.id; END"
            )
        for op in ("INSERT", "UPDATE"):
            conn.execute(
                f"CREATE TRIGGER {table}_search_a{op[0].lower()} AFTER {op} ON {table}"
                f" BEGIN {_index_insert(table, f'{table}.id = NEW.id')}; END"
            )
    # One b-tree segment: else FTS5's automerge rewrites the rebuilt segments over the next few
    # writes (about 2.7 MB of free pages at 50,000 entries). Then give the pages of the dropped
    # copy back, so the saved body shrinks with the change.
    conn.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
    conn.execute("VACUUM")


def reindex(conn: sqlite3.Connection, table: str, item_id: str) -> None:
    """Refresh the shared search index for one row (drop it; re-add it if both may read it).

    Since schema 5 triggers do this whenever an indexed row is written, so writers need not
    call it; it stays for rebuilding or checking the index.
    """
    if table not in _INDEX_COLUMNS:
        return
    conn.execute("DELETE FROM search_items WHERE item_id = ?", (item_id,))
    conn.execute(_index_insert(table, f"{table}.id = ?"), (item_id,))
