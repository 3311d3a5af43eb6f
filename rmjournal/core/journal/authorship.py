"""Authorship you can prove: what a person writes carries their signature (trust.md point 2).

Both partners hold the pair key, so either can write any row of a copy. Each row of the tables
people write (`schema.SIGNED_TABLES`) therefore carries, in its `signature` column (schema 11),
the Ed25519 signature of whoever last wrote its words, over the table, the id, the author and
the values of the fields the field table marks as the author's words (those sealed when the
item is private), its visibility and its deletion. The signature is `<role>:<base64>`, made with
the writer's signing key (`crypto.Signer`, derived from their personal key: only their own slot
yields it) for the purpose "authorship".

Rows written together in bulk (an import) are signed once, as a batch (schema 13): the writer
signs, for the purpose "authorship batch", the batch's id and the list of the SHA-256 digests
of each row's `statement`, kept in `signature_batches`; each row's `signature` is then
`<role>:@<batch id>/<place>`. Such a row verifies only when its own statement's digest is the
one at its place in a batch that verifies with its role's key: a row changed inside a batch,
or a reference copied onto another row, does not. One Ed25519 signature instead of thousands.

A copy in which someone without the author's key changed or deleted their words is caught by
the merge (`core/merge.py`): where the two copies' versions of a row differ in what is signed,
and only one of them is signed by the row's author, that one is kept and the other is set aside
(kept whole, reported); a row only the other copy holds that claims an author who did not sign
it is set aside too. Words changed on either side by their author merge as before.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives import hashes

from rmjournal.core.crypto import Signer, verify_signature
from rmjournal.core.model import ROLES
from rmjournal.core.schema import PRIVATE_FIELDS, SIGNED_TABLES

PURPOSE = "authorship"
"""The signing purpose: an authorship signature never verifies as an approval, nor back."""

BATCH_PURPOSE = "authorship batch"
"""The purpose of a batch's signature (over its id and its rows' digests, `batch_message`)."""

DIGEST_SIZE = 32
"""Bytes of each row's digest in a batch (SHA-256 of its `statement`)."""

_SHA256 = hashes.SHA256()

_NOT_SIGNED = {"partner_notes"}
"""Words in a row that are not its author's: an agenda item's partner notes are the partner's."""


def signed_columns(table: str) -> tuple[str, ...]:
    """The columns of `table` an authorship signature covers (besides table, id and author);
    `deleted_at` only while the item is private (`statement`)."""
    words = tuple(c for c in PRIVATE_FIELDS.get(table, ()) if c not in _NOT_SIGNED)
    return (*words, "visibility", "deleted_at")


_COLUMNS = {table: signed_columns(table) for table in SIGNED_TABLES}
_SHARED_COLUMNS = {table: cols[:-1] for table, cols in _COLUMNS.items()}  # without deleted_at
_ENCODER = json.JSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
"""One encoder for every statement (`json.dumps` with these options builds one per call)."""


def statement(table: str, row: dict[str, Any]) -> bytes:
    """The exact bytes an authorship signature is over, from a row as stored (sealed text as
    sealed, so the partner can check a private item's signature without opening it).

    A private item's deletion is covered (only its author may delete it); a shared item's is
    not: either partner may delete a shared item, and a merge takes a deletion from one copy
    and the words from the other."""
    private = row.get("visibility") == "private"
    columns = (_COLUMNS if private else _SHARED_COLUMNS).get(table)
    if columns is None:
        columns = tuple(c for c in signed_columns(table) if c != "deleted_at" or private)
    values = {c: row.get(c) for c in columns}
    text = _ENCODER.encode([table, row.get("id"), row.get("author"), values])
    return text.encode("utf-8", "surrogatepass")


def digest(table: str, row: dict[str, Any]) -> bytes:
    """The SHA-256 digest of the row's `statement`: what a batch lists for it (by the OpenSSL
    of `cryptography`, not `hashlib`, which would load a second one: `crypto.sha256`)."""
    h = hashes.Hash(_SHA256)
    h.update(statement(table, row))
    return h.finalize()


def batch_message(batch_id: str, digests: bytes) -> bytes:
    """The bytes a batch signature is over: its id, then its rows' digests in order."""
    return batch_id.encode("ascii") + b"\x00" + digests


def batch_reference(role: str, batch_id: str, place: int) -> str:
    """The `signature` column's value for the row at `place` of `role`'s batch `batch_id`."""
    return f"{role}:@{batch_id}/{place}"


def _parse_reference(encoded: str) -> tuple[str, int] | None:
    batch_id, slash, place = encoded[1:].partition("/")
    if not slash or not batch_id or not place.isdigit() or len(place) > 9:
        return None
    return batch_id, int(place)


class Batches:
    """The signature batches of one database, read and verified once each (cached)."""

    def __init__(self, execute: Callable[..., Any]) -> None:
        self._execute = execute
        self._verified: dict[tuple[str, str, bytes], bytes | None] = {}

    def digests(self, batch_id: str, role: str, key: bytes) -> bytes | None:
        """The row digests of `role`'s batch `batch_id` if its signature verifies with `key`;
        None when the batch is absent, another role's, or forged."""
        known = (batch_id, role, key)
        if known not in self._verified:
            self._verified[known] = self._read(batch_id, role, key)
        return self._verified[known]

    def _read(self, batch_id: str, role: str, key: bytes) -> bytes | None:
        import sqlite3

        try:
            found = self._execute(
                "SELECT role, digests, signature FROM signature_batches WHERE id = ?",
                (batch_id,),
            ).fetchone()
        except sqlite3.DatabaseError:  # a database before schema 13: it holds no batches
            return None
        if found is None or found[0] != role or not isinstance(found[1], bytes):
            return None
        digests, text = found[1], found[2]
        if len(digests) % DIGEST_SIZE or not isinstance(text, str):
            return None
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return None
        ok = verify_signature(key, BATCH_PURPOSE, batch_message(batch_id, digests), raw)
        return digests if ok else None


def sign_row(signer: Signer, table: str, row: dict[str, Any]) -> str:
    """The `signature` column's value for `row` written by `signer`'s person."""
    raw = signer.sign(PURPOSE, statement(table, row))
    return f"{signer.role}:{base64.b64encode(raw).decode('ascii')}"


def same_words(table: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two versions of a row agree on everything a signature covers."""
    return statement(table, a) == statement(table, b)


KeyFor = Callable[[str], bytes | None]
"""The public key the reader trusts for a role (None when it is not known)."""


def signer_of(
    table: str, row: dict[str, Any], key_for: KeyFor, batches: Batches | None = None
) -> str | None:
    """The role whose valid signature the row carries, or None (unsigned, unknown or forged).

    A row signed in a batch is checked against `batches` (those of the database the row was
    read from); without them it counts as unsigned."""
    text = row.get("signature")
    if not isinstance(text, str) or ":" not in text:
        return None
    role, _, encoded = text.partition(":")
    key = key_for(role)
    if key is None:
        return None
    if encoded.startswith("@"):
        ref = _parse_reference(encoded)
        if ref is None or batches is None:
            return None
        digests = batches.digests(ref[0], role, key)
        start = ref[1] * DIGEST_SIZE
        if digests is None or start + DIGEST_SIZE > len(digests):
            return None
        return role if digests[start : start + DIGEST_SIZE] == digest(table, row) else None
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return role if verify_signature(key, PURPOSE, statement(table, row), raw) else None


def by_author(
    table: str, row: dict[str, Any], key_for: KeyFor, batches: Batches | None = None
) -> bool:
    """Whether the row carries its own author's valid signature (`signer_of`)."""
    author = row.get("author")
    return isinstance(author, str) and signer_of(table, row, key_for, batches) == author


def batch_of(row: dict[str, Any]) -> str | None:
    """The id of the batch the row's signature names, or None (signed alone, or unsigned)."""
    text = row.get("signature")
    if not isinstance(text, str):
        return None
    encoded = text.partition(":")[2]
    ref = _parse_reference(encoded) if encoded.startswith("@") else None
    return ref[0] if ref else None


def is_signed_table(table: str) -> bool:
    """Whether rows of `table` carry authorship signatures."""
    return table in SIGNED_TABLES


class Batch:
    """The rows of one batch being signed (`Records.signing_batch`): their digests, in order."""

    def __init__(self, role: str, batch_id: str) -> None:
        self.role = role
        self.id = batch_id
        self.digests = bytearray()
        self.count = 0

    def add(self, table: str, row: dict[str, Any]) -> str:
        """Add the row (as it will be stored) to the batch; its `signature` column's value."""
        self.digests += digest(table, row)
        self.count += 1
        return batch_reference(self.role, self.id, self.count - 1)


def unused_batches_sql(tables: list[str]) -> str | None:
    """SQL deleting the batches no row of `tables` names any more (each of their rows was written
    anew), counting the rows kept in `set_aside` as naming theirs: the digests would only grow.
    None without a table that carries signatures."""
    names = " UNION ALL ".join(
        f"SELECT substr(signature, instr(signature, '@') + 1,"  # noqa: S608 - fixed names
        f" instr(signature, '/') - instr(signature, '@') - 1) FROM {table}"
        f" WHERE signature LIKE '%:@%/%'"
        for table in tables
    )
    if not names:
        return None
    return (
        f"DELETE FROM signature_batches WHERE id NOT IN ({names})"  # noqa: S608
        " AND NOT EXISTS (SELECT 1 FROM set_aside"
        " WHERE instr(set_aside.row, '@' || signature_batches.id || '/'))"
    )


class Proof:
    """What `check_words` found: the rows whose words do not carry a valid signature, and how
    many rows could not be checked (no signature at all, or a key this copy does not know)."""

    def __init__(self) -> None:
        self.failing: list[tuple[str, str, str]] = []
        """(table, item id, reason in words) of each row whose signature does not hold."""
        self.unsigned = 0
        """Rows without a signature: written before signatures (schema 11), or stripped."""
        self.unknown_key = 0
        """Rows signed as a partner whose signing key this copy does not know yet."""


def check_words(execute: Callable[..., Any], key_for: KeyFor) -> Proof:
    """Every row of the signed tables (deleted ones too) checked against its signature, as a
    merge would check the other copy's version: a signature that does not verify, or a private
    item not signed by its author, is a row changed without its writer's key.

    A merge only compares two copies; this reads one, so an edit made to the file itself (by
    a sync, or a script with the pair key) is found too. Shared text may be signed by either
    partner (an edit in the app is signed by whoever made it), as the merge allows.
    """
    proof = Proof()
    batches = Batches(execute)
    for table in SIGNED_TABLES:
        cursor = execute(f"SELECT * FROM {table}")  # noqa: S608 - fixed names
        names = [c[0] for c in cursor.description]
        for values in cursor:  # one row at a time: a journal's text is never all in memory
            row = dict(zip(names, values, strict=True))
            text = row.get("signature")
            if text is None:
                proof.unsigned += 1
                continue
            claimed = text.partition(":")[0] if isinstance(text, str) else ""
            if claimed in ROLES and key_for(claimed) is None:
                proof.unknown_key += 1
                continue
            who = signer_of(table, row, key_for, batches)
            if who is None:
                reason = "its words were changed without the key of whoever signed them"
            elif row.get("visibility") == "private" and who != row.get("author"):
                reason = f"it is private to the {row.get('author')} but signed by the {who}"
            else:
                continue
            proof.failing.append((table, str(row.get("id")), reason))
    return proof
