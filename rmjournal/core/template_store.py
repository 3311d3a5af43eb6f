"""The journal's own session templates and agreement texts (the `templates` record table).

A row is one template (`kind = "session"`, its topics as JSON in `body`) or one agreement text
(`kind = "agreement"`, Markdown in `body`), with the name of the pack it came from. Rows are
ordinary records (id, timestamps, author, tombstone), so copies of a journal merge them and
they are written through `Journal.put_record` like every import. They are never private: a
template is the pair's starting material, not anyone's words about the other.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal

TABLE = "templates"
TemplateKind = Literal["session", "agreement"]


class AgreementText(NamedTuple):
    """A model agreement (Markdown) a scheme or another pair shared in a pack."""

    id: str
    name: str
    text: str
    pack: str


def _rows(journal: Journal, kind: TemplateKind) -> list[dict[str, Any]]:
    return journal.records.select(TABLE, "kind = ?", (kind,))


def session_templates(journal: Journal) -> list[tuple[dict[str, Any], str]]:
    """The journal's own session templates as (their JSON form, their pack), oldest first."""
    found = []
    for row in _rows(journal, "session"):
        obj = {"id": row["id"], "name": row["name"], "description": row["description"]}
        obj["topics"] = json.loads(row["body"])
        found.append((obj, str(row["pack"])))
    return found


def agreement_texts(journal: Journal) -> list[AgreementText]:
    """The agreement texts imported from packs, oldest first."""
    return [
        AgreementText(r["id"], r["name"], r["body"], r["pack"]) for r in _rows(journal, "agreement")
    ]


def _put(  # noqa: PLR0917 - one private writer for both kinds
    journal: Journal,
    item_id: str,
    kind: TemplateKind,
    name: str,
    description: str,
    body: str,
    pack: str,
) -> None:
    now = journal.records.stamp()
    old = journal.raw_record(TABLE, item_id)
    journal.put_record(
        TABLE,
        {
            "id": item_id,
            "kind": kind,
            "name": name,
            "description": description,
            "body": body,
            "pack": pack,
            "created_at": old["created_at"] if old else now,
            "updated_at": now,
            "author": old["author"] if old else journal.me,
            "deleted_at": None,
        },
    )


def put_session_template(journal: Journal, template: dict[str, Any], *, pack: str) -> None:
    """Store (or replace, by id) one of the journal's own session templates (its JSON form)."""
    _put(
        journal,
        str(template["id"]),
        "session",
        str(template["name"]),
        str(template.get("description") or ""),
        json.dumps(template["topics"], ensure_ascii=False),
        pack,
    )


def put_agreement_text(journal: Journal, item_id: str, name: str, text: str, *, pack: str) -> None:
    """Store (or replace, by id) an agreement text."""
    _put(journal, item_id, "agreement", name, "", text, pack)


def stored(journal: Journal, item_id: str) -> dict[str, Any] | None:
    """The stored row of a template or agreement text (tombstones included), if any."""
    return journal.raw_record(TABLE, item_id)
