"""The shareable summary: what the pair tells others, only shareable items, approved by both.

The package is split by concern: `content` (what the summary holds, and its approval hash),
`approvals` (each partner's approval), `wording` (the words and tables both renderers share),
`markdown` and `html` (the two renderers). This module is the entry point the CLI and the app
call: build, render, approve.
"""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from datetime import date
from typing import Any, Literal

from rmjournal.core import signing
from rmjournal.core.anonymise import Anonymiser, Finding, findings
from rmjournal.core.crypto import Signer
from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal import Journal
from rmjournal.core.model import OUTCOME_WORDS, ROLES, STATUS_WORDS, Role
from rmjournal.core.summary.approvals import (
    NAMED,
    VARIANTS,
    Approval,
    ApprovalState,
    Variant,
    approval_states,
    content_hash,
    rebind_approval,
    record_approval,
    register_variant,
    stored_approvals,
    variant,
)
from rmjournal.core.summary.content import (
    DRAFT_MARKER,
    HASH_VERSION,
    KIND_NAMES,
    LeftOut,
    Summary,
    build_summary,
    canonical_bytes,
    canonical_content,
    content_hash_of,
)
from rmjournal.core.summary.html import render_html
from rmjournal.core.summary.markdown import md_block, md_inline, md_line, render_markdown
from rmjournal.core.summary.wording import Wording, cap, shown_texts

Format = Literal["markdown", "html"]
FORMATS: dict[str, Format] = {"markdown": "markdown", "md": "markdown", "html": "html"}

__all__ = [
    "DRAFT_MARKER",
    "FORMATS",
    "HASH_VERSION",
    "KIND_NAMES",
    "NAMED",
    "OUTCOME_WORDS",
    "STATUS_WORDS",
    "VARIANTS",
    "Anonymiser",
    "Approval",
    "ApprovalState",
    "Finding",
    "Format",
    "LeftOut",
    "Summary",
    "Variant",
    "Wording",
    "approval_states",
    "approve",
    "build_summary",
    "canonical_content",
    "cap",
    "content_hash_of",
    "md_block",
    "md_inline",
    "md_line",
    "rebind_legacy_approvals",
    "register_variant",
    "render_html",
    "render_markdown",
    "render_summary",
    "render_summary_checked",
    "shown",
    "stored_approvals",
    "summary_findings",
    "variant",
    "variant_states",
]


def anonymised_content(summary: Summary) -> bytes:
    """The anonymised summary's content as the bytes its approval signs: the canonical content
    with every text anonymised as shown, marked as the anonymised variant."""
    anon = Anonymiser(summary.pair)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return anon(value)
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [walk(v) for v in value]
        return value

    content = walk(canonical_content(summary))
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return b"anonymised\x00" + text.encode("utf-8")


def shown(summary: Summary, anonymise: bool) -> Summary:
    """`summary` as shown named or anonymised: the approvals are those of that variant
    (approving one never approves the other)."""
    if not anonymise or summary.anonymised or summary.journal is None:
        return summary
    digest = content_hash(anonymised_content(summary))
    states = approval_states(summary.journal, digest, variant_name="anonymised")
    return dataclasses.replace(summary, approvals=states, anonymised=True)


def _named(journal: Journal, today: date | None) -> bytes:
    return canonical_bytes(build_summary(journal, today))


def _anonymised(journal: Journal, today: date | None) -> bytes:
    return anonymised_content(build_summary(journal, today))


def _agreement(journal: Journal, today: date | None) -> bytes:
    pair = journal.pair()
    if pair is None or not (pair.agreement or "").strip():
        raise NotFound("This pair has no agreement text yet, so there is nothing to approve.")
    return b"agreement\x00" + unicodedata.normalize("NFC", pair.agreement or "").encode("utf-8")


register_variant(NAMED, "the shareable summary", _named)
register_variant("anonymised", "the anonymised summary", _anonymised)
register_variant("agreement", "the agreement", _agreement)


def variant_states(
    journal: Journal, variant_name: str = NAMED, today: date | None = None
) -> dict[Role, ApprovalState]:
    """Each partner's standing on `variant_name` as it stands now (signatures checked)."""
    if variant_name == NAMED:
        return build_summary(journal, today).approvals
    digest = content_hash(variant(variant_name).content(journal, today))
    return approval_states(journal, digest, variant_name=variant_name)


def approve(
    journal: Journal,
    role: Role | None = None,
    *,
    today: date | None = None,
    variant_name: str = NAMED,
    signer: Signer | None = None,
) -> Approval:
    """Sign, as `role` (the reader by default), `variant_name` exactly as it stands now.

    Approving for the partner is for the app, once the partner has typed their own passphrase:
    `signer` is then the key `Vault.authenticate` returned, and both keys get pinned, each
    confirmed by the other, since both people are present.
    """
    who: Role = role or journal.me
    if who not in ROLES:
        raise JournalError(f"Only the mentor or the mentee can approve, not {who!r}.")
    pair = journal.pair()
    if pair is None:
        raise NotFound("This journal has no pair yet, so there is no summary to approve.")
    chosen = variant(variant_name)
    if signer is not None and signer.role != journal.me:
        _confirm_partner_key(journal, signer)
    if variant_name == NAMED:
        digest = build_summary(journal, today).content_hash
    else:
        digest = content_hash(chosen.content(journal, today))
    stamp = chosen.stamp(journal) if chosen.stamp is not None else None
    return record_approval(
        journal, who, pair.id, digest, variant_name=variant_name, signer=signer, approved_at=stamp
    )


def _confirm_partner_key(journal: Journal, theirs: Signer) -> None:
    """Pin the partner's key (present at this keyboard) unless the one already confirmed
    differs, which means their slot is not the one confirmed before: refused."""
    pinned, _ = signing.key_of(journal, theirs.role)  # type: ignore[arg-type]
    if pinned == theirs.public_key:
        row = journal.records.execute(
            "SELECT partner_signature FROM signing_keys WHERE role = ?", (theirs.role,)
        ).fetchone()
        if row is not None and row[0] is not None:
            return
    elif (
        pinned is not None
        and journal.records.execute(
            "SELECT partner_signature FROM signing_keys WHERE role = ?", (theirs.role,)
        ).fetchone()[0]
    ):
        raise JournalError(
            f"That passphrase opens a {theirs.role} slot whose key is not the one you confirmed "
            f"before: the {theirs.role}'s slots were replaced. Nothing was approved."
        )
    signing.pin_partner(journal, signing.signer(journal), theirs)


def rebind_legacy_approvals(journal: Journal) -> None:
    """Store, for an approval that counts only by its legacy hash (`approval_states`), the hash
    of the same content as computed now, so that planning a session (which changed the legacy
    hash, not the content) keeps it: for a journal whose approvals predate this rule."""
    stored = stored_approvals(journal)
    pair = journal.pair()
    if not stored or pair is None:  # nothing to keep: no summary built
        return
    summary = build_summary(journal)
    for role, state in summary.approvals.items():
        given = stored.get(role)
        if state.approved and given is not None and given.content_hash != summary.content_hash:
            rebind_approval(journal, role, pair.id, summary.content_hash)


def render_summary(
    journal: Journal, fmt: str, anonymise: bool = False, today: date | None = None
) -> str:
    """The shareable summary of `journal` in `fmt` ("markdown" or "html"), as of `today`."""
    return _render(build_summary(journal, today), _format(fmt), anonymise)


def _format(fmt: str) -> Format:
    kind = FORMATS.get(fmt)
    if kind is None:
        raise JournalError(f"A summary can be markdown or html, not {fmt!r}.")
    return kind


def _render(summary: Summary, kind: Format, anonymise: bool) -> str:
    summary = shown(summary, anonymise)  # the approvals of the variant it writes
    if kind == "markdown":
        return render_markdown(summary, anonymise)
    return render_html(summary, anonymise)


def summary_findings(summary: Summary, anonymise: bool = False) -> list[Finding]:
    """What the summary's text may give away about people outside the pair, or confidences
    (`core.anonymise.findings`), as the summary would show it: asked about before writing."""
    return findings(shown_texts(Wording(summary, anonymise)), summary.pair)


def render_summary_checked(
    journal: Journal, fmt: str, anonymise: bool = False, today: date | None = None
) -> tuple[str, list[Finding]]:
    """`render_summary`, and the summary's findings (`summary_findings`), from one build."""
    kind = _format(fmt)
    summary = build_summary(journal, today)
    return _render(summary, kind, anonymise), summary_findings(summary, anonymise)


# The scheme return is a variant like the others: its module registers it (it builds on this one).
import rmjournal.core.scheme.consent  # noqa: E402, F401
