"""Errors a user can cause, each with the exit code of `cli.md` and a message a person can act on.

The CLI prints `str(error)` and exits with `error.exit_code`; the app shows the same message.
Nothing here ever carries journal text or secrets, so a message is always safe to print.
"""

from __future__ import annotations

from typing import NamedTuple

from rmjournal.text import counted


class JournalError(Exception):
    """Base of every error a user can cause; exit code 1 (other error)."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class UsageError(JournalError):
    """The command line itself is wrong (exit 2)."""

    exit_code = 2


class WrongSecret(JournalError):
    """The passphrase or recovery key does not open any slot (exit 3)."""

    exit_code = 3


class BadRecoveryKey(WrongSecret):
    """A recovery key whose check characters fail: a typo, caught before any KDF work (exit 3)."""


class FileDamaged(JournalError):
    """The file is not a journal, is truncated or damaged (exit 4)."""

    exit_code = 4


class Tampered(FileDamaged):
    """The file is intact (its checksum matches) but its authentication failed (exit 4)."""


class TestKdfRefused(FileDamaged):
    """The journal was made with the insecure test KDF and the switch was not given (exit 4)."""


class JournalLocked(JournalError):
    """Another app or command has the journal open (exit 5)."""

    exit_code = 5


class ChangedOnDisk(JournalError):
    """The file changed on disk since it was loaded; saving would overwrite someone's work."""


class SaveFailed(JournalError):
    """Writing the file failed; the original is intact and the changes are still in memory."""


class NotACopy(JournalError):
    """A file given to `merge` is not a copy of this pair journal (exit 1: it is a sound journal,
    just another pair's, so "damaged" (4) would mislead)."""


class PlanFull(JournalError):
    """Every session of the pair's plan is held or planned: planning another must be chosen
    (one more session beyond the plan, or a longer plan), never done quietly (exit 1)."""


class NotFound(JournalError):
    """A journal, session, action or other item that was asked for does not exist."""


class Problem(NamedTuple):
    """One problem found while validating an import: a JSON path and what is wrong there."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InvalidImport(JournalError):
    """A JSON document failed validation; nothing was changed (exit 6)."""

    exit_code = 6

    def __init__(self, problems: list[Problem]) -> None:
        count = len(problems)
        head = f"The file was not imported: {counted(count, 'problem')} found."
        super().__init__(head)
        self.problems = problems

    def __str__(self) -> str:
        lines = [self.message, *(f"  {p}" for p in self.problems[:200])]
        if len(self.problems) > 200:
            lines.append(f"  … and {len(self.problems) - 200} more")
        return "\n".join(lines)
