"""A save taken and sealed off the app's thread: whole snapshots, the same bytes, short steps.

The app snapshots, encrypts and writes the journal in a worker thread while its own thread goes
on handling keys (issue #20). The records' lock keeps a snapshot from catching a transaction
half done; the crypto steps let the app's thread run between 1 MiB pieces.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import threading
from datetime import date

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from testkit import PASSPHRASE, cipher_of

from rmjournal.core import crypto, inplace, store
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import Journal
from rmjournal.core.model import Person


def _journal(clock: FixedClock) -> Journal:
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)), clock=clock)
    j.start_pair(mentor=Person("Ama Owusu", "Analyst"), mentee=Person("Richard Hale", "DG"))
    return j


def _opened(clock: FixedClock) -> Journal:
    """A journal as every opened one is: deserialized, so SQLite can lend its buffer."""
    built = _journal(clock)
    return Journal.from_bytes(built.to_bytes(), me="mentor", cipher=cipher_of(built), clock=clock)


def _frozen_copy(journal: Journal) -> tuple[int, bytes]:
    with journal.frozen() as held:
        return held.changes, bytes(held.body)


def _in_thread(work):  # type: ignore[no-untyped-def]
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.append(work()))
    thread.start()
    return thread, got


def test_a_snapshot_from_a_thread_waits_for_the_transaction_in_progress(clock) -> None:
    journal = _journal(clock)
    with journal.transaction():
        journal.add_goal("mentor", "First half of a change")
        thread, got = _in_thread(lambda: _frozen_copy(journal))
        thread.join(0.2)
        assert thread.is_alive(), "the snapshot did not wait for the transaction"
        journal.add_goal("mentee", "Second half of the same change")
    thread.join(10)
    assert not thread.is_alive()
    changes, body = got[0]  # type: ignore[misc]
    assert changes == journal.changes
    copy = Journal.from_bytes(body, me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)))
    assert sorted(g.text for g in copy.goals()) == [
        "First half of a change",
        "Second half of the same change",
    ]


def test_a_snapshot_counts_exactly_the_changes_its_bytes_hold(clock) -> None:
    journal = _journal(clock)
    journal.add_session(date(2026, 7, 21))
    changes, body = _frozen_copy(journal)
    assert changes == journal.changes
    assert body == journal.to_bytes()


def test_a_lent_body_holds_writes_off_until_it_is_thawed(clock) -> None:
    """The save reads the database's own buffer (no copy, `core/inplace.py`): a write on the
    app's thread waits until the body is sealed and thawed, then goes on; nothing is lost."""
    journal = _opened(clock)
    with journal.frozen() as held:
        if not held.lent:
            assert not sys.platform.startswith("linux"), "CPython on Linux lends the buffer"
            return
        before = bytes(held.body)
        assert before == store.serialize(journal.records._conn)
        thread, _ = _in_thread(lambda: journal.add_goal("mentee", "Written during a save"))
        thread.join(0.2)
        assert thread.is_alive(), "the write did not wait for the lent body"
        assert journal.held_elsewhere() is False  # the holder itself may write
        assert bytes(held.body) == before, "the lent body changed under the save"
        held.thaw()
        assert held.body == b""
        thread.join(10)
    assert not thread.is_alive()
    assert [g.text for g in journal.goals()] == ["Written during a save"]


def test_a_write_may_ask_whether_a_save_holds_the_journal(clock) -> None:
    """Writes that can wait a moment (a draft, notes as typing pauses) ask first."""
    journal = _opened(clock)
    asked: list[bool] = []
    holding, done = threading.Event(), threading.Event()

    def save() -> None:
        with journal.frozen():
            holding.set()
            done.wait(10)

    thread, _ = _in_thread(save)
    holding.wait(10)
    asked.append(journal.held_elsewhere())
    done.set()
    thread.join(10)
    asked.append(journal.held_elsewhere())
    lent = inplace.lends()
    assert asked == [lent, False]


def test_where_sqlite_cannot_lend_the_body_is_a_copy_and_writes_go_on(clock, monkeypatch) -> None:
    journal = _opened(clock)
    monkeypatch.setattr(inplace, "view", lambda conn: None)
    with journal.frozen() as held:
        assert not held.lent
        thread, _ = _in_thread(lambda: journal.add_goal("mentee", "Written during a copy"))
        thread.join(10)
        assert not thread.is_alive(), "a write waited although the body was copied"
        copy = Journal.from_bytes(held.body, me="mentor", cipher=cipher_of(journal))
        assert copy.goals() == []
    assert [g.text for g in journal.goals()] == ["Written during a copy"]


def test_only_a_deserialized_database_is_lent() -> None:
    """A database SQLite holds in one buffer (deserialized, as every opened journal is) is
    lent read-only, byte for byte what `serialize()` copies; one built in memory is not."""
    built = sqlite3.connect(":memory:")
    built.execute("CREATE TABLE t (x)")
    built.execute("INSERT INTO t VALUES ('kept')")
    assert inplace.view(built) is None
    loaded = sqlite3.connect(":memory:")
    loaded.deserialize(built.serialize())
    lent = inplace.view(loaded)
    if lent is None:
        assert not sys.platform.startswith("linux"), "CPython on Linux lends the buffer"
        return
    assert lent.readonly
    assert bytes(lent) == loaded.serialize()
    lent.release()


def test_a_save_that_fails_thaws_the_body(tmp_path, clock) -> None:
    """A save that fails before sealing (the file changed on disk) gives the body back: the
    journal can be written and saved again."""
    from rmjournal.core.errors import ChangedOnDisk
    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.secret import Secret

    path = tmp_path / "j.rmj"
    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), role="mentor", test_kdf=True,
        clock=clock, mentor=Person("Ama Owusu", "Analyst"), mentee=Person("Richard Hale", "DG"),
    )  # fmt: skip
    jf.journal.add_goal("mentor", "Kept in memory")
    jf.save()
    jf.journal.add_goal("mentor", "Not yet saved")
    os.utime(path, ns=(1, 1))  # another program touched the file
    with pytest.raises(ChangedOnDisk):
        jf.save()
    assert jf.journal.held_elsewhere() is False
    thread, _ = _in_thread(lambda: jf.journal.add_goal("mentor", "Written after"))
    thread.join(10)
    assert not thread.is_alive()
    jf.close()


def test_sealing_and_hashing_in_steps_off_the_main_thread_give_the_same_bytes() -> None:
    key, nonce, aad = os.urandom(32), os.urandom(12), b"the header"
    body = os.urandom(3 * crypto.STEP_BYTES + 12345)  # several steps and a short last one

    def seal_and_hash() -> tuple[bytes, bytes]:
        out = bytearray(len(body) + crypto.TAG_BYTES)
        crypto.seal_into(key, nonce, body, aad, memoryview(out))
        return bytes(out), crypto.sha256(body)

    thread, got = _in_thread(seal_and_hash)
    thread.join(60)
    sealed, digest = got[0]  # type: ignore[misc]
    assert sealed == AESGCM(key).encrypt(nonce, body, aad)
    whole = crypto.Sha256()
    whole.update(body)
    assert digest == whole.finalize()
    assert crypto.unseal(key, nonce, sealed, aad) == body
