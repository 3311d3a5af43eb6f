"""`rmjournal scheme report`: a coordinator's report over many pairs' returns.

No journal is opened: the report reads the return files alone, verifies each (format, both
signatures), lists the refused ones with their reason and counts the rest
(`core/scheme/report.py`). `export --format return` (in `content.py`) writes a pair's return.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rmjournal.core.errors import UsageError

MAX_RETURN_BYTES = 1 << 16
"""A return is well under a kilobyte; anything larger than this is not one."""


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `scheme report` to the `rmjournal` parser."""
    scheme = subparsers.add_parser("scheme", help="a coordinator's report over pairs' returns")
    commands = scheme.add_subparsers(dest="scheme_command", metavar="COMMAND")
    report = commands.add_parser(
        "report",
        help="verify returns and report their figures (k-anonymous)",
        description=(
            "Verify each return (its format and both partners' signatures), keep the latest "
            "return of each pair, and report counts, medians and distributions. Refused returns "
            "are listed with the reason and left out; no figure is shown over fewer than 5 pairs."
        ),
    )
    report.add_argument("returns", nargs="+", type=Path, metavar="RETURN", help="return files")
    report.add_argument("--format", choices=("markdown", "html", "json", "csv"), default="markdown")
    report.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (0600) not stdout (- for stdout)"
    )
    report.set_defaults(handler=cmd_scheme_report)
    scheme.set_defaults(handler=_no_command(scheme))


def _no_command(parser: argparse.ArgumentParser) -> object:
    def handler(args: argparse.Namespace) -> int:
        parser.print_help(sys.stderr)
        return 2

    return handler


def _read(path: Path) -> bytes | str:
    """A return file's bytes, or why it could not be read (a refused return, not an error)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_RETURN_BYTES + 1)
    except IsADirectoryError:
        return "a folder, not a return file"
    except OSError as exc:
        return f"it could not be read ({exc.strerror or 'error'})"
    return raw if len(raw) <= MAX_RETURN_BYTES else "too large to be a return"


def cmd_scheme_report(args: argparse.Namespace) -> int:
    """Write the report; exit 1 when no return at all could be verified."""
    from rmjournal.cli.content import write_private_file
    from rmjournal.core.crypto import verify_signature
    from rmjournal.core.scheme.render import render_report
    from rmjournal.core.scheme.report import build_report

    missing = [p for p in args.returns if not p.exists()]
    if missing:
        raise UsageError(f"There is no file {missing[0]}; give the return files to report on.")
    report = build_report(((str(p), _read(p)) for p in args.returns), verify_signature)
    text = render_report(report, args.format)
    if args.out is not None and str(args.out) != "-":
        write_private_file(args.out, text)
        print(f"Wrote {args.out} (readable only by you).", file=sys.stderr)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()
    for refused in report.refused:
        print(f"Left out {refused.name}: {refused.reason}.", file=sys.stderr)
    if report.pairs == 0:
        print("No return could be verified, so the report counts no pair.", file=sys.stderr)
        return 1
    return 0
