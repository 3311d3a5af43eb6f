"""Import: a valid document merged into a journal by id in one transaction (the newer wins)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from rmjournal.core.errors import InvalidImport
from rmjournal.core.fields import private_fields, to_row
from rmjournal.core.interchange.common import (
    newer,
)
from rmjournal.core.interchange.validate import (
    agreed_day,
    document_session_dates,
    parse_document,
    validate_document,
)
from rmjournal.core.journal import Journal, Row, authorship
from rmjournal.core.journal.drafts import Draft
from rmjournal.core.model import (
    ROLES,
    Pair,
    Person,
    Role,
    other_role,
)
from rmjournal.text import counted

PRIVATE_FIELDS = private_fields()


class ImportReport:
    """What an import did: records added, updated (the document's copy was newer) and left."""

    def __init__(self) -> None:
        self.added = self.updated = self.left = 0
        self.refused: list[str] = []
        """Items whose author is the partner and whose words the document changes: kept."""

    def __str__(self) -> str:
        text = f"{self.added} added, {self.updated} updated, {self.left} left as they were."
        if self.refused:
            n = len(self.refused)
            text += (
                f" {counted(n, 'item')} of your partner's"
                f" {'were' if n != 1 else 'was'} left as your partner wrote"
                f" {'them' if n != 1 else 'it'}: only its author can change a private item or"
                f" who wrote it ({', '.join(self.refused)})."
            )
        return text


def _changes_partners_words(journal: Journal, table: str, stored: Row, row: Row) -> bool:
    """Whether an imported row would change an item of the partner's that only they may
    change (`journal/authorship.py`): their private item, or who wrote it. An edit of their
    pair text is the importer's own, signed as such, as in the app."""
    if not authorship.is_signed_table(table) or stored.get("author") in (journal.me, None):
        return False
    return stored.get("visibility") == "private" or row.get("author") != stored.get("author")


def import_document(journal: Journal, doc: Any) -> ImportReport:
    """Validate `doc` completely, then merge it into `journal` by id in one transaction.

    `InvalidImport` (listing every problem) and no change at all if anything is wrong.
    """
    problems = validate_document(doc, journal)
    if problems:
        raise InvalidImport(problems)
    report = ImportReport()
    exported_by: Role = doc["exported_by"]

    def merge(table: str, row: Row) -> None:
        stored = journal.raw_record(table, row["id"])
        if stored is None:
            row["author"] = row["author"] or exported_by
            journal.put_record(table, row, stored=None)
            report.added += 1
        elif newer(row["updated_at"], stored["updated_at"]):
            row["author"] = row["author"] or stored["author"]
            if _changes_partners_words(journal, table, stored, row):
                report.refused.append(f"{table.rstrip('s').replace('_', ' ')} {row['id'][:8]}")
                return
            journal.put_record(table, row, stored=stored)
            report.updated += 1
        else:
            report.left += 1

    def add_once(table: str, row: Row) -> None:
        # Follow-ups and prompts carry no updated_at: added when new, otherwise left.
        if journal.raw_record(table, row["id"]) is None:
            journal.put_record(table, row, stored=None)
            report.added += 1
        else:
            report.left += 1

    # One transaction, and one signature for every row the import writes (`signing_batch`).
    with journal.transaction(), journal.records.signing_batch():
        p = doc["pair"]
        if journal.is_empty() or journal.pair() is None:
            journal.set_pair(
                Pair(
                    id=p["id"],
                    title=p["title"],
                    mentor=Person(
                        p["mentor"]["name"], p["mentor"]["role"], p["mentor"].get("network")
                    ),
                    mentee=Person(
                        p["mentee"]["name"], p["mentee"]["role"], p["mentee"].get("network")
                    ),
                    started_on=date.fromisoformat(p["started_on"]),
                    cadence_days=p["cadence_days"],
                    planned_sessions=p["planned_sessions"],
                    review_on=date.fromisoformat(p["review_on"]),
                    agreement=p["agreement"],
                    phase=p.get("phase", 1),
                    phase_started_on=_day(p.get("phase_started_on")),
                    review_held_on=_day(p.get("review_held_on")),
                    decision=p.get("decision"),
                    decided_on=_day(p.get("decided_on")),
                    check_in_on=_day(p.get("check_in_on")),
                )
            )
        for g in p["goals"]:
            row = to_row("goals", g, author=g["owner"], deleted_at=None)
            row["status"] = row["status"] or "open"
            row["links"] = row["links"] or "[]"
            merge("goals", row)
        for s in doc["sessions"]:
            merge("sessions", to_row("sessions", s, author=None, deleted_at=None))
            for position, item in enumerate(s["agenda"]):
                row = to_row("agenda_items", item, session_id=s["id"], position=position)
                author, notes, partner_notes = _notes_of(journal, item)
                row.update(notes=notes, partner_notes=partner_notes)
                merge("agenda_items", {**row, "author": author, "deleted_at": None})
            for entry in s["entries"]:
                merge("entries", to_row("entries", entry, session_id=s["id"], deleted_at=None))
        session_dates = document_session_dates(doc, journal)
        for a in doc["actions"]:
            author = a["owner"] if a["owner"] in ROLES else exported_by
            row = to_row("actions", a, author=author, deleted_at=None)
            row["agreed_on"] = agreed_day(a, session_dates)
            merge("actions", row)
            for f in a["follow_ups"]:
                # A follow-up carries no stamps of its own; it is as new as its action.
                row = to_row(
                    "follow_ups",
                    f,
                    action_id=a["id"],
                    created_at=a["updated_at"],
                    updated_at=a["updated_at"],
                    deleted_at=None,
                    visibility="private" if a["visibility"] == "private" else "pair",
                )
                add_once("follow_ups", row)
        for pr in doc["prompts"]:
            add_once(
                "prompts",
                to_row(
                    "prompts",
                    pr,
                    created_at=doc["exported_at"],
                    updated_at=doc["exported_at"],
                    author=exported_by,
                    deleted_at=None,
                ),
            )
        for o in doc.get("opportunities") or []:
            merge("opportunities", to_row("opportunities", o, author=exported_by, deleted_at=None))
        for k in doc.get("conflicts") or []:
            _import_conflict(journal, k, report)
        if exported_by == journal.me:  # a person's drafts come back only into their own hands
            for d in doc.get("drafts") or []:
                journal.put_draft(
                    Draft(
                        d["id"], d["place"], d["title"], dict(d["fields"]),
                        d["created_at"], d["updated_at"],
                    )
                )  # fmt: skip
    return report


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _notes_of(journal: Journal, item: dict[str, Any]) -> tuple[str, str, str | None]:
    """An imported agenda item's author (the stored one, else who raised it), the author's notes
    and the partner's: from `notes_by` if the document has it, else `notes` are the raiser's
    (documents before per-author notes) and the journal keeps the other partner's."""
    stored = journal.raw_record("agenda_items", item["id"])
    if stored is not None:
        stored = journal.records.open("agenda_items", stored)[0]
    author = stored["author"] if stored else item["raised_by"]
    if item.get("notes_by") is not None:
        by = item["notes_by"]
        return author, by.get(author, ""), by.get(other_role(author)) or None
    notes = stored["notes"] if stored else ""
    partner_notes = stored.get("partner_notes") if stored else None
    if author == item["raised_by"]:
        notes = item["notes"]
    else:
        partner_notes = item["notes"] or None
    return author, notes, partner_notes


def _import_conflict(journal: Journal, k: dict[str, Any], report: ImportReport) -> None:
    """Add one exported conflict the journal does not hold (sealed again if its record is the
    reader's private item); one it holds is left, as merge keeps it."""
    records = journal.records
    if records.execute("SELECT 1 FROM conflicts WHERE id = ?", (k["id"],)).fetchone():
        report.left += 1
        return
    kept, other = k["kept"], k["other"]
    record = journal.raw_record(k["table"], k["item_id"])
    if (
        record is not None
        and record.get("visibility") == "private"
        and k["field"] in PRIVATE_FIELDS.get(k["table"], ())
    ):
        if record["author"] != journal.me:
            report.left += 1
            return
        kept, other = (
            records.seal_field(k["item_id"], k["field"], v) if isinstance(v, str) else v
            for v in (kept, other)
        )
    records.write(
        "INSERT INTO conflicts (id, table_name, item_id, field, kept, other, other_updated_at,"
        " resolved_at, created_at, updated_at, author, deleted_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL)",
        (
            k["id"],
            k["table"],
            k["item_id"],
            k["field"],
            json.dumps(kept, ensure_ascii=False),
            json.dumps(other, ensure_ascii=False),
            k.get("other_updated_at"),
            k.get("resolved_at"),
            k["created_at"],
            k.get("resolved_at") or k["created_at"],
            k.get("author"),
        ),
    )
    report.added += 1


def import_json(journal: Journal, text: str | bytes) -> ImportReport:
    """Parse, validate and merge a JSON document (see `import_document`)."""
    return import_document(journal, parse_document(text))
