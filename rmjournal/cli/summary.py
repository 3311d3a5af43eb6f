"""`rmjournal approve`: the unlocking person approves the shareable summary as it stands now.

The Markdown and HTML summaries themselves are written by `export` (in `content.py`), which
calls `rmjournal.core.summary.render_summary`; both share the approval rules of that module.
"""

from __future__ import annotations

import argparse

from rmjournal.cli.common import add_path_argument, add_secret_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `approve` to the `rmjournal` parser."""
    approve = subparsers.add_parser(
        "approve",
        help="approve the shareable summary as it stands now",
        description=(
            "Approve the shareable summary as it stands now. It stops being a draft once both "
            "partners have approved the same content; any later change to what it contains "
            "withdraws both approvals."
        ),
    )
    add_path_argument(approve)
    add_secret_options(approve)
    approve.set_defaults(handler=cmd_approve)


def cmd_approve(args: argparse.Namespace) -> int:
    """Record the unlocking person's approval and say where the summary stands."""
    from rmjournal.cli.common import open_journal
    from rmjournal.core.model import other_role
    from rmjournal.core.summary import approve, build_summary

    with open_journal(args) as jf:
        journal = jf.journal
        me = journal.me
        before = build_summary(journal)
        if before.approvals[me].approved:
            print(f"You (the {me}) had already approved the summary as it stands; nothing changed.")
            after = before
        else:
            approve(journal)
            jf.save()
            after = build_summary(journal)
            print(f"Approved the shareable summary as the {me}.")
    partner = other_role(me)
    if after.approved:
        print("Both partners have approved it: exports are final, no longer drafts.")
    else:
        print(
            f"Still a draft: the {partner} has not approved this version yet. "
            f"They run `rmjournal approve` with their own passphrase."
        )
    return 0
