"""The scheme return: one pair's figures for a coordinator, with no word of the journal in it.

A return holds counts, booleans and a few fixed words (the stage) taken from the `review --json`
figures; the period in whole months (never a day); the scheme id; a pair pseudonym (a keyed hash
of the pair id and the scheme id, so two returns of one pair are told apart from two pairs and
nothing else is learnt); and, per partner, the public signing key, the month of their approval
and their signature.

What the partners approve (`canonical_bytes`) is the format, the figures and both public keys,
as sorted, compact JSON. Each signature is that partner's approval of the `return` variant
(`core/summary/approvals.py`): an Ed25519 signature over the variant, the role, the approval's
stamp and the SHA-256 of the canonical bytes. A return's approval is stamped with the first
instant of its month (`approval_stamp`), so the return can carry what the coordinator needs to
check it without an exact date. The scheme id and the pseudonym are chosen at export, after
both approved, so they are not signed: the report also treats two returns carrying the same pair
of keys as one pair, so a relabelled copy cannot be counted twice.

`check_structure` is the whole check of the shape (every figure present, of its type, within its
range; nothing else, so no text can ride in); `verify_return` adds both signatures.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from rmjournal.core.model import GOAL_STATUSES, ROLES

_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_PURPOSE = "approval"
"""The signing purpose of every approval (`approvals.PURPOSE`)."""

FORMAT = "rmjournal-return"
VERSION = 1

STAGES = ("agreeing", "meeting", "review_due", "closed", "extended", "part_two")
"""The stages of lifecycle.md, the only words a return's figures hold."""

SESSION_KEYS = ("planned", "held", "cancelled", "missed")
ITEM_KEYS = ("agreed", "done", "dropped", "open")
CHECK_IN_KEYS = ("kept", "partly", "not_kept")

FIGURE_SHAPE: dict[str, Any] = {
    "stage": STAGES,
    "phase": int,
    "period_months": int,
    "sessions": SESSION_KEYS,
    "cadence_kept": bool,
    "stalled": bool,
    "actions": ITEM_KEYS,
    "commitments": (*ITEM_KEYS, "kept"),
    "goals": GOAL_STATUSES,
    "opportunities": ("offered", "taken"),
    "review_held": bool,
    "check_in_held": bool,
    "check_in": CHECK_IN_KEYS,
}
"""Every figure of a return: a tuple of words is a stage (for "stage") or the keys of a mapping
of counts; `int` a count, `bool` a yes or no."""

Verifier = Callable[[bytes, str, bytes, bytes], bool]
"""(public key, purpose, data, signature) -> whether it verifies (`crypto.verify_signature`)."""

VARIANT = "return"
"""The approval variant a return's signatures are of."""


def approval_stamp(month: str) -> str:
    """The stamp of an approval of a return given in `month` ("YYYY-MM"): its first instant."""
    return f"{month}-01T00:00:00+00:00"


def signed_part(role: str, month: str, canonical: bytes) -> bytes:
    """What `role`'s signature over a return approved in `month` covers (the approval's data)."""
    from rmjournal.core.summary.approvals import content_hash, signed_data

    return signed_data(VARIANT, role, approval_stamp(month), content_hash(canonical))


def pseudonym(pair_id: str, scheme_id: str) -> str:
    """The pair's name in `scheme_id`'s report: HMAC-SHA256 keyed with the pair id.

    The same pair gives the same pseudonym in one scheme and unrelated ones in two schemes; the
    pair id never leaves the journal, so the pseudonym cannot be traced back to it.
    """
    import hashlib
    import hmac

    digest = hmac.new(
        pair_id.encode(), b"rmjournal-return-pair\x00" + scheme_id.encode(), hashlib.sha256
    )
    return digest.hexdigest()[:32]


def months_between(start: date, end: date) -> int:
    """Whole months from `start` to `end` (0 before a month has passed, never negative)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def return_figures(
    doc: Mapping[str, Any],
    *,
    started_on: date,
    stalled: bool,
    by_kind: Mapping[Any, Any],
    check_in_held: bool | None = None,
) -> dict[str, Any]:
    """The figures of a return from a `review --json` document (lifecycle.md's keys).

    `by_kind` splits actions from commitments (kind -> status -> count), which `review --json`
    gives together; `stalled` is a silence of two cadences while sessions remain;
    `check_in_held` whether every commitment was revisited a year on (by default: any was).
    """

    def items(kind: str) -> dict[str, int]:
        counts = by_kind.get(kind, {})
        return {
            "agreed": sum(int(n) for n in counts.values()),
            "done": int(counts.get("done", 0)),
            "dropped": int(counts.get("dropped", 0)),
            "open": int(counts.get("open", 0)) + int(counts.get("in_progress", 0)),
        }

    sessions = doc.get("sessions", {})
    commitments = items("commitment")
    commitments["kept"] = int(doc.get("commitments", {}).get("kept", 0))
    goals = doc.get("goals", {})
    opportunities = doc.get("opportunities", {})
    check_in = doc.get("check_in") or {}
    as_of = date.fromisoformat(str(doc["as_of"]))
    stage = str(doc.get("stage", "agreeing"))
    return {
        "stage": stage if stage in STAGES else "meeting",
        "phase": max(int(doc.get("phase", 1)), 1),
        "period_months": months_between(started_on, as_of),
        "sessions": {k: int(sessions.get(k, 0)) for k in SESSION_KEYS},
        "cadence_kept": doc.get("cadence", {}).get("kept") is True,
        "stalled": bool(stalled) and stage not in ("closed",),
        "actions": items("action"),
        "commitments": commitments,
        "goals": {s: int(goals.get(s, 0)) for s in GOAL_STATUSES},
        "opportunities": {k: int(opportunities.get(k, 0)) for k in ("offered", "taken")},
        "review_held": doc.get("review_held_on") is not None,
        "check_in_held": (
            any(int(check_in.get(k, 0)) for k in CHECK_IN_KEYS)
            if check_in_held is None
            else bool(check_in_held)
        ),
        "check_in": {k: int(check_in.get(k, 0)) for k in CHECK_IN_KEYS},
    }


def unsigned_return(
    figures: Mapping[str, Any], keys: Mapping[str, bytes], scheme_id: str = "", pair: str = ""
) -> dict[str, Any]:
    """A return with its figures and both public keys and no signature yet."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "scheme": scheme_id,
        "pair": pair,
        "figures": dict(figures),
        "signatures": {role: {"public_key": _b64(keys[role]), "signature": None} for role in ROLES},
    }


def canonical_bytes(doc: Mapping[str, Any]) -> bytes:
    """What both partners sign: format, version, figures and both public keys (sorted, compact
    JSON, UTF-8), never the signatures themselves, the scheme id or the pseudonym."""
    signatures = doc.get("signatures") or {}
    body = {
        "format": doc.get("format"),
        "version": doc.get("version"),
        "figures": doc.get("figures"),
        "public_keys": {
            role: (signatures.get(role) or {}).get("public_key")
            for role in ROLES
            if isinstance(signatures, Mapping)
        },
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _unb64(text: Any) -> bytes | None:
    if not isinstance(text, str) or not text:
        return None
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (ValueError, UnicodeEncodeError):
        return None


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1_000_000


def check_structure(doc: Any) -> str | None:
    """Why `doc` is not a well-formed return (one sentence), or None when it is.

    Exactly the keys of `FIGURE_SHAPE`, each of its type; nothing more, so no text can ride in.
    """
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        return "not a scheme return"
    if doc.get("version") != VERSION:
        return f"a return of version {doc.get('version')!r}, which this version cannot read"
    if set(doc) != {"format", "version", "scheme", "pair", "figures", "signatures"}:
        return "the return has other fields than a return holds"
    if not isinstance(doc["scheme"], str) or len(doc["scheme"]) > 200:
        return "its scheme id is not a short text"
    if not isinstance(doc["pair"], str) or len(doc["pair"]) != 32:
        return "its pair pseudonym is missing or malformed"
    figures = doc["figures"]
    if not isinstance(figures, dict) or set(figures) != set(FIGURE_SHAPE):
        return "its figures are incomplete or hold something else"
    for key, shape in FIGURE_SHAPE.items():
        value = figures[key]
        if key == "stage":
            ok = value in STAGES
        elif shape is bool:
            ok = isinstance(value, bool)
        elif shape is int:
            ok = _count(value)
        else:
            ok = isinstance(value, dict) and set(value) == set(shape)
            ok = ok and all(_count(n) for n in value.values())
        if not ok:
            return f"its figure {key!r} is not a valid {key.replace('_', ' ')} figure"
    signatures = doc["signatures"]
    if not isinstance(signatures, dict) or set(signatures) != set(ROLES):
        return "its signatures are not one per partner"
    for role in ROLES:
        entry = signatures[role]
        if not isinstance(entry, dict) or set(entry) != {"public_key", "approved_in", "signature"}:
            return f"the {role}'s signature entry is malformed"
        if _unb64(entry["public_key"]) is None:
            return f"the {role}'s public key is missing"
        month = entry["approved_in"]
        if month is not None and not (isinstance(month, str) and _MONTH.fullmatch(month)):
            return f"the month of the {role}'s approval is not a month"
    return None


def verify_return(doc: Any, verify: Verifier) -> str | None:
    """Why `doc` is refused (one sentence), or None when its shape holds and both signatures
    verify over its canonical bytes with the public keys it carries."""
    problem = check_structure(doc)
    if problem is not None:
        return problem
    canonical = canonical_bytes(doc)
    for role in ROLES:
        entry = doc["signatures"][role]
        key = _unb64(entry["public_key"])
        signature = _unb64(entry["signature"])
        if signature is None or entry["approved_in"] is None:
            return f"unsigned: the {role} has not signed it"
        data = signed_part(role, entry["approved_in"], canonical)
        if key is None or not verify(key, _PURPOSE, data, signature):
            return (
                f"the {role}'s signature does not verify: its figures are not those the pair "
                "approved"
            )
    if doc["signatures"]["mentor"]["public_key"] == doc["signatures"]["mentee"]["public_key"]:
        return "both signatures are by the same key"
    return None


def with_signatures(
    doc: Mapping[str, Any], signatures: Mapping[str, tuple[str, bytes]]
) -> dict[str, Any]:
    """`doc` with each partner's (month approved, raw signature) filled in."""
    out: dict[str, Any] = json.loads(json.dumps(doc))
    for role, (month, signature) in signatures.items():
        out["signatures"][role]["approved_in"] = month
        out["signatures"][role]["signature"] = _b64(signature)
    return out


def dumps(doc: Mapping[str, Any]) -> str:
    """A return as the file a pair sends: indented JSON with a final newline."""
    return json.dumps(doc, indent=1, sort_keys=False, ensure_ascii=True) + "\n"
