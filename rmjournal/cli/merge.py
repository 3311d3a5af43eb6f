"""`rmjournal merge PATH OTHER`: fold another copy of the same pair journal into PATH.

OTHER is a partner's copy or a sync tool's "conflicted copy": it shares PATH's pair key, so it
needs no passphrase of its own. The merge rules are in `core/merge.py`; this module unlocks,
merges, saves atomically (`JournalFile.save`) and says what changed. Exit codes (cli.md): 0 done;
1 OTHER is another pair's journal (`NotACopy`: a sound file that is simply not a copy of this
one, so "damaged" would mislead) or is missing; 3 wrong passphrase for PATH; 4 PATH or OTHER is
damaged or not a journal; 5 PATH is open elsewhere. OTHER is only read, never changed.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from rmjournal.cli.common import add_path_argument, add_secret_options
from rmjournal.core.errors import NotFound, UsageError


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `merge` to the `rmjournal` parser."""
    merge = subparsers.add_parser(
        "merge",
        help="merge another copy of the same pair journal into PATH",
        description=(
            "Merge OTHER (a partner's copy or a sync conflict copy of the same pair journal) "
            "into PATH. OTHER needs no passphrase: it shares PATH's pair key. Where both copies "
            "changed the same field, the later change is kept and the other is kept beside it "
            "as a conflict to review. Key changes signed by their owners (passphrases, "
            "recovery keys, slots, rekey) are taken too. OTHER is not changed."
        ),
    )
    add_path_argument(merge)
    merge.add_argument("other", type=Path, metavar="OTHER", help="the other copy")
    add_secret_options(merge)
    merge.set_defaults(handler=cmd_merge)


def cmd_merge(args: argparse.Namespace) -> int:
    """Unlock PATH, merge OTHER into it, save if anything changed, and say what changed."""
    from rmjournal.cli.common import open_journal
    from rmjournal.core.merge import merge_file
    from rmjournal.text import plain

    other: Path = args.other
    if not other.exists():
        raise NotFound(f"There is no file {other} to merge.")
    if other.is_dir():
        raise UsageError(f"{other} is a folder; give the other copy's journal file.")
    if args.path.exists() and other.resolve() == args.path.resolve():
        raise UsageError("PATH and OTHER are the same file; give the other copy as OTHER.")
    with open_journal(args) as jf:
        report = merge_file(jf, other)
        if report.changed:
            jf.save(last=True)
    name, other_name = plain(args.path.name), plain(other.name)
    if not report.changed:
        print(f"Nothing to merge: {name} already holds everything in {other_name}.")
    else:
        print(f"Merged {other_name} into {name}: {report.summary()}")
        for line in report.lines():
            print(f"  {line}")
    if report.conflicts:
        print(
            f"{report.conflicts} field{'s were' if report.conflicts != 1 else ' was'} changed in "
            "both copies: the later change was kept and the other is kept beside it. "
            f"See both with `rmjournal conflicts {args.path}` (or in the app) and choose."
        )
    for moved in (r for r in report.renumbered if r.both_planned):
        print(
            f"Sessions {moved.number} and {moved.new} are both planned: each copy planned the "
            "next session. If they are one meeting, delete the one you do not need (neither "
            f"was held): `rmjournal delete-session {plain(str(args.path))} {moved.new}`."
        )
    for note in report.key_notes:
        print(f"Keys: {note}")
    if not report.key_notes:
        print(f"Keys: no key change to take from {other_name}; {name} keeps its slots.")
    return 0
