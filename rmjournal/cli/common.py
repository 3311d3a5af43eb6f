"""What every sub-command shares: the secret options, reading a secret safely, the test-KDF switch.

Secrets come from a terminal prompt (people) or `--passphrase-file` / `--passphrase-stdin` /
`--recovery-key-file` (scripts); never from argv or an environment variable's value: an option
that would take one there (`--passphrase X`) is refused, its value never printed back.
"""

from __future__ import annotations

import argparse
import getpass
import os
import stat
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rmjournal.core.errors import JournalError, UsageError
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
    refuse_secret_option(group, "--passphrase", UNLOCK_WAYS)
    refuse_secret_option(group, "--recovery-key", "with --recovery-key-file FILE")
    add_test_kdf_option(parser)


UNLOCK_WAYS = "with --passphrase-file FILE or --passphrase-stdin, or leave them out to be asked"
"""How a refused `--passphrase X` says to give the passphrase instead."""


class _SecretInArgv(argparse.Action):
    """An option that would take a secret as its value: refused with exit 2, the value never
    repeated. Without it `--recovery-key KEY` was read as an abbreviation of
    `--recovery-key-file` and the key printed back as a missing file's name, and
    `--passphrase=X` came back in argparse's "ambiguous option" message."""

    def __init__(self, option_strings: list[str], dest: str, *, ways: str, **kwargs: Any) -> None:
        self.ways = ways
        kwargs.update(nargs="?", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        super().__init__(option_strings, dest, **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *_: Any, **__: Any) -> None:
        parser.error(
            f"{self.option_strings[0]} is not taken: a secret typed in the command line can be "
            f"read by other programs and stays in your shell's history. Give it {self.ways}"
        )


def refuse_secret_option(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup, option: str, ways: str
) -> None:
    """Make `option VALUE` a usage error that says how to give the secret instead (`ways`)."""
    dest = "_refused_" + option.lstrip("-").replace("-", "_")
    parser.add_argument(option, action=_SecretInArgv, dest=dest, ways=ways)


def add_test_kdf_option(parser: argparse.ArgumentParser) -> None:
    """The test-only switch; hidden from --help."""
    parser.add_argument("--insecure-test-kdf", action="store_true", help=argparse.SUPPRESS)


def allow_test_kdf(args: argparse.Namespace) -> bool:
    """Whether the reader may open a journal made with the insecure test KDF."""
    return bool(getattr(args, "insecure_test_kdf", False)) or os.environ.get(TEST_KDF_ENV) == "1"


MAX_SECRET_BYTES = 4096
"""A passphrase or recovery key file is read up to this many bytes: a secret is one short line,
and a device such as /dev/zero must not be read until memory runs out."""

MAX_TEXT_BYTES = 16 << 20
"""The most text one `--text-file`, `--note-file` or `--detail-file` may hold (16 MiB)."""

MAX_IMPORT_BYTES = 256 << 20
"""The most an import document (`import --from`) may hold (256 MiB)."""

BOM = "\ufeff"


def _decode_line(raw: bytes, what: str, where: str) -> str:
    """The first line of `raw` as text: UTF-8, a leading BOM (Notepad's) removed."""
    line = raw.split(b"\n", 1)[0]
    if b"\n" not in raw and len(raw) > MAX_SECRET_BYTES:
        raise UsageError(
            f"The {what} in {where} is longer than {MAX_SECRET_BYTES} bytes with no line end; "
            "a secret is one short line."
        )
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"The {what} in {where} is not UTF-8 text; save it as UTF-8.") from None
    return text.removeprefix(BOM).rstrip("\r")


def _first_line_of(path: Path, what: str) -> str:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_SECRET_BYTES + 1)
    except FileNotFoundError:
        raise UsageError(f"The {what} file {path} does not exist.") from None
    except IsADirectoryError:
        raise UsageError(f"The {what} file {path} is a folder; give a file.") from None
    except OSError as exc:
        raise UsageError(f"The {what} file {path} could not be read ({_reason(exc)}).") from None
    return _decode_line(raw, what, str(path))


def _stdin_bytes() -> Any:
    """Standard input as a binary stream; a sentence when it is closed."""
    stream = sys.stdin
    if stream is None or getattr(stream, "closed", False):
        raise UsageError(
            "Standard input is closed, so nothing can be read from it; "
            "give a file instead of -, or run the command with its input open."
        )
    return getattr(stream, "buffer", None) or stream


def _bounded_read(handle: Any, limit: int) -> bytes | None:
    """At most `limit + 1` bytes of an open file, or None for a regular file larger than
    `limit`: that one is not read at all (`fstat` knows its size), so it costs no memory."""
    facts = os.fstat(handle.fileno())
    if stat.S_ISREG(facts.st_mode) and facts.st_size > limit:
        return None
    return bytes(handle.read(limit + 1))


def _as_bytes(data: bytes | str) -> bytes:
    return data.encode("utf-8", "surrogateescape") if isinstance(data, str) else data


def read_stdin_line(what: str = "passphrase") -> str:
    """The first line of standard input (a secret), read at most `MAX_SECRET_BYTES` far."""
    raw = _as_bytes(_stdin_bytes().readline(MAX_SECRET_BYTES + 1))
    return _decode_line(raw, what, "standard input")


def read_text_source(source: Path | str, what: str = "text", limit: int = MAX_TEXT_BYTES) -> str:
    """The whole text of a file, or of standard input when `source` is `-`: bounded, UTF-8,
    a leading BOM removed. Every problem is a `UsageError` sentence, never a traceback."""
    name = str(source)
    size_words = f"{limit >> 20} MiB"
    raw: bytes | None
    if name == "-":
        if sys.stdin is not None and sys.stdin.isatty():
            print(f"Type the {what}, then Ctrl-D on a line of its own.", file=sys.stderr)
        raw = _as_bytes(_stdin_bytes().read(limit + 1))
        where = "standard input"
    else:
        path = Path(source)
        where = f"the {what} file {path}"
        try:
            with path.open("rb") as handle:
                raw = _bounded_read(handle, limit)
        except FileNotFoundError:
            raise UsageError(f"The {what} file {path} does not exist.") from None
        except IsADirectoryError:
            raise UsageError(f"The {what} file {path} is a folder; give a file.") from None
        except OSError as exc:
            raise UsageError(
                f"The {what} file {path} could not be read ({_reason(exc)})."
            ) from None
    if raw is None or len(raw) > limit:
        raise UsageError(f"The {what} from {where} is larger than {size_words}, the most allowed.")
    try:
        return raw.decode("utf-8").removeprefix(BOM)
    except UnicodeDecodeError:
        raise UsageError(f"The {what} from {where} is not UTF-8 text; save it as UTF-8.") from None


def read_bytes_source(source: Path, what: str, limit: int = MAX_IMPORT_BYTES) -> bytes:
    """The bytes of a file, or of standard input when `source` is `-`, bounded to `limit`."""
    from rmjournal.core.errors import NotFound

    raw: bytes | None
    if str(source) == "-":
        raw = _as_bytes(_stdin_bytes().read(limit + 1))
        where = "standard input"
    else:
        where = str(source)
        try:
            with Path(source).open("rb") as handle:
                raw = _bounded_read(handle, limit)
        except FileNotFoundError:
            raise NotFound(f"There is no file {source} to import.") from None
        except IsADirectoryError:
            raise UsageError(f"{source} is a folder; give the JSON file to import.") from None
        except OSError as exc:
            raise JournalError(f"{source} could not be read ({_reason(exc)}).") from None
    if raw is None or len(raw) > limit:
        raise UsageError(
            f"The {what} in {where} is larger than {limit >> 20} MiB, the most allowed."
        )
    return raw.removeprefix(b"\xef\xbb\xbf")


def text_option(args: argparse.Namespace, text_attr: str, file_attr: str, what: str) -> str | None:
    """The text of a `--text T` / `--text-file F` pair (F may be `-`), or None if neither."""
    text = getattr(args, text_attr, None)
    path = getattr(args, file_attr, None)
    if text is not None and path is not None:
        raise UsageError(
            f"Give the {what} either as --{text_attr.replace('_', '-')} or as "
            f"--{file_attr.replace('_', '-')}, not both."
        )
    if path is not None:
        return read_text_source(path, what)
    if text is not None:
        check_text(text, what)
    return text


def check_text(text: str, what: str) -> None:
    """Refuse text from the command line that is not valid Unicode (undecodable argv bytes)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError(
            f"The {what} is not valid UTF-8 text; check your terminal's encoding."
        ) from None


def _reason(exc: OSError) -> str:
    """What the system said, in its words ("Permission denied"), not Python's class name."""
    return (exc.strerror or "an input/output error").lower()


def _prompt(label: str) -> str:
    if sys.stdin is None or sys.stdin.closed or not sys.stdin.isatty():
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
        return Secret.passphrase(read_stdin_line())
    return Secret.passphrase(_prompt(label))


def read_new_passphrase(
    args: argparse.Namespace, attr: str = "new_passphrase_file", who: str = "new"
) -> Secret:
    """A new passphrase from `--new-passphrase-file`, or typed twice at a prompt; refused
    (exit 2, nothing changed) unless the passphrase policy accepts it (`core.strength`)."""
    from rmjournal.core.strength import check_new_passphrase

    harden_process()  # before any secret is in memory: no core dumps from here on
    path = getattr(args, attr, None)
    if path:
        given = Secret.passphrase(_first_line_of(path, "new passphrase"))
        check_new_passphrase(given.value)
        return given
    first = Secret.passphrase(_prompt(f"{who.capitalize()} passphrase: "))
    check_new_passphrase(first.value)
    again = _prompt(f"{who.capitalize()} passphrase again: ")
    if Secret.passphrase(again).value != first.value:
        raise UsageError("The two passphrases differ. Nothing was changed; please try again.")
    return first


MAX_NUMBER = 1_000_000
"""The largest number any count option takes: more is a typo (and would overflow SQLite)."""


def word_choice(value: str) -> str:
    """argparse type for a choice of words joined by `_` (`in_progress`): typed with a hyphen
    (`in-progress`, as `decide part-two` is) it is the same choice."""
    return value.replace("-", "_")


def positive_int(value: str) -> int:
    """argparse type: a whole number from 1 to `MAX_NUMBER`."""
    try:
        number = int(value) if len(value) <= 12 else 0
    except ValueError:
        number = 0
    if not 1 <= number <= MAX_NUMBER:
        raise argparse.ArgumentTypeError(
            f"expected a whole number of at least 1 and at most {MAX_NUMBER:,}, not {value!r}"
        )
    return number


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """`--json`: one JSON document on stdout instead of the plain text."""
    parser.add_argument(
        "--json", action="store_true", help="one JSON document on stdout (for scripts)"
    )


def print_json(document: Any) -> None:
    """Write one JSON document and a newline to stdout (UTF-8 text as is; control characters
    as `\\u` escapes, so no terminal reads a sequence from it)."""
    from rmjournal.text import json_dumps

    sys.stdout.write(json_dumps(document) + "\n")


def to_terminal() -> bool:
    """Whether stdout is a terminal (then long titles are cut to fit; piped, never)."""
    try:
        return bool(sys.stdout.isatty())
    except (AttributeError, ValueError):
        return False


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
    if notice := jf.journal.set_aside_notice():  # rows that failed their checks: said, kept
        from rmjournal.text import one_line

        print(f"Warning: {one_line(notice)}", file=sys.stderr)
    if jf.key_warning:  # a signing key or a key slot someone changed without its owner's key
        from rmjournal.text import one_line

        print(f"Warning: {one_line(jf.key_warning)}", file=sys.stderr)
    return jf


def add_yes_option(parser: argparse.ArgumentParser) -> None:
    """`--yes`: write a summary without asking about what the check before writing found."""
    parser.add_argument(
        "--yes",
        action="store_true",
        help="write the summary without asking about names of others or off-the-record words",
    )


def can_ask() -> bool:
    """Whether a question can be asked and answered: standard input and error are a terminal."""
    try:
        return bool(sys.stdin is not None and sys.stdin.isatty() and sys.stderr.isatty())
    except (AttributeError, ValueError):
        return False


def confirm_shareable(found: list[Any], args: argparse.Namespace) -> None:
    """Before a summary is written: list what may name someone outside the pair or be meant to
    stay in the room (`core.anonymise.findings`), and ask on the terminal whether to write it.

    On a terminal, anything but "y" or "yes" writes nothing (exit 1). With `--yes`, or with no
    terminal to ask on (a script), the list is a warning on stderr and the summary is written.
    """
    from rmjournal.text import one_line

    if not found or getattr(args, "yes", False):
        return
    lines = [
        "Warning: this summary may name people outside the pair, or hold words meant to stay "
        "in the room. Read it again before sharing:",
        *(f"  - {one_line(f.sentence(), 120)}" for f in found[:40]),
    ]
    if len(found) > 40:
        lines.append(f"  … and {len(found) - 40} more.")
    print("\n".join(lines), file=sys.stderr)
    if not can_ask():
        return
    if not answered_yes("Write it anyway?"):
        raise JournalError("Nothing was written. Edit the items named above, or give --yes.")


def answered_yes(question: str) -> bool:
    """Ask `question` on the terminal (standard error, then a line of standard input); only
    `y` or `yes` is a yes. The caller checks `can_ask()` first."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline().strip().lower()
    except (OSError, ValueError):
        answer = ""
    return answer in ("y", "yes")
