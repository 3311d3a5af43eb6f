# ruff: noqa: E501  (hand-laid test data reads better on long lines)
"""The schema: versioned migrations, a frozen schema-1 journal that must always open, (de)serialising."""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path

import pytest

from rmjournal.core import inplace, search_schema, store
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.errors import FileDamaged
from rmjournal.core.journal import Journal
from rmjournal.core.journal.search import RECENT_SQL

DATA = Path(__file__).resolve().parent.parent / "data"
FROZEN_V1 = DATA / "journal-schema-v1.sqlite"
FROZEN_KEY = bytes(range(32))
"""The mentor's personal key of the frozen journal (test data only)."""

PAIR_ID = "0a5e7d0c-1c1e-4d6a-9a8b-3f1f0c2d9e11"
SESSION_ID = "5b1c2d3e-4f50-4a61-8b72-9c8d7e6f5a41"
PRIVATE_ID = "6c2d3e4f-5061-4b72-9c83-ad9e8f7a6b52"
ACTION_ID = "8e4f5061-7283-4d94-bea5-cf1a0b9c8d74"


def make_frozen_v1(path: Path) -> None:
    """Write the schema-1 sample (run once, when schema 1 was current; kept for the record).

    `RMJOURNAL_REGENERATE_V1=1 pytest tests/unit/test_store.py` would rewrite it; never do that
    once a later schema exists, since the point is a file made by the old code.
    """
    db = store.new_database(target=1)
    cipher = PrivateCipher("mentor", FROZEN_KEY)
    ts = "2026-03-05T18:00:00+00:00"
    c = db.conn
    c.execute(
        "INSERT INTO pair VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (PAIR_ID, "Ama & Richard", "Ama Owusu", "Analyst", "Disability Network", "Richard Hale",
         "Director", None, "2026-03-01", 28, 6, "2026-09-01", "Ground rules.", ts, ts, "mentor", None),
    )  # fmt: skip
    c.execute(
        "INSERT INTO sessions (id, number, date, status, duration_minutes, place, created_at,"
        " updated_at, author, deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
        (SESSION_ID, 1, "2026-03-05", "held", 60, "Video call", ts, ts, "mentor", None),
    )
    c.execute(
        "INSERT INTO entries (id, session_id, kind, prompt, text, visibility, tags, created_at,"
        " updated_at, author, deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        ("7d3e4f50-6172-4c83-ad94-be0f9a8b7c63", SESSION_ID, "learning", None,
         "Step-free access is not the same as accessible.", "shareable", json.dumps(["access"]),
         ts, ts, "mentee", None),
    )  # fmt: skip
    c.execute(
        "INSERT INTO entries (id, session_id, kind, prompt, text, visibility, tags, created_at,"
        " updated_at, author, deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        (PRIVATE_ID, SESSION_ID, "reflection", cipher.seal(PRIVATE_ID, "prompt", "How did it feel?"),
         cipher.seal(PRIVATE_ID, "text", "Quietly furious about the lift."), "private",
         cipher.seal(PRIVATE_ID, "tags", "[]"), ts, ts, "mentor", None),
    )  # fmt: skip
    c.execute(
        "INSERT INTO actions (id, title, detail, kind, owner, agreed_in, due_on, status, closed_on,"
        " visibility, tags, created_at, updated_at, author, deleted_at)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        ("8e4f5061-7283-4d94-bea5-cf1a0b9c8d74", "Audit the building's lifts", "", "commitment",
         "mentee", SESSION_ID, "2026-04-01", "open", None, "pair", "[]", ts, ts, "mentee", None),
    )  # fmt: skip
    path.write_bytes(store.serialize(db))


def test_frozen_schema_1_journal_opens_and_migrates() -> None:
    if os.environ.get("RMJOURNAL_REGENERATE_V1") == "1":  # pragma: no cover
        make_frozen_v1(FROZEN_V1)
    data = FROZEN_V1.read_bytes()
    conn = store.connect()
    conn.deserialize(data)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()

    journal = Journal.from_bytes(data, me="mentor", cipher=PrivateCipher("mentor", FROZEN_KEY))
    assert journal.records.execute("PRAGMA user_version").fetchone()[0] == store.SCHEMA_VERSION
    pair = journal.pair()
    assert pair is not None and pair.mentor.name == "Ama Owusu" and pair.mentee.network is None
    texts = {e.text for e in journal.entries()}
    assert "Quietly furious about the lift." in texts
    # the migration built the shared search index from the non-private rows only
    assert [h.kind for h in journal.search("accessible")] == ["entry"]
    assert [h.kind for h in journal.search("lifts")] == ["action"]
    assert journal.search("furious")[0].id == PRIVATE_ID  # own private: the temp index
    assert journal.overdue()[0].title == "Audit the building's lifts"
    # the partner sees the private reflection as hidden, and cannot find it
    partner = Journal.from_bytes(data, me="mentee", cipher=PrivateCipher("mentee", os.urandom(32)))
    hidden = next(e for e in partner.entries() if e.id == PRIVATE_ID)
    assert hidden.hidden and hidden.text == "" and hidden.prompt is None
    assert partner.search("furious") == []


def test_new_database_is_at_latest_schema_and_round_trips() -> None:
    db = store.new_database()
    assert store.user_version(db) == store.SCHEMA_VERSION
    again = store.deserialize(store.serialize(db))
    assert store.user_version(again) == store.SCHEMA_VERSION
    assert "search_items" in again.table_names() and "search_docs" in again.view_names()


def test_temp_store_is_memory() -> None:
    conn = store.connect()
    assert conn.execute("PRAGMA temp_store").fetchone()[0] == 2


@pytest.mark.parametrize(
    "data", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\x00" * 50]
)
def test_garbage_is_file_damaged(data: bytes) -> None:
    with pytest.raises(FileDamaged):
        store.deserialize(data)


def test_a_database_that_is_not_a_journal_is_refused() -> None:
    conn = store.connect()
    conn.execute("CREATE TABLE other (x)")
    with pytest.raises(FileDamaged):
        store.deserialize(bytes(conn.serialize()))


def test_newer_schema_is_refused() -> None:
    db = store.new_database()
    db.conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with pytest.raises(FileDamaged, match="newer"):
        store.deserialize(store.serialize(db))


def _journal_with_goal(text: str) -> bytearray:
    journal = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)))
    journal.add_goal("mentor", text)
    return bytearray(journal.to_bytes())


def test_a_merge_reads_the_other_copy_where_it_was_decrypted() -> None:
    """`store.reading` reads a writable body in place (no copy, `core/inplace.py`), and only
    reads it: a change in the buffer shows through the connection, and writes are refused."""
    body = _journal_with_goal("ZEBRA crossing")
    with store.reading(body) as conn:
        if not inplace.lends():
            assert not sys.platform.startswith("linux"), "CPython on Linux reads in place"
            return
        at = body.index(b"ZEBRA crossing")
        body[at : at + 5] = b"OKAPI"  # the goal's page has not been read yet
        assert conn.execute("SELECT text FROM goals").fetchone()[0] == "OKAPI crossing"
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("DELETE FROM goals")
    assert bytes(body).count(b"OKAPI crossing") == 1


def test_what_cannot_be_read_in_place_is_read_from_a_copy() -> None:
    """Bytes (not writable) and an older schema (migrated first) are copied; damage is refused."""
    body = _journal_with_goal("Read from a copy")
    with store.reading(bytes(body)) as conn:
        assert conn.execute("SELECT text FROM goals").fetchone()[0] == "Read from a copy"
        conn.execute("DELETE FROM goals")  # a copy of its own
    assert b"Read from a copy" in body
    old = bytearray(FROZEN_V1.read_bytes())
    with store.reading(old) as conn:
        assert store.user_version(conn) == store.SCHEMA_VERSION
    with pytest.raises(FileDamaged), store.reading(bytearray(b"SQLite format 3\x00" * 64)):
        pass
    newer = store.new_database()
    newer.conn.execute(f"PRAGMA user_version = {store.SCHEMA_VERSION + 1}")
    with (
        pytest.raises(FileDamaged, match="newer"),
        store.reading(bytearray(store.serialize(newer))),
    ):
        pass


def test_private_index_is_not_serialized() -> None:
    journal = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)))
    from rmjournal.core.model import Person

    journal.start_pair(mentor=Person("A"), mentee=Person("B"))
    s = journal.plan_next_session()
    journal.add_entry(s.id, "ZEBRA-PLAINTEXT-MARKER-7f3a", visibility="private")
    assert journal.search("ZEBRA")  # builds the temp index
    assert b"ZEBRA" not in journal.to_bytes()


DOC_COLUMNS = "SELECT item_id, kind, title, body, when_on, session_id, action_id FROM search_docs"
HITS = (
    "SELECT d.item_id, snippet(search_fts, -1, '[', ']', '…', 12), bm25(search_fts)"
    " FROM search_fts JOIN search_docs d ON d.rowid = search_fts.rowid"
    " WHERE search_fts MATCH ? ORDER BY bm25(search_fts), d.item_id"
)
QUERIES = ("accessible", "access", "café", "hi", "lifts", "step*", "furious", "gone", "slash")


def test_migration_5_keeps_the_index_without_its_second_copy() -> None:
    import sqlite_utils

    conn = store.connect()
    conn.deserialize(FROZEN_V1.read_bytes())
    db = sqlite_utils.Database(conn)
    store.migrate(db, 4)
    ts = "2026-03-06T18:00:00+00:00"
    rows = [  # tags needing JSON escapes, a deleted entry, a partner's private one
        ("e1", "note", "What changed?", "Step free, café, and more.", "pair",
         json.dumps(["café", 'say "hi"', "back\\slash"]), None, "mentee"),
        ("e2", "note", None, "This one is gone.", "pair", "[]", ts, "mentee"),
        ("e3", "note", None, "sealed", "private", "[]", None, "mentee"),
    ]  # fmt: skip
    for item_id, kind, prompt, text, visibility, tags, deleted, author in rows:
        conn.execute(
            "INSERT INTO entries (id, session_id, kind, prompt, text, visibility, tags,"
            " created_at, updated_at, author, deleted_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (item_id, SESSION_ID, kind, prompt, text, visibility, tags, ts, ts, author, deleted),
        )
        conn.execute(  # as schema 4's reindex did
            "INSERT INTO search_docs (item_id, kind, title, body, when_on, session_id,"
            f" action_id) {search_schema._INDEX_SQL['entries']} WHERE id = ?"
            f" AND {search_schema._visible_where('entries')}",
            (item_id,),
        )
    docs = sorted(conn.execute(DOC_COLUMNS).fetchall())
    hits = {q: conn.execute(HITS, (q,)).fetchall() for q in QUERIES}
    assert {d[0] for d in docs} == {"7d3e4f50-6172-4c83-ad94-be0f9a8b7c63", "e1", ACTION_ID}

    store.migrate(db, 5)
    assert store.user_version(conn) == 5
    assert sorted(conn.execute(DOC_COLUMNS).fetchall()) == docs  # the view shows the same
    assert {q: conn.execute(HITS, (q,)).fetchall() for q in QUERIES} == hits  # rank, snippets
    columns = {r[1] for r in conn.execute("PRAGMA table_info(search_items)")}
    assert columns == {"rowid", "item_id", "kind", "when_on", "session_id", "action_id"}
    assert conn.execute("PRAGMA freelist_count").fetchone()[0] == 0  # vacuumed
    conn.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
    conn.close()


def test_index_follows_every_write_and_never_holds_private_text() -> None:
    journal = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)))
    from rmjournal.core.model import Person

    journal.start_pair(mentor=Person("A"), mentee=Person("B"))
    s = journal.plan_next_session()
    e = journal.add_entry(s.id, "Quokka shared first", tags=["wombat"])
    journal.add_entry(s.id, "Another shared note about quokka")
    journal.edit_entry(e.id, text="Platypus now", tags=["echidna"])
    assert [h.id for h in journal.search("platypus echidna")] == [e.id]
    assert len(journal.search("quokka")) == 1 and journal.search("wombat") == []
    journal.set_visibility(e.id, "private")
    secret = journal.add_entry(s.id, "ZEBRA-PLAINTEXT-MARKER-2b9c", visibility="private")
    journal.edit_entry(secret.id, text="ZEBRA-PLAINTEXT-MARKER-2b9c again")
    assert journal.records.execute("SELECT count(*) FROM search_items").fetchone()[0] == 1
    journal.delete(journal.search("quokka")[0].id)
    assert journal.records.execute("SELECT count(*) FROM search_items").fetchone()[0] == 0
    journal.records.execute("INSERT INTO search_fts(search_fts) VALUES ('integrity-check')")
    data = journal.to_bytes()
    assert b"ZEBRA" not in data.upper()  # no plaintext and no FTS token (lower case) of it


def test_migration_6_lets_recent_read_the_newest_rows_without_sorting() -> None:
    import sqlite_utils

    conn = store.connect()
    conn.deserialize(FROZEN_V1.read_bytes())
    store.migrate(sqlite_utils.Database(conn))
    assert store.user_version(conn) == store.SCHEMA_VERSION >= 6
    for table in store.INDEXED_TABLES:
        plan = " | ".join(
            row[-1]
            for row in conn.execute(
                f"EXPLAIN QUERY PLAN {RECENT_SQL.format(table=table)}", ("mentor", 10)
            )
        )
        assert f"{table}_created" in plan and "TEMP B-TREE" not in plan, plan
