"""A passphrase strength hint in words: a rough guide, not a promise.

Length and variety are what the Argon2 KDF cannot make up for; a few unrelated words beat a
short clever password, and the hint says so.
"""

from __future__ import annotations

from rmjournal.core.errors import JournalError
from rmjournal.core.secret import Secret

MIN_LENGTH = 8


def strength(passphrase: str) -> tuple[int, str]:
    """A score 0–3 and a one-line hint for `passphrase` (0 is refused by the form)."""
    length = len(passphrase)
    words = len(passphrase.split())
    kinds = sum(
        (
            any(c.islower() for c in passphrase),
            any(c.isupper() for c in passphrase),
            any(c.isdigit() for c in passphrase),
            any(not c.isalnum() for c in passphrase),
        )
    )
    if length < MIN_LENGTH:
        return 0, f"Too short: use at least {MIN_LENGTH} characters; a few words is best."
    if length >= 20 and (words >= 4 or kinds >= 3):
        return 3, "Strong: long and varied."
    if length >= 14 and (words >= 3 or kinds >= 2):
        return 2, "Fair: a word or two more would make it strong."
    return 1, "Weak: longer is better, e.g. four unrelated words."


def strength_label(passphrase: str) -> str:
    """The hint with a bar of symbols, so it reads the same without colour."""
    score, hint = strength(passphrase)
    bar = "■" * score + "□" * (3 - score)
    return f"Strength {bar}  {hint}" if passphrase else "Strength: type a passphrase"


class PassphraseProblem(ValueError):
    """A passphrase typed into a form cannot be used; `again` when the repeat is what to fix."""

    def __init__(self, message: str, *, again: bool = False) -> None:
        super().__init__(message)
        self.again = again


def passphrase_from(typed: str, repeated: str | None = None) -> Secret:
    """The `Secret` for a passphrase typed into a form, or `PassphraseProblem` saying why not.

    With `repeated` it is a new passphrase: strong enough to accept (score above 0) and typed
    the same twice. Shared by the "new pair journal" screen and the passphrase dialogs.
    """
    if repeated is not None:
        score, hint = strength(typed)
        if score == 0:
            raise PassphraseProblem(hint)
        if repeated != typed:
            raise PassphraseProblem("The two passphrases differ. Type it again.", again=True)
    try:
        return Secret.passphrase(typed)
    except JournalError as error:
        raise PassphraseProblem(str(error)) from None
