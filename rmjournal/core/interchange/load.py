"""Import: a valid document merged into a journal by id in one transaction (the newer wins)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from rmjournal.core.errors import InvalidImport
from rmjournal.core.interchange.common import (
    newer,
)
from rmjournal.core.interchange.validate import parse_document, validate_document
from rmjournal.core.journal import Journal, Row
from rmjournal.core.model import (
    ROLES,
    Pair,
    Person,
    Role,
)


class ImportReport:
    """What an import did: records added, updated (the document's copy was newer) and left."""

    def __init__(self) -> None:
        self.added = self.updated = self.left = 0

    def __str__(self) -> str:
        return f"{self.added} added, {self.updated} updated, {self.left} left as they were."


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
            journal.put_record(table, row)
            report.added += 1
        elif newer(row["updated_at"], stored["updated_at"]):
            row["author"] = row["author"] or stored["author"]
            journal.put_record(table, row)
            report.updated += 1
        else:
            report.left += 1

    def add_once(table: str, row: Row) -> None:
        # Follow-ups and prompts carry no updated_at: added when new, otherwise left.
        if journal.raw_record(table, row["id"]) is None:
            journal.put_record(table, row)
            report.added += 1
        else:
            report.left += 1

    def base(obj: dict[str, Any], author: str | None) -> Row:
        return {
            "id": obj["id"],
            "created_at": obj["created_at"],
            "updated_at": obj["updated_at"],
            "author": author,
            "deleted_at": None,
        }

    with journal.transaction():
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
                )
            )
        for g in p["goals"]:
            merge(
                "goals",
                {
                    **base(g, g["owner"]),
                    "owner": g["owner"],
                    "text": g["text"],
                    "visibility": g["visibility"],
                },
            )
        for s in doc["sessions"]:
            merge(
                "sessions",
                {
                    **base(s, None),
                    "number": s["number"],
                    "date": s["date"],
                    "status": s["status"],
                    "duration_minutes": s.get("duration_minutes"),
                    "place": s.get("place"),
                },
            )
            for position, item in enumerate(s["agenda"]):
                merge(
                    "agenda_items",
                    {
                        **base(item, item["raised_by"]),
                        "session_id": s["id"],
                        "position": position,
                        "topic": item["topic"],
                        "raised_by": item["raised_by"],
                        "minutes": item.get("minutes"),
                        "notes": item["notes"],
                        "outcome": item["outcome"],
                        "carried_from": item.get("carried_from"),
                        "action_id": item.get("action_id"),
                        "prompt": item.get("prompt"),
                        "visibility": item["visibility"],
                    },
                )
            for entry in s["entries"]:
                merge(
                    "entries",
                    {
                        **base(entry, entry["author"]),
                        "session_id": s["id"],
                        "kind": entry["kind"],
                        "prompt": entry.get("prompt"),
                        "text": entry["text"],
                        "visibility": entry["visibility"],
                        "tags": json.dumps(entry["tags"], ensure_ascii=False),
                    },
                )
        for a in doc["actions"]:
            author = a["owner"] if a["owner"] in ROLES else exported_by
            merge(
                "actions",
                {
                    **base(a, author),
                    "title": a["title"],
                    "detail": a["detail"],
                    "kind": a["kind"],
                    "owner": a["owner"],
                    "agreed_in": a.get("agreed_in"),
                    "due_on": a.get("due_on"),
                    "status": a["status"],
                    "closed_on": a.get("closed_on"),
                    "visibility": a["visibility"],
                    "tags": json.dumps(a["tags"], ensure_ascii=False),
                },
            )
            for f in a["follow_ups"]:
                row = {
                    "id": f["id"],
                    "created_at": a["updated_at"],
                    "updated_at": a["updated_at"],
                    "author": f["author"],
                    "deleted_at": None,
                    "action_id": a["id"],
                    "on_date": f["on"],
                    "session_id": f.get("session"),
                    "status": f["status"],
                    "note": f["note"],
                    "visibility": "private" if a["visibility"] == "private" else "pair",
                }
                add_once("follow_ups", row)
        for pr in doc["prompts"]:
            add_once(
                "prompts",
                {
                    "id": pr["id"],
                    "created_at": doc["exported_at"],
                    "updated_at": doc["exported_at"],
                    "author": exported_by,
                    "deleted_at": None,
                    "phase": pr["phase"],
                    "for_": pr["for"],
                    "text": pr["text"],
                    "pack": pr["pack"],
                },
            )
    return report


def import_json(journal: Journal, text: str | bytes) -> ImportReport:
    """Parse, validate and merge a JSON document (see `import_document`)."""
    return import_document(journal, parse_document(text))
