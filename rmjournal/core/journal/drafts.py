"""Drafts: what a person typed in a dialog or form and has not saved as a record yet.

A draft is kept inside the journal (so it is encrypted with the file, never written anywhere in
plaintext) and its text is sealed with its author's personal key, so the partner, who can read
the whole database, cannot read it. One draft per author and place: a place names where the
text was typed ("entry:new:<session id>:note", "action:edit:<action id>", …) so the app can
offer it back when the same person opens the same place again, or right after unlocking.

Drafts are not records: they are not merged between copies (what one person half-typed on one
computer is theirs there), not in the summary, not searched. A draft is removed outright when
it is restored and saved, or discarded (secure_delete zeroes its pages).
"""

from __future__ import annotations

import json
from typing import NamedTuple

from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal.rows import Part, new_id

DRAFT_FIELD = "draft"
"""The field name the sealed text is bound to (with the draft's id)."""

MAX_DRAFT_CHARS = 200_000
"""A draft's values together may hold at most this many characters (a dialog's worth)."""


class Draft(NamedTuple):
    """One kept draft: where it was typed, what the dialog was called, and its fields' values."""

    id: str
    place: str
    title: str
    fields: dict[str, str]
    created_at: str
    updated_at: str

    def text(self) -> str:
        """Every typed value that is not empty, one after the other (to show what was typed).

        Fields named with a leading "~" (a choice made, not text typed) or "__" (what the dialog
        needs to open again) are left out."""
        return "\n".join(
            v for k, v in self.fields.items() if v.strip() and not k.startswith(("~", "__"))
        )


class Drafts(Part):
    """Keeping, listing and discarding the reader's own drafts."""

    def keep_draft(self, place: str, title: str, fields: dict[str, str]) -> Draft:
        """Keep `fields` (field name → typed text) as the reader's draft at `place`, replacing
        the one already there; the draft as kept."""
        if not place or not isinstance(place, str):
            raise JournalError("A draft needs the place where it was typed.")
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in fields.items()):
            raise JournalError("A draft's fields are text.")
        if sum(len(v) for v in fields.values()) > MAX_DRAFT_CHARS:
            raise JournalError(f"A draft holds at most {MAX_DRAFT_CHARS:,} characters.")
        records = self._records
        now = records.stamp()
        found = self._draft_row(place)
        draft_id = found["id"] if found else new_id()
        created = found["created_at"] if found else now
        sealed = records.seal_field(
            draft_id, DRAFT_FIELD, json.dumps({"title": title, "fields": fields})
        )
        if found:
            records.write(
                "UPDATE drafts SET body = ?, updated_at = ? WHERE id = ?", (sealed, now, draft_id)
            )
        else:
            records.write(
                "INSERT INTO drafts (id, author, place, body, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (draft_id, self.me, place, sealed, now, now),
            )
        return Draft(draft_id, place, title, dict(fields), created, now)

    def _draft_row(self, place: str) -> dict[str, str] | None:
        rows = self._records.query(
            "SELECT * FROM drafts WHERE author = ? AND place = ?", (self.me, place)
        )
        return rows[0] if rows else None

    def _open_draft(self, row: dict[str, str]) -> Draft:
        body = json.loads(self._records.open_field(row["id"], DRAFT_FIELD, row["body"]))
        return Draft(
            row["id"],
            row["place"],
            str(body.get("title", "")),
            {str(k): str(v) for k, v in dict(body.get("fields", {})).items()},
            row["created_at"],
            row["updated_at"],
        )

    def drafts(self) -> list[Draft]:
        """The reader's own drafts, newest first (the partner's are never opened)."""
        rows = self._records.query(
            "SELECT * FROM drafts WHERE author = ? ORDER BY updated_at DESC, id", (self.me,)
        )
        return [self._open_draft(r) for r in rows]

    def draft_at(self, place: str) -> Draft | None:
        """The reader's draft at `place`, if one is kept."""
        row = self._draft_row(place)
        return None if row is None else self._open_draft(row)

    def find_draft(self, ref: str) -> Draft:
        """The reader's draft whose id is or starts with `ref` (at least 4 characters)."""
        ref = ref.strip().lower()
        found = [d for d in self.drafts() if len(ref) >= 4 and d.id.startswith(ref)]
        if len(found) != 1:
            what = "No draft" if not found else "More than one draft"
            raise NotFound(f"{what} of yours has an id starting with {ref!r}.")
        return found[0]

    def discard_draft(self, draft_id: str) -> bool:
        """Remove the reader's draft `draft_id`; whether there was one."""
        return bool(
            self._records.write(
                "DELETE FROM drafts WHERE id = ? AND author = ?", (draft_id, self.me)
            )
        )

    def discard_draft_at(self, place: str) -> bool:
        """Remove the reader's draft at `place` (its text was saved, or thrown away on purpose)."""
        return bool(
            self._records.write(
                "DELETE FROM drafts WHERE place = ? AND author = ?", (place, self.me)
            )
        )

    def put_draft(self, draft: Draft) -> None:
        """Keep an imported draft of the reader's (from their own JSON export) as it was, id and
        times too; a place that already holds a draft keeps the newer of the two."""
        found = self._draft_row(draft.place)
        if found is not None and found["updated_at"] >= draft.updated_at:
            return
        if found is not None:
            self.discard_draft(found["id"])
        body = json.dumps({"title": draft.title, "fields": draft.fields})
        self._records.write(
            "INSERT OR REPLACE INTO drafts (id, author, place, body, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (
                draft.id,
                self.me,
                draft.place,
                self._records.seal_field(draft.id, DRAFT_FIELD, body),
                draft.created_at,
                draft.updated_at,
            ),
        )
