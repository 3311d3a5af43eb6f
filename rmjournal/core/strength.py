"""The one passphrase policy of the app and the command line: a real strength estimate.

A passphrase is accepted when `zxcvbn` (Dropbox's estimator: dictionaries of common passwords,
names and words, keyboard patterns, dates, repeats, l33t) scores it at least `MIN_SCORE` of 4,
that is, it would take more than about 10^8 guesses. Argon2id makes each guess cost about half a
second and 256 MiB on the user's machine, but a copied file can be attacked with many machines
for as long as the attacker likes, and a name, a date or a keyboard walk falls in seconds
whatever the key derivation costs. Refused passphrases get one sentence saying why and one
suggestion. The pair's own names count as known words (`user_inputs`).

Recovery keys are random 256-bit keys and are not subject to this policy; neither is the
passphrase typed to *unlock*: a journal made before this policy must still open.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rmjournal.core.errors import UsageError

MIN_SCORE = 3
"""The lowest zxcvbn score accepted (0–4; 3 means more than about 10^8 guesses)."""

ESTIMATED_LENGTH = 72
"""zxcvbn's run time grows with the length; a longer passphrase is judged on its first 72
characters (the rest can only add to it)."""

SUGGESTION = "Use four or more unrelated words, e.g. a short odd sentence only you would write."


@dataclass(frozen=True)
class Verdict:
    """What the estimate says of one passphrase."""

    score: int
    """0 (guessed at once) to 4 (very hard to guess), zxcvbn's scale."""
    reason: str
    """One sentence: why it is refused, or that it is strong enough."""
    suggestion: str
    """One sentence on how to make it stronger ("" when it is already very strong)."""

    @property
    def accepted(self) -> bool:
        """Whether the policy accepts it."""
        return self.score >= MIN_SCORE

    def refusal(self) -> str:
        """The message for a refused passphrase: the reason, then the suggestion."""
        return f"{self.reason} {self.suggestion}".strip()


def preload() -> None:
    """Load the estimator's dictionaries now (a form calls this off the UI thread on opening,
    so the first key typed does not wait for them)."""
    import zxcvbn  # noqa: F401


def _estimate(text: str, user_inputs: Sequence[str]) -> dict[str, Any]:
    from zxcvbn import zxcvbn  # imported when needed: it loads its dictionaries (~0.3 s)

    words = [w for name in user_inputs for w in name.split() if w]
    result: dict[str, Any] = zxcvbn(text[:ESTIMATED_LENGTH], user_inputs=words)
    return result


def assess(passphrase: str, user_inputs: Sequence[str] = ()) -> Verdict:
    """The policy's verdict on `passphrase` (NFC-normalised first, as a passphrase slot is)."""
    text = unicodedata.normalize("NFC", passphrase)
    if not text.strip():
        return Verdict(0, "The passphrase is empty.", SUGGESTION)
    result = _estimate(text, user_inputs)
    score = int(result["score"])
    feedback = result.get("feedback") or {}
    warning = str(feedback.get("warning") or "").strip()
    tips = [str(t) for t in feedback.get("suggestions") or [] if str(t).strip()]
    if score >= MIN_SCORE:
        words = "Strong" if score == 4 else "Good enough"
        return Verdict(score, f"{words}: hard to guess.", "" if score == 4 else SUGGESTION)
    guesses = int(float(result.get("guesses", 0)))
    reason = (
        f"Too easy to guess: {_sentence(warning).rstrip('.').lower()}."
        if warning
        else f"Too easy to guess: {_order(guesses)} guesses would find it."
    )
    return Verdict(score, reason, _sentence(tips[0]) if tips else SUGGESTION)


def check_new_passphrase(passphrase: str, user_inputs: Sequence[str] = ()) -> None:
    """Refuse a new passphrase the policy does not accept (a `WeakPassphrase`, exit 2)."""
    verdict = assess(passphrase, user_inputs)
    if not verdict.accepted:
        raise WeakPassphrase(verdict)


class WeakPassphrase(UsageError):
    """A new passphrase the policy refuses; nothing was changed."""

    def __init__(self, verdict: Verdict) -> None:
        super().__init__(f"{verdict.refusal()} Nothing was changed.")
        self.verdict = verdict


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _order(guesses: int) -> str:
    """How many guesses, in words: "fewer than a thousand" up to "fewer than 100 million"."""
    if guesses < 10**3:
        return "fewer than a thousand"
    if guesses < 10**6:
        return "fewer than a million"
    return "fewer than 100 million"
