"""Each person's signing key, pinned in the journal, and signatures made and checked with it.

Both partners hold the pair key, so anything in the body can be rewritten by either of them;
what one of them signed cannot be forged by the other. Each person's Ed25519 key is derived
from their personal key (`crypto.Signer`), which is sealed only in their own slots: their
passphrase or recovery key yields it, the partner's never does. Nothing new is stored for it,
so a journal made before signatures has the keys already; each person's public key is pinned
(written to `signing_keys`, signed by itself) the first time they unlock it.

Whom a reader trusts, and why:

- **their own role**: always the key their own secret derives, whatever the body says. A pin
  for their role that differs (someone replaced it) is reported (`PinCheck.problem`) and
  repaired at the next save.
- **the partner**: the key pinned for the partner, if its self-signature verifies, and if the
  reader's own confirmation (`partner_signature`, made when the partner's slot was added with
  both present, or when the partner confirmed at the same keyboard) verifies when present. A
  partner key the reader confirmed cannot be swapped by the partner without the reader's key;
  one pinned before both were present (an upgraded journal) is taken on first use.

A merge adds a pin the journal lacks (its self-signature checked) and never replaces one
(`merge_keys`). Signatures are bound to a purpose (`crypto.signed_message`), so one made for
an approval never verifies as authorship, and to the role named in the data by the caller.

The API for the rest of the code: `signer(journal)` (the reader), `sign(journal, purpose,
data)`, `verify(journal, role, purpose, data, signature)`, `encode`/`decode` for storing a
signature as text; `Vault.authenticate(secret, role)` returns the partner's `Signer` when they
confirm at the same keyboard.
"""

from __future__ import annotations

import base64
import binascii
import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from rmjournal.core.crypto import Signer, verify_signature
from rmjournal.core.errors import FileDamaged
from rmjournal.core.journal import Journal
from rmjournal.core.model import ROLES, Role, other_role

if TYPE_CHECKING:
    from rmjournal.core.vault import Vault

__all__ = [
    "PinCheck",
    "Signer",
    "Verdict",
    "decode",
    "encode",
    "ensure_pinned",
    "key_of",
    "merge_keys",
    "pin_partner",
    "sign",
    "signer",
    "verify",
]

_PIN = "pin"
_PIN_BY_PARTNER = "pin confirmed by partner"


class Verdict(NamedTuple):
    """Whether a signature verified, and if not, why, in one sentence."""

    ok: bool
    reason: str = ""

    def __bool__(self) -> bool:
        return self.ok


class PinCheck(NamedTuple):
    """What opening found about the reader's own pinned key."""

    pinned_now: bool
    """The reader's key was not pinned yet and now is (saved with the next save)."""
    problem: str | None
    """One sentence if the key pinned for the reader was not theirs (it is repaired)."""


def encode(signature: bytes) -> str:
    """A signature as text for a TEXT column."""
    return base64.b64encode(signature).decode("ascii")


def decode(text: str | None) -> bytes | None:
    """The signature stored by `encode` (None if absent or not a signature)."""
    if not text:
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 64 else None


def signer(journal: Journal) -> Signer:
    """The signing key of the person who unlocked `journal`."""
    return journal.records.signer()


def sign(journal: Journal, purpose: str, data: bytes) -> bytes:
    """The reader's signature over (`purpose`, `data`)."""
    return signer(journal).sign(purpose, data)


def _statement(role: str, public_key: bytes) -> bytes:
    return role.encode("ascii") + b"\x00" + public_key


def _has_table(journal: Journal) -> bool:
    row = journal.records.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'signing_keys'"
    ).fetchone()
    return row is not None


def _pin_row(journal: Journal, role: Role) -> dict[str, Any] | None:
    row = journal.records.execute(
        "SELECT public_key, self_signature, partner_signature, pinned_at FROM signing_keys"
        " WHERE role = ?",
        (role,),
    ).fetchone()
    if row is None:
        return None
    return dict(
        zip(("public_key", "self_signature", "partner_signature", "pinned_at"), row, strict=True)
    )


def _raw_key(text: Any) -> bytes | None:
    if not isinstance(text, str):
        return None
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None
    return raw if len(raw) == 32 else None


def _write_pin(
    journal: Journal, me: Signer, confirmed_by: Signer | None = None, *, stamp: str
) -> None:
    statement = _statement(me.role, me.public_key)
    partner_sig = encode(confirmed_by.sign(_PIN_BY_PARTNER, statement)) if confirmed_by else None
    journal.records.execute(
        "INSERT OR REPLACE INTO signing_keys (role, public_key, self_signature,"
        " partner_signature, pinned_at) VALUES (?, ?, ?, ?, ?)",
        (
            me.role,
            base64.b64encode(me.public_key).decode("ascii"),
            encode(me.sign(_PIN, statement)),
            partner_sig,
            stamp,
        ),
    )
    journal.records.count_changes()


def ensure_pinned(journal: Journal) -> PinCheck:
    """Pin the reader's own key if it is not (an upgraded journal, a new one); repair it if the
    key pinned for them is not theirs. Called on every unlock; a write is saved with the next
    save. Keeps the partner's confirmation when the pin was already right."""
    if not _has_table(journal):
        return PinCheck(False, None)
    mine = signer(journal)
    row = _pin_row(journal, journal.me)
    if row is not None and _raw_key(row["public_key"]) == mine.public_key:
        return PinCheck(False, None)
    _write_pin(journal, mine, stamp=journal.records.stamp())
    if row is None:
        return PinCheck(True, None)
    return PinCheck(
        False,
        f"The signing key recorded for you (the {journal.me}) in this journal was not yours: "
        "someone with the pair key replaced it. Your own key is pinned again, and nothing "
        "signed with the other key counts as yours.",
    )


def pin_partner(journal: Journal, mine: Signer, theirs: Signer) -> None:
    """Pin both keys, each confirmed by the other: for when both people are present (the
    partner's slot is added, or the partner types their passphrase at this keyboard)."""
    if not _has_table(journal):
        return
    stamp = journal.records.stamp()
    _write_pin(journal, mine, theirs, stamp=stamp)
    _write_pin(journal, theirs, mine, stamp=stamp)


def pin_in_file(vault: Vault, theirs: Signer) -> None:
    """Pin the unlocking person's and `theirs` keys, each confirmed by the other, in the
    vault's saved body, and save it: for a command that holds only the vault (`slot add`)."""
    try:
        journal = Journal.from_bytes(
            vault.read_body(), me=vault.role, cipher=vault.private_cipher()
        )
    except FileDamaged:  # not a journal database (the vault stores any bytes)
        return
    try:
        pin_partner(journal, vault.signer(), theirs)
        vault.save(journal.to_bytes())
    finally:
        journal.close()


def key_finder(journal: Journal) -> Callable[[str], bytes | None]:
    """`key_of`'s key for any role name (None for a name that is not a role), each looked up
    once: what checking many rows' authorship signatures asks for, row after row."""
    found: dict[str, bytes | None] = {}

    def key_for(role: str) -> bytes | None:
        if role not in found:
            found[role] = key_of(journal, role)[0]  # type: ignore[arg-type] # refused if not one
        return found[role]

    return key_for


def key_of(journal: Journal, role: Role) -> tuple[bytes | None, str]:
    """The public key the reader trusts for `role`, or None and the reason in one sentence."""
    if role not in ROLES:
        return None, f"{role!r} is not a role that signs."
    if role == journal.me:
        return signer(journal).public_key, ""
    if not _has_table(journal):
        return None, f"The {role}'s signing key is not known to this journal yet."
    row = _pin_row(journal, role)
    if row is None:
        return None, (
            f"The {role}'s signing key is not known to this copy yet: it is pinned when "
            f"they open the journal, and reaches this copy with a merge."
        )
    key = _raw_key(row["public_key"])
    self_sig = decode(row["self_signature"])
    if (
        key is None
        or self_sig is None
        or not verify_signature(key, _PIN, _statement(role, key), self_sig)
    ):
        return None, f"The {role}'s signing key recorded in this journal is damaged or forged."
    confirmed = row["partner_signature"]
    if confirmed is not None:
        sig = decode(confirmed)
        mine = signer(journal).public_key
        if sig is None or not verify_signature(mine, _PIN_BY_PARTNER, _statement(role, key), sig):
            return None, (
                f"The {role}'s signing key recorded in this journal is not the one you "
                "confirmed: it was replaced."
            )
    return key, ""


def verify(
    journal: Journal, role: Role, purpose: str, data: bytes, signature: bytes | str | None
) -> Verdict:
    """Whether `signature` is `role`'s over (`purpose`, `data`), by the key the reader trusts
    for `role` (`key_of`); if not, the reason in one sentence."""
    raw = decode(signature) if isinstance(signature, str) or signature is None else signature
    if raw is None:
        return Verdict(False, f"There is no signature by the {role}.")
    key, reason = key_of(journal, role)
    if key is None:
        return Verdict(False, reason)
    if not verify_signature(key, purpose, data, raw):
        return Verdict(
            False, f"The signature is not the {role}'s: it does not verify with their key."
        )
    return Verdict(True)


def merge_keys(journal: Journal, other: sqlite3.Connection) -> list[str]:
    """Add the pins of another copy that this journal lacks (self-signature checked); never
    replace one. Returns one sentence per pin of the copy that was refused."""
    if not _has_table(journal):
        return []
    try:
        rows = other.execute(
            "SELECT role, public_key, self_signature, partner_signature, pinned_at"
            " FROM signing_keys"
        ).fetchall()
    except sqlite3.DatabaseError:
        return []
    refused: list[str] = []
    for role, public_key, self_sig, partner_sig, pinned_at in rows:
        if role not in ROLES:
            continue
        key = _raw_key(public_key)
        sig = decode(self_sig)
        if (
            key is None
            or sig is None
            or not verify_signature(key, _PIN, _statement(role, key), sig)
        ):
            refused.append(
                f"The other copy's signing key for the {role} is forged; it was ignored."
            )
            continue
        if role == journal.me and key != signer(journal).public_key:
            refused.append(
                f"The other copy records a signing key for you (the {role}) that is not yours; "
                "it was ignored."
            )
            continue
        have = _pin_row(journal, role)
        if have is None:
            journal.records.execute(
                "INSERT INTO signing_keys (role, public_key, self_signature, partner_signature,"
                " pinned_at) VALUES (?, ?, ?, ?, ?)",
                (role, public_key, self_sig, partner_sig, pinned_at),
            )
            journal.records.count_changes()
        elif _raw_key(have["public_key"]) != key:
            refused.append(
                f"The other copy records another signing key for the {role}; the one pinned "
                "here was kept."
            )
        elif have["partner_signature"] is None and partner_sig is not None and role != journal.me:
            them = other_role(role)
            if them == journal.me:
                s = decode(partner_sig)
                if s is not None and verify_signature(
                    signer(journal).public_key, _PIN_BY_PARTNER, _statement(role, key), s
                ):
                    journal.records.execute(
                        "UPDATE signing_keys SET partner_signature = ? WHERE role = ?",
                        (partner_sig, role),
                    )
                    journal.records.count_changes()
        elif have["partner_signature"] is None and partner_sig is not None and role == journal.me:
            journal.records.execute(
                "UPDATE signing_keys SET partner_signature = ? WHERE role = ?",
                (partner_sig, role),
            )
            journal.records.count_changes()
    return refused
