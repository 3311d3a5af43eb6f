"""The passphrase strength hint and check of the app's forms: the one policy of `core.strength`.

The same estimate (zxcvbn) and the same threshold as the command line, so a passphrase the app
accepts is one `rmjournal passwd` accepts too. The hint is words and a bar of symbols (■□), so
it reads the same without colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from rmjournal.core.errors import JournalError
from rmjournal.core.secret import Secret
from rmjournal.core.strength import MIN_SCORE, assess

BAR = 4
"""The bar's length: zxcvbn's scores are 0 to 4."""


def strength(passphrase: str, user_inputs: Sequence[str] = ()) -> tuple[int, str]:
    """A score 0–4 and a one-line hint for `passphrase` (below `MIN_SCORE` the form refuses)."""
    verdict = assess(passphrase, user_inputs)
    hint = verdict.reason if verdict.accepted else verdict.refusal()
    return verdict.score, hint


def strength_label(passphrase: str, user_inputs: Sequence[str] = ()) -> str:
    """The hint with a bar of symbols, so it reads the same without colour."""
    if not passphrase:
        return "Strength: type a passphrase"
    score, hint = strength(passphrase, user_inputs)
    return f"Strength {'■' * score}{'□' * (BAR - score)}  {hint}"


class PassphraseProblem(ValueError):
    """A passphrase typed into a form cannot be used; `again` when the repeat is what to fix."""

    def __init__(self, message: str, *, again: bool = False) -> None:
        super().__init__(message)
        self.again = again


def passphrase_from(
    typed: str, repeated: str | None = None, user_inputs: Sequence[str] = ()
) -> Secret:
    """The `Secret` for a passphrase typed into a form, or `PassphraseProblem` saying why not.

    With `repeated` it is a new passphrase: the policy must accept it (a zxcvbn score of at
    least `MIN_SCORE`), and it must be typed the same twice. Shared by the "new pair journal"
    screen and the passphrase dialogs; a passphrase typed to unlock is never judged.
    """
    if repeated is not None:
        verdict = assess(typed, user_inputs)
        if verdict.score < MIN_SCORE:
            raise PassphraseProblem(verdict.refusal())
        if repeated != typed:
            raise PassphraseProblem("The two passphrases differ. Type it again.", again=True)
    try:
        return Secret.passphrase(typed)
    except JournalError as error:
        raise PassphraseProblem(str(error)) from None
