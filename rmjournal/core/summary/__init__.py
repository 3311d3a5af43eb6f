"""The shareable summary: what the pair tells others, only shareable items, approved by both.

The package is split by concern: `content` (what the summary holds, and its approval hash),
`approvals` (each partner's approval), `wording` (the words and tables both renderers share),
`markdown` and `html` (the two renderers). This module is the entry point the CLI and the app
call: build, render, approve.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal import Journal
from rmjournal.core.model import OUTCOME_WORDS, ROLES, STATUS_WORDS, Role
from rmjournal.core.summary.approvals import (
    Approval,
    ApprovalState,
    approval_states,
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
from rmjournal.core.summary.wording import Anonymiser, Wording, cap

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
    "render_html",
    "render_markdown",
    "render_summary",
    "stored_approvals",
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


def render_summary(
    journal: Journal, fmt: str, anonymise: bool = False, today: date | None = None
) -> str:
    """The shareable summary of `journal` in `fmt` ("markdown" or "html"), as of `today`."""
    kind = FORMATS.get(fmt)
    if kind is None:
        raise JournalError(f"A summary can be markdown or html, not {fmt!r}.")
    summary = build_summary(journal, today)
    if kind == "markdown":
        return render_markdown(summary, anonymise)
    return render_html(summary, anonymise)
