"""Sub-commands for writing and reading entries at the shell: add, recent.

`add` writes one note, reflection or learning into a session and prints its id; `recent` lists
the newest items in the same one-line form as `search`. Only argparse and the shared options are
imported here: the core is imported inside each command, so `rmjournal --help` and every other
command start without it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rmjournal.cli.common import (
    add_json_option,
    add_path_argument,
    add_secret_options,
    check_text,
    open_journal,
    positive_int,
    print_json,
    read_secret,
    read_text_source,
    text_option,
)
from rmjournal.core.errors import JournalError, UsageError
from rmjournal.core.model import ENTRY_KINDS, VISIBILITIES


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `add` and `recent` to the `rmjournal` parser."""
    add = subparsers.add_parser(
        "add",
        help="write one entry (text from --text, --text-file or stdin); prints its id",
        description=(
            "Write one note, reflection or learning as the person who unlocks the journal. "
            "The text comes from --text or --text-file, or else from stdin (after the "
            "passphrase's line with --passphrase-stdin). Text typed on the command line stays in "
            "your shell's history; --text-file or stdin leave none. Without --session it goes "
            "into the latest held or planned session; a journal with no session yet gets its "
            "first session planned (as the app would plan it), and you are told so."
        ),
    )
    add_path_argument(add)
    add.add_argument(
        "--session", type=positive_int, metavar="N", help="session number (default: the latest)"
    )
    add.add_argument("--kind", choices=ENTRY_KINDS, default="note", help="default note")
    add.add_argument("--prompt", metavar="TEXT", help="the reflection prompt this answers")
    add.add_argument(
        "--tag", action="append", default=[], metavar="T", help="a tag (repeat for more)"
    )
    add.add_argument("--visibility", choices=VISIBILITIES, default="pair", help="default pair")
    add.add_argument("--text", metavar="T", help="the entry's text")
    add.add_argument(
        "--text-file", type=Path, metavar="F", help="read the text from F (- or none: stdin)"
    )
    add_secret_options(add)
    add.set_defaults(handler=cmd_add)

    recent = subparsers.add_parser("recent", help="the newest items, one per line, newest first")
    add_path_argument(recent)
    recent.add_argument(
        "-n", type=positive_int, default=10, metavar="N", dest="count", help="how many (default 10)"
    )
    add_json_option(recent)
    add_secret_options(recent)
    recent.set_defaults(handler=cmd_recent)


def _read_text(args: argparse.Namespace) -> str:
    """The entry's text: `--text`, `--text-file` (one of them), or else standard input."""
    text = text_option(args, "text", "text_file", "entry")
    return read_text_source("-", "entry") if text is None else text


def _target_session(journal: Any, number: int | None) -> tuple[Any, str]:
    """The session to write in, and a sentence for stderr when one had to be planned."""
    if journal.pair() is None:
        raise JournalError("This journal has no pair yet; set it up in the app first.")
    if number is not None:
        from rmjournal.cli.refs import session_by_number

        return session_by_number(journal, number), ""
    if (usable := journal.last_session("held", "planned")) is not None:
        return usable, ""
    planned = journal.plan_next_session()
    return planned, (
        f"The journal had no held or planned session, so session {planned.number} "
        f"was planned for {planned.date.isoformat()}."
    )


def cmd_add(args: argparse.Namespace) -> int:
    """Write one entry and print its id (the only line on stdout, for scripts)."""

    secret = read_secret(args)  # first, so --passphrase-stdin takes the first line
    text = _read_text(args)
    if not text.strip():
        raise UsageError("The entry is empty, so nothing was added.")
    check_text(args.prompt or "", "prompt")
    for tag in args.tag:
        check_text(tag, "tag")
    tags = [t.strip() for t in args.tag if t.strip()]
    with open_journal(args, secret) as jf:
        session, planned = _target_session(jf.journal, args.session)
        entry = jf.journal.add_entry(
            session.id,
            text.rstrip("\n"),
            kind=args.kind,
            prompt=args.prompt,
            visibility=args.visibility,
            tags=tags,
        )
        jf.save(last=True)  # the command ends here: drop the database before encrypting
    if planned:
        print(planned, file=sys.stderr)
    print(
        f"Added a {args.kind} ({args.visibility}) to session {session.number} "
        f"of {session.date.isoformat()}.",
        file=sys.stderr,
    )
    print(entry.id)
    return 0


def cmd_recent(args: argparse.Namespace) -> int:
    """Print the newest items, one per line, newest first, as `search` prints its hits."""
    from rmjournal.cli.content import print_hits

    with open_journal(args) as jf:
        hits = jf.journal.recent(args.count)
        if args.json:
            from rmjournal.cli.content import hit_objects

            print_json({"hits": hit_objects(jf.journal, hits)})
            return 0
    if not hits:
        print("The journal has no items yet.", file=sys.stderr)
        return 0
    print_hits(hits, 100)
    return 0
