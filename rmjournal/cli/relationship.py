"""The whole relationship: `goals`, `goal add|set` and `link` (the review is `cli/review.py`).

Goals belong to the person who unlocks; an item counts for a goal only when linked to it by
`link` (or `act --goal`), never by a tag.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from rmjournal.cli import refs
from rmjournal.cli.common import add_path_argument, add_secret_options
from rmjournal.core.errors import UsageError
from rmjournal.core.model import GOAL_STATUSES, VISIBILITIES
from rmjournal.text import json_dumps

if TYPE_CHECKING:
    from rmjournal.core.model import Goal


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `goals`, `goal` and `link` to the `rmjournal` parser."""
    _register_goals(subparsers)


# ---------------------------------------------------------------------- goals


def _register_goals(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    goals = subparsers.add_parser("goals", help="each person's goals, with status and links")
    add_path_argument(goals)
    add_secret_options(goals)
    goals.add_argument("--json", action="store_true", help="one JSON document on stdout")
    goals.set_defaults(handler=cmd_goals)

    goal = subparsers.add_parser("goal", help="add a goal of your own, or say how one stands")
    sub = goal.add_subparsers(dest="goal_command", metavar="add|set", required=True)
    add = sub.add_parser("add", help="add a goal of your own; prints its id")
    add_path_argument(add)
    text = add.add_mutually_exclusive_group(required=True)
    text.add_argument("--text", metavar="T", help="the goal")
    text.add_argument("--text-file", metavar="F", help="read the goal from F ('-': stdin)")
    add.add_argument("--visibility", choices=VISIBILITIES, default="pair")
    add_secret_options(add)
    add.set_defaults(handler=cmd_goal_add)
    put = sub.add_parser("set", help="a goal's status, with a note")
    add_path_argument(put)
    put.add_argument("goal", metavar="GOAL", help="the goal's number (as `goals` lists) or id")
    put.add_argument("status", choices=GOAL_STATUSES)
    put.add_argument("--note", metavar="T", help="what came of it")
    add_secret_options(put)
    put.set_defaults(handler=cmd_goal_set)

    link = subparsers.add_parser("link", help="link an action, entry or agenda item to a goal")
    add_path_argument(link)
    link.add_argument("item", metavar="ITEM", help="an action, entry or agenda item id (or prefix)")
    link.add_argument("goal", metavar="GOAL", help="the goal's number (as `goals` lists) or id")
    add_secret_options(link)
    link.set_defaults(handler=cmd_link)


def _goal_doc(g: Goal) -> dict[str, object]:
    return {
        "id": g.id,
        "owner": g.owner,
        "text": None if g.hidden else g.text,
        "visibility": g.visibility,
        "status": g.status,
        "status_note": None if g.hidden else g.status_note,
        "links": list(g.links),
        "hidden": g.hidden,
    }


def cmd_goals(args: argparse.Namespace) -> int:
    """Print each goal: owner, status, text, how many items are linked."""
    from rmjournal.cli.common import open_journal
    from rmjournal.text import one_line

    with open_journal(args) as jf:
        goals = jf.journal.goals()
    if args.json:
        print(json_dumps({"goals": [_goal_doc(g) for g in goals]}, indent=2))
        return 0
    if not goals:
        print("No goals yet: add one with `rmjournal goal add`.", file=sys.stderr)
        return 0
    for number, g in enumerate(goals, 1):
        text = f"(private to the {g.owner})" if g.hidden else one_line(g.text, 70)
        status = g.status.replace("_", " ")
        print(f"#{number:<3} {g.id[:8]}  {g.owner:<6}  {status:<12}  {len(g.links)} linked  {text}")
        if g.status_note and not g.hidden:
            print(f"{'':13}  note: {one_line(g.status_note, 70)}")
    return 0


def _read_goal_text(args: argparse.Namespace) -> str:
    if args.text is not None:
        text = str(args.text)
    elif args.text_file == "-":
        text = sys.stdin.read()
    else:
        try:
            with open(args.text_file, encoding="utf-8") as f:
                text = f.read()
        except (OSError, UnicodeDecodeError):
            raise UsageError(
                f"The text file {args.text_file} could not be read as UTF-8."
            ) from None
    if not text.strip():
        raise UsageError("A goal needs some text.")
    return text.strip()


def cmd_goal_add(args: argparse.Namespace) -> int:
    """Add a goal owned by the person who unlocks; print its id."""
    from rmjournal.cli.common import open_journal, read_secret

    secret = read_secret(args)  # first, so --passphrase-stdin takes the first line
    text = _read_goal_text(args)
    with open_journal(args, secret) as jf:
        goal = jf.journal.add_goal(jf.journal.me, text, visibility=args.visibility)
        jf.save()
    print(goal.id)
    return 0


def cmd_goal_set(args: argparse.Namespace) -> int:
    """Set a goal's status (and note)."""
    from rmjournal.cli.common import open_journal

    with open_journal(args) as jf:
        goal = jf.journal.set_goal_status(
            refs.goal(jf.journal, args.goal).id, args.status, args.note
        )
        jf.save()
    print(f"Goal {goal.id[:8]} is now {goal.status.replace('_', ' ')}.")
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    """Link an action, entry or agenda item to a goal."""
    from rmjournal.cli.common import open_journal

    with open_journal(args) as jf:
        journal = jf.journal
        items = [a.id for a in journal.actions()]
        items += [e.id for e in journal.entries()] + [i.id for i in journal.all_agenda_items()]
        item = refs.id_by_prefix(items, args.item, "action, entry or agenda item")
        goal = journal.link_to_goal(refs.goal(journal, args.goal).id, item)
        jf.save()
    print(f"Linked {item[:8]} to goal {goal.id[:8]} ({len(goal.links)} linked).")
    return 0
