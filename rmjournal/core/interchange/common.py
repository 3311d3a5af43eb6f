"""What export, validation and import share: the format's name and version, and value checks."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

FORMAT = "rmjournal-export"
VERSION = 1

DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$")

MAX_NUMBER = 100_000
"""The largest count an import accepts (session numbers, minutes, days between sessions): far
above any real journal, far below what SQLite (64-bit integers) or date arithmetic overflows on."""


def is_unicode(text: str) -> bool:
    """Whether `text` can be stored: JSON's `\\ud800` escapes give lone surrogates, not text."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def shown(value: Any) -> str:
    """A value from a document, short and safe to quote in one line of a message."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        text = repr(value) if not isinstance(value, int) or abs(value) < 10**30 else "a huge number"
        return text if len(text) <= 40 else text[:37] + "…"
    return "a list" if isinstance(value, list) else "an object"


def newer(doc_stamp: str, stored_stamp: str) -> bool:
    """Whether a document's `updated_at` is later than the stored one (the newer copy wins)."""
    return datetime.fromisoformat(doc_stamp) > datetime.fromisoformat(stored_stamp)
