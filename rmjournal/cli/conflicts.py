"""`rmjournal conflicts` and `rmjournal settle`: the merge conflicts, without the app.

Where both copies changed the same field, a merge keeps the later value and stores the other
beside it (`core/merge.py`); nothing is discarded until a person chooses. `conflicts` lists
what is waiting with both texts whole; `settle ID kept|other|both` chooses, as the app's
"Review merge conflicts" screen does. Settling never deletes either text: the conflict stays in
the journal, resolved.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from rmjournal.cli.common import add_json_option, add_path_argument, add_secret_options
from rmjournal.core.errors import UsageError
from rmjournal.text import counted

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.merge import Conflict

KEEP_WORDS = {"kept": "the kept value", "other": "the other copy's", "both": "both texts"}


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `conflicts` and `settle` to the `rmjournal` parser."""
    listing = subparsers.add_parser(
        "conflicts",
        help="the fields both copies changed, waiting for you to choose, with both texts whole",
    )
    add_path_argument(listing)
    add_json_option(listing)
    add_secret_options(listing)
    listing.set_defaults(handler=cmd_conflicts)

    settle = subparsers.add_parser(
        "settle",
        help="settle a merge conflict: keep the kept value, the other copy's, or both texts",
    )
    add_path_argument(settle)
    settle.add_argument("conflict", metavar="ID", help="the conflict's id (or its first letters)")
    settle.add_argument("keep", choices=tuple(KEEP_WORDS), help="what to keep")
    add_secret_options(settle)
    settle.set_defaults(handler=cmd_settle)


def _value(value: object) -> str:
    return "(empty)" if value is None or value == "" else str(value)


def _document(journal: Journal, found: list[Conflict]) -> list[dict[str, object]]:
    from rmjournal.core.conflict_words import describe_item
    from rmjournal.core.merge import field_author

    return [
        {
            "id": c.id,
            "item": describe_item(journal, c),
            "table": c.table_name,
            "item_id": c.item_id,
            "field": c.field,
            "written_by": field_author(journal, c),
            "kept": None if c.hidden else c.kept,
            "other": None if c.hidden else c.other,
            "other_written_at": c.other_updated_at,
            "hidden": c.hidden,
        }
        for c in found
    ]


def cmd_conflicts(args: argparse.Namespace) -> int:
    """List the waiting conflicts, each with both values in full."""
    from rmjournal.cli.common import open_journal, print_json
    from rmjournal.core.merge import conflicts
    from rmjournal.text import plain

    with open_journal(args) as jf:
        found = conflicts(jf.journal)
        document = _document(jf.journal, found)
    if args.json:
        print_json(document)
        return 0
    if not document:
        print("No merge conflicts are waiting.")
        return 0
    out = [f"{counted(len(document), 'merge conflict')} waiting:"]
    for c in document:
        field = "deleted" if c["field"] == "deleted_at" else c["field"]
        out.append(f"{str(c['id'])[:8]}  {plain(str(c['item']))}, {field}")
        if c["hidden"]:
            out.append("  (on your partner's private item: only they can settle it)")
            continue
        when = str(c["other_written_at"] or "")[:16].replace("T", " ")
        for label, value in (("Kept", c["kept"]), (f"Other copy ({when})", c["other"])):
            out.append(f"  {label}:")
            out.extend(f"    {line}" for line in plain(_value(value)).splitlines() or [""])
    out.append("Settle one with: rmjournal settle PATH ID kept|other|both")
    sys.stdout.write("\n".join(out) + "\n")
    return 0


def cmd_settle(args: argparse.Namespace) -> int:
    """Settle one waiting conflict by id or unique id prefix."""
    from rmjournal.cli.common import open_journal
    from rmjournal.core.merge import conflicts, resolve_conflict

    wanted = args.conflict.strip().lower()
    if not wanted:
        raise UsageError("Give the conflict's id, as `rmjournal conflicts PATH` lists it.")
    with open_journal(args) as jf:
        matches = [c for c in conflicts(jf.journal) if c.id.lower().startswith(wanted)]
        if not matches:
            raise UsageError(
                f"No waiting conflict has an id starting {wanted!r}; "
                "`rmjournal conflicts PATH` lists them."
            )
        if len(matches) > 1:
            raise UsageError(f"{len(matches)} conflicts have ids starting {wanted!r}; give more.")
        resolve_conflict(jf.journal, matches[0].id, args.keep)
        jf.save(last=True)
    print(f"Settled conflict {matches[0].id[:8]}: kept {KEEP_WORDS[args.keep]}.", file=sys.stderr)
    return 0
