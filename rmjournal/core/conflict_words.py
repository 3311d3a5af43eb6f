"""How a person names a merge conflict's record and values, for the app and the CLI alike.

A conflict (`core/merge.py`) is about one field of one record; these words say which record it
is without ever showing a private item's text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rmjournal.core.model import ROLES
from rmjournal.core.store import RECORD_TABLES
from rmjournal.text import one_line

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.merge import Conflict

ITEM_WORDS = {
    "pair": "the pair",
    "goals": "goal",
    "sessions": "session",
    "agenda_items": "agenda item",
    "entries": "entry",
    "actions": "action",
    "follow_ups": "follow-up",
    "prompts": "prompt",
    "templates": "template",
    "approvals": "approval",
}
"""How a person names each kind of record."""

TITLE_FIELDS = ("title", "topic", "text", "note", "number")
"""The field that best names a record, in order of preference."""


def short_value(value: Any, width: int = 60) -> str:
    """A conflict value as one line of at most `width` characters."""
    return "(empty)" if value is None else one_line(str(value), width)


def describe_item(journal: Journal, conflict: Conflict) -> str:
    """Which record a conflict is about, in a person's words (never a private item's text)."""
    word = ITEM_WORDS.get(conflict.table_name, conflict.table_name)
    if conflict.hidden or conflict.private:
        return f"{word} (private)"
    if conflict.table_name == "approvals":  # from a merge before approvals merged whole
        row = journal.records.raw("approvals", conflict.item_id)
        return f"the {row['role']}'s {word}" if row and row["role"] in ROLES else word
    if conflict.table_name not in RECORD_TABLES:
        return word
    record = journal.raw_record(conflict.table_name, conflict.item_id)
    if record is None:
        return word
    for name in TITLE_FIELDS:
        value = record.get(name)
        if value not in (None, ""):
            if name == "number":
                return f"{word} {value}"
            if journal.is_sealed(str(value)):
                return f"{word} (private)"
            return f"{word}: {short_value(value, 40)}"
    return word
