"""Small cryptographic building blocks shared by the file format and the database.

`PrivateCipher` seals the text fields of a *private* item with its author's personal key, so the
partner, who holds the same pair key and so can read the whole database, still cannot read it.
The associated data binds each sealed field to its item id and field name: a sealed text moved
to another item or field fails to open.
"""

from __future__ import annotations

import base64
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from rmjournal.core.errors import Tampered

KEY_BYTES = 32
_PRIVATE_PREFIX = "p1:"
_PRIVATE_AAD = b"rmjournal private field v1\x00"


def random_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


class PrivateCipher:
    """Seals and opens the private text fields of one person (the unlocking role)."""

    def __init__(self, role: str, personal_key: bytes) -> None:
        if len(personal_key) != KEY_BYTES:
            raise ValueError("a personal key is 32 bytes")
        self.role = role
        self._aead = AESGCM(personal_key)

    def __repr__(self) -> str:
        return f"<PrivateCipher {self.role}>"

    @staticmethod
    def _aad(item_id: str, field: str) -> bytes:
        return _PRIVATE_AAD + item_id.encode() + b"\x00" + field.encode()

    def seal(self, item_id: str, field: str, text: str) -> str:
        """`text` encrypted for this person only, as ASCII safe to store in a TEXT column."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), self._aad(item_id, field))
        return _PRIVATE_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, item_id: str, field: str, token: str) -> str:
        """The text sealed by `seal()`; `Tampered` if it is not this person's or was altered."""
        if not token.startswith(_PRIVATE_PREFIX):
            raise Tampered("A private item is damaged: its text is not sealed as expected.")
        try:
            raw = base64.b64decode(token[len(_PRIVATE_PREFIX) :], validate=True)
            plain = self._aead.decrypt(raw[:12], raw[12:], self._aad(item_id, field))
        except (InvalidTag, ValueError) as exc:
            raise Tampered(
                "A private item could not be opened with your key: it was altered or is not yours."
            ) from exc
        return plain.decode("utf-8")

    @staticmethod
    def is_sealed(value: str) -> bool:
        """Whether a stored value is sealed text rather than plain text."""
        return value.startswith(_PRIVATE_PREFIX)
