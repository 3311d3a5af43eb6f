"""The scheme: content-free returns that both partners sign, and the coordinator's report.

`returns` is the return's shape, canonical bytes, pseudonym and verification; `report`
verifies many returns, keeps one per pair and counts (k-anonymity); `render` writes the report.
This module joins them to a journal: the figures of a pair (from the same figures as
`review --json`) and Ed25519 verification.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from rmjournal.core.scheme.returns import (
    FORMAT,
    VERSION,
    canonical_bytes,
    check_structure,
    pseudonym,
    return_figures,
    unsigned_return,
    verify_return,
    with_signatures,
)

if TYPE_CHECKING:
    from rmjournal.core.review import ReviewFigures

__all__ = [
    "FORMAT",
    "VERSION",
    "canonical_bytes",
    "check_structure",
    "ed25519_verify",
    "journal_figures",
    "pseudonym",
    "return_figures",
    "unsigned_return",
    "verify_return",
    "with_signatures",
]


def journal_figures(figures: ReviewFigures, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The return's figures of one pair: its `review --json` document `doc` (built from
    `figures`, the same call the command prints), with actions and commitments apart and the
    stall verdict (a silence of two cadences while sessions of the plan remain)."""
    from rmjournal.core.review import SILENCE_CADENCES

    stalled = (
        figures.silence_days is not None
        and figures.silence_days >= SILENCE_CADENCES * figures.cadence_days
    )
    return return_figures(
        doc,
        started_on=figures.pair.started_on,
        stalled=stalled,
        by_kind=figures.by_kind_status,
    )


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether `signature` is `public_key`'s Ed25519 signature over `message`."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True
