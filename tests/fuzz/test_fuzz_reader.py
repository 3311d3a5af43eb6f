"""Fuzzing the journal file reader: random bytes and mutated real files (bit flips, splices,
truncations, insertions, with and without the checksum recomputed) only ever raise our own errors
(`JournalError` subclasses), never open unless the file is the original, and never run a key
derivation outside the reader's bounds.

Argon2id is replaced by a stand-in for any parameters other than the real file's: a changed cost
is bound into the slot's seal, so the slot cannot open whatever key comes out, and the stand-in
keeps a fuzzed 1 GiB cost from costing a gigabyte per example.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rmjournal.core import crypto, fileformat, opening
from rmjournal.core.errors import JournalError
from rmjournal.core.secret import Secret

VECTORS = Path(__file__).resolve().parent.parent / "vectors"
ORIGINAL = (VECTORS / "opens-mentor.rmj").read_bytes()
OTHER = (VECTORS / "body-from-other-file.rmj").read_bytes()  # another journal's bytes to splice
SECRETS = [
    Secret.passphrase("vector mentor passphrase"),
    Secret.passphrase("vector mentee words"),
    Secret.passphrase("wrong"),
]
FAST = settings(
    max_examples=500, deadline=2000, suppress_health_check=list(HealthCheck), database=None
)
SLOW = settings(
    max_examples=3000, deadline=2000, suppress_health_check=list(HealthCheck), database=None
)


@pytest.fixture(autouse=True)
def _bounded_kdf(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    real = crypto.argon2id

    def guarded(secret: bytes, salt: bytes, params: crypto.Argon2Params) -> bytes:
        assert fileformat.kdf_in_bounds(params, test_kdf=True), params
        if params == crypto.TEST_ARGON2:
            return real(secret, salt, params)
        return hashlib.sha256(secret + salt).digest()  # cannot open: the cost is in the seal

    monkeypatch.setattr(crypto, "argon2id", guarded)
    yield


def _read(data: bytes, secret: Secret, switch: bool) -> None:
    try:
        _, unlocked = opening.unlock(
            data, secret, "fuzzed.rmj", role_hint=None, allow_test_kdf=switch
        )
    except JournalError as error:
        assert str(error) and "Traceback" not in str(error)
        return
    assert data == ORIGINAL, "a changed file opened"
    assert unlocked.body


def _mutate(rng: random.Random, count: int) -> bytes:
    out = bytearray(ORIGINAL)
    for _ in range(count):
        kind = rng.randrange(6)
        at = rng.randrange(len(out) + 1)
        if kind == 0 and out:
            out[min(at, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif kind == 1:
            del out[at:]
        elif kind == 2:
            out[at:at] = rng.randbytes(rng.randrange(1, 64))
        elif kind == 3:  # a piece of another journal at the same place
            end = min(len(OTHER), at + rng.randrange(1, 200))
            out[at:end] = OTHER[at:end]
        elif kind == 4 and out:  # a field set to an extreme value
            width = rng.choice([1, 2, 4, 8])
            value = rng.choice([0, 1, 2**(8 * width) - 1, 2**(8 * width - 1)])  # fmt: skip
            out[at : at + width] = value.to_bytes(width, "big")
        else:
            del out[at : at + rng.randrange(1, 141)]
    if rng.random() < 0.7:  # a deliberate edit: checksum recomputed so later rules are reached
        body = bytes(out[: -fileformat.TRAILER_BYTES])
        out = bytearray(body + hashlib.sha256(body).digest())
    return bytes(out)


def _mutated(seed: int, count: int, which: int, switch: bool) -> None:
    data = _mutate(random.Random(seed), count)
    _read(data, SECRETS[which], switch)
    _read(data, Secret.recovery("AAAA-" * 13 + "AAAA"), switch)


@FAST
@given(st.integers(0, 2**64), st.integers(1, 4), st.integers(0, 2), st.booleans())
def test_mutated_files(seed: int, count: int, which: int, switch: bool) -> None:
    _mutated(seed, count, which, switch)


@pytest.mark.slow
@SLOW
@given(st.integers(0, 2**64), st.integers(1, 8), st.integers(0, 2), st.booleans())
def test_mutated_files_many(seed: int, count: int, which: int, switch: bool) -> None:
    _mutated(seed, count, which, switch)


@FAST
@given(st.binary(max_size=4096), st.booleans())
def test_random_bytes(data: bytes, switch: bool) -> None:
    _read(data, SECRETS[0], switch)


@FAST
@given(st.binary(min_size=0, max_size=2000), st.booleans())
def test_random_bytes_after_a_real_magic_and_version(tail: bytes, switch: bool) -> None:
    data = ORIGINAL[:12] + tail
    body = data[: -fileformat.TRAILER_BYTES] if len(data) > 44 else data
    _read(body + hashlib.sha256(body).digest(), SECRETS[0], switch)


def test_the_unmutated_file_opens() -> None:
    _read(ORIGINAL, SECRETS[0], True)
