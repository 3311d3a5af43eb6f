"""Between the sessions: calendar, due, templates, prompts, prompt add, pack export|import.

These are the commands a pair uses when the journal is closed: a calendar file for their own
calendar, a reminder line for cron or a desktop notifier, the session templates, their own
reflection prompts, and packs of prompts, templates and agreement texts to share between pairs.
By default nothing here prints or writes a name, topic or title: calendars are synced to
servers and notifications show on locked screens. `--with-topics` / `--with-titles` add them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from rmjournal.cli.common import add_path_argument, add_secret_options, open_journal, positive_int
from rmjournal.core.errors import JournalError, NotFound, UsageError
from rmjournal.core.model import PHASES, PROMPT_FOR
from rmjournal.text import json_dumps, one_line, plain

MAX_TEXT_FILE = 1 << 20
MAX_DAYS = 3660


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add calendar, due, templates, prompts, prompt and pack to the `rmjournal` parser."""
    from rmjournal.core.model import DUE_SOON_DAYS

    cal = subparsers.add_parser(
        "calendar",
        help="iCalendar file of sessions, review, check-in and action due dates",
        description="Write an iCalendar (.ics) file: one event per session, the review and the "
        "check-in, a to-do per open action with a due date, each reminding the day before. "
        "Import it again after a change: entries are updated, not duplicated. No names, "
        "topics or titles unless --with-topics.",
    )
    add_path_argument(cal)
    cal.add_argument("--out", type=Path, metavar="FILE", help="write to FILE (default stdout)")
    cal.add_argument(
        "--with-topics",
        action="store_true",
        help="add the pair's title, places, agenda topics and action titles (calendars are "
        "often shared and synced: anyone who sees yours reads them)",
    )
    add_secret_options(cal)
    cal.set_defaults(handler=cmd_calendar)

    due = subparsers.add_parser(
        "due",
        help="what is due or overdue in the next days, one line each",
        description="List overdue actions, and actions, sessions, the review and the check-in "
        "due in the next N days, one line each (no titles unless --with-titles). Exit 0 "
        "whether or not anything is due: for cron and desktop notifiers.",
    )
    add_path_argument(due)
    due.add_argument(
        "--days",
        type=positive_int,
        default=DUE_SOON_DAYS,
        metavar="N",
        help=f"look N days ahead (default {DUE_SOON_DAYS})",
    )
    due.add_argument("--with-titles", action="store_true", help="add the actions' titles")
    due.add_argument("--json", action="store_true", help="one JSON document")
    add_secret_options(due)
    due.set_defaults(handler=cmd_due)

    templates = subparsers.add_parser(
        "templates", help="the session templates: built in, and a journal's own with PATH"
    )
    templates.add_argument("path", type=Path, nargs="?", metavar="PATH", help="a journal file")
    templates.add_argument("--json", action="store_true", help="one JSON document")
    add_secret_options(templates)
    templates.set_defaults(handler=cmd_templates)

    prompts = subparsers.add_parser("prompts", help="reflection prompts, built-in and custom")
    add_path_argument(prompts)
    prompts.add_argument("--phase", choices=PHASES, help="only prompts for this phase")
    prompts.add_argument("--for", dest="for_", choices=PROMPT_FOR, help="only for this person")
    prompts.add_argument("--custom", action="store_true", help="only the pair's own prompts")
    prompts.add_argument("--json", action="store_true", help="one JSON document")
    add_secret_options(prompts)
    prompts.set_defaults(handler=cmd_prompts)

    prompt = subparsers.add_parser("prompt", help="add a reflection prompt of your own")
    prompt_sub = prompt.add_subparsers(dest="prompt_command", metavar="COMMAND")
    add = prompt_sub.add_parser("add", help="add a reflection prompt of your own")
    add_path_argument(add)
    add.add_argument("--phase", choices=PHASES, required=True)
    add.add_argument("--for", dest="for_", choices=PROMPT_FOR, required=True)
    words = add.add_mutually_exclusive_group(required=True)
    words.add_argument("--text", metavar="T", help="the prompt's words")
    words.add_argument("--text-file", type=Path, metavar="F", help="the words from F (- stdin)")
    add_secret_options(add)
    add.set_defaults(handler=cmd_prompt_add)
    prompt.set_defaults(handler=_needs_subcommand(prompt))

    pack = subparsers.add_parser("pack", help="share prompts, templates and agreement texts")
    pack_sub = pack.add_subparsers(dest="pack_command", metavar="COMMAND")
    export = pack_sub.add_parser(
        "export", help="write the journal's prompts, templates and agreement texts as a pack"
    )
    add_path_argument(export)
    export.add_argument("--out", type=Path, metavar="FILE", help="write to FILE (default stdout)")
    export.add_argument("--name", metavar="TEXT", help='the pack\'s name (default "Our pack")')
    export.add_argument(
        "--with-agreement", action="store_true", help="add the pair's own agreement text"
    )
    add_secret_options(export)
    export.set_defaults(handler=cmd_pack_export)
    imp = pack_sub.add_parser("import", help="validate a pack, then add what it holds")
    add_path_argument(imp)
    imp.add_argument("--from", dest="source", type=Path, required=True, metavar="F")
    add_secret_options(imp)
    imp.set_defaults(handler=cmd_pack_import)
    pack.set_defaults(handler=_needs_subcommand(pack))


def _needs_subcommand(parser: argparse.ArgumentParser) -> Any:
    def handler(_args: argparse.Namespace) -> int:
        parser.print_usage(sys.stderr)
        print(
            f"rmjournal: {parser.prog} needs a command; see '{parser.prog} --help'.",
            file=sys.stderr,
        )
        return 2

    return handler


def _write_out(out: Path | None, data: bytes, what: str) -> None:
    """Write `data` to stdout (no `--out`, or `-`) or atomically to a private file."""
    if out is None or str(out) == "-":
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    from rmjournal.cli.content import write_private_file

    write_private_file(out, data.decode("utf-8"))
    print(f"Wrote {what} to {plain(str(out))} (readable only by you).", file=sys.stderr)


def _read_input(path: Path, what: str, limit: int) -> bytes:
    """The bytes of `path` (`-`: stdin), at most `limit`; a sentence if it cannot be read."""
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(limit + 1)
        else:
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
    except FileNotFoundError:
        raise NotFound(f"There is no file {path} to read the {what} from.") from None
    except IsADirectoryError:
        raise UsageError(f"{path} is a folder; give the file with the {what}.") from None
    except OSError as exc:
        reason = (exc.strerror or "an input/output error").lower()
        raise JournalError(f"{path} could not be read ({reason}).") from None
    if len(data) > limit:
        raise UsageError(f"The {what} in {path} is too long (at most {limit >> 20} MiB).")
    return data


# ---------------------------------------------------------------------------- calendar, due


def cmd_calendar(args: argparse.Namespace) -> int:
    """Write the calendar file (content-free unless --with-topics)."""
    from rmjournal.core.calendar import WITH_TOPICS_WARNING, calendar_ics

    with open_journal(args) as jf:
        data = calendar_ics(jf.journal, with_topics=args.with_topics)
    if args.with_topics:
        print(f"Note: {WITH_TOPICS_WARNING}", file=sys.stderr)
    _write_out(args.out, data, "the calendar")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    """One line per thing due or overdue; always exit 0 (nothing due is not an error)."""
    from rmjournal.core.due import due_items

    if args.days > MAX_DAYS:
        raise UsageError(f"--days looks at most {MAX_DAYS} days (ten years) ahead.")
    with open_journal(args) as jf:
        today = jf.journal.today()
        items = due_items(jf.journal, args.days, today)
    if args.json:
        doc = {
            "as_of": today.isoformat(),
            "days": args.days,
            "items": [
                {
                    "kind": i.kind,
                    "id": i.id,
                    "on": i.on.isoformat(),
                    "days": i.days,
                    "overdue": i.overdue,
                    "text": i.line(),
                    **({"title": i.title} if args.with_titles and i.title else {}),
                }
                for i in items
            ],
        }
        sys.stdout.write(json_dumps(doc, indent=1) + "\n")
        return 0
    if not items:
        # On stderr: a notifier script shows stdout, and nothing due should show nothing.
        print(
            f"Nothing is due in the next {args.days} days, and nothing is overdue.", file=sys.stderr
        )
        return 0
    for item in items:
        line = item.line()
        if args.with_titles and item.title:
            line = f"{line}: {one_line(item.title, None)}"
        print(line)
    return 0


# ---------------------------------------------------------------------------- templates, prompts


def cmd_templates(args: argparse.Namespace) -> int:
    """List the session templates (and a journal's own, given PATH)."""
    from rmjournal.core.templates import all_templates

    if args.path is not None:
        with open_journal(args) as jf:
            found = all_templates(jf.journal)
    else:
        found = all_templates()
    if args.json:
        doc = [{**t.to_json(), "pack": t.pack, "builtin": t.builtin} for t in found]
        sys.stdout.write(json_dumps({"templates": doc}, indent=1) + "\n")
        return 0
    for t in found:
        print(f"{t.id}  {one_line(t.name)} — {len(t.topics)} topics, {t.minutes} min")
        if not t.builtin:
            print(f"    from {one_line(t.pack)}")
        for topic in t.topics:
            box = f"{topic.minutes:>3} min" if topic.minutes else "       "
            print(f"    {box}  {one_line(topic.topic)}")
    return 0


def cmd_prompts(args: argparse.Namespace) -> int:
    """List reflection prompts: phase, person, pack and words."""
    with open_journal(args) as jf:
        journal = jf.journal
        found = journal.custom_prompts() if args.custom else journal.prompts(args.phase, args.for_)
        if args.custom:
            from rmjournal.core.prompts import matches

            found = [p for p in found if matches(p, phase=args.phase, for_=args.for_)]
    if args.json:
        doc = [
            {
                "id": p.id,
                "phase": p.phase,
                "for": p.for_,
                "text": p.text,
                "pack": p.pack,
                "builtin": p.builtin,
            }
            for p in found
        ]
        sys.stdout.write(json_dumps({"prompts": doc}, indent=1) + "\n")
        return 0
    if not found:
        print("No prompts match.", file=sys.stderr)
        return 0
    for p in found:
        print(f"{p.phase:<6}  {p.for_:<6}  {one_line(p.pack, 20):<20}  {one_line(p.text)}")
    return 0


def cmd_prompt_add(args: argparse.Namespace) -> int:
    """Add one of the pair's own prompts, and save."""
    if args.text_file is not None:
        raw = _read_input(args.text_file, "prompt", MAX_TEXT_FILE)
        try:
            text = raw.removeprefix(b"\xef\xbb\xbf").decode("utf-8").strip()
        except UnicodeDecodeError:
            raise UsageError(f"{args.text_file} is not UTF-8 text; save it as UTF-8.") from None
    else:
        text = args.text.strip()
    if not text:
        raise UsageError("The prompt has no words; give some with --text or --text-file.")
    with open_journal(args) as jf:
        prompt = jf.journal.add_prompt(text, phase=args.phase, for_=args.for_)
        jf.save(last=True)
    print(f"Added your prompt ({prompt.phase}, for {prompt.for_}): {one_line(prompt.text, 60)}")
    return 0


# ---------------------------------------------------------------------------- packs


def cmd_pack_export(args: argparse.Namespace) -> int:
    """Write the pack document."""
    from rmjournal.core.packs import dumps_pack, export_pack

    if args.name is not None and not args.name.strip():
        raise UsageError("The pack's name must not be empty.")
    with open_journal(args) as jf:
        doc = export_pack(jf.journal, name=args.name, with_agreement=args.with_agreement)
    _write_out(args.out, dumps_pack(doc).encode("utf-8"), "the pack")
    return 0


def cmd_pack_import(args: argparse.Namespace) -> int:
    """Validate the pack completely, then add what it holds and say what changed."""
    from rmjournal.core.packs import MAX_PACK_BYTES, import_pack, parse_pack

    doc = parse_pack(_read_input(args.source, "pack", MAX_PACK_BYTES))
    with open_journal(args) as jf:
        report = import_pack(jf.journal, doc)
        if report.changed:
            jf.save(last=True)
    print(f"Imported the pack {one_line(report.name, 60)}: {report}")
    return 0
