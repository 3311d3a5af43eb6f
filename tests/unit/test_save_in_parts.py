"""A save seals the body straight into its temp file, part by part (`fileformat.encode_to`,
`safefile.atomic_write_parts`): the same bytes as the one-buffer encoding, checked on disk,
and no buffer the size of the journal beside the body."""

from __future__ import annotations

import hashlib
import io
import os
import threading
import tracemalloc
from pathlib import Path

import pytest
from vault_helpers import make_journal, notes_of, open_journal, sqlite_body

from rmjournal.core import crypto, fileformat
from rmjournal.core.crypto import Argon2Params, random_key
from rmjournal.core.fileformat import Slot

MAX_COST = Argon2Params(fileformat.MAX_MEMORY_KIB, 4, 4)  # never derived here: only sealed


def _slot(file_id: bytes, pair_key: bytes) -> Slot:
    return fileformat.make_slot(
        file_id, role="mentor", kind="passphrase", params=MAX_COST, salt=b"s" * 32,
        kek=random_key(), pair_key=pair_key, personal_key=random_key(),
    )  # fmt: skip


@pytest.mark.parametrize("size", [0, 1000, 3 * crypto.STEP_BYTES + 5])
@pytest.mark.parametrize("in_thread", [False, True])
def test_parts_are_the_one_buffer_encoding(monkeypatch, size: int, in_thread: bool) -> None:
    pair_key, file_id = random_key(), b"f" * 16
    slots = (_slot(file_id, pair_key),)
    body = os.urandom(size)
    fixed = iter([b"a" * 32, b"n" * 12, b"a" * 32, b"n" * 12])
    monkeypatch.setattr(fileformat.os, "urandom", lambda n: next(fixed)[:n])
    whole, header = fileformat.encode(
        flags=0, file_id=file_id, generation=2, slots=slots, pair_key=pair_key, body=body
    )
    out = io.BytesIO()
    got: list[tuple[fileformat.Header, bytes]] = []

    def run() -> None:
        got.append(fileformat.encode_to(
            out.write, flags=0, file_id=file_id, generation=2, slots=slots, pair_key=pair_key,
            body=body,
        ))  # fmt: skip

    if in_thread:  # off the main thread the body is sealed in steps
        worker = threading.Thread(target=run)
        worker.start()
        worker.join()
    else:
        run()
    parted, trailer = got[0]
    assert out.getvalue() == bytes(whole)
    assert parted == header
    assert trailer == bytes(whole[-fileformat.TRAILER_BYTES :])
    assert trailer == hashlib.sha256(whole[: -fileformat.TRAILER_BYTES]).digest()


def test_a_save_holds_no_buffer_the_size_of_the_file(tmp_path: Path) -> None:
    vault, _ = make_journal(tmp_path / "j.rmj", "first")
    body = sqlite_body(*(f"note {n} " + "x" * 500 for n in range(8000)))  # about 4.5 MB
    assert len(body) > 4 * crypto.STEP_BYTES
    with vault:
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            vault.save(body)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert peak < len(body) // 2  # a file buffer would be len(body) + header on its own
    with open_journal(tmp_path / "j.rmj") as reopened:
        assert notes_of(reopened.read_body())[-1].startswith("note 7999 ")


def test_the_read_back_check_passes_the_same_bytes_in_any_parts_and_nothing_else() -> None:
    data = os.urandom(3 * crypto.STEP_BYTES + 7)
    written = crypto.ReadBackCheck()
    for start in range(0, len(data), 1000):
        written.update(data[start : start + 1000])
    again = written.twin()
    again.update(data)
    tag = again.finalize()
    assert tag == written.finalize() == written.finalize()  # asked twice: the same tag
    for damage in (
        data[:-1] + bytes([data[-1] ^ 1]),  # one bit at the end
        bytes([data[0] ^ 0x80]) + data[1:],  # one bit at the start
        data[: len(data) // 2] + bytes(16) + data[len(data) // 2 + 16 :],  # a block zeroed
    ):
        read = written.twin()
        read.update(damage)
        assert read.finalize() != tag
    other = crypto.ReadBackCheck()  # another save's check: another key
    other.update(data)
    assert other.finalize() != tag
