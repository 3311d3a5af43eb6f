"""An opening hands the decrypted body to SQLite as the database itself (`inplace.buffer` and
`inplace.give`): no copy between the file and the database, and nothing lost on the way.

Where SQLite's allocator cannot be reached (another Python, SQLite linked in with its symbols
hidden), the body is a `bytearray` and is copied in, as before: both ways are tested.
"""

from __future__ import annotations

import sqlite3
import struct
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from rmjournal.core import inplace, store
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import Journal
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.model import Person
from rmjournal.core.secret import Secret

PASSPHRASE = Secret.passphrase("open in place passphrase")
CLOCK = FixedClock(datetime(2026, 3, 1, 9, tzinfo=UTC))


def _made(path: Path, words: str) -> None:
    jf, _ = JournalFile.create(
        path, passphrase=PASSPHRASE, test_kdf=True, clock=CLOCK,
        mentor=Person("Ama"), mentee=Person("Kofi"),
    )  # fmt: skip
    with jf:
        session = jf.journal.add_session(date(2026, 3, 2), status="held")
        jf.journal.add_entry(session.id, words)
        jf.save()


def _given(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """What each `inplace.give` answered while the test ran."""
    answers: list[bool] = []
    real = inplace.give

    def give(conn: sqlite3.Connection, data: object) -> bool:
        answer = real(conn, data)  # type: ignore[arg-type]
        answers.append(answer)
        return answer

    monkeypatch.setattr(inplace, "give", give)
    return answers


def _words(jf: JournalFile) -> list[str]:
    return [e.text for s in jf.journal.sessions() for e in jf.journal.entries(s.id)]


def test_the_decrypted_body_becomes_the_database_and_keeps_working(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opened, written to well past its first size (SQLite grows the block it was given),
    saved and opened again: every word is there, and the body was given, not copied."""
    path = tmp_path / "pair.rmj"
    _made(path, "Said in the first session")
    answers = _given(monkeypatch)
    with JournalFile.open(path, PASSPHRASE, allow_test_kdf=True, clock=CLOCK) as jf:
        session = jf.journal.sessions()[0]
        for n in range(300):
            jf.journal.add_entry(session.id, f"Entry {n}: " + "words that take room " * 40)
        jf.save()
    if inplace.buffer(16) is None:
        assert not sys.platform.startswith("linux"), "CPython on Linux reaches the allocator"
        assert answers == [False]
    else:
        assert answers == [True]
    with JournalFile.open(path, PASSPHRASE, allow_test_kdf=True, clock=CLOCK) as jf:
        words = _words(jf)
    assert words[0] == "Said in the first session"
    assert len(words) == 301 and words[-1].startswith("Entry 299: words")


def test_without_sqlites_allocator_the_body_is_copied_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "pair.rmj"
    _made(path, "Copied in, as before")
    monkeypatch.setattr(inplace, "buffer", lambda size: None)
    answers = _given(monkeypatch)
    with JournalFile.open(path, PASSPHRASE, allow_test_kdf=True, clock=CLOCK) as jf:
        assert _words(jf) == ["Copied in, as before"]
    assert answers == [False]


def test_only_a_whole_writable_block_is_given() -> None:
    """`give` takes a view from the start of a `buffer()` block only, once; anything else is
    copied by the caller (False, nothing changed)."""
    journal = Journal.new(me="mentor", cipher=PrivateCipher("mentor", bytes(32)))
    journal.add_goal("mentor", "Given once")
    body = journal.to_bytes()
    journal.close()
    block = inplace.buffer(len(body) + 16)
    if block is None:
        pytest.skip("SQLite's allocator cannot be reached from this Python")
    block[: len(body)] = body
    conn = store.connect()
    try:
        assert not inplace.give(conn, body)  # bytes
        assert not inplace.give(conn, bytearray(body))
        assert not inplace.give(conn, block[1 : len(body) + 1])  # not from its start
        assert not inplace.give(conn, block[: len(body)].toreadonly())
        start = block[: len(body)]
        assert inplace.give(conn, start)
        with pytest.raises(ValueError, match="released"):
            len(start)  # SQLite owns the block now: the view handed over cannot be read
        assert not inplace.give(store.connect(), block[: len(body)])  # given already
        assert conn.execute("SELECT text FROM goals").fetchone()[0] == "Given once"
    finally:
        conn.close()


def test_verify_still_reports_the_size_after_checking_rows(tmp_path: Path) -> None:
    """`verify` hands the body to its row checks' database; the size it reports was read
    before (a released view would have stopped it with an unexpected problem)."""
    import os
    import subprocess

    path = tmp_path / "pair.rmj"
    _made(path, "Verified")
    secret = tmp_path / "pp.txt"
    secret.write_text("open in place passphrase\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "rmjournal", "verify", str(path), "--passphrase-file",
         str(secret), "--insecure-test-kdf"],
        capture_output=True, text=True, check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "is sound" in done.stdout and "bytes" in done.stdout


def test_a_block_still_being_read_is_not_given() -> None:
    """A view something still reads through (an export of it) cannot be released, so it is not
    given: the caller copies it in instead, and the view stays readable."""
    journal = Journal.new(me="mentor", cipher=PrivateCipher("mentor", bytes(32)))
    body = journal.to_bytes()
    journal.close()
    block = inplace.buffer(len(body))
    if block is None:
        pytest.skip("SQLite's allocator cannot be reached from this Python")
    block[:] = body
    start = block[:]
    reading = struct.iter_unpack("16s", start)  # holds a buffer of `start` itself
    conn = store.connect()
    try:
        assert not inplace.give(conn, start)
        assert next(reading) == (b"SQLite format 3\x00",)  # still readable, still the caller's
        del reading
        assert inplace.give(conn, start)
        assert store.user_version(conn) == store.SCHEMA_VERSION
    finally:
        conn.close()
