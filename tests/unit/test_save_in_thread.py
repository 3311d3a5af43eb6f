"""A save taken and sealed off the app's thread: whole snapshots, the same bytes, short steps.

The app snapshots, encrypts and writes the journal in a worker thread while its own thread goes
on handling keys (issue #20). The records' lock keeps a snapshot from catching a transaction
half done; the crypto steps let the app's thread run between 1 MiB pieces.
"""

from __future__ import annotations

import os
import threading
from datetime import date

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rmjournal.core import crypto
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import Journal
from rmjournal.core.model import Person


def _journal(clock: FixedClock) -> Journal:
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)), clock=clock)
    j.start_pair(mentor=Person("Ama Owusu", "Analyst"), mentee=Person("Richard Hale", "DG"))
    return j


def _in_thread(work):  # type: ignore[no-untyped-def]
    got: list[object] = []
    thread = threading.Thread(target=lambda: got.append(work()))
    thread.start()
    return thread, got


def test_a_snapshot_from_a_thread_waits_for_the_transaction_in_progress(clock) -> None:
    journal = _journal(clock)
    with journal.transaction():
        journal.add_goal("mentor", "First half of a change")
        thread, got = _in_thread(journal.snapshot)
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
    changes, body = journal.snapshot()
    assert changes == journal.changes
    assert body == journal.to_bytes()


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
