"""The whole relationship: `pair`, `agreement`, `goals`, `goal add|set`, `link`, `decide`,
`check-in`, `opportunity` and `opportunities` (the review is `cli/review.py`).

Either partner changes the plan and the agreement (each change recorded, who and when); goals
belong to the person who unlocks; an item counts for a goal only when linked to it by `link`
(or `act --goal`), never by a tag.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from rmjournal.cli import refs
from rmjournal.cli.common import (
    add_json_option,
    add_path_argument,
    add_secret_options,
    check_text,
    positive_int,
    word_choice,
)
from rmjournal.core.errors import NotFound, UsageError
from rmjournal.core.model import CHECK_INS, GOAL_STATUSES, ROLES, VISIBILITIES
from rmjournal.text import json_dumps, one_line

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.model import Decision, Goal, Opportunity, OpportunityStatus, Role


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the whole relationship's commands to the `rmjournal` parser."""
    _register_plan(subparsers)
    _register_goals(subparsers)
    _register_decide(subparsers)
    _register_opportunities(subparsers)


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
    put.add_argument("status", type=word_choice, choices=GOAL_STATUSES)
    put.add_argument("--note", metavar="T", help="what came of it")
    add_secret_options(put)
    put.set_defaults(handler=cmd_goal_set)

    link = subparsers.add_parser("link", help="link an action, entry or agenda item to a goal")
    add_path_argument(link)
    link.add_argument(
        "item",
        metavar="ITEM",
        help="an action (#N as `actions` numbers it), or an action, entry or agenda item id",
    )
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
        if args.item.strip().startswith("#"):
            item = refs.action(journal, args.item)[1].id
        else:
            items = [a.id for a in journal.actions()]
            items += [e.id for e in journal.entries()] + [i.id for i in journal.all_agenda_items()]
            item = refs.id_by_prefix(items, args.item, "action, entry or agenda item")
        goal = journal.link_to_goal(refs.goal(journal, args.goal).id, item)
        jf.save()
    print(f"Linked {item[:8]} to goal {goal.id[:8]} ({len(goal.links)} linked).")
    return 0


# ---------------------------------------------------------------------- the plan


def _register_plan(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pair = subparsers.add_parser(
        "pair", help="show the pair and its plan, or change the plan (each change recorded)"
    )
    add_path_argument(pair)
    pair.add_argument("--title", metavar="T", help="the pair's title")
    pair.add_argument("--cadence-days", type=positive_int, metavar="N", help="days between")
    pair.add_argument("--sessions", type=positive_int, metavar="N", help="sessions planned")
    pair.add_argument("--review-on", metavar="DATE", help="the review date")
    pair.add_argument("--started-on", metavar="DATE", help="the start date")
    for role in ROLES:
        pair.add_argument(f"--{role}-job", metavar="T", help=f"the {role}'s job title")
        pair.add_argument(f"--{role}-network", metavar="T", help=f"the {role}'s staff network")
    add_json_option(pair)
    add_secret_options(pair)
    pair.set_defaults(handler=cmd_pair)

    agreement = subparsers.add_parser(
        "agreement", help="show the agreement, or replace it (a change withdraws signatures)"
    )
    add_path_argument(agreement)
    agreement.add_argument("--text", metavar="T", help="the new agreement")
    agreement.add_argument("--text-file", metavar="F", help="the new agreement ('-': stdin)")
    add_json_option(agreement)
    add_secret_options(agreement)
    agreement.set_defaults(handler=cmd_agreement)


def _pair_changes(args: argparse.Namespace, journal: Journal) -> dict[str, Any]:
    from rmjournal.core.dates import parse_date

    pair = journal.pair()
    if pair is None:
        raise NotFound("This journal has no pair yet.")
    today = journal.today()
    changes: dict[str, Any] = {}
    if args.title is not None:
        check_text(args.title, "title")
        if not args.title.strip():
            raise UsageError("The pair's title cannot be empty.")
        changes["title"] = args.title.strip()
    if args.cadence_days is not None:
        changes["cadence_days"] = args.cadence_days
    if args.sessions is not None:
        changes["planned_sessions"] = args.sessions
    if args.review_on is not None:
        changes["review_on"] = parse_date(args.review_on, today)
    if args.started_on is not None:
        changes["started_on"] = parse_date(args.started_on, today)
    for role in ROLES:
        person = changes.get(role, pair.person(role))
        job, network = getattr(args, f"{role}_job"), getattr(args, f"{role}_network")
        if job is not None:
            check_text(job, "job title")
            person = person._replace(role=job.strip())
        if network is not None:
            check_text(network, "network")
            person = person._replace(network=network.strip() or None)
        if person != pair.person(role):
            changes[role] = person
    started = changes.get("started_on", pair.started_on)
    if changes.get("review_on", pair.review_on) < started:
        raise UsageError("The review date cannot be before the start date.")
    return changes


def _pair_doc(journal: Journal) -> dict[str, Any]:
    from rmjournal.core.lifecycle import next_step, stage

    pair = journal.pair()
    if pair is None:
        raise NotFound("This journal has no pair yet.")

    def person(role: Role) -> dict[str, Any]:
        p = pair.person(role)
        return {"name": p.name, "role": p.role, "network": p.network}

    return {
        "id": pair.id,
        "title": pair.title,
        "mentor": person("mentor"),
        "mentee": person("mentee"),
        "started_on": pair.started_on.isoformat(),
        "cadence_days": pair.cadence_days,
        "planned_sessions": pair.planned_sessions,
        "review_on": pair.review_on.isoformat(),
        "phase": pair.phase,
        "stage": stage(journal),
        "next_step": next_step(journal),
        "changes": [
            {"at": c.at, "by": c.by, "field": c.field, "from": c.old, "to": c.new}
            for c in journal.plan_changes()
        ],
    }


def cmd_pair(args: argparse.Namespace) -> int:
    """Show the pair and its plan, or change the plan (recording who changed what, and when)."""
    from rmjournal.cli.common import open_journal, print_json
    from rmjournal.core.journal.pair import PLAN_FIELDS

    with open_journal(args) as jf:
        journal = jf.journal
        changes = _pair_changes(args, journal)
        if changes:
            journal.update_pair(**changes)
            jf.save()
        doc = _pair_doc(journal)
    if args.json:
        print_json(doc)
        return 0
    if changes:
        print(f"Changed: {', '.join(PLAN_FIELDS.get(k, k) for k in changes)}.")
    print(f"{one_line(doc['title'])}")
    for role in ROLES:
        p = doc[role]
        details = ", ".join(x for x in (p["role"], p["network"] or "") if x)
        print(f"  {role}: {one_line(p['name'])}" + (f" ({one_line(details)})" if details else ""))
    print(
        f"Plan: {doc['planned_sessions']} sessions every {doc['cadence_days']} days from "
        f"{doc['started_on']}; review on {doc['review_on']}; phase {doc['phase']}."
    )
    print(f"Stage: {doc['stage'].replace('_', ' ')}. Next: {doc['next_step']}.")
    for c in doc["changes"]:
        what = PLAN_FIELDS.get(c["field"], c["field"])
        moved = f": {one_line(c['from'] or '—')} → {one_line(c['to'] or '—')}"
        print(f"  {c['at'][:16].replace('T', ' ')}  the {c['by']} changed {what}"
              + (moved if c["field"] != "agreement" else ""))  # fmt: skip
    return 0


def cmd_agreement(args: argparse.Namespace) -> int:
    """Show the agreement and who has signed it, or replace it (withdrawing both signatures)."""
    from rmjournal.cli.common import open_journal, print_json, read_secret, text_option
    from rmjournal.core.lifecycle import agreement_signatures

    secret = read_secret(args)  # first, so --passphrase-stdin takes the first line
    text = text_option(args, "text", "text_file", "agreement")
    if text is not None and not text.strip():
        raise UsageError("The agreement is empty; give the agreement's text.")
    with open_journal(args, secret) as jf:
        journal = jf.journal
        pair = journal.pair()
        if pair is None:
            raise NotFound("This journal has no pair yet.")
        changed = text is not None and text != pair.agreement
        if text is not None and changed:
            pair = journal.set_agreement(text)
            jf.save()
        signatures = agreement_signatures(journal)
    if args.json:
        print_json({"agreement": pair.agreement, "signatures": signatures.as_dict()})
        return 0
    if text is not None:
        print(
            "Agreement replaced: both signatures withdrawn; each of you signs it again with "
            "`rmjournal approve --agreement`."
            if changed
            else "The agreement is unchanged."
        )
        return 0
    from rmjournal.text import plain

    sys.stdout.write(plain(pair.agreement).rstrip("\n") + "\n" if pair.agreement else "")
    print(f"\nSignatures: {signatures.sentence()}.")
    return 0


# ---------------------------------------------------------------------- the review and after


def _register_decide(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    decide = subparsers.add_parser(
        "decide", help="the decision at review: close, extend, or start a part two"
    )
    add_path_argument(decide)
    decide.add_argument(
        "decision", type=lambda v: v.replace("_", "-"), choices=("close", "extend", "part-two")
    )
    decide.add_argument("--sessions", type=positive_int, metavar="N", help="sessions to add")
    decide.add_argument("--review-on", metavar="DATE", help="the new review date")
    decide.add_argument("--check-in-on", metavar="DATE", help="the check-in (default a year on)")
    add_secret_options(decide)
    decide.set_defaults(handler=cmd_decide)

    check_in = subparsers.add_parser(
        "check-in", help="the check-in a year on: list the commitments, or record one"
    )
    add_path_argument(check_in)
    # One list, not two optional positionals: argparse cannot take those after options.
    check_in.add_argument(
        "record",
        metavar="ACTION kept|partly|not_kept",
        nargs="*",
        help="the commitment and how it stands (neither: list the commitments)",
    )
    check_in.add_argument("--note", metavar="T", help="the evidence")
    add_json_option(check_in)
    add_secret_options(check_in)
    check_in.set_defaults(handler=cmd_check_in)


def cmd_decide(args: argparse.Namespace) -> int:
    """Record the decision taken at the review."""
    from rmjournal.cli.common import open_journal
    from rmjournal.core.dates import parse_date

    decision: Decision = "part_two" if args.decision == "part-two" else args.decision
    if decision != "close" and args.check_in_on:
        raise UsageError("--check-in-on goes with `decide close`.")
    if decision == "close" and (args.sessions or args.review_on):
        raise UsageError("--sessions and --review-on go with `decide extend` or `part-two`.")
    with open_journal(args) as jf:
        journal = jf.journal
        today = journal.today()
        pair = journal.decide(
            decision,
            sessions=args.sessions,
            review_on=parse_date(args.review_on, today) if args.review_on else None,
            check_in_on=parse_date(args.check_in_on, today) if args.check_in_on else None,
        )
        jf.save()
    held = pair.review_held_on.isoformat() if pair.review_held_on else today.isoformat()
    if decision == "close":
        when = pair.check_in_on.isoformat() if pair.check_in_on else "—"
        print(f"Closed at the review held on {held}; the check-in is on {when}.")
    elif decision == "extend":
        print(
            f"Extended at the review held on {held}: {pair.planned_sessions} sessions planned "
            f"in all, the next review on {pair.review_on.isoformat()}."
        )
    else:
        print(
            f"Part two (phase {pair.phase}) from {today.isoformat()}: {pair.planned_sessions} "
            f"sessions planned in all, its review on {pair.review_on.isoformat()}."
        )
    return 0


def cmd_check_in(args: argparse.Namespace) -> int:
    """List the commitments the check-in revisits, or record how one stands."""
    from rmjournal.cli.common import open_journal, print_json
    from rmjournal.core.lifecycle import check_in_figures

    if len(args.record) not in (0, 2):
        raise UsageError("Give both the ACTION and kept, partly or not_kept (or neither, to list).")
    ref, result = args.record if args.record else (None, None)
    if result is not None and result not in CHECK_INS:
        raise UsageError(f"A check-in is kept, partly or not_kept, not {one_line(result, 20)!r}.")
    if args.note is not None:
        check_text(args.note, "note")
    with open_journal(args) as jf:
        journal = jf.journal
        if ref is not None and result is not None:
            _, action = refs.action(journal, ref)
            done = journal.check_in_action(action.id, result, args.note)
            jf.save()
            print(f"Checked in {done.id[:8]}: {result.replace('_', ' ')}.")
            return 0
        numbers = journal.action_numbers()
        commitments = journal.commitments_to_revisit()
        figures = check_in_figures(journal)
    if args.json:
        print_json(
            {
                "check_in_on": figures.due_on.isoformat() if figures.due_on else None,
                "check_in": dict(figures.counts),
                "commitments": [
                    {
                        "id": a.id,
                        "number": numbers.get(a.id),
                        "title": None if a.hidden else a.title,
                        "status": a.status,
                        "check_in": a.check_in,
                        "check_in_note": None if a.hidden else a.check_in_note,
                        "hidden": a.hidden,
                    }
                    for a in commitments
                ],
            }
        )
        return 0
    due = figures.due_on.isoformat() if figures.due_on else "not set (decide close sets it)"
    print(f"Check-in: {due}; {figures.to_revisit} of {len(commitments)} commitments to revisit.")
    for a in commitments:
        title = "(private to the partner)" if a.hidden else one_line(a.title, 60)
        result = (a.check_in or "to revisit").replace("_", " ")
        print(f"#{numbers.get(a.id, 0):<3} {a.id[:8]}  {a.status:<11}  {result:<10}  {title}")
        if a.check_in_note and not a.hidden:
            print(f"{'':14}evidence: {one_line(a.check_in_note, 70)}")
    return 0


# ---------------------------------------------------------------------- opportunities


def _register_opportunities(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> None:
    add = subparsers.add_parser(
        "opportunity",
        help="log an opportunity offered (shadowing, a board seat, an introduction), or update one",
    )
    add_path_argument(add)
    add.add_argument("--title", metavar="T", help="what was offered")
    add.add_argument("--offered-by", choices=ROLES, help="who offered it")
    add.add_argument("--on", metavar="DATE", help="when it was offered (default today)")
    add.add_argument("--visibility", choices=VISIBILITIES, help="default pair")
    add.add_argument("--update", metavar="OPPORTUNITY", help="an opportunity's number or id")
    taken = add.add_mutually_exclusive_group()
    taken.add_argument("--taken", action="store_true", help="it was taken up")
    taken.add_argument("--declined", action="store_true", help="it was not taken up")
    add.add_argument("--outcome", metavar="T", help="what came of it")
    add_secret_options(add)
    add.set_defaults(handler=cmd_opportunity)

    listing = subparsers.add_parser("opportunities", help="every opportunity offered")
    add_path_argument(listing)
    add_json_option(listing)
    add_secret_options(listing)
    listing.set_defaults(handler=cmd_opportunities)


def _opportunity_ref(journal: Journal, ref: str) -> Opportunity:
    found = journal.opportunities()
    text = ref.strip()
    if text.lstrip("#").isdigit() and len(text) <= 7:
        number = int(text.lstrip("#"))
        if 1 <= number <= len(found):
            return found[number - 1]
        raise NotFound(f"There is no opportunity {number} (the journal has {len(found)}).")
    wanted = refs.id_by_prefix([o.id for o in found], text, "opportunity")
    return next(o for o in found if o.id == wanted)


def cmd_opportunity(args: argparse.Namespace) -> int:
    """Log an opportunity, or say whether one was taken up and what came of it."""
    from rmjournal.cli.common import open_journal
    from rmjournal.core.dates import parse_date

    for value, what in ((args.title, "title"), (args.outcome, "outcome")):
        if value is not None:
            check_text(value, what)
    status: OpportunityStatus | None = (
        "taken" if args.taken else "declined" if args.declined else None
    )
    if args.update is None and (not args.title or not args.offered_by):
        raise UsageError("A new opportunity needs --title and --offered-by mentor|mentee.")
    with open_journal(args) as jf:
        journal = jf.journal
        if args.update is not None:
            if args.on is not None or args.offered_by is not None:
                raise UsageError("--on and --offered-by are for a new opportunity.")
            found = _opportunity_ref(journal, args.update)
            done = journal.update_opportunity(
                found.id,
                status=status,
                title=args.title,
                visibility=args.visibility,
                **({"outcome": args.outcome} if args.outcome is not None else {}),
            )
            jf.save()
            print(f"Opportunity {done.id[:8]} is now {done.status}.")
            return 0
        done = journal.add_opportunity(
            args.title,
            offered_by=args.offered_by,
            on=parse_date(args.on, journal.today()) if args.on else None,
            status=status or "offered",
            outcome=args.outcome,
            visibility=args.visibility or "pair",
        )
        jf.save()
    print(done.id)
    return 0


def cmd_opportunities(args: argparse.Namespace) -> int:
    """Every opportunity: when, offered by, taken up or not, what came of it."""
    from rmjournal.cli.common import open_journal, print_json

    with open_journal(args) as jf:
        found = jf.journal.opportunities()
    if args.json:
        print_json(
            {
                "opportunities": [
                    {
                        "id": o.id,
                        "title": None if o.hidden else o.title,
                        "offered_by": o.offered_by,
                        "offered_on": o.offered_on.isoformat(),
                        "status": o.status,
                        "outcome": None if o.hidden else o.outcome,
                        "visibility": o.visibility,
                        "hidden": o.hidden,
                    }
                    for o in found
                ]
            }
        )
        return 0
    if not found:
        print("No opportunities yet: log one with `rmjournal opportunity`.", file=sys.stderr)
        return 0
    for number, o in enumerate(found, 1):
        title = f"(private to the {o.author})" if o.hidden else one_line(o.title, 60)
        print(
            f"#{number:<3} {o.id[:8]}  {o.offered_on.isoformat()}  by the {o.offered_by:<6}  "
            f"{o.status:<8}  {title}"
        )
        if o.outcome and not o.hidden:
            print(f"{'':14}came of it: {one_line(o.outcome, 70)}")
    return 0
