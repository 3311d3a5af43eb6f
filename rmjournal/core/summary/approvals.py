"""Approvals: one person's signature over exactly one variant's content, as it stands.

A **variant** is one thing a pair may approve: the named summary (`named`), the anonymised
summary (`anonymised`), the agreement (`agreement`), the scheme return (`return`). Each is
registered once (`register_variant`) with a function giving its content as bytes; the scheme
code registers `return` the same way. An approval stores the SHA-256 of the content it was given
for and the approver's Ed25519 signature (`core/signing.py`) over the variant, the role, the time
and that hash. It counts only while the hash is the current content's **and** the signature
verifies with the key the reader trusts for that role: approving one variant never approves
another, a row copied from one role to the other does not verify, and an approval without a
signature (given before approvals were signed) reads as not approved, with the reason.

One record per role and variant with a fixed id (the named summary keeps the id approvals
always had), so copies of a journal merge approvals by id like any other record.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from rmjournal.core import signing
from rmjournal.core.crypto import Signer
from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal import Journal
from rmjournal.core.model import ROLES, Role

_APPROVAL_NS = uuid.UUID("6f1d7c2e-3b1a-4c55-9a59-2f6f3c1e8b11")

PURPOSE = "approval"
"""The signing purpose of every approval (`crypto.signed_message`)."""

NAMED = "named"


@dataclass(frozen=True)
class Variant:
    """One thing a pair may approve, and how to get its content as it stands now."""

    name: str
    label: str
    """E.g. "the anonymised summary", for messages."""
    content: Callable[[Journal, date | None], bytes]
    """The exact bytes an approval of it signs (their SHA-256 is stored)."""
    stamp: Callable[[Journal], str] | None = None
    """The stamp an approval of it gets, when not now (the scheme return: its month only)."""


VARIANTS: dict[str, Variant] = {}
"""Every registered variant by name."""


def register_variant(
    name: str,
    label: str,
    content: Callable[[Journal, date | None], bytes],
    stamp: Callable[[Journal], str] | None = None,
) -> None:
    """Register (or replace) the variant `name`: what `approve --<name>` signs."""
    VARIANTS[name] = Variant(name, label, content, stamp)


def variant(name: str) -> Variant:
    """The registered variant `name` (`NotFound` if there is none)."""
    found = VARIANTS.get(name)
    if found is None:
        raise NotFound(f"There is nothing called {name!r} to approve.")
    return found


def content_hash(content: bytes) -> str:
    """The SHA-256 (hex) an approval stores for `content`."""
    return hashlib.sha256(content).hexdigest()


@dataclass(frozen=True)
class Approval:
    """One partner's approval of one variant as it stood (bound to its content hash)."""

    role: Role
    content_hash: str
    approved_at: str
    variant: str = NAMED
    signature: str | None = None

    @property
    def on(self) -> date:
        """The day it was given."""
        return date.fromisoformat(self.approved_at[:10])

    def signed_data(self) -> bytes:
        """What the signature covers: variant, role, time and content hash."""
        return signed_data(self.variant, self.role, self.approved_at, self.content_hash)


def signed_data(variant_name: str, role: str, approved_at: str, digest: str) -> bytes:
    """The bytes an approval's signature covers."""
    return "\x00".join((variant_name, role, approved_at, digest)).encode("utf-8")


@dataclass(frozen=True)
class ApprovalState:
    """Where one partner stands on the current content of one variant."""

    role: Role
    current: Approval | None
    """Their verified approval of the content as it is now, if they gave one."""
    withdrawn: Approval | None
    """Their approval of an earlier version, withdrawn by a later change."""
    refused: str | None = None
    """Why an approval of the current content does not count (its signature does not verify)."""

    @property
    def approved(self) -> bool:
        """Whether this partner approved the current content with a signature that verifies."""
        return self.current is not None

    def sentence(self, who: str) -> str:
        """E.g. "Kwame Mensah (the mentor) approved this version on 2026-07-20"."""
        if self.current is not None:
            return f"{who} approved this version on {self.current.on.isoformat()}"
        if self.refused is not None:
            reason = self.refused.rstrip(".")
            reason = reason[0].lower() + reason[1:]
            return f"{who} has not approved it: an approval is recorded, but {reason}"
        if self.withdrawn is not None:
            return (
                f"{who} approved an earlier version on {self.withdrawn.on.isoformat()}; "
                "it has changed since, so that approval was withdrawn"
            )
        return f"{who} has not approved it yet"


def _approval_id(pair_id: str, role: Role, variant_name: str = NAMED) -> str:
    if variant_name == NAMED:
        return str(uuid.uuid5(_APPROVAL_NS, f"{pair_id}:{role}"))
    return str(uuid.uuid5(_APPROVAL_NS, f"{pair_id}:{role}:{variant_name}"))


def _has_signatures(journal: Journal) -> bool:
    cols = {r[1] for r in journal.records.execute("PRAGMA table_info(approvals)")}
    return "signature" in cols


def stored_approvals(journal: Journal, variant_name: str = NAMED) -> dict[Role, Approval]:
    """The latest approval each partner gave of `variant_name` (whatever content it was for)."""
    found: dict[Role, Approval] = {}
    if _has_signatures(journal):
        rows = journal.records.execute(
            "SELECT role, content_hash, approved_at, signature FROM approvals"
            " WHERE deleted_at IS NULL AND coalesce(variant, 'named') = ? ORDER BY approved_at",
            (variant_name,),
        ).fetchall()
    else:
        rows = journal.records.execute(
            "SELECT role, content_hash, approved_at, NULL FROM approvals"
            " WHERE deleted_at IS NULL ORDER BY approved_at"
        ).fetchall()
        if variant_name != NAMED:
            rows = []
    for role, digest, approved_at, signature in rows:
        if role in ROLES and isinstance(digest, str) and isinstance(approved_at, str):
            found[role] = Approval(role, digest, approved_at, variant_name, signature)
    return found


def _check(journal: Journal, given: Approval) -> str | None:
    """Why `given` does not count (None if its signature verifies)."""
    if not given.signature:
        return "It was given before approvals were signed; approve again."
    try:
        given.on  # noqa: B018 - a stamp that is not a date is not a valid approval
    except ValueError:
        return "Its date is not a date."
    verdict = signing.verify(journal, given.role, PURPOSE, given.signed_data(), given.signature)
    return None if verdict.ok else verdict.reason


def approval_states(
    journal: Journal,
    content_digest: str,
    legacy_hashes: Callable[[], list[str]] | None = None,
    variant_name: str = NAMED,
) -> dict[Role, ApprovalState]:
    """Each partner's standing on the content of `variant_name` whose hash is `content_digest`.

    `legacy_hashes` gives the same content's hashes as earlier versions computed them (before
    planned sessions were left out of the summary; while missed ones were counted): an approval
    signed over one of those still counts."""
    stored = stored_approvals(journal, variant_name)
    states: dict[Role, ApprovalState] = {}
    legacy: list[str] | None = None
    for role in ROLES:
        given = stored.get(role)
        matches = given is not None and given.content_hash == content_digest
        if given is not None and not matches and legacy_hashes is not None:
            if legacy is None:
                legacy = legacy_hashes()
            matches = given.content_hash in legacy
        if given is None or not matches:
            states[role] = ApprovalState(role, None, given)
            continue
        reason = _check(journal, given)
        if reason is None:
            states[role] = ApprovalState(role, given, None)
        else:
            states[role] = ApprovalState(role, None, None, reason)
    return states


def record_approval(
    journal: Journal,
    who: Role,
    pair_id: str,
    content_digest: str,
    *,
    variant_name: str = NAMED,
    signer: Signer | None = None,
    approved_at: str | None = None,
) -> Approval:
    """Store `who`'s signed approval of `variant_name` whose content hash is `content_digest`.

    `signer` is `who`'s signing key: the reader's own by default; for the partner, the one
    `Vault.authenticate` returned when they typed their passphrase at this keyboard."""
    if signer is None:
        if who != journal.me:
            raise JournalError(
                f"Only the {who} can approve as the {who}: they type their own passphrase."
            )
        signer = signing.signer(journal)
    if signer.role != who:
        raise JournalError(f"That key is the {signer.role}'s, not the {who}'s.")
    if not _has_signatures(journal):
        raise JournalError("This journal is too old to hold signed approvals; open it again.")
    stamp = approved_at or journal.records.stamp()
    signature = signing.encode(
        signer.sign(PURPOSE, signed_data(variant_name, who, stamp, content_digest))
    )
    now = journal.records.stamp()
    item_id = _approval_id(pair_id, who, variant_name)
    stored_variant = None if variant_name == NAMED else variant_name
    # An UPDATE, not an upsert: the version trigger's INSERT OR IGNORE would take the
    # upsert's conflict policy and fail on a row changed twice.
    exists = journal.records.execute("SELECT 1 FROM approvals WHERE id = ?", (item_id,))
    if exists.fetchone() is not None:
        journal.records.execute(
            "UPDATE approvals SET role = ?, content_hash = ?, approved_at = ?, variant = ?,"
            " signature = ?, updated_at = ?, author = ?, deleted_at = NULL WHERE id = ?",
            (who, content_digest, stamp, stored_variant, signature, now, who, item_id),
        )
    else:
        journal.records.execute(
            "INSERT INTO approvals (id, role, content_hash, approved_at, variant, signature,"
            " created_at, updated_at, author, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
            (item_id, who, content_digest, stamp, stored_variant, signature, now, now, who),
        )
    journal.records.count_changes()
    return Approval(who, content_digest, stamp, variant_name, signature)


def rebind_approval(journal: Journal, who: Role, pair_id: str, content_digest: str) -> None:
    """Store `content_digest` for the reader's own named approval, which counted by its legacy
    hash (the same content), signed again with the same time, so that a change to the legacy
    hash alone does not withdraw it. The partner's can only be signed again by the partner."""
    if who != journal.me:
        return
    given = stored_approvals(journal).get(who)
    if given is None:
        return
    record_approval(journal, who, pair_id, content_digest, approved_at=given.approved_at)
