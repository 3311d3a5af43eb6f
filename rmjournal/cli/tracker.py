"""Sub-commands for the follow-up tracker without the app: act, status, follow-up.

`act` agrees an action or commitment as the app's dialog does (a title is required, the due
date is any DATE form); `status` and `follow-up` log a dated follow-up exactly as the app's
keys do, so the action's log tells the same story whichever face wrote it.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from rmjournal.cli import refs
from rmjournal.cli.common import (
    add_path_argument,
    add_secret_options,
    check_text,
    open_journal,
    positive_int,
    read_secret,
    text_option,
    word_choice,
)
from rmjournal.core.errors import JournalError, UsageError
from rmjournal.core.model import ACTION_STATUSES, OWNERS, VISIBILITIES
from rmjournal.text import one_line

if TYPE_CHECKING:
    from datetime import date

    from rmjournal.core.journal import Journal
    from rmjournal.core.model import Action


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add act, status and follow-up to the `rmjournal` parser."""
    act = subparsers.add_parser("act", help="agree an action or commitment; prints its short id")
    add_path_argument(act)
    act.add_argument("--title", required=True, metavar="T", help="what is to be done")
    act.add_argument("--owner", required=True, choices=OWNERS, help="who does it")
    act.add_argument(
        "--commitment", action="store_true", help="a commitment (the mentee's own), not an action"
    )
    act.add_argument("--due", metavar="DATE", help="the due date")
    act.add_argument(
        "--session", type=positive_int, metavar="N", help="the session it was agreed in"
    )
    act.add_argument("--detail", metavar="T", help="more detail")
    act.add_argument("--detail-file", metavar="F", help="read the detail from F (- for stdin)")
    act.add_argument("--visibility", choices=VISIBILITIES, default="pair", help="default pair")
    act.add_argument("--goal", metavar="GOAL", help="the goal it serves (number or id)")
    add_secret_options(act)
    act.set_defaults(handler=cmd_act)

    status = subparsers.add_parser(
        "status", help="change an action's status, with a dated follow-up"
    )
    add_path_argument(status)
    status.add_argument("action", metavar="ACTION", help="#N as 'actions' numbers it, or an id")
    status.add_argument("status", type=word_choice, choices=ACTION_STATUSES, metavar="STATUS",
                        help="open, in_progress, done or dropped")  # fmt: skip
    status.add_argument("--note", metavar="T", help="what happened")
    status.add_argument("--note-file", metavar="F", help="read the note from F (- for stdin)")
    add_secret_options(status)
    status.set_defaults(handler=cmd_status)

    follow = subparsers.add_parser("follow-up", help="a dated follow-up note on an action")
    add_path_argument(follow)
    follow.add_argument("action", metavar="ACTION", help="#N as 'actions' numbers it, or an id")
    follow.add_argument("--note", metavar="T", help="what happened")
    follow.add_argument("--note-file", metavar="F", help="read the note from F (- for stdin)")
    follow.add_argument(
        "--status", type=word_choice, choices=ACTION_STATUSES, help="the status after it"
    )
    add_secret_options(follow)
    follow.set_defaults(handler=cmd_follow_up)


def cmd_act(args: argparse.Namespace) -> int:
    """Agree one action or commitment; print its short id (the first 8 characters)."""
    from rmjournal.core.dates import parse_date

    secret = read_secret(args)
    title = " ".join((args.title or "").split())
    if not title:
        raise UsageError("Give the action a title: it is empty, so nothing was agreed.")
    check_text(title, "title")
    detail = text_option(args, "detail", "detail_file", "detail") or ""
    with open_journal(args, secret) as jf:
        journal = jf.journal
        due = parse_date(args.due, journal.today()) if args.due else None
        agreed_in = refs.session_by_number(journal, args.session).id if args.session else None
        served = refs.goal(journal, args.goal) if args.goal else None
        made = journal.agree_action(
            title,
            detail=detail.rstrip("\n"),
            owner=args.owner,
            kind="commitment" if args.commitment else "action",
            due_on=due,
            agreed_in=agreed_in,
            visibility=args.visibility,
        )
        if served is not None:  # linked by choice: a tag never links an item to a goal
            journal.link_to_goal(served.id, made.id)
        number = journal.action_numbers()[made.id]
        jf.save(last=True)
    due_words = f", due {due.isoformat()}" if due else ""
    whose = "both of you" if made.owner == "both" else f"the {made.owner}"
    print(
        f"Agreed {made.kind} #{number} for {whose}{due_words}: {one_line(made.title)}",
        file=sys.stderr,
    )
    print(made.id[:8])
    return 0


def _note(args: argparse.Namespace) -> str | None:
    note = text_option(args, "note", "note_file", "note")
    return None if note is None else note.strip()


def _mine(journal: Journal, args: argparse.Namespace) -> tuple[int, Action]:
    number, found = refs.action(journal, args.action)
    if found.hidden:
        raise JournalError(f"Action #{number} is private to your partner, so it cannot be changed.")
    return number, found


def cmd_status(args: argparse.Namespace) -> int:
    """Change an action's status (logged as a dated follow-up, with the note if given)."""
    secret = read_secret(args)
    note = _note(args)
    with open_journal(args, secret) as jf:
        journal = jf.journal
        number, found = _mine(journal, args)
        if found.status == args.status and not note:
            print(
                f"Action #{number} is already {args.status.replace('_', ' ')}; "
                "nothing was changed.",
                file=sys.stderr,
            )
            return 0
        journal.set_status(found.id, args.status, note or "")
        day = journal.today()
        jf.save(last=True)
    print(
        f"Action #{number} is now {args.status.replace('_', ' ')} (logged on {day.isoformat()}).",
        file=sys.stderr,
    )
    return 0


def cmd_follow_up(args: argparse.Namespace) -> int:
    """Log a dated follow-up note on an action, maybe with a new status."""
    secret = read_secret(args)
    note = _note(args)
    if note is None:
        raise UsageError("Give the follow-up note with --note T or --note-file F.")
    if not note:
        raise UsageError("The follow-up note is empty, so nothing was logged.")
    with open_journal(args, secret) as jf:
        journal = jf.journal
        number, found = _mine(journal, args)
        logged = journal.follow_up(found.id, note, status=args.status)
        jf.save(last=True)
    print(
        f"Logged a follow-up on action #{number} for {logged.on.isoformat()}; "
        f"it is {logged.status.replace('_', ' ')}.",
        file=sys.stderr,
    )
    return 0


def _due_words(found: Action, today: date) -> str:
    if found.due_on is None:
        return "no due date"
    days = (found.due_on - today).days
    if not found.is_open:
        return f"was due {found.due_on.isoformat()}"
    if days < 0:
        return f"due {found.due_on.isoformat()}, overdue by {-days} day{'s' * (days != -1)}"
    when = "today" if days == 0 else f"in {days} day{'s' * (days != 1)}"
    return f"due {found.due_on.isoformat()} ({when})"


def describe_action(journal: Journal, number: int, found: Action) -> str:
    """One action as plain text: its facts, its detail, then its follow-ups oldest first.

    A partner's private action keeps its facts (as the tracker's table shows them) and hides
    its title, detail and notes; user text is made safe for a terminal by `plain`."""
    from rmjournal.text import plain

    today = journal.today()
    whose = "both of you" if found.owner == "both" else f"the {found.owner}"
    title = f"(private to the {found.author})" if found.hidden else one_line(found.title)
    state = found.status.replace("_", " ")
    closed = f", closed {found.closed_on.isoformat()}" if found.closed_on else ""
    out = [
        f"Action #{number}: {title}",
        f"  {state.capitalize()}; {_due_words(found, today)}{closed}.",
        f"  A{'n' * (found.kind == 'action')} {found.kind} for {whose}, written by the "
        f"{found.author}; visible to: {found.visibility}.",
    ]
    agreed = f"  Agreed on {found.agreed_day.isoformat()}"
    if found.agreed_in:
        session = next((s for s in journal.sessions() if s.id == found.agreed_in), None)
        if session is not None:
            agreed += f", in session {session.number}"
    out.append(agreed + ".")
    for number_of_goal, g in enumerate(journal.goals(), 1):
        if found.id in g.links:
            text = f"private to the {g.owner}" if g.hidden else one_line(g.text, 70)
            out.append(f"  Serves goal #{number_of_goal}: {text}")
    if not found.hidden:
        out.append("Detail:" if found.detail.strip() else "Detail: none.")
        out.extend("     " + line for line in plain(found.detail).splitlines() if found.detail)
    logged = len(found.follow_ups)
    out.append(
        f"Follow-ups: {logged}{', oldest first' * (logged > 1)}."
        if logged
        else "Follow-ups: none yet (`rmjournal follow-up` logs one)."
    )
    for f in found.follow_ups:
        note = "(private)" if f.hidden else (one_line(f.note) or "(no note)")
        out.append(f"  {f.on.isoformat()}  {f.author:<6}  {f.status.replace('_', ' '):<11}  {note}")
    return "\n".join(out) + "\n"


def print_action(args: argparse.Namespace) -> int:
    """`actions PATH ACTION`: one action in full, as text or (`--json`) as its record."""
    from rmjournal.cli.common import print_json

    if args.status or args.overdue or args.owner or args.kind:
        raise UsageError(
            "Give ACTION or the filters (--status, --overdue, --owner, --kind), not both."
        )
    with open_journal(args) as jf:
        journal = jf.journal
        number, found = refs.action(journal, args.action)
        if args.json:
            from rmjournal.core.interchange import export_document

            exported = export_document(journal)["actions"]
            record = next((a for a in exported if a["id"] == found.id), None)
            if record is None:  # the partner's private action: the facts the table shows
                record = {
                    "id": found.id,
                    "kind": found.kind,
                    "owner": found.owner,
                    "status": found.status,
                    "visibility": found.visibility,
                    "due_on": found.due_on.isoformat() if found.due_on else None,
                    "hidden": True,
                }
            today = journal.today().isoformat()
            overdue = found.is_overdue(journal.today())
            print_json({"as_of": today, "action": {**record, "number": number, "overdue": overdue}})
            return 0
        sys.stdout.write(describe_action(journal, number, found))
    return 0
