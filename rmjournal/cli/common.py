"""What every sub-command shares: the secret options, reading a secret safely, the test-KDF switch.

Secrets come from a terminal prompt (people) or `--passphrase-file` / `--passphrase-stdin` /
`--recovery-key-file` (scripts); never from argv or an environment variable's value.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rmjournal.core.errors import UsageError
from rmjournal.core.hardening import harden_process
from rmjournal.core.model import ROLES
from rmjournal.core.secret import Secret

if TYPE_CHECKING:
    from rmjournal.core.journalfile import JournalFile

TEST_KDF_ENV = "RMJOURNAL_ALLOW_TEST_KDF"

LOCK_WAIT = 2.0
"""Seconds a short command waits for a journal another command is just finishing with."""


def add_path_argument(parser: argparse.ArgumentParser) -> None:
    """The journal file every command works on."""
    parser.add_argument("path", type=Path, metavar="PATH", help="the journal file")


def add_secret_options(parser: argparse.ArgumentParser, *, role: bool = True) -> None:
    """`--passphrase-file`, `--passphrase-stdin`, `--recovery-key-file`, `--role`, test KDF."""
    group = parser.add_argument_group("unlocking (a prompt on the terminal by default)")
    group.add_argument(
        "--passphrase-file",
        type=Path,
        metavar="FILE",
        help="read the passphrase from the first line of FILE",
    )
    group.add_argument(
        "--passphrase-stdin",
        action="store_true",
        help="read the passphrase from the first line of stdin",
    )
    group.add_argument(
        "--recovery-key-file",
        type=Path,
        metavar="FILE",
        help="unlock with the recovery key in FILE",
    )
    if role:
        group.add_argument(
            "--role", choices=ROLES, help="the slot to try first (default: every passphrase slot)"
        )
    add_test_kdf_option(parser)


def add_test_kdf_option(parser: argparse.ArgumentParser) -> None:
    """The test-only switch; hidden from --help."""
    parser.add_argument("--insecure-test-kdf", action="store_true", help=argparse.SUPPRESS)


def allow_test_kdf(args: argparse.Namespace) -> bool:
    """Whether the reader may open a journal made with the insecure test KDF."""
    return bool(getattr(args, "insecure_test_kdf", False)) or os.environ.get(TEST_KDF_ENV) == "1"


def _first_line_of(path: Path, what: str) -> str:
    try:
        with path.open(encoding="utf-8") as handle:
            return handle.readline().rstrip("\r\n")
    except FileNotFoundError:
        raise UsageError(f"The {what} file {path} does not exist.") from None
    except UnicodeDecodeError:
        raise UsageError(f"The {what} file {path} is not UTF-8 text; save it as UTF-8.") from None
    except OSError as exc:
        raise UsageError(f"The {what} file {path} could not be read ({_reason(exc)}).") from None


def _reason(exc: OSError) -> str:
    """What the system said, in its words ("Permission denied"), not Python's class name."""
    return (exc.strerror or "an input/output error").lower()


def _prompt(label: str) -> str:
    if not sys.stdin.isatty():
        raise UsageError(
            "No passphrase given and no terminal to ask on. "
            "Use --passphrase-file FILE or --passphrase-stdin in scripts."
        )
    try:
        return getpass.getpass(label)
    except EOFError:
        raise UsageError("No passphrase was typed.") from None


def read_secret(args: argparse.Namespace, label: str = "Passphrase: ") -> Secret:
    """The unlocking secret from the options, or a prompt on the terminal."""
    harden_process()  # before any secret is in memory: no core dumps from here on
    given = [
        bool(getattr(args, "passphrase_file", None)),
        bool(getattr(args, "passphrase_stdin", False)),
        bool(getattr(args, "recovery_key_file", None)),
    ]
    if sum(given) > 1:
        raise UsageError(
            "Give only one of --passphrase-file, --passphrase-stdin and --recovery-key-file."
        )
    if args.recovery_key_file:
        return Secret.recovery(_first_line_of(args.recovery_key_file, "recovery key"))
    if args.passphrase_file:
        return Secret.passphrase(_first_line_of(args.passphrase_file, "passphrase"))
    if args.passphrase_stdin:
        return Secret.passphrase(sys.stdin.readline())
    return Secret.passphrase(_prompt(label))


def read_new_passphrase(
    args: argparse.Namespace, attr: str = "new_passphrase_file", who: str = "new"
) -> Secret:
    """A new passphrase from `--new-passphrase-file`, or typed twice at a prompt."""
    harden_process()  # before any secret is in memory: no core dumps from here on
    path = getattr(args, attr, None)
    if path:
        return Secret.passphrase(_first_line_of(path, "new passphrase"))
    first = Secret.passphrase(_prompt(f"{who.capitalize()} passphrase: "))
    again = _prompt(f"{who.capitalize()} passphrase again: ")
    if Secret.passphrase(again).value != first.value:
        raise UsageError("The two passphrases differ. Nothing was changed; please try again.")
    return first


def positive_int(value: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, not {value!r}")
    return number


def open_journal(args: argparse.Namespace, secret: Secret | None = None) -> JournalFile:
    """The JournalFile named on the command line, unlocked with `secret` or the options' one."""
    from rmjournal.core.journalfile import JournalFile

    jf = JournalFile.open(
        args.path,
        secret if secret is not None else read_secret(args),
        role_hint=getattr(args, "role", None),
        allow_test_kdf=allow_test_kdf(args),
        lock_wait=LOCK_WAIT,
    )
    if jf.rollback_warning:  # an older copy put back: said, not refused
        from rmjournal.text import one_line

        print(f"Warning: {one_line(jf.rollback_warning)}", file=sys.stderr)
    return jf
