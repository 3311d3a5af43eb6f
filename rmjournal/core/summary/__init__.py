"""The shareable summary: what the pair tells others, only shareable items, approved by both.

The package is split by concern: `content` (what the summary holds, and its approval hash),
`approvals` (each partner's approval), `wording` (the words and tables both renderers share),
`markdown` and `html` (the two renderers). This module is the entry point the CLI and the app
call: build, render, approve.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from rmjournal.core.anonymise import Anonymiser, Finding, findings
from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal import Journal
from rmjournal.core.model import OUTCOME_WORDS, ROLES, STATUS_WORDS, Role
from rmjournal.core.summary.approvals import (
    Approval,
    ApprovalState,
    approval_states,
    rebind_approval,
    record_approval,
    stored_approvals,
)
from rmjournal.core.summary.content import (
    DRAFT_MARKER,
    HASH_VERSION,
    KIND_NAMES,
    LeftOut,
    Summary,
    build_summary,
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
    "OUTCOME_WORDS",
    "STATUS_WORDS",
    "Anonymiser",
    "Approval",
    "ApprovalState",
    "Finding",
    "Format",
    "LeftOut",
    "Summary",
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
    "render_html",
    "render_markdown",
    "render_summary",
    "render_summary_checked",
    "stored_approvals",
    "summary_findings",
]


def approve(journal: Journal, role: Role | None = None, *, today: date | None = None) -> Approval:
    """Record that `role` (the reader by default) approves the summary as it stands now.

    Approving for the partner is for the app, once the partner has typed their own passphrase.
    """
    who: Role = role or journal.me
    if who not in ROLES:
        raise JournalError(f"Only the mentor or the mentee can approve, not {who!r}.")
    pair = journal.pair()
    if pair is None:
        raise NotFound("This journal has no pair yet, so there is no summary to approve.")
    content_hash = build_summary(journal, today).content_hash
    return record_approval(journal, who, pair.id, content_hash)


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
