"""The `rmjournal` command line: parse, call the core or start the app; no rules of its own.

Each group of sub-commands lives in its own module with a `register(subparsers)` function, so
the modules stay small and independent. Nothing imported here imports textual: only the
commands that open the app import it, lazily, so scripted commands start fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from rmjournal import __version__
from rmjournal.core.errors import JournalError

# Modules that contribute sub-commands, in the order their commands are listed in --help.
COMMAND_MODULES = (
    "rmjournal.cli.app_commands",
    "rmjournal.cli.keys",
    "rmjournal.cli.content",
    "rmjournal.cli.entries",
    "rmjournal.cli.summary",
    "rmjournal.cli.merge",
)


class _Parser(argparse.ArgumentParser):
    """argparse that reports usage errors as our one-or-two-sentence message and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"rmjournal: {message}. See '{self.prog} --help'.\n")


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, assembled from the command modules that are present."""
    import importlib

    parser = _Parser(
        prog="rmjournal", description="An encrypted journal for reverse-mentoring pairs."
    )
    parser.add_argument("--version", action="version", version=f"rmjournal {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def _known_commands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code. Errors are sentences on stderr, never tracebacks."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        parser = build_parser()
        # `rmjournal [PATH]` opens the app: a first word that is not a command is a path.
        if not args_list or (
            args_list[0] not in _known_commands(parser) and not args_list[0].startswith("-")
        ):
            args_list = ["open", *args_list]
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
