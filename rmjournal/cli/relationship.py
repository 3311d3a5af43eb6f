"""The whole relationship: `review` (text or `--json`), `goals`, `goal add|set` and `link`.

The figures come from `rmjournal.core.review` (the same as the Review screen and the summary);
`review --json` prints the document whose keys lifecycle.md fixes, for scripts. Goals belong
to the person who unlocks; an item counts for a goal only when linked to it by `link`.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from rmjournal.cli.common import add_path_argument, add_secret_options
from rmjournal.core.errors import NotFound, UsageError
from rmjournal.core.model import GOAL_STATUSES, VISIBILITIES

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.model import Goal

PREFIX_MIN = 6
"""The shortest id prefix accepted for a goal or an item (cli.md)."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `review`, `goals`, `goal` and `link` to the `rmjournal` parser."""
    _register_goals(subparsers)
    review = subparsers.add_parser(
        "review",
        help="the review figures as plain text (--json for scripts)",
        description=(
            "The review figures as of today: sessions against the plan, the cadence kept, "
            "actions and commitments, time to close. Counts include your partner's private items."
        ),
    )
    add_path_argument(review)
    add_secret_options(review)
    review.add_argument("--json", action="store_true", help="one JSON document on stdout")
    review.set_defaults(handler=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    """Print the review figures."""
    from rmjournal.cli.common import open_journal
    from rmjournal.core.review import review_document, review_figures, stage_of

    with open_journal(args) as jf:
        if args.json:
            print(json.dumps(review_document(jf.journal), ensure_ascii=False, indent=2))
            return 0
        f = review_figures(jf.journal)
    done = f.by_status["done"]
    median = "-" if f.median_days_to_close is None else f"{f.median_days_to_close:g} days"
    print(f"As of {f.today.isoformat()} (stage: {stage_of(f).replace('_', ' ')})")
    print(f"Sessions: {f.sessions_sentence()}")
    print(f"Cadence: {f.cadence_sentence()}")
    print(f"Actions: {f.actions_total} agreed, {done} done, {f.overdue} overdue now")
    print(f"Commitments kept: {f.commitments_kept} of {f.commitments_made}")
    print(f"Median time to close: {median}")
    print(f"Review: {f.review_sentence()}")
    return 0


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
    put.add_argument("goal", metavar="GOAL", help="the goal's id or a unique prefix of it")
    put.add_argument("status", choices=GOAL_STATUSES)
    put.add_argument("--note", metavar="T", help="what came of it")
    add_secret_options(put)
    put.set_defaults(handler=cmd_goal_set)

    link = subparsers.add_parser("link", help="link an action, entry or agenda item to a goal")
    add_path_argument(link)
    link.add_argument("item", metavar="ITEM", help="an action, entry or agenda item id (or prefix)")
    link.add_argument("goal", metavar="GOAL", help="the goal's id or a unique prefix of it")
    add_secret_options(link)
    link.set_defaults(handler=cmd_link)


def _by_prefix(ids: list[str], given: str, what: str) -> str:
    """The one id of `ids` that is `given` or starts with it (at least `PREFIX_MIN` long)."""
    if given in ids:
        return given
    if len(given) < PREFIX_MIN:
        raise UsageError(f"Give the {what}'s id or at least {PREFIX_MIN} characters of it.")
    found = [i for i in ids if i.startswith(given.lower())]
    if not found:
        raise NotFound(f"No {what} with an id starting {given!r} in this journal.")
    if len(found) > 1:
        raise UsageError(f"{given!r} starts more than one {what}'s id; give more of it.")
    return found[0]


def _goal_id(journal: Journal, given: str) -> str:
    return _by_prefix([g.id for g in journal.goals()], given, "goal")


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
        print(json.dumps({"goals": [_goal_doc(g) for g in goals]}, ensure_ascii=False, indent=2))
        return 0
    if not goals:
        print("No goals yet: add one with `rmjournal goal add`.", file=sys.stderr)
        return 0
    for g in goals:
        text = f"(private to the {g.owner})" if g.hidden else one_line(g.text, 70)
        status = g.status.replace("_", " ")
        print(f"{g.id[:8]}  {g.owner:<6}  {status:<12}  {len(g.links)} linked  {text}")
        if g.status_note and not g.hidden:
            print(f"{'':8}  note: {one_line(g.status_note, 70)}")
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
        goal = jf.journal.set_goal_status(_goal_id(jf.journal, args.goal), args.status, args.note)
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
        item = _by_prefix(items, args.item, "action, entry or agenda item")
        goal = journal.link_to_goal(_goal_id(journal, args.goal), item)
        jf.save()
    print(f"Linked {item[:8]} to goal {goal.id[:8]} ({len(goal.links)} linked).")
    return 0
