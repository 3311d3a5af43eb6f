"""Approvals of the shareable summary: one record per partner, bound to a content hash.

Each approval stores the content hash of the summary it approved; it counts only while that
hash is the current one, so any change to what the summary shows withdraws it. One record per
role with a fixed id, so copies of a journal merge approvals by id like any other record.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from rmjournal.core.journal import Journal
from rmjournal.core.model import (
    ROLES,
    Role,
)

_APPROVAL_NS = uuid.UUID("6f1d7c2e-3b1a-4c55-9a59-2f6f3c1e8b11")


@dataclass(frozen=True)
class Approval:
    """One partner's approval of the summary as it stood (bound to its content hash)."""

    role: Role
    content_hash: str
    approved_at: str

    @property
    def on(self) -> date:
        """The day it was given."""
        return date.fromisoformat(self.approved_at[:10])


@dataclass(frozen=True)
class ApprovalState:
    """Where one partner stands on the current summary."""

    role: Role
    current: Approval | None
    """Their approval of the summary as it is now, if they gave one."""
    withdrawn: Approval | None
    """Their approval of an earlier version, withdrawn by a later change."""

    @property
    def approved(self) -> bool:
        """Whether this partner approved the current content."""
        return self.current is not None

    def sentence(self, who: str) -> str:
        """E.g. "Kwame Mensah (the mentor) approved this version on 2026-07-20"."""
        if self.current is not None:
            return f"{who} approved this version on {self.current.on.isoformat()}"
        if self.withdrawn is not None:
            return (
                f"{who} approved an earlier version on {self.withdrawn.on.isoformat()}; "
                "it has changed since, so that approval was withdrawn"
            )
        return f"{who} has not approved it yet"


def _approval_id(pair_id: str, role: Role) -> str:
    return str(uuid.uuid5(_APPROVAL_NS, f"{pair_id}:{role}"))


def stored_approvals(journal: Journal) -> dict[Role, Approval]:
    """The latest approval each partner gave (whatever content it was for)."""
    found: dict[Role, Approval] = {}
    rows = journal.records.execute(
        "SELECT role, content_hash, approved_at FROM approvals"
        " WHERE deleted_at IS NULL ORDER BY approved_at"
    ).fetchall()
    for role, content_hash, approved_at in rows:
        if role in ROLES and content_hash and approved_at:
            found[role] = Approval(role, content_hash, approved_at)
    return found


def approval_states(journal: Journal, content_hash: str) -> dict[Role, ApprovalState]:
    """Each partner's standing on the summary whose content hash is `content_hash`."""
    stored = stored_approvals(journal)
    states: dict[Role, ApprovalState] = {}
    for role in ROLES:
        given = stored.get(role)
        if given is not None and given.content_hash == content_hash:
            states[role] = ApprovalState(role, given, None)
        else:
            states[role] = ApprovalState(role, None, given)
    return states


def record_approval(journal: Journal, who: Role, pair_id: str, content_hash: str) -> Approval:
    """Store `who`'s approval of the summary whose content hash is `content_hash` (now)."""
    stamp = journal.records.stamp()
    journal.records.execute(
        "INSERT INTO approvals (id, role, content_hash, approved_at, created_at, updated_at,"
        " author, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)"
        " ON CONFLICT(id) DO UPDATE SET content_hash = excluded.content_hash,"
        " approved_at = excluded.approved_at, updated_at = excluded.updated_at,"
        " author = excluded.author, deleted_at = NULL",
        (_approval_id(pair_id, who), who, content_hash, stamp, stamp, stamp, journal.me),
    )
    journal.records.count_changes()
    return Approval(who, content_hash, stamp)
