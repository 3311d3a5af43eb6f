"""The `rmjournal` command line: parse, call the core or start the app; no rules of its own.

Each group of sub-commands lives in its own module with a `register(subparsers)` function, so
the modules stay small and independent. Nothing imported here imports textual: only the
commands that open the app import it, lazily, so scripted commands start fast.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from rmjournal import __version__
from rmjournal.core.errors import JournalError

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
    **dict.fromkeys(
        ("calendar", "due", "templates", "prompts", "prompt", "pack"), "rmjournal.cli.between"
    ),
}


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with the width found without `shutil`.

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


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as our one-or-two-sentence message and exit 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"rmjournal: {message}. See '{self.prog} --help'.\n")


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


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code. Errors are sentences on stderr, never tracebacks."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        # `rmjournal [PATH]` opens the app: a first word that is not a command is a path.
        if not args_list or (args_list[0] not in COMMANDS and not args_list[0].startswith("-")):
            args_list = ["open", *args_list]
        parser = build_parser(args_list[0])
        args = parser.parse_args(args_list)
        if not getattr(args, "handler", None):
            parser.print_help()
            return 2
        return int(args.handler(args) or 0)
    except JournalError as error:
        print(f"rmjournal: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("rmjournal: interrupted; nothing was saved since the last save.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # the last line of defence: never a traceback
        print(
            f"rmjournal: an unexpected problem stopped the command ({type(error).__name__}). "
            "Your journal file was not changed; please report this.",
            file=sys.stderr,
        )
        return 1


APP_COMMANDS = ("open", "demo")
"""The commands that run the app; every other command is scripted."""


def run() -> NoReturn:
    """The `rmjournal` console script (and `python -m rmjournal`): `main()`, then exit.

    A scripted command ends with `os._exit`. By then it has finished every write (saves and
    `--out` files go through file descriptors, fsynced and closed, before `main()` returns; the
    lock is released), and stdout and stderr are flushed here; what is skipped is the
    interpreter tearing down every module and object, 10-40 ms of each command at 10,000
    entries (docs/performance.md). The app's commands exit normally, so Textual's threads
    finish and its exit hooks run. `--help`, `--version` and usage errors exit inside `main()`.
    """
    argv = sys.argv[1:]
    code = main(argv)
    if not argv or argv[0] in APP_COMMANDS or argv[0] not in COMMANDS:
        sys.exit(code)  # the app (`rmjournal [PATH]` is `open`)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except OSError:  # stdout closed early (`| head`): nothing more can be said
        pass
    os._exit(code)
