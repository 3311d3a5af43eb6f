"""Recovery keys as people write them down: 256 random bits in grouped Base32 with check characters.

A recovery key is typed back by hand months later, so a typo must be caught at once, before any
key derivation runs, and reported as a typo rather than as a wrong key. The last character is a
Luhn mod 32 check over everything before it, which catches every single-character mistake; the
three before it are a hash of the key, which catches most longer mistakes.
"""

from __future__ import annotations

import base64
import os

from rmjournal.core.crypto import sha256
from rmjournal.core.errors import BadRecoveryKey

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
KEY_BYTES = 32
DATA_CHARS = 52  # 256 bits in Base32, the last character carrying 1 bit and 4 zero bits
HASH_CHARS = 3
TEXT_CHARS = DATA_CHARS + HASH_CHARS + 1
GROUP = 4
_VALUE = {c: i for i, c in enumerate(ALPHABET)}
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})
_HASH_LABEL = b"rmjournal recovery key check v1\x00"


def _luhn_char(text: str) -> str:
    """The Luhn mod 32 check character for `text` (catches every single substitution)."""
    total = 0
    factor = 2
    for char in reversed(text):
        addend = factor * _VALUE[char]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def _hash_chars(key: bytes) -> str:
    digest = sha256(_HASH_LABEL + key)
    bits = int.from_bytes(digest[:2], "big") << 8 | digest[2]
    return "".join(ALPHABET[(bits >> (19 - 5 * i)) & 31] for i in range(HASH_CHARS))


def encode(key: bytes) -> str:
    """The recovery key as shown once: 14 groups of 4 characters joined by dashes."""
    if len(key) != KEY_BYTES:
        raise ValueError("a recovery key is 32 bytes")
    data = base64.b32encode(key).decode("ascii").rstrip("=")
    body = data + _hash_chars(key)
    text = body + _luhn_char(body)
    return "-".join(text[i : i + GROUP] for i in range(0, len(text), GROUP))


def new() -> tuple[bytes, str]:
    """A fresh random recovery key and its text."""
    key = os.urandom(KEY_BYTES)
    return key, encode(key)


def decode(typed: str) -> bytes:
    """The 32-byte key of a typed recovery key; `BadRecoveryKey` on any typo.

    Case, spaces and dashes do not matter, and 0/1/8 are read as O/I/B (letters people mix up).
    """
    text = "".join(typed.split()).replace("-", "").upper().translate(_LOOKALIKES)
    if any(char not in _VALUE for char in text):
        raise BadRecoveryKey(
            "That is not a recovery key: it has characters a recovery key never contains. "
            "Check what you typed against the key you wrote down."
        )
    if len(text) != TEXT_CHARS:
        raise BadRecoveryKey(
            f"The recovery key has {len(text)} letters and digits; a recovery key has "
            f"{TEXT_CHARS} (14 groups of 4). Check for a missing or extra group."
        )
    body, check = text[:-1], text[-1]
    typo = BadRecoveryKey(
        "The recovery key has a typo: its check characters do not match. "
        "Compare each group with the key you wrote down and try again."
    )
    if _luhn_char(body) != check:
        raise typo
    try:
        key = base64.b32decode(body[:DATA_CHARS] + "====")
    except ValueError:
        raise typo from None
    if base64.b32encode(key).decode("ascii").rstrip("=") != body[:DATA_CHARS]:
        raise typo
    if _hash_chars(key) != body[DATA_CHARS:]:
        raise typo
    return key


def typo_groups(typed: str) -> list[int]:
    """Which groups (numbered from 1) of a mistyped recovery key look wrong; [] if none can be
    told.

    The format has no check per group, so this looks for the groups a typo is in: a group of
    the wrong length or with characters a key never has, else the group where changing one
    character (or swapping two neighbours) makes both checks of the whole key match. A wrong
    guess takes both the Luhn character and the 15-bit hash matching by chance (about one in a
    million per try), so a group named here is almost surely the one to look at.
    """
    tokens = [t for t in typed.replace("-", " ").split() if t]
    normal = [t.upper().translate(_LOOKALIKES) for t in tokens]
    if len(tokens) > 1:
        bad = [
            n
            for n, token in enumerate(normal, 1)
            if len(token) != GROUP or any(c not in _VALUE for c in token)
        ]
        if bad:
            return bad
    text = "".join(normal)
    if len(text) != TEXT_CHARS or any(c not in _VALUE for c in text):
        return []
    found: set[int] = set()
    for i in range(TEXT_CHARS):
        for c in ALPHABET:
            if c != text[i] and _valid(text[:i] + c + text[i + 1 :]):
                found.add(i // GROUP + 1)
        if i + 1 < TEXT_CHARS and text[i] != text[i + 1]:
            swapped = text[:i] + text[i + 1] + text[i] + text[i + 2 :]
            if _valid(swapped):
                found.update({i // GROUP + 1, (i + 1) // GROUP + 1})
    return sorted(found)


def _valid(text: str) -> bool:
    """Whether `text` (normalised, 56 characters) passes both checks."""
    try:
        decode(text)
    except BadRecoveryKey:
        return False
    return True
