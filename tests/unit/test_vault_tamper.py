"""Damaged and tampered files never open, always with the right error, never running the KDF on
out-of-range parameters: bit flips, truncation, appended bytes, slot swaps, splices, downgrades.

Most cases go straight to `opening.unlock` on bytes (the same code `Vault.open` runs) so the
exhaustive loops stay fast; a few go through `Vault.open` on disk to show the path is the same.
"""

from __future__ import annotations

import os
import random
import struct
from pathlib import Path

import pytest
from testkit import MENTEE_PASSPHRASE, PASSPHRASE
from vault_helpers import (
    KdfCounter,
    header_length,
    make_journal,
    open_journal,
    slot_range,
    sqlite_body,
    with_trailer,
)

from rmjournal.core import crypto, fileformat, opening
from rmjournal.core.crypto import Argon2Params
from rmjournal.core.errors import FileDamaged, Tampered, WrongSecret
from rmjournal.core.secret import Secret

SECRET = Secret.passphrase(PASSPHRASE)


def _unlock(data: bytes, secret: Secret = SECRET, allow_test_kdf: bool = True) -> object:
    return opening.unlock(data, secret, "pair.rmj", role_hint=None, allow_test_kdf=allow_test_kdf)


@pytest.fixture
def sample(journal_dir: Path) -> bytes:
    """The bytes of a two-person test-KDF journal."""
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "a note", "another note")
    vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    vault.close()
    data = path.read_bytes()
    _unlock(data)  # sanity: the untouched file opens
    return data


def _flip(data: bytes, index: int, mask: int) -> bytes:
    return data[:index] + bytes([data[index] ^ mask]) + data[index + 1 :]


def _body_positions(data: bytes, count: int, seed: int) -> list[int]:
    start, end = header_length(data), len(data)
    return random.Random(seed).sample(range(start, end), min(count, end - start))


def test_every_header_byte_flipped_is_file_damaged(sample: bytes) -> None:
    for index in range(header_length(sample)):
        with pytest.raises(FileDamaged):
            _unlock(_flip(sample, index, 0x01))


def test_sampled_body_and_trailer_bytes_flipped_are_file_damaged(sample: bytes) -> None:
    positions = _body_positions(sample, 64, seed=1)
    for index in positions:
        with pytest.raises(FileDamaged):
            _unlock(_flip(sample, index, 0x80))


@pytest.mark.slow
def test_every_bit_of_every_byte_flipped_is_file_damaged(sample: bytes) -> None:
    for index in range(len(sample)):
        for bit in range(8):
            with pytest.raises(FileDamaged):
                _unlock(_flip(sample, index, 1 << bit))


def test_every_header_byte_tampered_with_a_fixed_checksum_never_opens(sample: bytes) -> None:
    """A tamperer who recomputes the checksum still gets nothing: wrong secret or tampered."""
    for index in range(header_length(sample)):
        with pytest.raises((FileDamaged, WrongSecret)):
            _unlock(with_trailer(_flip(sample, index, 0x01)))


@pytest.mark.slow
def test_every_bit_tampered_with_a_fixed_checksum_never_opens(sample: bytes) -> None:
    for index in range(len(sample) - fileformat.TRAILER_BYTES):
        for bit in range(8):
            with pytest.raises((FileDamaged, WrongSecret)):
                _unlock(with_trailer(_flip(sample, index, 1 << bit)))


def test_body_tampered_with_a_fixed_checksum_is_tampered(sample: bytes) -> None:
    for index in _body_positions(sample[: -fileformat.TRAILER_BYTES], 32, seed=2):
        with pytest.raises(Tampered):
            _unlock(with_trailer(_flip(sample, index, 0x04)))


def test_truncation_at_every_length_is_file_damaged(sample: bytes) -> None:
    for length in range(len(sample)):
        with pytest.raises(FileDamaged):
            _unlock(sample[:length])


def test_appended_bytes_are_file_damaged(sample: bytes) -> None:
    for extra in (b"\x00", b"\x00" * 16, os.urandom(32), os.urandom(4096)):
        with pytest.raises(FileDamaged):
            _unlock(sample + extra)
        with pytest.raises(FileDamaged):  # even with the checksum recomputed: lengths are exact
            _unlock(with_trailer(sample + extra + bytes(32)))


def test_not_a_journal(journal_dir: Path) -> None:
    for junk in (b"", b"hello", b"SQLite format 3\x00" + bytes(500), os.urandom(1000)):
        with pytest.raises(FileDamaged, match="not an rmjournal journal"):
            _unlock(junk)


def test_damage_on_disk_through_vault_open(journal_dir: Path, sample: bytes) -> None:
    path = journal_dir / "damaged.rmj"
    path.write_bytes(_flip(sample, 100, 0x10))
    with pytest.raises(FileDamaged, match="checksum"):
        open_journal(path)
    path.write_bytes(sample[: len(sample) // 2])
    with pytest.raises(FileDamaged):
        open_journal(path)


def test_swapped_slots_are_tampered(sample: bytes) -> None:
    data = bytearray(sample)
    data[slot_range(0)], data[slot_range(1)] = sample[slot_range(1)], sample[slot_range(0)]
    with pytest.raises(Tampered):
        _unlock(with_trailer(bytes(data)))
    data = bytearray(sample)  # mentor's and mentee's passphrase slots change places
    data[slot_range(0)], data[slot_range(2)] = sample[slot_range(2)], sample[slot_range(0)]
    for secret in (SECRET, Secret.passphrase(MENTEE_PASSPHRASE)):
        with pytest.raises(Tampered):
            _unlock(with_trailer(bytes(data)), secret)


def test_relabelled_slot_role_does_not_open(sample: bytes) -> None:
    data = bytearray(sample)
    data[slot_range(0).start] = fileformat.ROLE_CODES["mentee"]  # mentor's slot claims mentee
    with pytest.raises(WrongSecret):
        _unlock(with_trailer(bytes(data)))


def test_slot_copied_from_another_file_does_not_open(journal_dir: Path, sample: bytes) -> None:
    other_path = journal_dir / "other.rmj"
    make_journal(other_path, "a note", "another note")[0].close()  # same passphrase
    other = other_path.read_bytes()
    data = bytearray(sample)
    data[slot_range(0)] = other[slot_range(0)]
    with pytest.raises((WrongSecret, Tampered)):
        _unlock(with_trailer(bytes(data)))
    # Copying the other file's id along with the slot only moves the failure to the body.
    data[8 + 4 : 8 + 4 + 16] = other[12:28]
    with pytest.raises(Tampered):
        _unlock(with_trailer(bytes(data)))


def test_header_of_one_file_with_body_of_another_is_tampered(journal_dir: Path) -> None:
    one, _ = make_journal(journal_dir / "one.rmj", "same size")
    two, _ = make_journal(journal_dir / "two.rmj", "same size")
    one.close()
    two.close()
    a, b = (journal_dir / "one.rmj").read_bytes(), (journal_dir / "two.rmj").read_bytes()
    assert len(a) == len(b)
    spliced = a[: header_length(a)] + b[header_length(b) :]
    with pytest.raises(Tampered):
        _unlock(with_trailer(spliced))


def test_header_of_one_save_with_body_of_another_is_tampered(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "same size")
    first = path.read_bytes()
    vault.save(sqlite_body("same size"))
    second = path.read_bytes()
    vault.close()
    for head, tail in ((first, second), (second, first)):
        with pytest.raises(Tampered):
            _unlock(with_trailer(head[: header_length(head)] + tail[header_length(tail) :]))
    # A rolled-back generation number alone is caught too.
    older = bytearray(second)
    struct.pack_into(">Q", older, 28, 1)
    with pytest.raises(Tampered):
        _unlock(with_trailer(bytes(older)))


@pytest.mark.parametrize("version", [0, 2, 255, 0xFFFF])
def test_other_versions_are_refused(sample: bytes, version: int) -> None:
    data = bytearray(sample)
    struct.pack_into(">H", data, 8, version)
    with pytest.raises(FileDamaged, match="version" if version < 2 else "newer"):
        _unlock(with_trailer(bytes(data)))


def _crafted(flags: int, params: Argon2Params) -> bytes:
    """A file whose passphrase slot has `params` (sealed under a random key: no KDF runs)."""
    file_id = os.urandom(16)
    pair_key, personal_key = crypto.random_key(), crypto.random_key()
    slot = fileformat.make_slot(
        file_id, role="mentor", kind="passphrase", params=params, salt=os.urandom(32),
        kek=crypto.random_key(), pair_key=pair_key, personal_key=personal_key,
    )  # fmt: skip
    data, _ = fileformat.encode(
        flags=flags, file_id=file_id, generation=1, slots=(slot,), pair_key=pair_key, body=b"x"
    )
    return data


OUT_OF_RANGE = [
    Argon2Params(64, 1, 1),  # the test cost, without the test flag: a KDF downgrade
    Argon2Params(32 * 1024, 2, 1),  # below 64 MiB
    Argon2Params(64 * 1024, 1, 1),  # one pass
    Argon2Params(2 * 1024 * 1024, 2, 1),  # 2 GiB: a memory bomb
    Argon2Params(64 * 1024, 1000, 1),  # a time bomb
    Argon2Params(64 * 1024, 2, 0),  # no lanes
    Argon2Params(64 * 1024, 2, 64),  # too many lanes
    Argon2Params(1024 * 1024, 16, 1),  # each bound alone is fine, the total work is not
]


@pytest.mark.parametrize(
    "params", OUT_OF_RANGE, ids=lambda p: f"{p.memory_kib}k-t{p.iterations}-p{p.lanes}"
)
def test_out_of_range_kdf_is_refused_before_the_kdf_runs(
    params: Argon2Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _crafted(0, params)
    counter = KdfCounter(monkeypatch)
    for allow in (False, True):  # the test switch does not lower real journals' minimums
        with pytest.raises(Tampered, match="out of bounds"):
            _unlock(data, allow_test_kdf=allow)
    assert counter.total == 0


@pytest.mark.parametrize(
    "params", [Argon2Params(4, 1, 1), Argon2Params(8, 0, 1), Argon2Params(2 * 1024 * 1024, 1, 1)]
)
def test_test_flag_journals_still_have_bounds(
    params: Argon2Params, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _crafted(fileformat.FLAG_TEST_KDF, params)
    counter = KdfCounter(monkeypatch)
    with pytest.raises(Tampered):
        _unlock(data)
    assert counter.total == 0


def test_test_flag_with_switch_runs_the_kdf_and_without_it_does_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from rmjournal.core.errors import TestKdfRefused as Refused

    data = _crafted(fileformat.FLAG_TEST_KDF, crypto.TEST_ARGON2)
    counter = KdfCounter(monkeypatch)
    with pytest.raises(Refused):
        _unlock(data, allow_test_kdf=False)
    assert counter.total == 0
    with pytest.raises(WrongSecret):  # sealed under a random key: the KDF ran, nothing opened
        _unlock(data, allow_test_kdf=True)
    assert counter.argon2 == 1


def test_test_flag_added_to_a_real_file_is_refused(sample: bytes) -> None:
    from rmjournal.core.errors import TestKdfRefused as Refused

    real = _crafted(0, fileformat.NORMAL_MIN)
    data = bytearray(real)
    struct.pack_into(">H", data, 10, fileformat.FLAG_TEST_KDF)
    with pytest.raises(Refused):
        _unlock(with_trailer(bytes(data)), allow_test_kdf=False)
    # Clearing the flag on a test file leaves tiny parameters a real reader refuses unrun.
    cleared = bytearray(sample)
    struct.pack_into(">H", cleared, 10, 0)
    with pytest.raises(Tampered, match="out of bounds"):
        _unlock(with_trailer(bytes(cleared)))


def test_unknown_flags_and_slot_counts_are_refused(sample: bytes) -> None:
    data = bytearray(sample)
    struct.pack_into(">H", data, 10, 0x8001)
    with pytest.raises(Tampered, match="flags"):
        _unlock(with_trailer(bytes(data)))
    for count in (0, 9, 255):
        data = bytearray(sample)
        data[fileformat.PREFIX.size - 1] = count
        with pytest.raises(Tampered):
            _unlock(with_trailer(bytes(data)))
