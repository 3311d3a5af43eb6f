"""Sub-commands for sessions without the app: sessions, show, plan, topic, notes, outcome,
held, cancel.

Each does what the app's own key does, through the same `Journal` call and with the same
refusals (an empty topic, a time box over 600 minutes, the partner's private topic), so a
person at a screen reader loses nothing by staying on the command line. Every line is a plain
sentence; user text is printed through `plain()`/`one_line()`, never as markup.
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
    answered_yes,
    can_ask,
    check_text,
    open_journal,
    positive_int,
    print_json,
    read_secret,
    text_option,
    to_terminal,
    word_choice,
)
from rmjournal.core.errors import JournalError, UsageError
from rmjournal.core.model import ROLES, VISIBILITIES
from rmjournal.text import counted, one_line, plain

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.merge import Conflict
    from rmjournal.core.model import AgendaItem, Session

MAX_MINUTES = 600
"""The longest time box or session the app accepts (minutes)."""

OUTCOME_CHOICES = ("discussed", "carried_over", "dropped", "open")


def _minutes(value: str) -> int:
    """argparse type: whole minutes from 0 to 600, as the app's time-box field takes them."""
    text = value.strip()
    if not text.isdigit() or len(text) > 4 or int(text) > MAX_MINUTES:
        raise argparse.ArgumentTypeError(
            f"expected a number of minutes from 0 to {MAX_MINUTES}, not {value!r}"
        )
    return int(text)


def _session_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("session", type=positive_int, metavar="SESSION", help="session number")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the session commands to the `rmjournal` parser."""
    sessions = subparsers.add_parser(
        "sessions", help="every session: number, date, state, topics, open items"
    )
    add_path_argument(sessions)
    add_json_option(sessions)
    add_secret_options(sessions)
    sessions.set_defaults(handler=cmd_sessions)

    show = subparsers.add_parser(
        "show", help="one session in full: agenda, notes, outcomes, entries, actions"
    )
    add_path_argument(show)
    _session_arg(show)
    add_json_option(show)
    add_secret_options(show)
    show.set_defaults(handler=cmd_show)

    plan = subparsers.add_parser(
        "plan",
        help="plan the next session, pre-filled with what is unfinished; prints its number",
        description=(
            "Plan the next session, as the app's 'new session' key does: its agenda gets every "
            "topic left open last time and every open action due by the session after it. "
            "If a session is already planned, that one is used (moved to --on if given)."
        ),
    )
    add_path_argument(plan)
    plan.add_argument("--on", metavar="DATE", help="the day (default: one cadence on)")
    plan.add_argument("--at", metavar="HH:MM", help="the time of day")
    plan.add_argument("--minutes", type=_minutes, metavar="M", help="how long, in minutes")
    plan.add_argument("--place", metavar="P", help="where")
    plan.add_argument("--template", metavar="NAME", help="a session template")
    add_secret_options(plan)
    plan.set_defaults(handler=cmd_plan)

    topic = subparsers.add_parser("topic", help="add an agenda topic; prints its item number")
    add_path_argument(topic)
    _session_arg(topic)
    topic.add_argument("--text", metavar="T", help="the topic")
    topic.add_argument("--text-file", metavar="F", help="read the topic from F (- for stdin)")
    topic.add_argument("--raised-by", choices=ROLES, help="who raised it (default: you)")
    topic.add_argument("--minutes", type=_minutes, metavar="M", help="time box in minutes")
    topic.add_argument("--prompt", metavar="TEXT", help="a reflection prompt to attach")
    topic.add_argument("--visibility", choices=VISIBILITIES, default="pair", help="default pair")
    add_secret_options(topic)
    topic.set_defaults(handler=cmd_topic)

    notes = subparsers.add_parser("notes", help="your own notes on an agenda item")
    add_path_argument(notes)
    _session_arg(notes)
    notes.add_argument("item", metavar="ITEM", help="item number (as show prints it) or id")
    notes.add_argument("--text", metavar="T", help="the notes")
    notes.add_argument("--text-file", metavar="F", help="read the notes from F (- for stdin)")
    add_secret_options(notes)
    notes.set_defaults(handler=cmd_notes)

    outcome = subparsers.add_parser("outcome", help="an agenda item's outcome")
    add_path_argument(outcome)
    _session_arg(outcome)
    outcome.add_argument("item", metavar="ITEM", help="item number (as show prints it) or id")
    outcome.add_argument("outcome", type=word_choice, choices=OUTCOME_CHOICES, metavar="OUTCOME",
                         help="discussed, carried_over, dropped (or open again)")  # fmt: skip
    add_secret_options(outcome)
    outcome.set_defaults(handler=cmd_outcome)

    for name, what in (("held", "took place"), ("cancel", "did not take place")):
        mark = subparsers.add_parser(name, help=f"record that a session {what}")
        add_path_argument(mark)
        _session_arg(mark)
        if name == "held":
            mark.add_argument(
                "--on", metavar="DATE", help="the day it took place (default: its planned day)"
            )
        add_secret_options(mark)
        mark.set_defaults(handler=cmd_held if name == "held" else cmd_cancel)

    delete = subparsers.add_parser(
        "delete-session",
        help="delete a session never held, with its agenda and entries",
        description="Delete a session that was never held (planned twice, or by mistake), "
        "with its agenda and entries, as the app's Delete on the sessions list does. A held "
        "session is the record of a meeting and stays. Asks first on a terminal; scripts give "
        "--yes.",
    )
    add_path_argument(delete)
    _session_arg(delete)
    delete.add_argument("--yes", action="store_true", help="delete without asking")
    add_secret_options(delete)
    delete.set_defaults(handler=cmd_delete_session)


# ---------------------------------------------------------------------------- reading


def _cadence(journal: Journal) -> int:
    pair = journal.pair()
    return pair.cadence_days if pair else 28


def _visible_topic(item: AgendaItem, width: int | None) -> str:
    return f"(private to the {item.raised_by})" if item.hidden else one_line(item.topic, width)


def _session_objects(journal: Journal) -> dict[str, dict[str, Any]]:
    """The export's session objects by id: what `--json` prints must be what export writes."""
    from rmjournal.core.interchange import export_document

    return {s["id"]: s for s in export_document(journal)["sessions"]}


def cmd_sessions(args: argparse.Namespace) -> int:
    """Every session, one line each: number, date, state, topics and open items."""
    with open_journal(args) as jf:
        journal = jf.journal
        today, cadence = journal.today(), _cadence(journal)
        rows = []
        for s in journal.sessions():
            items = journal.agenda(s.id)
            rows.append((s, refs.session_state(s, today, cadence), items))
        objects = _session_objects(journal) if args.json else {}
    if args.json:
        listed = []
        for s, state, items in rows:
            obj = {k: v for k, v in objects[s.id].items() if k not in ("agenda", "entries")}
            obj.update(
                state=state,
                topics=len(items),
                open_items=sum(i.outcome in ("open", "carried_over") for i in items),
            )
            listed.append(obj)
        print_json({"sessions": listed})
        return 0
    if not rows:
        print("The journal has no sessions yet; plan one with 'rmjournal plan'.", file=sys.stderr)
        return 0
    width = 60 if to_terminal() else None
    for s, state, items in rows:
        still_open = sum(i.outcome in ("open", "carried_over") for i in items)
        topics = "; ".join(_visible_topic(i, width and 30) for i in items) or "no topics"
        print(
            f"Session {s.number}, {s.date.isoformat()} ({s.date:%A}), {state}: "
            f"{counted(len(items), 'topic')}, {still_open} open. "
            f"Topics: {topics}."
        )
    return 0


def _indent(text: str, prefix: str = "     ") -> str:
    return "\n".join(prefix + line for line in plain(text).splitlines())


def cmd_show(args: argparse.Namespace) -> int:
    """One session in full: agenda items with notes and outcomes, entries, actions agreed."""
    with open_journal(args) as jf:
        journal = jf.journal
        session = refs.session_by_number(journal, args.session)
        state = refs.session_state(session, journal.today(), _cadence(journal))
        items = journal.agenda(session.id)
        entries = journal.entries(session.id)
        numbers = journal.action_numbers()
        agreed = [a for a in journal.actions(order="agreed") if a.agreed_in == session.id]
        from rmjournal.core.merge import conflicts

        waiting: dict[str, list[Conflict]] = {}
        for conflict in conflicts(journal):
            waiting.setdefault(conflict.item_id, []).append(conflict)
        if args.json:
            from rmjournal.core.interchange import export_document

            doc = export_document(journal)
    if args.json:
        obj = next(s for s in doc["sessions"] if s["id"] == session.id)
        visible = [i.id for i in items]
        for item in obj["agenda"]:
            item["number"] = visible.index(item["id"]) + 1
        obj["state"] = state
        obj["actions"] = [
            {**a, "number": numbers[a["id"]]}
            for a in doc["actions"]
            if a.get("agreed_in") == session.id
        ]
        print_json(obj)
        return 0
    out = [f"Session {session.number}, {session.date.isoformat()} ({session.date:%A}), {state}."]
    if session.duration_minutes:
        out.append(f"Length: {session.duration_minutes} minutes.")
    if session.place:
        out.append(f"Place: {one_line(session.place)}.")
    out.append(f"Agenda: {counted(len(items), 'item')}.")
    for n, item in enumerate(items, 1):
        if item.hidden:
            out.append(f"  {n}. A topic private to the {item.raised_by}.")
            continue
        box = f"; {item.minutes} minutes" if item.minutes is not None else ""
        out.append(f"  {n}. {one_line(item.topic)}")
        out.append(
            f"     Raised by the {item.raised_by}{box}; outcome: {item.outcome.replace('_', ' ')}; "
            f"visible to: {item.visibility}."
        )
        if item.prompt:
            out.append(f"     Prompt: {one_line(item.prompt)}")
        if item.notes.strip():
            out.append("     Notes:")
            out.append(_indent(item.notes, "       "))
        for conflict in waiting.get(item.id, ()):
            out.append(
                f"     Also written on another copy ({conflict.field.replace('_', ' ')}; "
                f"a merge conflict: `rmjournal settle PATH {conflict.id[:8]} kept|other|both`):"
            )
            out.append(
                _indent(
                    "(on your partner's private item)"
                    if conflict.hidden
                    else str(conflict.other or "(empty)"),
                    "       ",
                )
            )
    out.append(f"Entries: {len(entries)}.")
    for e in entries:
        if e.hidden:
            out.append(f"  A {e.kind} private to the {e.author}.")
            continue
        tags = f"; tags: {', '.join(one_line(t) for t in e.tags)}" if e.tags else ""
        out.append(f"  A {e.kind} by the {e.author} (visible to: {e.visibility}{tags}):")
        if e.prompt:
            out.append(f"     Prompt: {one_line(e.prompt)}")
        out.append(_indent(e.text))
    out.append(f"Actions agreed in this session: {len(agreed)}.")
    for a in agreed:
        title = f"private to the {a.author}" if a.hidden else one_line(a.title)
        due = f", due {a.due_on.isoformat()}" if a.due_on else ""
        out.append(
            f"  #{numbers[a.id]} {title}: {a.kind} of {a.owner}, {a.status.replace('_', ' ')}{due}."
        )
        if a.detail.strip() and not a.hidden:
            out.append(_indent(a.detail))
    sys.stdout.write("\n".join(out) + "\n")
    return 0


# ---------------------------------------------------------------------------- writing


def cmd_plan(args: argparse.Namespace) -> int:
    """Plan (or reuse) the next session, pre-filled; print its number alone on stdout."""
    from rmjournal.core.dates import parse_date
    from rmjournal.core.journal.sessions import time_of_day
    from rmjournal.core.templates import apply_template, find_template

    place = args.place.strip() if args.place else None
    at = time_of_day(args.at)  # checked before the journal is unlocked or anything is written
    with open_journal(args) as jf:
        journal = jf.journal
        if journal.pair() is None:
            raise JournalError("This journal has no pair yet; set it up in the app first.")
        on = parse_date(args.on, journal.today()) if args.on else None
        template = find_template(args.template, journal) if args.template else None
        existing = journal.next_session()
        before = len(journal.agenda(existing.id)) if existing else 0
        session = journal.plan_next_session(on, place=place)
        changes: dict[str, Any] = {}
        if existing is not None and on is not None and session.date != on:
            changes["on"] = on
        if existing is not None and place is not None:
            changes["place"] = place
        if args.minutes is not None:
            changes["duration_minutes"] = args.minutes
        if at is not None:
            changes["time"] = at
        if changes:
            session = journal.update_session(session.id, **changes)
        if template is not None:
            apply_template(journal, session.id, template)
        count = len(journal.agenda(session.id))
        jf.save(last=True)
    added = count - before
    if existing is None:
        said = f"Planned session {session.number} for {session.date.isoformat()}"
    else:
        said = f"Session {session.number} on {session.date.isoformat()} was already planned"
    print(
        f"{said}; its agenda has {counted(count, 'item')} ({added} carried over or to follow up).",
        file=sys.stderr,
    )
    print(session.number)
    return 0


def cmd_topic(args: argparse.Namespace) -> int:
    """Add a topic at the end of the session's agenda; print its item number on stdout."""
    secret = read_secret(args)
    text = text_option(args, "text", "text_file", "topic")
    if text is None:
        raise UsageError("Give the topic with --text T or --text-file F.")
    topic = " ".join(text.split())
    if not topic:
        raise UsageError("Type the topic: it is empty, so nothing was added.")
    prompt = " ".join(args.prompt.split()) if args.prompt else None
    if prompt:
        check_text(prompt, "prompt")
    with open_journal(args, secret) as jf:
        journal = jf.journal
        session = refs.session_by_number(journal, args.session)
        item = journal.add_agenda_item(
            session.id,
            topic,
            raised_by=args.raised_by,
            minutes=args.minutes,
            prompt=prompt,
            visibility=args.visibility,
        )
        number = [i.id for i in journal.agenda(session.id)].index(item.id) + 1
        jf.save(last=True)
    print(
        f"Added item {number} to session {session.number}, raised by the {item.raised_by}.",
        file=sys.stderr,
    )
    print(number)
    return 0


def write_own_notes(journal: Journal, item: AgendaItem, text: str) -> AgendaItem:
    """Write the unlocking person's notes on `item`.

    The seam for per-author notes (issue #13): today an agenda item has one notes field, which
    this writes through `Journal.record_notes`. When the core keeps each author's notes apart,
    this is the one call to change, and the partner's words will no longer be replaced.
    """
    return journal.record_notes(item.id, text)


def _editable_item(args: argparse.Namespace, journal: Journal) -> tuple[Session, int, AgendaItem]:
    session = refs.session_by_number(journal, args.session)
    number, item = refs.agenda_item(journal, session, args.item)
    if item.hidden:
        raise JournalError(
            f"Item {number} of session {session.number} is private to your partner, "
            "so it cannot be changed."
        )
    return session, number, item


def cmd_notes(args: argparse.Namespace) -> int:
    """Replace your notes on one agenda item with the text given."""
    secret = read_secret(args)
    text = text_option(args, "text", "text_file", "notes")
    if text is None:
        raise UsageError("Give the notes with --text T or --text-file F.")
    if not text.strip():
        raise UsageError("The notes are empty, so nothing was changed.")
    with open_journal(args, secret) as jf:
        session, number, item = _editable_item(args, jf.journal)
        write_own_notes(jf.journal, item, text.rstrip("\n"))
        jf.save(last=True)
    print(f"Wrote the notes on item {number} of session {session.number}.", file=sys.stderr)
    return 0


def cmd_outcome(args: argparse.Namespace) -> int:
    """Record how an agenda item ended."""
    with open_journal(args) as jf:
        session, number, item = _editable_item(args, jf.journal)
        jf.journal.record_outcome(item.id, args.outcome)
        jf.save(last=True)
    print(
        f"Item {number} of session {session.number} is now {args.outcome.replace('_', ' ')}.",
        file=sys.stderr,
    )
    return 0


def _mark(args: argparse.Namespace, held: bool) -> int:
    with open_journal(args) as jf:
        journal = jf.journal
        session = refs.session_by_number(journal, args.session)
        today = journal.today()
        if held:
            from rmjournal.core.dates import parse_date

            on = parse_date(args.on, today) if args.on else None
            session = journal.mark_held(session.id, on=on)
        else:
            session = journal.mark_cancelled(session.id)
        still_open = sum(i.outcome == "open" and not i.hidden for i in journal.agenda(session.id))
        jf.save(last=True)
    state = "held" if held else "cancelled"
    tail = f" It is dated {session.date.isoformat()}." if held and args.on else ""
    if held and session.date > today:
        tail = (
            f" Its date, {session.date.isoformat()}, is after today: if you met early, give "
            "the day it took place with --on (for example --on today)."
        )
    if held and still_open:
        tail += (
            f" {still_open} topic{'s are' if still_open != 1 else ' is'} still open; "
            "they carry over to the next session you plan."
        )
    print(f"Session {session.number} is now marked {state}.{tail}", file=sys.stderr)
    return 0


def cmd_held(args: argparse.Namespace) -> int:
    """Record that the session took place."""
    return _mark(args, held=True)


def cmd_cancel(args: argparse.Namespace) -> int:
    """Record that the session did not take place."""
    return _mark(args, held=False)


def cmd_delete_session(args: argparse.Namespace) -> int:
    """Delete a session never held, with what it holds, after a question (or `--yes`)."""
    if not args.yes and not can_ask():
        raise UsageError(
            f"Deleting session {args.session} also deletes its agenda and entries; "
            "give --yes to delete it without a question"
        )
    with open_journal(args) as jf:
        journal = jf.journal
        session = refs.session_by_number(journal, args.session)
        if session.status == "held":
            raise JournalError(
                f"Session {session.number} was held: it is the record of a meeting and stays."
            )
        topics, entries = len(journal.agenda(session.id)), len(journal.entries(session.id))
        held = f"{counted(topics, 'topic')} and {entries} entr{'y' if entries == 1 else 'ies'}"
        what = f"session {session.number} ({session.status}, {session.date.isoformat()})"
        if not args.yes and not answered_yes(f"Delete {what} with its {held}?"):
            raise JournalError("Nothing was deleted.")
        journal.delete_planned_session(session.id)
        jf.save(last=True)
    print(f"Deleted {what} with its {held}.", file=sys.stderr)
    return 0
