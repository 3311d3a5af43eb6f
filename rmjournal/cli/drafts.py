"""`drafts`: what the unlocking person typed in the app and has not saved yet, and discarding it.

Drafts are sealed for their author inside the journal (`core/journal/drafts.py`); this lists
the reader's own, newest first, with every field's text whole, or discards one by its id.
"""

from __future__ import annotations

import argparse
import sys

from rmjournal.cli.common import (
    add_json_option,
    add_path_argument,
    add_secret_options,
    open_journal,
    print_json,
)
from rmjournal.text import plain


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `drafts` command."""
    drafts = subparsers.add_parser(
        "drafts", help="your drafts: text typed in the app and not saved yet"
    )
    add_path_argument(drafts)
    drafts.add_argument("--discard", metavar="ID", help="discard the draft whose id starts with ID")
    add_json_option(drafts)
    add_secret_options(drafts)
    drafts.set_defaults(handler=cmd_drafts)


def cmd_drafts(args: argparse.Namespace) -> int:
    """List the reader's drafts, or discard one (`--discard ID`) and save."""
    with open_journal(args) as jf:
        journal = jf.journal
        if args.discard is not None:
            draft = journal.find_draft(args.discard)
            journal.discard_draft(draft.id)
            jf.save(last=True)
            print(f"Discarded the draft {draft.id[:8]} ({plain(draft.title) or draft.place}).")
            return 0
        found = journal.drafts()
    if args.json:
        print_json(
            {
                "drafts": [
                    {"id": d.id, "place": d.place, "title": d.title, "fields": d.fields,
                     "created_at": d.created_at, "updated_at": d.updated_at}
                    for d in found
                ]
            }
        )  # fmt: skip
        return 0
    if not found:
        print("You have no drafts.", file=sys.stderr)
        return 0
    for d in found:
        print(f"{d.id[:8]}  {d.updated_at[:16].replace('T', ' ')}  {plain(d.title) or d.place}")
        for line in d.text().splitlines():
            print(f"    {plain(line)}")
    return 0
