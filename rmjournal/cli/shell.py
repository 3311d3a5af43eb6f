"""Shell completion and the manual page, both generated from the parser itself.

Generated, never written by hand, so they cannot drift from the commands: `rmjournal completion
bash|zsh|tcsh` prints a completion script (made by `shtab` from the argparse parser) and
`rmjournal manpage` prints the roff source of `rmjournal(1)`. `make completions` writes both
into `build/` for packagers.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

SHELLS = ("bash", "zsh", "tcsh")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `completion` and `manpage` to the `rmjournal` parser."""
    completion = subparsers.add_parser(
        "completion",
        help="print a shell completion script",
        description=(
            "Print the completion script for SHELL. For bash, for example: "
            "rmjournal completion bash > ~/.local/share/bash-completion/completions/rmjournal"
        ),
    )
    completion.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or tcsh")
    completion.set_defaults(handler=cmd_completion)
    manpage = subparsers.add_parser("manpage", help="print the manual page (roff)")
    manpage.set_defaults(handler=cmd_manpage)


def cmd_completion(args: argparse.Namespace) -> int:
    """Print the completion script for the shell asked for."""
    import shtab

    from rmjournal.cli import build_parser

    sys.stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return 0


def _roff(text: str) -> str:
    """Text made safe for roff: backslashes doubled, a leading dot or quote escaped."""
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\n".join(
        ("\\&" + line) if line[:1] in (".", "'") else line for line in text.split("\n")
    )


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    # argparse has no public way to walk a parser's arguments; shtab reads the same fields.
    for action in parser._actions:  # noqa: SLF001
        if isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            return dict(action.choices)
    return {}


def _options(parser: argparse.ArgumentParser) -> list[str]:
    lines = []
    for action in parser._actions:  # noqa: SLF001
        if action.help == argparse.SUPPRESS or isinstance(action, argparse._SubParsersAction):  # noqa: SLF001
            continue
        if action.option_strings:
            names = ", ".join(action.option_strings)
            if action.nargs != 0:
                names += f" {action.metavar or action.dest.upper()}"
        else:
            names = str(action.metavar or action.dest)
        lines += [".TP", f"\\fB{_roff(names)}\\fR", _roff(action.help or "")]
    return lines


def manual(today: date | None = None) -> str:
    """The roff source of rmjournal(1), from the parser: every command and every option."""
    from rmjournal import __version__
    from rmjournal.cli import EXIT_CODES, build_parser

    parser = build_parser()
    day = (today or date.today()).isoformat()
    out = [
        f'.TH RMJOURNAL 1 "{day}" "rmjournal {__version__}" "User Commands"',
        ".SH NAME",
        "rmjournal \\- an encrypted journal for reverse\\-mentoring pairs",
        ".SH SYNOPSIS",
        "\\fBrmjournal\\fR [\\fIPATH\\fR]",
        ".br",
        "\\fBrmjournal\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR]",
        ".SH DESCRIPTION",
        _roff(
            "With no command, rmjournal opens the full-screen app on PATH, or on a picker of "
            "the journals in the data folder. Every job can also be done with the commands "
            "below, one line of plain text at a time."
        ),
        ".SH COMMANDS",
    ]
    for name, sub in _subparsers(parser).items():
        usage = " ".join(sub.format_usage().split())[len("usage: ") :]
        out += [".SS " + _roff(name), _roff(usage), ".PP", _roff(sub.description or "")]
        for inner_name, inner in _subparsers(sub).items():
            inner_usage = " ".join(inner.format_usage().split())[len("usage: ") :]
            out += [".PP", f"\\fB{_roff(name)} {_roff(inner_name)}\\fR: {_roff(inner_usage)}"]
            out += _options(inner)
        out += _options(sub)
    out += [".SH EXIT STATUS", ".nf", _roff(EXIT_CODES.split("\n", 1)[1]), ".fi"]
    out += [
        ".SH FILES",
        _roff("Journals are single encrypted files; nothing else holds their text."),
    ]
    return "\n".join(line for line in out if line) + "\n"


def cmd_manpage(args: argparse.Namespace) -> int:
    """Print the manual page's roff source."""
    del args
    sys.stdout.write(manual())
    return 0
