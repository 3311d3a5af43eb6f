"""A pair's return and its consent: the `return` approval variant, and the signed return.

The variant's content is the return's canonical bytes as the journal stands (`returns`), so
`approve --return` signs exactly the figures and both public keys, and any change to a figure
afterwards changes the content and withdraws both approvals. `signed_return` builds the file
`export --format return` writes, and refuses until both partners' signatures over the current
figures verify.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from rmjournal.core import signing
from rmjournal.core.crypto import verify_signature
from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal import Journal
from rmjournal.core.model import ROLES, Role
from rmjournal.core.scheme.returns import (
    VARIANT,
    canonical_bytes,
    pseudonym,
    return_figures,
    unsigned_return,
    verify_return,
    with_signatures,
)
from rmjournal.core.summary.approvals import (
    ApprovalState,
    approval_states,
    content_hash,
    register_variant,
    stored_approvals,
)

LABEL = "the scheme return"


def pair_figures(journal: Journal, today: date | None = None) -> dict[str, Any]:
    """The return's figures of `journal` as of `today` (the journal's clock by default): those
    of `review --json` (`review.review_document`), with actions and commitments apart, the stall
    verdict and whether the check-in was held."""
    from rmjournal.core.review import SILENCE_CADENCES, review_document, review_figures

    figures = review_figures(journal, today)
    doc = review_document(journal, figures)
    stalled = (
        figures.silence_days is not None
        and figures.silence_days >= SILENCE_CADENCES * figures.cadence_days
    )
    check_in = getattr(figures, "check_in", None)
    return return_figures(
        doc,
        started_on=figures.pair.started_on,
        stalled=stalled,
        by_kind=figures.by_kind_status,
        check_in_held=check_in.held if check_in is not None else None,
    )


def public_keys(journal: Journal) -> dict[str, bytes]:
    """Both partners' public signing keys as this journal trusts them (`NotFound` with the
    reason while one is not known: the return names both)."""
    keys: dict[str, bytes] = {}
    for role in ROLES:
        key, reason = signing.key_of(journal, role)
        if key is None:
            raise NotFound(f"No return can be approved yet. {reason}")
        keys[role] = key
    return keys


def current_return(
    journal: Journal, today: date | None = None, scheme_id: str = ""
) -> dict[str, Any]:
    """The return as the journal stands, unsigned; with `scheme_id`'s pseudonym."""
    pair = journal.pair()
    if pair is None:
        raise NotFound("This journal has no pair yet, so there is no return to make.")
    return unsigned_return(
        pair_figures(journal, today), public_keys(journal), scheme_id, pseudonym(pair.id, scheme_id)
    )


def return_content(journal: Journal, today: date | None = None) -> bytes:
    """What `approve --return` signs: the canonical bytes of the current return."""
    return canonical_bytes(current_return(journal, today))


def return_stamp(journal: Journal) -> str:
    """An approval of the return is stamped with its month only (the return carries it)."""
    today = journal.today()
    return f"{today.year:04d}-{today.month:02d}-01T00:00:00+00:00"


register_variant(VARIANT, LABEL, return_content, return_stamp)


def return_states(journal: Journal, today: date | None = None) -> dict[Role, ApprovalState]:
    """Each partner's standing on the return as it stands (signatures checked)."""
    digest = content_hash(return_content(journal, today))
    return approval_states(journal, digest, variant_name=VARIANT)


def missing_approvals(journal: Journal, today: date | None = None) -> list[str]:
    """Why the return cannot be written yet, one sentence per partner (empty: both signed)."""
    reasons = []
    for role, state in return_states(journal, today).items():
        if state.approved:
            continue
        if state.refused:
            reasons.append(f"The {role}'s approval does not count: {state.refused}")
        elif state.withdrawn is not None:
            reasons.append(
                f"The {role} approved earlier figures; they have changed since, so that "
                "approval was withdrawn."
            )
        else:
            reasons.append(f"The {role} has not approved the return.")
    return reasons


def signed_return(
    journal: Journal, scheme_id: str = "", today: date | None = None
) -> dict[str, Any]:
    """The return both partners signed, for `scheme_id` (`JournalError`, exit 1, until both
    partners' signatures over the current figures verify)."""
    if len(scheme_id) > 200 or any(not ch.isprintable() for ch in scheme_id):
        raise JournalError("A scheme id is a short line of text (at most 200 characters).")
    missing = missing_approvals(journal, today)
    if missing:
        raise JournalError(
            " ".join(missing) + " Each partner runs `rmjournal approve PATH --return` first."
        )
    doc = current_return(journal, today, scheme_id)
    stored = stored_approvals(journal, VARIANT)
    signatures: dict[str, tuple[str, bytes]] = {}
    for role in ROLES:
        given = stored[role]
        raw = signing.decode(given.signature)
        if raw is None:  # return_states verified it: not reached
            raise JournalError(f"The {role}'s approval has no signature.")
        signatures[role] = (given.approved_at[:7], raw)
    signed = with_signatures(doc, signatures)
    problem = verify_return(signed, verify_signature)
    if problem is not None:
        raise JournalError(f"The return does not verify ({problem}); approve it again.")
    return signed


def approved_roles(journal: Journal, today: date | None = None) -> dict[Role, bool]:
    """Which partner's approval of the current return counts."""
    return {role: state.approved for role, state in return_states(journal, today).items()}
