"""Authorship you can prove: what a person writes carries their signature (trust.md point 2).

Both partners hold the pair key, so either can write any row of a copy. Each row of the tables
people write (`schema.SIGNED_TABLES`) therefore carries, in its `signature` column (schema 11),
the Ed25519 signature of whoever last wrote its words, over the table, the id, the author and
the values of the fields the field table marks as the author's words (those sealed when the
item is private), its visibility and its deletion. The signature is `<role>:<base64>`, made with
the writer's signing key (`crypto.Signer`, derived from their personal key: only their own slot
yields it) for the purpose "authorship".

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

from rmjournal.core.crypto import Signer, verify_signature
from rmjournal.core.schema import PRIVATE_FIELDS, SIGNED_TABLES

PURPOSE = "authorship"
"""The signing purpose: an authorship signature never verifies as an approval, nor back."""

_NOT_SIGNED = {"partner_notes"}
"""Words in a row that are not its author's: an agenda item's partner notes are the partner's."""


def signed_columns(table: str) -> tuple[str, ...]:
    """The columns of `table` an authorship signature covers (besides table, id and author);
    `deleted_at` only while the item is private (`statement`)."""
    words = tuple(c for c in PRIVATE_FIELDS.get(table, ()) if c not in _NOT_SIGNED)
    return (*words, "visibility", "deleted_at")


def statement(table: str, row: dict[str, Any]) -> bytes:
    """The exact bytes an authorship signature is over, from a row as stored (sealed text as
    sealed, so the partner can check a private item's signature without opening it).

    A private item's deletion is covered (only its author may delete it); a shared item's is
    not: either partner may delete a shared item, and a merge takes a deletion from one copy
    and the words from the other."""
    private = row.get("visibility") == "private"
    values = {c: row.get(c) for c in signed_columns(table) if c != "deleted_at" or private}
    return json.dumps(
        [table, row.get("id"), row.get("author"), values],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    ).encode("utf-8", "surrogatepass")


def sign_row(signer: Signer, table: str, row: dict[str, Any]) -> str:
    """The `signature` column's value for `row` written by `signer`'s person."""
    raw = signer.sign(PURPOSE, statement(table, row))
    return f"{signer.role}:{base64.b64encode(raw).decode('ascii')}"


def same_words(table: str, a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Whether two versions of a row agree on everything a signature covers."""
    return statement(table, a) == statement(table, b)


KeyFor = Callable[[str], bytes | None]
"""The public key the reader trusts for a role (None when it is not known)."""


def signer_of(table: str, row: dict[str, Any], key_for: KeyFor) -> str | None:
    """The role whose valid signature the row carries, or None (unsigned, unknown or forged)."""
    text = row.get("signature")
    if not isinstance(text, str) or ":" not in text:
        return None
    role, _, encoded = text.partition(":")
    key = key_for(role)
    if key is None:
        return None
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        return None
    return role if verify_signature(key, PURPOSE, statement(table, row), raw) else None


def by_author(table: str, row: dict[str, Any], key_for: KeyFor) -> bool:
    """Whether the row carries its own author's valid signature."""
    author = row.get("author")
    return isinstance(author, str) and signer_of(table, row, key_for) == author


def is_signed_table(table: str) -> bool:
    """Whether rows of `table` carry authorship signatures."""
    return table in SIGNED_TABLES
