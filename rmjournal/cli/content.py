"""Sub-commands for what is in a journal: new, import, export, search, actions.

Each command unlocks the file (waiting a moment if another command is finishing), calls the core,
and saves atomically through `JournalFile.save()` when it changed something. Output is plain text:
user text is printed as data, with control characters (terminal escapes) made visible.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import sys
from datetime import date
from pathlib import Path
from typing import Any

from rmjournal.cli.common import (
    UNLOCK_WAYS,
    add_json_option,
    add_path_argument,
    add_secret_options,
    add_test_kdf_option,
    add_yes_option,
    check_text,
    confirm_shareable,
    open_journal,
    positive_int,
    print_json,
    read_bytes_source,
    read_new_passphrase,
    read_secret,
    refuse_secret_option,
    to_terminal,
    word_choice,
)
from rmjournal.core.errors import JournalError, NotFound, UsageError
from rmjournal.text import flat_line, one_line, plain


def _date_arg(value: str) -> date:
    """argparse type: any DATE form (core/dates.py), counted from today's date."""
    from rmjournal.core.clock import default_clock
    from rmjournal.core.dates import DateProblem, parse_date

    try:
        return parse_date(value, default_clock().now().astimezone().date())
    except DateProblem as problem:
        raise argparse.ArgumentTypeError(str(problem).rstrip(".")) from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add new, import, export, search and actions to the `rmjournal` parser."""
    new = subparsers.add_parser("new", help="create an empty pair journal")
    add_path_argument(new)
    new.add_argument("--mentor", required=True, metavar="NAME", help="the mentor's name")
    new.add_argument("--mentee", required=True, metavar="NAME", help="the mentee's name")
    new.add_argument("--title", help="the journal's title (default: both names)")
    new.add_argument(
        "--role",
        choices=("mentor", "mentee"),
        default="mentor",
        help="who you are (default mentor)",
    )
    new.add_argument("--mentor-job", default="", metavar="TEXT", help="the mentor's job title")
    new.add_argument("--mentee-job", default="", metavar="TEXT", help="the mentee's job title")
    new.add_argument("--start", type=_date_arg, metavar="DATE", help="start date (default today)")
    new.add_argument(
        "--cadence-days", type=positive_int, default=28, metavar="N", help="days between sessions"
    )
    new.add_argument(
        "--sessions", type=positive_int, default=6, metavar="N", help="planned number of sessions"
    )
    new.add_argument(
        "--review", type=_date_arg, metavar="DATE", help="review date (default +6 months)"
    )
    group = new.add_argument_group("the passphrase (typed twice at a prompt by default)")
    group.add_argument("--passphrase-file", type=Path, metavar="FILE", help="first line of FILE")
    group.add_argument("--passphrase-stdin", action="store_true", help="first line of stdin")
    refuse_secret_option(group, "--passphrase", UNLOCK_WAYS)
    add_test_kdf_option(new)
    new.set_defaults(handler=cmd_new)

    imp = subparsers.add_parser("import", help="validate a JSON export, then merge it in")
    add_path_argument(imp)
    imp.add_argument(
        "--from", dest="source", type=Path, required=True, metavar="FILE.json",
        help="the JSON document (- for stdin)",
    )  # fmt: skip
    add_secret_options(imp)
    imp.set_defaults(handler=cmd_import)

    exp = subparsers.add_parser("export", help="JSON export, or the shareable summary")
    add_path_argument(exp)
    exp.add_argument("--format", choices=("json", "markdown", "html", "return"), default="json")
    exp.add_argument(
        "--scheme", default="", metavar="ID", help="the scheme a return is for (--format return)"
    )
    exp.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (0600) not stdout (- for stdout)"
    )
    exp.add_argument(
        "--anonymise", action="store_true", help="roles in place of names (summaries only)"
    )
    add_yes_option(exp)
    add_secret_options(exp)
    exp.set_defaults(handler=cmd_export)

    search = subparsers.add_parser("search", help="full-text search, newest first")
    add_path_argument(search)
    search.add_argument("query", metavar="QUERY", help="words to find (every word must match)")
    search.add_argument(
        "--limit", type=positive_int, default=100, metavar="N", help="at most N hits"
    )
    add_json_option(search)
    add_secret_options(search)
    search.set_defaults(handler=cmd_search)

    actions = subparsers.add_parser(
        "actions", help="the follow-up tracker as a table, or one action in full"
    )
    add_path_argument(actions)
    actions.add_argument(
        "action",
        nargs="?",
        metavar="ACTION",
        help="#N or an id: that action in full, with its detail and every follow-up",
    )
    actions.add_argument(
        "--status", type=word_choice, choices=("open", "in_progress", "done", "dropped")
    )
    actions.add_argument("--overdue", action="store_true", help="only open actions past due")
    actions.add_argument("--owner", choices=("mentor", "mentee", "both"))
    actions.add_argument("--kind", choices=("action", "commitment"))
    add_json_option(actions)
    add_secret_options(actions)
    actions.set_defaults(handler=cmd_actions)


def write_private_file(out: Path, text: str) -> None:
    """Write `text` to `out` atomically as a 0600 file (exports hold sensitive plaintext)."""
    from rmjournal.core.safefile import write_private_text

    write_private_text(out, text)


def _remove_made(path: Path, lock_existed: bool) -> None:
    """Take away a journal this command made and could not finish (and its new lock file)."""
    for target in (path, path.with_name(path.name + ".lock")):
        if target.suffix == ".lock" and lock_existed:
            continue
        with contextlib.suppress(OSError):
            target.unlink()


def _show_recovery_key(path: Path, args: argparse.Namespace, recovery: str) -> None:
    """Print the recovery key first (so even `new | head -1` shows it), then the rest."""
    lines = [
        f"Recovery key: {recovery}",
        "Write the recovery key down and keep it offline: it is shown only this once.",
        f"Created {plain(str(path))} for {one_line(args.mentor)} and {one_line(args.mentee)}; "
        f"you are the {args.role}.",
    ]
    sys.stdout.write(lines[0] + "\n")
    sys.stdout.flush()  # the key has reached the reader, or this raises
    with contextlib.suppress(OSError, ValueError):  # the key was shown: the rest is courtesy
        sys.stdout.write("\n".join(lines[1:]) + "\n")
        sys.stdout.flush()


def cmd_new(args: argparse.Namespace) -> int:
    """Create the journal file with the pair set up, and print the recovery key once.

    The journal exists only if the recovery key was shown: when stdout fails before the key's
    line is out (closed, or a pipe whose reader left), the new file is removed again. Any
    other failure after the file was made removes it too, so a failed `new` leaves nothing.
    """
    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.model import Person
    from rmjournal.core.secret import Secret

    if args.passphrase_file and args.passphrase_stdin:
        raise UsageError("Give only one of --passphrase-file and --passphrase-stdin.")
    for value, what in ((args.mentor, "mentor's name"), (args.mentee, "mentee's name"),
                        (args.title or "", "title"), (args.mentor_job, "mentor's job title"),
                        (args.mentee_job, "mentee's job title")):  # fmt: skip
        check_text(value, what)
    if not args.mentor.strip() or not args.mentee.strip():
        raise UsageError("The mentor's and the mentee's names must not be empty.")
    if args.path.exists() or args.path.is_symlink():
        raise JournalError(f"{args.path} already exists. Choose another name.")
    if not args.path.parent.is_dir():
        raise NotFound(f"The folder {args.path.parent} does not exist.")
    if args.passphrase_file or args.passphrase_stdin:
        secret = read_secret(
            argparse.Namespace(
                passphrase_file=args.passphrase_file,
                passphrase_stdin=args.passphrase_stdin,
                recovery_key_file=None,
            )
        )
    else:
        secret = read_new_passphrase(args, attr="passphrase_file", who="new")
    assert isinstance(secret, Secret)
    from rmjournal.core.strength import check_new_passphrase

    check_new_passphrase(secret.value, (args.mentor, args.mentee))  # the one policy (app too)
    if args.insecure_test_kdf:
        print(
            "Warning: this journal uses the INSECURE test key derivation. Use it for tests only.",
            file=sys.stderr,
        )
    lock_existed = args.path.with_name(args.path.name + ".lock").exists()
    jf, recovery = JournalFile.create(
        args.path, passphrase=secret, role=args.role, test_kdf=args.insecure_test_kdf
    )
    try:
        with jf:
            jf.journal.start_pair(
                mentor=Person(args.mentor.strip(), args.mentor_job),
                mentee=Person(args.mentee.strip(), args.mentee_job),
                title=args.title,
                started_on=args.start,
                cadence_days=args.cadence_days,
                planned_sessions=args.sessions,
                review_on=args.review,
            )
            jf.save()
            try:
                _show_recovery_key(args.path, args, recovery)
            except (OSError, ValueError):
                _remove_made(args.path, lock_existed)
                raise JournalError(
                    "The recovery key could not be shown because standard output closed, "
                    "so the journal was not created; run the command again."
                ) from None
    except JournalError:
        _remove_made(args.path, lock_existed)
        raise
    except BaseException as error:
        _remove_made(args.path, lock_existed)
        if isinstance(error, Exception):
            raise JournalError(
                "The journal could not be created, and no file was left behind; please report this."
            ) from error
        raise
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    """Validate the JSON document completely, then merge it and say what changed."""
    from rmjournal.core.interchange import import_document, parse_document

    secret = read_secret(args)  # first, so --passphrase-stdin takes the first line
    raw = read_bytes_source(args.source, "import document")
    doc = parse_document(raw)
    with open_journal(args, secret) as jf:
        report = import_document(jf.journal, doc)
        if report.added or report.updated:
            jf.save(last=True)
    name = "standard input" if str(args.source) == "-" else args.source.name
    print(f"Imported {plain(name)}: {report}")
    return 0


def _widen_pipe(stream: Any) -> None:
    """Let a pipe on `stream` hold 1 MiB (Linux): with the usual 64 KiB, writing a large export
    waits for the reader every 64 KiB (about 500 times at 50,000 entries)."""
    try:
        if sys.platform == "linux":  # F_SETPIPE_SZ is Linux's; fcntl is not on Windows
            import fcntl

            fcntl.fcntl(stream.fileno(), fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, ValueError, OSError):
        pass  # not a pipe, not Linux, or over the system's limit: the default still works


def cmd_export(args: argparse.Namespace) -> int:
    """Write the JSON export or the shareable summary to stdout or a private file."""
    from rmjournal.core.interchange import export_json, iter_json

    if args.format in ("json", "return") and args.anonymise:
        raise UsageError(
            f"--anonymise applies to the markdown and html summaries, not to {args.format}."
        )
    if args.scheme and args.format != "return":
        raise UsageError("--scheme applies to --format return only.")
    if args.format == "return":
        return _export_return(args)
    render = None
    if args.format != "json":
        try:
            summary = importlib.import_module("rmjournal.core.summary")
        except ModuleNotFoundError as exc:
            if exc.name != "rmjournal.core.summary":
                raise
            summary = None
        render = getattr(summary, "render_summary_checked", None)
        if render is None:
            raise JournalError(
                f"The {args.format} summary is not available yet in this version. "
                "Use --format json."
            )
    to_stdout = args.out is None or str(args.out) == "-"
    with open_journal(args) as jf:
        if render is None and to_stdout:
            # Written as it is read (one session at a time): at 50,000 entries the whole text
            # and the document behind it would double the command's memory.
            # In chunks of about 1 MB: a write per session cost a pipe round trip each.
            _widen_pipe(sys.stdout)
            chunk: list[str] = []
            size = 0
            for piece in iter_json(jf.journal):
                chunk.append(piece)
                size += len(piece)
                if size >= 1 << 20:
                    sys.stdout.write("".join(chunk))
                    chunk, size = [], 0
            sys.stdout.write("".join(chunk))
            sys.stdout.flush()
            return 0
        if render is None:
            text = export_json(jf.journal)
        else:
            text, found = render(jf.journal, args.format, anonymise=args.anonymise)
    if render is not None:
        confirm_shareable(found, args)  # names of others, off-the-record words: asked first
    if not to_stdout:
        write_private_file(args.out, text)
        print(f"Wrote {plain(str(args.out))} (readable only by you).", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0


def _export_return(args: argparse.Namespace) -> int:
    """Write the scheme return, refused (exit 1) until both partners' signatures verify."""
    from rmjournal.core.scheme.consent import signed_return
    from rmjournal.core.scheme.returns import dumps

    with open_journal(args) as jf:
        text = dumps(signed_return(jf.journal, args.scheme))
    if args.out is not None and str(args.out) != "-":
        write_private_file(args.out, text)
        print(f"Wrote {args.out} (readable only by you).", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    """Print matching items, one per line, newest first (`--json`: one document)."""
    with open_journal(args) as jf:
        hits = jf.journal.search(args.query, limit=args.limit)
        hits.sort(key=lambda h: h.when or date.min, reverse=True)
        if args.json:
            print_json({"query": args.query, "hits": hit_objects(jf.journal, hits)})
            return 0
    if not hits:
        print("Nothing matches.", file=sys.stderr)
        return 0
    print_hits(hits)
    return 0


def hit_objects(journal: Any, hits: list[Any]) -> list[dict[str, Any]]:
    """Search hits for `--json`: where each is and its full text, as the export has it."""
    objects = []
    for hit in hits:
        obj: dict[str, Any] = {
            "kind": hit.kind,
            "id": hit.id,
            "title": hit.title,
            "snippet": hit.snippet,
            "date": hit.when.isoformat() if hit.when else None,
            "session": hit.session_id,
            "action": hit.action_id,
        }
        obj.update(_full_text(journal, hit))
        objects.append(obj)
    return objects


def _full_text(journal: Any, hit: Any) -> dict[str, str]:
    """The hit's whole text under the export's own keys (never a private item's of the
    partner: search finds only what the reader may read)."""
    try:
        if hit.kind == "entry":
            return {"text": journal.entry(hit.id).text}
        if hit.kind == "agenda":
            item = journal.agenda_item(hit.id)
            return {"topic": item.topic, "notes": item.notes}
        if hit.kind == "action":
            found = journal.action(hit.id)
            return {"title": found.title, "detail": found.detail}
        if hit.kind == "goal":
            return {"text": journal.goal(hit.id).text}
        if hit.kind == "follow_up" and hit.action_id:
            for step in journal.action(hit.action_id).follow_ups:
                if step.id == hit.id:
                    return {"note": step.note}
    except JournalError:
        pass
    return {}


def print_hits(hits: list[Any], snippet_width: int | None = None) -> None:
    """One line per hit: date, kind, title, snippet (user text made safe for a terminal).

    Titles are cut to 60 characters only on a terminal: piped, every line is whole."""
    title_width = 60 if to_terminal() else None
    if not to_terminal():
        snippet_width = None
    lines = []
    for hit in hits:
        when = hit.when.isoformat() if hit.when else "          "
        snippet = f" — {flat_line(hit.snippet, snippet_width)}" if hit.snippet else ""
        lines.append(f"{when}  {hit.kind:<9}  {flat_line(hit.title, title_width)}{snippet}\n")
    # `one_line` is `plain(flat_line(...))`, and `plain` keeps newlines: one pass over them all.
    sys.stdout.write(plain("".join(lines)))


def cmd_actions(args: argparse.Namespace) -> int:
    """Print the follow-up tracker as a table (overdue marked in words, not colour).

    The first column is each action's `#N`, the number `status` and `follow-up` take. With
    ACTION, that one action in full instead (`tracker.print_action`)."""
    if args.action is not None:
        from rmjournal.cli.tracker import print_action

        return print_action(args)
    with open_journal(args) as jf:
        journal = jf.journal
        today = journal.today()
        found = journal.actions(status=args.status, owner=args.owner, kind=args.kind)
        if args.overdue:
            found = [a for a in found if a.is_overdue(today)]
        numbers = journal.action_numbers()
        if args.json:
            from rmjournal.core.interchange import export_document

            exported = {a["id"]: a for a in export_document(journal)["actions"]}
    if args.json:
        listed = [
            {**exported[a.id], "number": numbers[a.id], "overdue": a.is_overdue(today)}
            for a in found
            if a.id in exported
        ]
        print_json({"as_of": today.isoformat(), "actions": listed})
        return 0
    if not found:
        print("No actions match.", file=sys.stderr)
        return 0
    width = 70 if to_terminal() else None
    rows = [("#", "DUE", "STATUS", "OWNER", "KIND", "TITLE")]
    for a in found:
        due = a.due_on.isoformat() if a.due_on else "-"
        status = a.status.replace("_", " ")
        if a.is_overdue(today):
            status += " OVERDUE"
        title = f"(private to the {a.author})" if a.hidden else one_line(a.title, width)
        rows.append((f"#{numbers[a.id]}", due, status, a.owner, a.kind, title))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    for r in rows:
        print("  ".join(r[i].ljust(widths[i]) for i in range(5)) + "  " + r[5])
    return 0
