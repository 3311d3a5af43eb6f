"""The `rmjournal` command line: parse, call the core or start the app; no rules of its own.

Each group of sub-commands lives in its own module with a `register(subparsers)` function, so
the modules stay small and independent. Nothing imported here imports textual: only the
commands that open the app import it, lazily, so scripted commands start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from rmjournal import __version__
from rmjournal.core.errors import JournalError, UsageError
from rmjournal.text import plain

# Each sub-command and the module that registers it, in the order --help lists them. A command
# builds only its own module's parsers (importing and building all of them cost ~20 ms on every
# run, a tenth of a small command); --help, a path and a typo build the whole line.
# `tests/unit/test_cli_parser.py` checks this table against what the modules register.
COMMANDS: dict[str, str] = {
    **dict.fromkeys(("open", "demo"), "rmjournal.cli.app_commands"),
    **dict.fromkeys(
        ("info", "verify", "passwd", "slot", "recovery-key", "rekey", "backup"),
        "rmjournal.cli.keys",
    ),
    **dict.fromkeys(("new", "import", "export", "search", "actions"), "rmjournal.cli.content"),
    **dict.fromkeys(("add", "recent"), "rmjournal.cli.entries"),
    "approve": "rmjournal.cli.summary",
    "merge": "rmjournal.cli.merge",
    **dict.fromkeys(("conflicts", "settle"), "rmjournal.cli.conflicts"),
    "drafts": "rmjournal.cli.drafts",
    **dict.fromkeys(
        (
            "sessions",
            "show",
            "plan",
            "topic",
            "notes",
            "outcome",
            "held",
            "cancel",
            "delete-session",
        ),
        "rmjournal.cli.sessions",
    ),
    **dict.fromkeys(("act", "status", "follow-up"), "rmjournal.cli.tracker"),
    "review": "rmjournal.cli.review",
    **dict.fromkeys(
        ("pair", "agreement", "goals", "goal", "link", "decide", "check-in"),
        "rmjournal.cli.relationship",
    ),
    **dict.fromkeys(("opportunity", "opportunities"), "rmjournal.cli.relationship"),
    "scheme": "rmjournal.cli.scheme",
    **dict.fromkeys(("completion", "manpage"), "rmjournal.cli.shell"),
    **dict.fromkeys(
        ("calendar", "due", "templates", "prompts", "prompt", "pack"), "rmjournal.cli.between"
    ),
}

EXIT_CODES = """exit codes:
  0  success
  1  other error (a sentence on stderr says what and what to do)
  2  usage: a wrong command, option, date or number, or no terminal for the app
  3  wrong passphrase or recovery key
  4  file damaged, tampered with, not a journal, or made with the test key derivation
  5  the journal is open in another rmjournal window or command
  6  invalid import: nothing was changed"""
"""Listed at the end of every command's --help (cli.md's exit codes, in words)."""


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout (the exit-code epilog kept as laid out), with the width found
    without `shutil`.

    argparse imports `shutil` (and with it bz2 and lzma) for the terminal's width as the first
    argument is added: 5 ms of every command's start-up, for help that is rarely shown.
    """

    def __init__(self, prog: str) -> None:
        try:
            columns = int(os.environ["COLUMNS"])
        except (KeyError, ValueError):
            try:
                columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
            except (AttributeError, ValueError, OSError):
                columns = 80
        super().__init__(prog, width=max(columns, 20) - 2)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text is EXIT_CODES:  # a table: kept as laid out
            return "".join(indent + line for line in text.splitlines(keepends=True))
        return super()._fill_text(text, width, indent)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as our one-or-two-sentence message and exit 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("epilog", EXIT_CODES)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        if message.startswith("ambiguous option: "):  # `--pass=SECRET`: the value not repeated
            option, _, rest = message.removeprefix("ambiguous option: ").partition(" ")
            message = f"ambiguous option: {option.split('=', 1)[0]} {rest}"
        self.exit(2, f"rmjournal: {plain(message)}. See '{self.prog} --help'.\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The command line: every command, or only the module that registers `command`."""
    import importlib

    parser = _Parser(
        prog="rmjournal", description="An encrypted journal for reverse-mentoring pairs."
    )
    parser.add_argument("--version", action="version", version=f"rmjournal {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    modules = [COMMANDS[command]] if command in COMMANDS else dict.fromkeys(COMMANDS.values())
    for name in modules:
        importlib.import_module(name).register(sub)
    return parser


def _say(message: str) -> None:
    """One message on stderr, if stderr is there at all."""
    if sys.stderr is not None:
        try:
            sys.stderr.write(f"rmjournal: {plain(message)}\n")  # names typed: no live codes
            sys.stderr.flush()
        except (OSError, ValueError):
            pass


def _safe_streams() -> None:
    """Output that never raises on a character the stream cannot encode (a Windows pipe is
    often cp1252): such a character is written as a backslash escape instead."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(OSError, ValueError):
                reconfigure(errors="backslashreplace")


def _nearest(word: str) -> str:
    import difflib

    match = difflib.get_close_matches(word, list(COMMANDS), n=1, cutoff=0.5)
    return f"Did you mean '{match[0]}'? " if match else ""


def _check_first_word(args_list: list[str]) -> list[str]:
    """`rmjournal [PATH]` opens the app; any other first word must be a command (exit 2)."""
    if not args_list:
        return ["open"]
    first = args_list[0]
    if first in COMMANDS or first.startswith("-"):
        return args_list
    if os.path.exists(first):
        return ["open", *args_list]
    if first == "help":  # `rmjournal help [COMMAND]` is what many tools take
        return [*args_list[1:2], "--help"]
    from rmjournal.text import one_line

    shown = one_line(first, 60)
    if os.sep in first or "/" in first or first.endswith(".rmj"):
        raise UsageError(
            f"There is no journal at {shown}. To make one there, run "
            f"'rmjournal new {shown} --mentor NAME --mentee NAME' or 'rmjournal open {shown}'."
        )
    raise UsageError(
        f"'{shown}' is neither a command nor an existing file. "
        f"{_nearest(first)}See 'rmjournal --help'."
    )


def _needs_terminal(args: argparse.Namespace) -> bool:
    return args.command == "open" or (args.command == "demo" and not args.no_open)


def _has_terminal() -> bool:
    try:
        return bool(sys.stdin.isatty() and sys.stdout.isatty())
    except (AttributeError, ValueError):
        return False


def main(argv: Sequence[str] | None = None, *, collector_paused: bool = False) -> int:
    """Run one command; return its exit code. Errors are sentences on stderr, never tracebacks.

    `collector_paused`: the console script switched the cycle collector off for start-up, and
    it is to be switched on again once the command's modules are imported
    (`_restart_collector`).
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    _safe_streams()
    try:
        if sys.stdout is None or sys.stdout.closed:
            raise UsageError(
                "Standard output is closed, so nothing could be shown; "
                "run the command with its output going to a terminal, a file or a pipe."
            )
        args_list = _check_first_word(args_list)
        parser = build_parser(args_list[0])
        args = parser.parse_args(args_list)
        if collector_paused:
            _restart_collector(app=_needs_terminal(args))
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        if _needs_terminal(args) and not _has_terminal():
            raise UsageError(
                "The full-screen app needs a terminal, and standard input or output is not one; "
                "in scripts use the commands that 'rmjournal --help' lists."
            )
        return int(args.handler(args) or 0)
    except JournalError as error:
        _say(str(error))
        return error.exit_code
    except KeyboardInterrupt:
        _say("interrupted; nothing was saved since the last save.")
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return 0
    except Exception as error:  # the last line of defence: never a traceback
        _say(
            f"an unexpected problem stopped the command ({type(error).__name__}). "
            "Nothing was saved after the command's last message; please report this."
        )
        return 1


SCRIPTED_GEN0_THRESHOLD = 10_000
"""Allocations between young-generation collections in a scripted command (Python's default
is 700): a command lives well under a second, and reading a journal makes many young objects
that are freed by their reference counts, not by the collector."""


def _restart_collector(*, app: bool) -> None:
    """Switch the cycle collector back on once start-up's imports are done (the console script
    switched it off; called in-process, by tests or another program, `main()` leaves the
    collector alone).

    Importing a command's modules builds tens of thousands of objects that live as long as the
    process, and the collector would walk them again and again while they were imported and
    while the journal was read, finding nothing to free (docs/performance.md has the figures).
    So everything built so far is frozen (never scanned again) and the collector is turned on
    again, so that cycles made by the command itself are still collected. A scripted command
    also collects its young objects less often; the app, which runs for hours, keeps Python's
    defaults.
    """
    gc.freeze()
    if not app:
        _, middle, old = gc.get_threshold()
        gc.set_threshold(SCRIPTED_GEN0_THRESHOLD, middle, old)
    gc.enable()


def _quiet_stdout() -> None:
    """After the reader of a pipe went away: point stdout at nothing, so the interpreter's own
    flush at exit does not print "Exception ignored" about the same broken pipe."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (AttributeError, ValueError, OSError):
        pass


APP_COMMANDS = ("open", "demo")
"""The commands that run the app; every other command is scripted."""


def run(*, collector_paused: bool = False) -> NoReturn:
    """The `rmjournal` console script (and `python -m rmjournal`): `main()`, then exit.

    A scripted command ends with `os._exit`. By then it has finished every write (saves and
    `--out` files go through file descriptors, fsynced and closed, before `main()` returns; the
    lock is released), and stdout and stderr are flushed here; what is skipped is the
    interpreter tearing down every module and object, 10-40 ms of each command at 10,000
    entries (docs/performance.md). The app's commands exit normally, so Textual's threads
    finish and its exit hooks run. `--help`, `--version` and usage errors exit inside `main()`.

    `collector_paused`: `rmjournal.start.run()`, the console script, switched the cycle
    collector off before this module was imported; `main()` turns it back on before the
    command runs (`_restart_collector`).
    """
    argv = sys.argv[1:]
    code = main(argv, collector_paused=collector_paused)
    if not argv or argv[0] in APP_COMMANDS or argv[0] not in COMMANDS:
        sys.exit(code)  # the app (`rmjournal [PATH]` is `open`)
    for stream in (sys.stdout, sys.stderr):
        # Closed at the start (None) or early (`| head`): nothing more can be said there.
        with contextlib.suppress(AttributeError, OSError, ValueError):
            stream.flush()
    os._exit(code)
