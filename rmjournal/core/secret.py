"""A secret typed by a person or read from a file: a passphrase or a recovery key.

Secrets never appear in `repr()`, so they cannot leak through a traceback, a log line or a
debugger's variable dump.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from rmjournal.core.errors import UsageError

SecretKind = Literal["passphrase", "recovery"]


class Secret:
    """A passphrase (NFC-normalised, never empty) or a recovery key (as typed).

    A plain class: no value equality (secrets are checked by deriving keys, never compared)
    and no generated `repr`. Made by `passphrase()` or `recovery()`.
    """

    __slots__ = ("kind", "value")

    def __init__(self, kind: SecretKind, value: str) -> None:
        self.kind: SecretKind = kind
        self.value = value

    def __repr__(self) -> str:
        return f"<Secret {self.kind}>"

    __str__ = __repr__

    @classmethod
    def passphrase(cls, text: str) -> Secret:
        """A passphrase, NFC-normalised so the same words typed on any keyboard match."""
        text = unicodedata.normalize("NFC", text.rstrip("\r\n"))
        if not text.strip():
            raise UsageError("The passphrase is empty. Choose a passphrase of a few words.")
        return cls("passphrase", text)

    @classmethod
    def recovery(cls, text: str) -> Secret:
        """A recovery key as typed; its check characters are verified when it is used."""
        text = text.strip()
        if not text:
            raise UsageError("The recovery key is empty.")
        return cls("recovery", text)
