"""Keys that follow the copies: each person's signed record of their key slots, and old pair keys.

A journal body holds, per role, a counter and that person's signature over their slots as they
are (`slot_records`), and the pair keys from before a rekey (`pair_key_history`). At a merge the
copy whose record is newer and verifies gives that person's slots, and a copy made before a
rekey still opens. Kept apart from `vault_keys.py` (the key operations that write these) because
the journal file and the merge read and write them too, without any vault operation.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from rmjournal.core import crypto
from rmjournal.core.crypto import Signer, verify_signature
from rmjournal.core.errors import FileDamaged
from rmjournal.core.fileformat import Header, Slot
from rmjournal.core.model import ROLES, Role

SLOTS_PURPOSE = "key slots"
"""The signing purpose of a slot record (`crypto.signed_message`)."""

MAX_OLD_PAIR_KEYS = 8
"""How many pair keys from before rekeys a journal keeps, to open copies made before them."""


class SlotRecord(NamedTuple):
    """One person's signature over their key slots as they are (and the pair key they seal).

    `counter` grows with every change the person makes to their slots (a passphrase change, a
    new recovery key, a slot added or removed, a rekey): at a merge, the copy whose record is
    newer and verifies with that person's pinned key gives its slots for that person."""

    counter: int
    digest: str
    signature: str


def key_id(pair_key: bytes) -> str:
    """A public name of a pair key (HKDF, 16 bytes hex): which key sealed a copy, not the key."""
    return crypto.hkdf_sha256(pair_key, salt=b"", info=b"rmjournal key id\x00")[:16].hex()


def slots_digest(file_id: bytes, role: Role, slots: Iterable[Slot], pair_key: bytes) -> str:
    """SHA-256 (hex) of `role`'s slots in order, bound to the file and to the pair key."""
    parts = [
        b"rmjournal slots v1\x00",
        file_id,
        role.encode("ascii"),
        bytes.fromhex(key_id(pair_key)),
    ]
    parts.extend(slot.pack() for slot in slots if slot.role == role)
    return crypto.sha256(b"".join(parts)).hex()


def _record_data(role: Role, counter: int, digest: str) -> bytes:
    return f"{role}\x00{counter}\x00{digest}".encode("ascii")


def sign_record(signer: Signer, counter: int, digest: str) -> SlotRecord:
    """`signer`'s record of their slots (digest) at `counter`."""
    role: Role = signer.role  # type: ignore[assignment]
    sig = signer.sign(SLOTS_PURPOSE, _record_data(role, counter, digest))
    return SlotRecord(counter, digest, base64.b64encode(sig).decode("ascii"))


def record_valid(record: SlotRecord, role: Role, digest: str, public_key: bytes | None) -> bool:
    """Whether `record` is `role`'s signature (by `public_key`) over exactly `digest`."""
    if public_key is None or record.digest != digest:
        return False
    try:
        sig = base64.b64decode(record.signature, validate=True)
    except (binascii.Error, ValueError):
        return False
    return verify_signature(
        public_key, SLOTS_PURPOSE, _record_data(role, record.counter, digest), sig
    )


def read_key_tables(
    execute: Callable[[str], Any],
) -> tuple[dict[Role, SlotRecord], list[bytes]]:
    """The slot records and old pair keys stored in a body (empty for a body before them)."""
    records: dict[Role, SlotRecord] = {}
    old: list[bytes] = []
    try:
        for role, counter, digest, signature in execute(
            "SELECT role, counter, digest, signature FROM slot_records"
        ):
            if role in ROLES and isinstance(counter, int) and isinstance(digest, str):
                records[role] = SlotRecord(counter, digest, str(signature))
        for (text,) in execute("SELECT pair_key FROM pair_key_history"):
            with contextlib.suppress(ValueError, TypeError):
                raw = bytes.fromhex(text)
                if len(raw) == crypto.KEY_BYTES:
                    old.append(raw)
    except sqlite3.DatabaseError:
        return {}, []
    return records, old


def write_key_tables(
    execute: Callable[..., Any], records: dict[Role, SlotRecord], old_keys: list[bytes]
) -> None:
    """Store `records` and `old_keys` in a body at schema 10 or later (replacing what was)."""
    execute("DELETE FROM slot_records")
    for role, r in records.items():
        execute(
            "INSERT INTO slot_records (role, counter, digest, signature) VALUES (?, ?, ?, ?)",
            (role, r.counter, r.digest, r.signature),
        )
    execute("DELETE FROM pair_key_history")
    for key in old_keys[:MAX_OLD_PAIR_KEYS]:
        execute(
            "INSERT OR IGNORE INTO pair_key_history (key_id, pair_key) VALUES (?, ?)",
            (key_id(key), key.hex()),
        )


def patch_body(
    body: bytes | memoryview, records: dict[Role, SlotRecord], old: list[bytes]
) -> bytes:
    """`body` (a serialized journal database) with `records` and `old` stored in it, migrated to
    the latest schema first if older: for the key operations, which rewrite the saved body."""
    from rmjournal.core import store

    try:
        conn = store.load(bytes(body))
    except FileDamaged:  # not a journal database (the vault stores any bytes): nothing to add
        return bytes(body)
    try:
        write_key_tables(conn.execute, records, old)
        conn.commit()
        return store.serialize(conn)
    finally:
        conn.close()


def body_key_tables(body: bytes | memoryview) -> tuple[dict[Role, SlotRecord], list[bytes]]:
    """The slot records and old pair keys held in a saved body (none if it is not a journal)."""
    from rmjournal.core import store

    try:
        conn = store.load(bytes(body))
    except FileDamaged:
        return {}, []
    try:
        return read_key_tables(conn.execute)
    finally:
        conn.close()


class CopyKeys(NamedTuple):
    """What `read_copy` learnt about another copy's keys, for `follow_keys` after the merge."""

    header: Header
    pair_key: bytes
