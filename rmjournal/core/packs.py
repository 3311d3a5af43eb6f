"""Packs: custom prompts, session templates and agreement texts, shared between any pairs.

A pack (`"format": "rmjournal-pack", "version": 1`, see docs/packs.md) belongs to no pair: a
scheme publishes one and every pair imports it, or a pair exports its own for others. It holds
no names, no sessions and nothing private. Import validates the whole document first and reports
every problem with its JSON path (exit 6, like a journal import); a pack with any problem changes
nothing. Items keep their ids, so importing the same pack again (or a newer edition of it)
updates what it brought instead of adding copies.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from rmjournal.core import template_store
from rmjournal.core.errors import InvalidImport, Problem
from rmjournal.core.model import PHASES, PROMPT_FOR
from rmjournal.core.templates import (
    MAX_MINUTES,
    MAX_TOPICS,
    SessionTemplate,
    custom_templates,
    template_from_json,
)
from rmjournal.text import json_dumps

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal

FORMAT = "rmjournal-pack"
VERSION = 1
MAX_PACK_BYTES = 16 << 20
MAX_ITEMS = 2000
MAX_TEXT = 10_000
MAX_AGREEMENT = 200_000
MAX_NAME = 200

AGREEMENT_NAMESPACE = uuid.UUID("3b8f0d7e-6c2a-5e41-9d17-8a5c4e2f1b90")
"""uuid5 namespace of the id a pair's own agreement gets in a pack (the same on every export)."""

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class PackReport:
    """What an import did: counts of items added, updated and already there."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.added = 0
        self.updated = 0
        self.unchanged = 0
        self.agreement_set = False

    @property
    def changed(self) -> bool:
        """Whether the journal changed (and must be saved)."""
        return bool(self.added or self.updated or self.agreement_set)

    def __str__(self) -> str:
        text = f"{self.added} added, {self.updated} updated, {self.unchanged} already there"
        if self.agreement_set:
            text += "; its agreement text is now your agreement (it was empty)"
        return text


# ---------------------------------------------------------------------------- export


def export_pack(
    journal: Journal, *, name: str | None = None, with_agreement: bool = False
) -> dict[str, Any]:
    """The journal's custom prompts, templates and agreement texts as a pack document.

    The pair's own agreement goes in only with `with_agreement`: it is the pair's text and may
    name them, while everything else in a pack is starting material.
    """
    pair = journal.pair()
    agreements = [
        {"id": a.id, "name": a.name, "text": a.text}
        for a in template_store.agreement_texts(journal)
    ]
    if with_agreement and pair is not None and pair.agreement.strip():
        own = str(uuid.uuid5(AGREEMENT_NAMESPACE, pair.id))
        agreements = [a for a in agreements if a["id"] != own]
        agreements.append({"id": own, "name": "Our agreement", "text": pair.agreement})
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": name or "Our pack",
        "exported_at": journal.records.stamp(),
        "prompts": [
            {"id": p.id, "phase": p.phase, "for": p.for_, "text": p.text, "pack": p.pack}
            for p in journal.custom_prompts()
        ],
        "templates": [t.to_json() for t in custom_templates(journal)],
        "agreements": agreements,
    }


def dumps_pack(doc: dict[str, Any]) -> str:
    """The pack as the JSON text written to a file (UTF-8, indented, one trailing newline)."""
    return json_dumps(doc, indent=1) + "\n"


# ---------------------------------------------------------------------------- validation


def _text_ok(value: Any, limit: int) -> str | None:
    """Why `value` is not acceptable text (None if it is)."""
    if not isinstance(value, str):
        return "expected text"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "the text is not valid Unicode"
    if not value.strip():
        return "must not be empty"
    if len(value) > limit:
        return f"at most {limit} characters"
    return None


class _Check:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def text(
        self, obj: dict[str, Any], key: str, path: str, limit: int, *, optional: bool = False
    ) -> None:
        where = f"{path}.{key}"
        if key not in obj or obj[key] is None:
            if not optional:
                self.add(where, "missing")
            return
        if optional and obj[key] == "":
            return
        why = _text_ok(obj[key], limit)
        if why:
            self.add(where, why)

    def choice(self, obj: dict[str, Any], key: str, path: str, allowed: tuple[str, ...]) -> None:
        if key not in obj:
            self.add(f"{path}.{key}", "missing")
        elif obj[key] not in allowed:
            self.add(f"{path}.{key}", f"expected one of {', '.join(allowed)}")

    def uuid(self, obj: dict[str, Any], path: str, seen: set[str]) -> None:
        value = obj.get("id")
        if "id" not in obj:
            self.add(f"{path}.id", "missing")
        elif not isinstance(value, str) or not _UUID.match(value):
            self.add(f"{path}.id", "expected a UUID like 0b6a0f3c-5d2e-4c1a-9f7e-1a2b3c4d5e6f")
        elif value in seen:
            self.add(f"{path}.id", "the same id appears twice in the pack")
        else:
            seen.add(value)

    def items(self, doc: dict[str, Any], key: str) -> list[tuple[str, dict[str, Any]]]:
        value = doc.get(key, [])
        if not isinstance(value, list):
            self.add(key, "expected a list")
            return []
        if len(value) > MAX_ITEMS:
            self.add(key, f"at most {MAX_ITEMS} items")
            return []
        found = []
        for i, item in enumerate(value):
            if isinstance(item, dict):
                found.append((f"{key}[{i}]", item))
            else:
                self.add(f"{key}[{i}]", "expected an object")
        return found


def validate_pack(doc: Any) -> list[Problem]:
    """Every problem in a pack document, each with its JSON path (empty: the pack is valid)."""
    c = _Check()
    if not isinstance(doc, dict):
        return [Problem("", "expected a JSON object (a pack starts with {)")]
    if doc.get("format") == "rmjournal-export":
        return [Problem("format", "this is a journal export, not a pack: use `rmjournal import`")]
    if doc.get("format") != FORMAT:
        c.add("format", f'expected "{FORMAT}"')
    if doc.get("version") != VERSION:
        c.add("version", f"expected {VERSION} (this rmjournal reads pack version {VERSION})")
    c.text(doc, "name", "", MAX_NAME)
    seen: set[str] = set()
    for path, p in c.items(doc, "prompts"):
        c.uuid(p, path, seen)
        c.choice(p, "phase", path, PHASES)
        c.choice(p, "for", path, PROMPT_FOR)
        c.text(p, "text", path, MAX_TEXT)
        c.text(p, "pack", path, MAX_NAME, optional=True)
    for path, t in c.items(doc, "templates"):
        c.uuid(t, path, seen)
        c.text(t, "name", path, MAX_NAME)
        c.text(t, "description", path, MAX_TEXT, optional=True)
        topics = t.get("topics")
        if not isinstance(topics, list) or not topics:
            c.add(f"{path}.topics", "expected a list of at least one topic")
            continue
        if len(topics) > MAX_TOPICS:
            c.add(f"{path}.topics", f"at most {MAX_TOPICS} topics")
            continue
        for j, topic in enumerate(topics):
            where = f"{path}.topics[{j}]"
            if not isinstance(topic, dict):
                c.add(where, "expected an object")
                continue
            c.text(topic, "topic", where, MAX_TEXT)
            c.text(topic, "prompt", where, MAX_TEXT, optional=True)
            minutes = topic.get("minutes")
            if minutes is not None and (
                not isinstance(minutes, int)
                or isinstance(minutes, bool)
                or not 1 <= minutes <= MAX_MINUTES
            ):
                c.add(f"{where}.minutes", f"expected whole minutes from 1 to {MAX_MINUTES}")
    for path, a in c.items(doc, "agreements"):
        c.uuid(a, path, seen)
        c.text(a, "name", path, MAX_NAME)
        c.text(a, "text", path, MAX_AGREEMENT)
    return c.problems


def parse_pack(raw: bytes) -> dict[str, Any]:
    """The validated pack held in `raw`; `InvalidImport` (exit 6) naming every problem else."""
    if len(raw) > MAX_PACK_BYTES:
        raise InvalidImport([Problem("", f"a pack is at most {MAX_PACK_BYTES >> 20} MiB")])
    from rmjournal.core.interchange import parse_document

    doc = parse_document(raw.removeprefix(b"\xef\xbb\xbf"))
    problems = validate_pack(doc)
    if problems:
        raise InvalidImport(problems)
    assert isinstance(doc, dict)
    return doc


# ---------------------------------------------------------------------------- import


def _deleted(journal: Journal, table: str, item_id: str) -> bool:
    raw = journal.raw_record(table, item_id)
    return raw is not None and raw.get("deleted_at") is not None


def import_pack(journal: Journal, doc: dict[str, Any]) -> PackReport:
    """Add or update the pack's prompts, templates and agreement texts, all in one transaction.

    `doc` must have passed `validate_pack`. Items are matched by id; an item whose id is new but
    whose words the journal already holds (the same prompt typed by hand) is not added twice.
    If the pair's agreement is still empty, the pack's first agreement text becomes it.
    """
    name = str(doc["name"]).strip()
    report = PackReport(name)
    known_prompts = {p.id: p for p in journal.custom_prompts()}
    same_words = {(p.phase, p.for_, p.text.strip()) for p in journal.prompts()}
    known_templates = {t.id: t for t in custom_templates(journal)}
    known_agreements = {a.id: a for a in template_store.agreement_texts(journal)}
    with journal.transaction():
        for p in doc.get("prompts", []):
            if _deleted(journal, "prompts", p["id"]):
                report.unchanged += 1  # deleted here on purpose: a pack does not bring it back
                continue
            # The exporter's own prompts ("custom") take the pack's name; prompts that came to
            # the exporter from another pack keep where they came from.
            pack = name if str(p.get("pack") or "custom") == "custom" else str(p["pack"])
            old = known_prompts.get(p["id"])
            if old is not None:
                if (old.phase, old.for_, old.text, old.pack) == (
                    p["phase"],
                    p["for"],
                    p["text"],
                    pack,
                ):
                    report.unchanged += 1
                    continue
                report.updated += 1
            elif (p["phase"], p["for"], p["text"].strip()) in same_words:
                report.unchanged += 1
                continue
            else:
                report.added += 1
            raw = journal.raw_record("prompts", p["id"])
            now = journal.records.stamp()
            journal.put_record(
                "prompts",
                {
                    "id": p["id"],
                    "phase": p["phase"],
                    "for_": p["for"],
                    "text": p["text"],
                    "pack": pack,
                    "created_at": raw["created_at"] if raw else now,
                    "updated_at": now,
                    "author": raw["author"] if raw else journal.me,
                    "deleted_at": None,
                },
            )
            same_words.add((p["phase"], p["for"], p["text"].strip()))
        for t in doc.get("templates", []):
            if _deleted(journal, template_store.TABLE, t["id"]):
                report.unchanged += 1
                continue
            template = template_from_json(t, pack=name)
            old_t: SessionTemplate | None = known_templates.get(template.id)
            if old_t is not None and old_t._replace(pack=name) == template:
                report.unchanged += 1
                continue
            report.updated += old_t is not None
            report.added += old_t is None
            template_store.put_session_template(journal, template.to_json(), pack=name)
        for a in doc.get("agreements", []):
            if _deleted(journal, template_store.TABLE, a["id"]):
                report.unchanged += 1
                continue
            old_a = known_agreements.get(a["id"])
            if old_a is not None and (old_a.name, old_a.text) == (a["name"], a["text"]):
                report.unchanged += 1
            else:
                report.updated += old_a is not None
                report.added += old_a is None
                template_store.put_agreement_text(journal, a["id"], a["name"], a["text"], pack=name)
        pair = journal.pair()
        agreements = doc.get("agreements", [])
        if pair is not None and not pair.agreement.strip() and agreements:
            journal.update_pair(agreement=agreements[0]["text"])
            report.agreement_set = True
    return report
