"""What every part of the journal shares: a row as a dict, the marker of an argument not given,
a value checked against its allowed words, dates as stored, fresh ids, and `Part`, the base of
each part of `Journal` (which reaches the database only through its records layer).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rmjournal.core.errors import JournalError
from rmjournal.core.model import Role

if TYPE_CHECKING:
    from rmjournal.core.journal.records import Records

Row = dict[str, Any]


class _Unset:
    """Marks an optional argument that was not given (None may be a real value)."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Any = _Unset()

WRITTEN = "created_at, rowid"
"""The order records were written in, and the same in both copies of a journal: by their
stamp, then by rowid. The rowid alone is each copy's own order of insertion, and a merge appends
the other copy's new rows, so after the partners merged both ways each copy listed, and
numbered (action #N), the same records in its own order. The rowid only breaks ties between
records stamped in the same microsecond (an import's, which arrive in document order)."""

VISIBLE_TABLES = ("goals", "agenda_items", "entries", "actions", "follow_ups", "opportunities")
"""The record tables whose rows have a visibility (and so may be private)."""


class PartnersPrivateItem(JournalError):
    """The item is private to the partner: it can be neither read nor changed by this reader."""


def check(value: object, allowed: Sequence[object], what: str) -> None:
    """Refuse `value` with a plain sentence unless it is one of `allowed`."""
    if value not in allowed:
        raise JournalError(f"{what} must be one of {', '.join(map(str, allowed))}, not {value!r}.")


def as_date(value: str | None) -> date | None:
    """A stored ISO date, or None for an empty one."""
    return date.fromisoformat(value) if value else None


def as_iso(value: date | None) -> str | None:
    """A date as stored (ISO), or None."""
    return value.isoformat() if value is not None else None


def new_id() -> str:
    """A fresh random UUID (version 4, as `uuid.uuid4()` makes it) for a new record.

    Made here so that a command does not import `uuid` (and `platform`) only for this."""
    b = bytearray(os.urandom(16))
    b[6] = (b[6] & 0x0F) | 0x40  # version 4
    b[8] = (b[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = b.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class Part:
    """What every part of `Journal` shares: the records layer, the reader and the day."""

    _records: Records

    @property
    def me(self) -> Role:
        """The role that unlocked the journal."""
        return self._records.me

    def today(self) -> date:
        """Today as the journal's clock sees it (fixed in tests)."""
        return self._records.today()

    @staticmethod
    def new_id() -> str:
        """A fresh random UUID (version 4) for a new record."""
        return new_id()
