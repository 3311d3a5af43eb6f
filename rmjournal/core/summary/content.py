"""The shareable summary: what the pair tells others, only shareable items, approved by both.

A summary holds the pair, its dates, the review figures (`review.py`) and the items marked
*shareable* (goals, learnings, commitments and actions, agenda items, notes); nothing private or
pair-only ever reaches it. It renders as Markdown (`markdown.py`) or self-contained HTML
(`html.py`), and stays a DRAFT until both partners approve its current content.

**The approval hash.** Each approval stores the SHA-256 of a canonical JSON form of what the
summary shows *from the journal*: the pair (title, names, job titles, networks, start, cadence,
plan, review date), every shareable item's displayed fields (text, owner, status, due and closed
dates, tags, its session's number and date, which goal it is tagged to), and the figures that
change only when the journal changes (`ReviewFigures.stable()`: sessions held / scheduled /
cancelled and their dates, actions by kind, owner and status, commitments kept, days to close,
items per month). It leaves out what moves with the calendar alone (the "as of" date, overdue now,
days to the review, sessions missed: a planned session counts the same whatever its day),
timestamps that do not show, and the rendering (format, anonymised or not), so an approval does
not lapse as days pass and covers every form of the same content. Any change to what the hash
covers withdraws both approvals at once: an approval counts only while its hash equals the
current one. The hash is the same whichever partner computes it, since it uses only
what both may read and counts both see. Approvals live in the `approvals` table, one record per
role with a fixed id, so copies of a journal merge them by id like any other record.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from rmjournal.core.fields import hashed
from rmjournal.core.journal import Journal
from rmjournal.core.model import (
    Action,
    AgendaItem,
    Entry,
    Pair,
    Role,
    Session,
)
from rmjournal.core.review import GoalProgress, ReviewFigures, review_figures
from rmjournal.core.summary.approvals import ApprovalState, approval_states

HASH_VERSION = 1
"""Bumped if the canonical form changes (which withdraws every earlier approval, deliberately)."""

DRAFT_MARKER = "DRAFT: not yet approved by both partners"
"""Shown at the top of a summary until both partners approve its current content."""


KIND_NAMES = {
    "goals": "goal",
    "agenda_items": "agenda item",
    "entries": "entry",
    "actions": "action",
}


# ---------------------------------------------------------------------- the summary


@dataclass
class LeftOut:
    """What the summary leaves out, by visibility and kind (only shareable items go in)."""

    private_mine: Counter[str]
    private_partner: Counter[str]
    pair: Counter[str]

    @property
    def private(self) -> int:
        """Private items (the reader's and the partner's) never leave the journal."""
        return sum(self.private_mine.values()) + sum(self.private_partner.values())

    @property
    def pair_only(self) -> int:
        """Items both partners read but have not marked shareable."""
        return sum(self.pair.values())


@dataclass
class Summary:
    """Everything a shareable summary shows, and whether both partners approved it."""

    pair: Pair
    figures: ReviewFigures
    goals: list[GoalProgress]
    learnings: list[Entry]
    actions: list[Action]
    agenda: list[AgendaItem]
    notes: list[Entry]
    sessions: dict[str, Session]
    left_out: LeftOut
    content_hash: str
    approvals: dict[Role, ApprovalState]
    """Each partner's signed approval of this variant (the named summary unless `shown`)."""
    journal: Journal | None = dataclasses.field(default=None, repr=False, compare=False)
    anonymised: bool = False
    """Whether `approvals` are those of the anonymised variant (`summary.shown`)."""

    @property
    def approved(self) -> bool:
        """Both partners approved the current content: the summary is final, not a draft."""
        return bool(self.approvals) and all(s.approved for s in self.approvals.values())

    @property
    def commitments(self) -> list[Action]:
        """The shareable commitments (the mentee's own promises)."""
        return [a for a in self.actions if a.kind == "commitment"]

    def session_label(self, session_id: str | None) -> str:
        """E.g. "session 2, 2026-04-02" (or "" when unknown)."""
        s = self.sessions.get(session_id or "")
        return f"session {s.number}, {s.date.isoformat()}" if s else ""

    def canonical(self) -> dict[str, Any]:
        """The content the approval hash covers (see the module's note)."""
        return canonical_content(self)


def _session_ref(sessions: dict[str, Session], session_id: str | None) -> list[Any] | None:
    s = sessions.get(session_id or "")
    return [s.number, s.date.isoformat()] if s else None


def _entry_doc(e: Entry, sessions: dict[str, Session]) -> dict[str, Any]:
    return {**hashed("entries", e), "session": _session_ref(sessions, e.session_id)}


def _action_doc(a: Action, sessions: dict[str, Session]) -> dict[str, Any]:
    return {**hashed("actions", a), "session": _session_ref(sessions, a.agreed_in)}


def canonical_content(summary: Summary) -> dict[str, Any]:
    """The summary's content as plain JSON-able data, in a fixed order, for hashing."""
    p = summary.pair
    s = summary.sessions
    return {
        "summary": HASH_VERSION,
        "pair": {
            "id": p.id,
            "title": p.title,
            "mentor": [p.mentor.name, p.mentor.role, p.mentor.network],
            "mentee": [p.mentee.name, p.mentee.role, p.mentee.network],
            "started_on": p.started_on.isoformat(),
            "cadence_days": p.cadence_days,
            "planned_sessions": p.planned_sessions,
            "review_on": p.review_on.isoformat(),
        },
        "goals": [
            {
                **hashed("goals", g.goal),
                "actions": [a.id for a in g.actions],
                "learnings": [e.id for e in g.learnings],
            }
            for g in summary.goals
        ],
        "learnings": [_entry_doc(e, s) for e in summary.learnings],
        "notes": [_entry_doc(e, s) for e in summary.notes],
        "actions": [_action_doc(a, s) for a in summary.actions],
        "agenda": [
            {**hashed("agenda_items", i), "session": _session_ref(s, i.session_id)}
            for i in summary.agenda
        ],
        "figures": summary.figures.stable(),
    }


def canonical_bytes(summary: Summary) -> bytes:
    """The named summary's content as the bytes its approval signs (their SHA-256 is its hash)."""
    content = canonical_content(summary)
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


def content_hash_of(content: dict[str, Any]) -> str:
    """SHA-256 (hex) of canonical JSON: sorted keys, no spaces, UTF-8."""
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _left_out(journal: Journal) -> LeftOut:
    mine: Counter[str] = Counter()
    partner: Counter[str] = Counter()
    pair_only: Counter[str] = Counter()
    for table, kind in KIND_NAMES.items():
        rows = journal.records.execute(
            f"SELECT visibility, author, count(*) FROM {table}"  # noqa: S608 - fixed names
            " WHERE deleted_at IS NULL AND visibility != 'shareable' GROUP BY visibility, author"
        ).fetchall()
        for visibility, author, count in rows:
            if visibility == "pair":
                pair_only[kind] += int(count)
            elif author == journal.me:
                mine[kind] += int(count)
            else:
                partner[kind] += int(count)
    logs = journal.records.execute(
        "SELECT visibility, author, count(*) FROM follow_ups"
        " WHERE deleted_at IS NULL GROUP BY visibility, author"
    ).fetchall()
    for visibility, author, count in logs:  # follow-up notes never go into a summary
        target = pair_only if visibility != "private" else mine if author == journal.me else partner
        target["follow-up note"] += int(count)
    return LeftOut(mine, partner, pair_only)


def build_summary(journal: Journal, today: date | None = None) -> Summary:
    """The shareable summary of `journal` as of `today` (the journal's clock by default).

    Sessions still planned are left out of its figures: they have not happened, and planning
    one must not withdraw the approvals of a summary whose content it does not change."""
    items = journal.shareable_items()
    figures = review_figures(
        journal, today, shareable_only=True, items=items, include_planned=False
    )
    sessions = {s.id: s for s in items.sessions}

    def order(s_id: str | None) -> tuple[int, str]:
        s = sessions.get(s_id or "")
        return (s.number, s.date.isoformat()) if s else (0, "")

    notes = [e for e in items.entries if e.kind != "learning" and items.shareable(e)]
    notes.sort(key=lambda e: (order(e.session_id), e.created_at, e.id))
    actions = [a for a in items.actions if items.shareable(a)]
    actions.sort(key=lambda a: (a.kind != "commitment", a.created_at, a.id))
    agenda = [i for i in items.agenda if items.shareable(i)]
    agenda.sort(key=lambda i: (order(i.session_id), i.position, i.id))
    summary = Summary(
        pair=figures.pair,
        figures=figures,
        goals=figures.goals,
        learnings=figures.learnings,
        actions=actions,
        agenda=agenda,
        notes=notes,
        sessions=sessions,
        left_out=_left_out(journal),
        content_hash="",
        approvals={},
        journal=journal,
    )
    summary.content_hash = content_hash_of(canonical_content(summary))

    def legacy_hashes() -> list[str]:
        """The same content as approvals of earlier versions hashed it: with the planned
        sessions counted, and with the missed ones counted (which lapsed them as days passed)."""
        with_planned = review_figures(journal, today, shareable_only=True, items=items)
        with_missed = dataclasses.replace(figures, sessions_awaiting=figures.sessions_missed)
        return [
            content_hash_of(canonical_content(dataclasses.replace(summary, figures=f)))
            for f in (with_planned, with_missed)
        ]

    summary.approvals = approval_states(journal, summary.content_hash, legacy_hashes)
    return summary
