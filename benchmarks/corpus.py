"""A seeded corpus of reverse-mentoring journal entries, written for jrnl and for rmjournal.

The same entries become a jrnl plain-text journal and an rmjournal interchange document, so
the two tools are timed on identical content. Everything derives from one `random.Random(seed)`
and `uuid5` names, so a size and seed always give byte-identical output.
"""

from __future__ import annotations

import json
import os
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

SIZES = (1_000, 10_000, 50_000)
ENTRIES_PER_SESSION = 10
TAGS_PER_ENTRY = (0, 2)
"""Zero to two tags, one on average. jrnl counts tags in quadratic time on export and add
(`tags.count(tag) for tag in tags`), so more tags would slow jrnl down and flatter us."""
SEARCH_WORD = "sponsorship"
"""A word used in a few percent of entries and in no other field: the search benchmark's query."""

LAST_DAY = date(2026, 6, 30)
NAMESPACE = uuid.UUID("0d6a4b1e-7b43-5c3e-9a57-8e2f4c1b9a10")
KINDS = ("note", "reflection", "learning")
AUTHORS = ("mentor", "mentee")

# Fragments of the things pairs actually write about; combined, they rarely repeat verbatim.
_SUBJECTS = (
    "The induction pack",
    "Our recruitment panel",
    "The staff network",
    "My line manager",
    "The senior leadership team",
    "The new hybrid policy",
    "The private office",
    "The talent programme",
    "The exit interview data",
    "The promotion board",
    "The graduate scheme",
    "Our team meeting",
    "The flexible working request",
    "The annual appraisal",
    "The mentoring agreement",
    "The people survey",
)
_VERBS = (
    "quietly assumes",
    "rarely mentions",
    "depends on",
    "makes visible",
    "overlooks",
    "rewards",
    "gets in the way of",
    "was designed around",
    "could explain",
    "hides",
    "takes for granted",
    "was rewritten to include",
)
_OBJECTS = (
    "informal networks",
    "who you already know",
    "confidence in large meetings",
    "the unwritten rules",
    "people from minority ethnic backgrounds",
    "part-time staff",
    "the first ninety days",
    "how decisions are really made",
    "career conversations",
    "honest feedback",
    "access to stretch work",
    "the cost of speaking up",
)
_OPENERS = (
    "We talked about how",
    "Kwame explained how",
    "Helen asked how",
    "I noticed that",
    "We agreed to look at how",
    "Next time we should return to how",
    "I still do not see why",
    "It surprised me that",
    "I want to remember that",
    "We disagreed about whether",
)
_CLOSERS = (
    "I will bring the figures next session.",
    "Helen will ask HR for the breakdown.",
    "We left it open on purpose.",
    "This felt like progress.",
    "I need to think more about it.",
    "It changed how I read the survey.",
    "We will check again in a month.",
    "Neither of us had a good answer.",
    "I was nervous saying it, then relieved.",
    "It is a small change with a large effect.",
)
_SPONSOR = (
    "Sponsorship is not the same as mentoring, and we keep mixing them up.",
    "Who offers sponsorship here, and who never hears it is on offer?",
    "Helen said sponsorship cost her nothing and changed a career.",
)
_TAGS = (
    "induction",
    "recruitment",
    "inclusion",
    "confidence",
    "data",
    "networks",
    "feedback",
    "promotion",
    "hybrid",
    "leadership",
    "wellbeing",
    "careers",
)


@dataclass(frozen=True)
class CorpusEntry:
    """One journal entry as both tools will hold it: a title sentence, a body, tags."""

    number: int
    session: int
    written_at: datetime
    kind: str
    author: str
    title: str
    body: str
    tags: tuple[str, ...]

    @property
    def text(self) -> str:
        """The entry's Markdown text in rmjournal: title sentence, blank line, body."""
        return f"{self.title}\n\n{self.body}"


def _sentence(rng: random.Random) -> str:
    subject = rng.choice(_SUBJECTS)
    return (
        f"{rng.choice(_OPENERS)} {subject[0].lower()}{subject[1:]} "
        f"{rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
    )


def generate(count: int, seed: int = 8) -> list[CorpusEntry]:
    """`count` entries, oldest first, ~10 per session, sessions every one to three days."""
    rng = random.Random(f"rmjournal-bench-{seed}")
    sessions = -(-count // ENTRIES_PER_SESSION)
    gaps = [rng.randint(1, 3) for _ in range(sessions)]
    day = LAST_DAY - timedelta(days=sum(gaps))
    entries: list[CorpusEntry] = []
    for session in range(1, sessions + 1):
        day += timedelta(days=gaps[session - 1])
        start = datetime(day.year, day.month, day.day, 17, 0, tzinfo=UTC)
        for slot in range(min(ENTRIES_PER_SESSION, count - len(entries))):
            title = f"{rng.choice(_SUBJECTS)} {rng.choice(_VERBS)} {rng.choice(_OBJECTS)}."
            body = [_sentence(rng) for _ in range(rng.randint(2, 4))]
            if rng.random() < 0.04:
                body.insert(rng.randrange(len(body) + 1), rng.choice(_SPONSOR))
            body.append(rng.choice(_CLOSERS))
            entries.append(
                CorpusEntry(
                    number=len(entries) + 1,
                    session=session,
                    written_at=start + timedelta(minutes=5 * slot),
                    kind=rng.choice(KINDS),
                    author=AUTHORS[slot % 2],
                    title=title,
                    body=" ".join(body),
                    tags=tuple(sorted(rng.sample(_TAGS, rng.randint(*TAGS_PER_ENTRY)))),
                )
            )
    return entries


def matching(entries: list[CorpusEntry], word: str = SEARCH_WORD) -> int:
    """How many entries contain `word` (case-insensitive): what each search should find."""
    needle = word.lower()
    return sum(needle in e.text.lower() for e in entries)


# ---- jrnl's plain-text format ------------------------------------------------------------

JRNL_TIMEFORMAT = "%Y-%m-%d %H:%M"


def jrnl_text(entries: list[CorpusEntry]) -> str:
    """The entries in jrnl's plain-text journal format: `[time] title`, body, `@tags`."""
    parts = []
    for e in entries:
        tags = "".join(f" @{t}" for t in e.tags)
        parts.append(f"[{e.written_at.strftime(JRNL_TIMEFORMAT)}] {e.title}\n{e.body}{tags}\n")
    return "\n".join(parts)


# ---- rmjournal's interchange document -----------------------------------------------------


def _id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def _stamp(moment: datetime) -> str:
    return moment.isoformat()


def interchange_document(entries: list[CorpusEntry], seed: int = 8) -> dict[str, Any]:
    """The entries as an `rmjournal-export` v1 document (see interchange.md)."""
    first = entries[0].written_at if entries else datetime(2026, 1, 5, 17, tzinfo=UTC)
    last = entries[-1].written_at if entries else first
    by_session: dict[int, list[CorpusEntry]] = {}
    for e in entries:
        by_session.setdefault(e.session, []).append(e)
    sessions = []
    for number, group in by_session.items():
        held = group[0].written_at
        sessions.append(
            {
                "id": _id(seed, "session", number),
                "number": number,
                "date": held.date().isoformat(),
                "status": "held",
                "duration_minutes": 60,
                "place": "Video call",
                "created_at": _stamp(held - timedelta(days=1)),
                "updated_at": _stamp(held + timedelta(hours=2)),
                "agenda": [],
                "entries": [
                    {
                        "id": _id(seed, "entry", e.number),
                        "kind": e.kind,
                        "author": e.author,
                        "text": e.text,
                        "visibility": "pair",
                        "tags": list(e.tags),
                        "created_at": _stamp(e.written_at),
                        "updated_at": _stamp(e.written_at),
                    }
                    for e in group
                ],
            }
        )
    return {
        "format": "rmjournal-export",
        "version": 1,
        "exported_at": _stamp(last + timedelta(days=1)),
        "exported_by": "mentor",
        "pair": {
            "id": _id(seed, "pair"),
            "title": "Kwame & Helen — benchmark corpus",
            "mentor": {"name": "Kwame Mensah", "role": "Senior Policy Adviser"},
            "mentee": {"name": "Helen Brightwell", "role": "Director General"},
            "started_on": first.date().isoformat(),
            "cadence_days": 2,
            "planned_sessions": len(sessions),
            "review_on": (last.date() + timedelta(days=30)).isoformat(),
            "agreement": "We meet often and write down what we learn.",
            "goals": [],
        },
        "sessions": sessions,
        "actions": [],
        "prompts": [],
    }


def _write_private(path: Path, text: str) -> Path:
    """Write `text` to a new 0600 file: plaintext journal content is readable by its owner only."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    return path


def write_jrnl_text(entries: list[CorpusEntry], path: Path) -> Path:
    """Write the jrnl plain-text journal (plaintext: callers keep it under benchmarks/.work)."""
    return _write_private(path, jrnl_text(entries))


def write_interchange(entries: list[CorpusEntry], path: Path, seed: int = 8) -> Path:
    """Write the interchange JSON (plaintext: callers keep it under benchmarks/.work)."""
    return _write_private(path, json.dumps(interchange_document(entries, seed), ensure_ascii=False))
