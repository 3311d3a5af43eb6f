"""`rmjournal approve`: the unlocking person signs one variant exactly as it stands now.

The variants (the named summary by default, `--anonymise`, `--agreement`, `--return`) are
registered in `rmjournal.core.summary.approvals`; the Markdown and HTML summaries themselves
are written by `export` (in `content.py`), which shows the approvals of the variant it writes.
"""

from __future__ import annotations

import argparse

from rmjournal.cli.common import add_path_argument, add_secret_options

_FLAGS = (
    ("anonymise", "anonymised", "approve the anonymised summary instead of the named one"),
    ("agreement", "agreement", "approve the pair's agreement as it stands"),
    ("return_", "return", "approve the content-free scheme return"),
)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `approve` to the `rmjournal` parser."""
    approve = subparsers.add_parser(
        "approve",
        help="sign, with your own key, the summary (or another variant) as it stands now",
        description=(
            "Sign, with your own key, exactly one thing as it stands now: the named summary "
            "(default), the anonymised summary, the agreement, or the scheme return. It counts "
            "once both partners' signatures verify over the same content; approving one never "
            "approves another, and any later change to it withdraws both approvals."
        ),
    )
    add_path_argument(approve)
    group = approve.add_mutually_exclusive_group()
    for dest, _, text in _FLAGS:
        flag = "--return" if dest == "return_" else f"--{dest}"
        group.add_argument(flag, dest=dest, action="store_true", help=text)
    add_secret_options(approve)
    approve.set_defaults(handler=cmd_approve)


def cmd_approve(args: argparse.Namespace) -> int:
    """Record the unlocking person's signed approval and say where that variant stands."""
    from rmjournal.cli.common import open_journal
    from rmjournal.core.model import other_role
    from rmjournal.core.summary import NAMED, approve, variant, variant_states

    chosen = next((name for dest, name, _ in _FLAGS if getattr(args, dest, False)), NAMED)
    label = variant(chosen).label
    with open_journal(args) as jf:
        journal = jf.journal
        me = journal.me
        before = variant_states(journal, chosen)
        if before[me].approved:
            print(f"You (the {me}) had already approved {label} as it stands; nothing changed.")
            after = before
        else:
            approve(journal, variant_name=chosen)
            jf.save()
            after = variant_states(journal, chosen)
            print(f"Approved {label} as the {me}.")
    partner = other_role(me)
    state = after[partner]
    flag = {"anonymised": " --anonymise", "agreement": " --agreement", "return": " --return"}
    summary = chosen in (NAMED, "anonymised")
    if all(s.approved for s in after.values()):
        if summary:
            print(f"Both partners have approved it ({label[4:]}): exports of it are final.")
        else:
            print(f"Both partners have approved {label}: both signatures verify.")
    elif state.refused:
        print(
            f"Not approved by both: the {partner}'s recorded approval does not count. "
            f"{state.refused}"
        )
    else:
        status = "Still a draft" if summary else "Not approved by both yet"
        print(
            f"{status}: the {partner} has not approved this version yet. "
            f"They run `rmjournal approve{flag.get(chosen, '')}` with their own passphrase."
        )
    return 0
