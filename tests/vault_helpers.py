"""Helpers shared by the vault tests: small SQLite bodies, test-KDF journals, KDF call counters.

Kept in one module so the unit, CLI and reliability tests build journals the same way, always
with the insecure test KDF so they stay fast.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from testkit import PASSPHRASE

from rmjournal.core import crypto, fileformat
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault


def sqlite_body(*notes: str) -> bytes:
    """A serialized SQLite database with one table of notes (made in memory only)."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
        conn.executemany("INSERT INTO notes (text) VALUES (?)", [(n,) for n in notes])
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


def notes_of(body: bytes) -> list[str]:
    """The notes stored in a body made by `sqlite_body`."""
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("PRAGMA temp_store=MEMORY")
        conn.deserialize(body)
        return [row[0] for row in conn.execute("SELECT text FROM notes ORDER BY id")]
    finally:
        conn.close()


def make_journal(
    path: Path, *notes: str, passphrase: str = PASSPHRASE, role: str = "mentor"
) -> tuple[Vault, str]:
    """A new test-KDF journal (still open, lock held) and its recovery key."""
    return Vault.create(
        path,
        passphrase=Secret.passphrase(passphrase),
        role=role,  # type: ignore[arg-type]
        body=sqlite_body(*notes),
        test_kdf=True,
    )


def open_journal(path: Path, secret: str = PASSPHRASE, **kwargs: Any) -> Vault:
    """Open a test-KDF journal with a passphrase."""
    kwargs.setdefault("allow_test_kdf", True)
    return Vault.open(path, Secret.passphrase(secret), **kwargs)


def with_trailer(data: bytes) -> bytes:
    """`data` with its SHA-256 trailer recomputed, as a deliberate tamperer would do."""
    body = data[: -fileformat.TRAILER_BYTES]
    return body + hashlib.sha256(body).digest()


def header_length(data: bytes) -> int:
    """The length of a file's header (prefix, slots, body info)."""
    count = data[fileformat.PREFIX.size - 1]
    return fileformat.PREFIX.size + count * fileformat.SLOT.size + fileformat.BODY_INFO.size


def slot_range(index: int) -> slice:
    """Where slot `index` sits in the file."""
    start = fileformat.PREFIX.size + index * fileformat.SLOT.size
    return slice(start, start + fileformat.SLOT.size)


class KdfCounter:
    """Counts real key derivations by wrapping `crypto.argon2id` and `crypto.hkdf_sha256`.

    The wrappers call the real functions, so behaviour is unchanged; only the counts are new.
    """

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.argon2 = 0
        self.hkdf = 0
        self._wrap(monkeypatch, "argon2id", "argon2")
        self._wrap(monkeypatch, "hkdf_sha256", "hkdf")

    def _wrap(self, monkeypatch: pytest.MonkeyPatch, name: str, counter: str) -> None:
        real: Callable[..., bytes] = getattr(crypto, name)

        def counting(*args: Any, **kwargs: Any) -> bytes:
            setattr(self, counter, getattr(self, counter) + 1)
            return real(*args, **kwargs)

        monkeypatch.setattr(crypto, name, counting)

    @property
    def total(self) -> int:
        return self.argon2 + self.hkdf
