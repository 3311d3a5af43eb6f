"""A passphrase strength hint in words: a rough guide, not a promise.

Length and variety are what the Argon2 KDF cannot make up for; a few unrelated words beat a
short clever password, and the hint says so.
"""

from __future__ import annotations

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
