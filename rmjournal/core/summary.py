"""The shareable summary: what the pair tells others, only shareable items, approved by both.

A summary holds the pair, its dates, the review figures (`review.py`) and the items marked
*shareable* (goals, learnings, commitments and actions, agenda items, notes); nothing private or
pair-only ever reaches it. It renders as Markdown (here) or self-contained HTML
(`summary_html.py`), and stays a DRAFT until both partners approve its current content.

**The approval hash.** Each approval stores the SHA-256 of a canonical JSON form of what the
summary shows *from the journal*: the pair (title, names, job titles, networks, start, cadence,
plan, review date), every shareable item's displayed fields (text, owner, status, due and closed
dates, tags, its session's number and date, which goal it is tagged to), and the figures that
change only when the journal changes (`ReviewFigures.stable()`: sessions held / scheduled /
cancelled and their dates, actions by kind, owner and status, commitments kept, days to close,
items per month). It leaves out what moves with the calendar alone (the "as of" date, overdue now,
days to the review), timestamps that do not show, and the rendering (format, anonymised or not),
so an approval does not lapse overnight and covers every form of the same content. Any change to
what the hash covers withdraws both approvals at once: an approval counts only while its hash
equals the current one. The hash is the same whichever partner computes it, since it uses only
what both may read and counts both see. Approvals live in the `approvals` table, one record per
role with a fixed id, so copies of a journal merge them by id like any other record.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from rmjournal.core.errors import JournalError, NotFound
from rmjournal.core.journal import Journal
from rmjournal.core.model import (
    ROLES,
    Action,
    ActionStatus,
    AgendaItem,
    Entry,
    Owner,
    Pair,
    Role,
    Session,
)
from rmjournal.core.review import GoalProgress, ReviewFigures, review_figures

HASH_VERSION = 1
"""Bumped if the canonical form changes (which withdraws every earlier approval, deliberately)."""

DRAFT_MARKER = "DRAFT: not yet approved by both partners"
"""Shown at the top of a summary until both partners approve its current content."""

Format = Literal["markdown", "html"]
FORMATS: dict[str, Format] = {"markdown": "markdown", "md": "markdown", "html": "html"}

_APPROVAL_NS = uuid.UUID("6f1d7c2e-3b1a-4c55-9a59-2f6f3c1e8b11")

KIND_NAMES = {
    "goals": "goal",
    "agenda_items": "agenda item",
    "entries": "entry",
    "actions": "action",
}


# ---------------------------------------------------------------------- approvals


@dataclass(frozen=True)
class Approval:
    """One partner's approval of the summary as it stood (bound to its content hash)."""

    role: Role
    content_hash: str
    approved_at: str

    @property
    def on(self) -> date:
        """The day it was given."""
        return date.fromisoformat(self.approved_at[:10])


@dataclass(frozen=True)
class ApprovalState:
    """Where one partner stands on the current summary."""

    role: Role
    current: Approval | None
    """Their approval of the summary as it is now, if they gave one."""
    withdrawn: Approval | None
    """Their approval of an earlier version, withdrawn by a later change."""

    @property
    def approved(self) -> bool:
        """Whether this partner approved the current content."""
        return self.current is not None

    def sentence(self, who: str) -> str:
        """E.g. "Kwame Mensah (the mentor) approved this version on 2026-07-20"."""
        if self.current is not None:
            return f"{who} approved this version on {self.current.on.isoformat()}"
        if self.withdrawn is not None:
            return (
                f"{who} approved an earlier version on {self.withdrawn.on.isoformat()}; "
                "it has changed since, so that approval was withdrawn"
            )
        return f"{who} has not approved it yet"


def _approval_id(pair_id: str, role: Role) -> str:
    return str(uuid.uuid5(_APPROVAL_NS, f"{pair_id}:{role}"))


def stored_approvals(journal: Journal) -> dict[Role, Approval]:
    """The latest approval each partner gave (whatever content it was for)."""
    found: dict[Role, Approval] = {}
    rows = journal.records.execute(
        "SELECT role, content_hash, approved_at FROM approvals"
        " WHERE deleted_at IS NULL ORDER BY approved_at"
    ).fetchall()
    for role, content_hash, approved_at in rows:
        if role in ROLES and content_hash and approved_at:
            found[role] = Approval(role, content_hash, approved_at)
    return found


def approval_states(
    journal: Journal, content_hash: str, legacy_hash: Callable[[], str] | None = None
) -> dict[Role, ApprovalState]:
    """Each partner's standing on the summary whose content hash is `content_hash`.

    `legacy_hash` gives the same content's hash as approvals before planned sessions were left
    out of the summary computed it: an approval given then still counts while it matches."""
    stored = stored_approvals(journal)
    states: dict[Role, ApprovalState] = {}
    legacy: list[str] = []
    for role in ROLES:
        given = stored.get(role)
        if given is not None and given.content_hash != content_hash and legacy_hash is not None:
            if not legacy:
                legacy.append(legacy_hash())
            if given.content_hash == legacy[0]:
                given = dataclasses.replace(given, content_hash=content_hash)
        if given is not None and given.content_hash == content_hash:
            states[role] = ApprovalState(role, given, None)
        else:
            states[role] = ApprovalState(role, None, given)
    return states


def approve(journal: Journal, role: Role | None = None, *, today: date | None = None) -> Approval:
    """Record that `role` (the reader by default) approves the summary as it stands now.

    Approving for the partner is for the app, once the partner has typed their own passphrase.
    """
    who: Role = role or journal.me
    if who not in ROLES:
        raise JournalError(f"Only the mentor or the mentee can approve, not {who!r}.")
    pair = journal.pair()
    if pair is None:
        raise NotFound("This journal has no pair yet, so there is no summary to approve.")
    content_hash = build_summary(journal, today).content_hash
    stamp = journal.records.stamp()
    journal.records.execute(
        "INSERT INTO approvals (id, role, content_hash, approved_at, created_at, updated_at,"
        " author, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?, NULL)"
        " ON CONFLICT(id) DO UPDATE SET content_hash = excluded.content_hash,"
        " approved_at = excluded.approved_at, updated_at = excluded.updated_at,"
        " author = excluded.author, deleted_at = NULL",
        (_approval_id(pair.id, who), who, content_hash, stamp, stamp, stamp, journal.me),
    )
    journal.records.count_changes()
    return Approval(who, content_hash, stamp)


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

    @property
    def approved(self) -> bool:
        """Both partners approved the current content: the summary is final, not a draft."""
        return all(state.approved for state in self.approvals.values())

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
    return {
        "id": e.id,
        "kind": e.kind,
        "author": e.author,
        "text": e.text,
        "prompt": e.prompt,
        "tags": e.tags,
        "session": _session_ref(sessions, e.session_id),
    }


def _action_doc(a: Action, sessions: dict[str, Session]) -> dict[str, Any]:
    return {
        "id": a.id,
        "title": a.title,
        "detail": a.detail,
        "kind": a.kind,
        "owner": a.owner,
        "status": a.status,
        "due_on": a.due_on.isoformat() if a.due_on else None,
        "closed_on": a.closed_on.isoformat() if a.closed_on else None,
        "tags": a.tags,
        "session": _session_ref(sessions, a.agreed_in),
    }


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
                "id": g.goal.id,
                "owner": g.goal.owner,
                "text": g.goal.text,
                "actions": [a.id for a in g.actions],
                "learnings": [e.id for e in g.learnings],
            }
            for g in summary.goals
        ],
        "learnings": [_entry_doc(e, s) for e in summary.learnings],
        "notes": [_entry_doc(e, s) for e in summary.notes],
        "actions": [_action_doc(a, s) for a in summary.actions],
        "agenda": [
            {
                "id": i.id,
                "topic": i.topic,
                "notes": i.notes,
                "outcome": i.outcome,
                "raised_by": i.raised_by,
                "minutes": i.minutes,
                "prompt": i.prompt,
                "session": _session_ref(s, i.session_id),
            }
            for i in summary.agenda
        ],
        "figures": summary.figures.stable(),
    }


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


def rebind_legacy_approvals(journal: Journal) -> None:
    """Store, for an approval that counts only by its legacy hash (`approval_states`), the hash
    of the same content as computed now, so that planning a session (which changed the legacy
    hash, not the content) keeps it. Called before a session is planned or deleted."""
    stored = stored_approvals(journal)
    if not stored or journal.pair() is None:  # nothing to keep: no summary built
        return
    summary = build_summary(journal)
    for role, state in summary.approvals.items():
        given = stored.get(role)
        if state.approved and given is not None and given.content_hash != summary.content_hash:
            journal.records.write(
                "UPDATE approvals SET content_hash = ?, updated_at = ? WHERE id = ?",
                (
                    summary.content_hash,
                    journal.records.stamp(),
                    _approval_id(summary.pair.id, role),
                ),
            )


def build_summary(journal: Journal, today: date | None = None) -> Summary:
    """The shareable summary of `journal` as of `today` (the journal's clock by default).

    Sessions still planned are left out of its figures: they have not happened, and planning
    one must not withdraw the approvals of a summary whose content it does not change."""
    figures = review_figures(journal, today, shareable_only=True, include_planned=False)
    sessions = {s.id: s for s in journal.sessions()}

    def order(s_id: str | None) -> tuple[int, str]:
        s = sessions.get(s_id or "")
        return (s.number, s.date.isoformat()) if s else (0, "")

    shareable_entries = [
        e for e in journal.entries() if e.visibility == "shareable" and not e.hidden
    ]
    notes = [e for e in shareable_entries if e.kind != "learning"]
    notes.sort(key=lambda e: (order(e.session_id), e.created_at, e.id))
    actions = [a for a in journal.actions(order="agreed") if a.visibility == "shareable"]
    actions.sort(key=lambda a: (a.kind != "commitment", a.created_at, a.id))
    agenda = [i for i in journal.all_agenda_items() if i.visibility == "shareable"]
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
    )
    summary.content_hash = content_hash_of(canonical_content(summary))

    def legacy_hash() -> str:
        with_planned = review_figures(journal, today, shareable_only=True)
        return content_hash_of(
            canonical_content(dataclasses.replace(summary, figures=with_planned))
        )

    summary.approvals = approval_states(journal, summary.content_hash, legacy_hash)
    return summary


# ---------------------------------------------------------------------- anonymising

_HONORIFICS = {
    "sir", "dame", "lord", "lady", "dr", "mr", "mrs", "ms", "mx", "miss", "prof", "professor",
    "rt", "hon", "mbe", "obe", "cbe", "kbe", "dbe", "cb", "the", "of", "and", "de", "van", "von",
}  # fmt: skip
"""Words in a name that are not the person's own (replacing them everywhere would harm text)."""

_BEFORE_SENTENCE = re.compile(r"(?:^|[.!?:]\s*|\n\s*|[\"“(]\s*)$")


class Anonymiser:
    """Puts "the mentor" / "the mentee" in place of each partner's names in any text.

    Full names, each first, middle and last name, hyphenated parts, possessives ("Helen's"
    becomes "the mentee's"), any letter case, at word boundaries only.
    """

    def __init__(self, pair: Pair) -> None:
        words: dict[str, set[Role]] = {}
        for role in ROLES:
            name = " ".join(pair.person(role).name.split())
            if not name:
                continue
            candidates = {name}
            parts = re.split(r"\s+", name)
            candidates.update(parts)
            for part in parts:
                candidates.update(p for p in re.split(r"[-‐]", part) if p)
            for candidate in candidates:
                bare = candidate.strip(".,")
                if len(bare) < 2 or bare.lower() in _HONORIFICS:
                    continue
                words.setdefault(bare.lower(), set()).add(role)
        self._roles = {
            w: (f"the {next(iter(r))}" if len(r) == 1 else "a partner") for w, r in words.items()
        }
        ordered = sorted(self._roles, key=len, reverse=True)
        self._pattern = (
            re.compile(
                r"(?<!\w)(?:" + "|".join(re.escape(w) for w in ordered) + r")(?!\w)",
                re.IGNORECASE,
            )
            if ordered
            else None
        )

    def __call__(self, text: str) -> str:
        """`text` with every partner's name replaced by their role."""
        if self._pattern is None or not text:
            return text

        def swap(match: re.Match[str]) -> str:
            words = self._roles[match.group().lower()]
            if _BEFORE_SENTENCE.search(text[: match.start()]):
                return words[0].upper() + words[1:]
            return words

        return self._pattern.sub(swap, text)


# ---------------------------------------------------------------------- shared wording


class Wording:
    """The words both renderers use, with names or roles as asked (user text anonymised too)."""

    def __init__(self, summary: Summary, anonymise: bool) -> None:
        self.summary = summary
        self.anonymise = anonymise
        self._anon: Callable[[str], str] = Anonymiser(summary.pair) if anonymise else str

    def text(self, value: str | None) -> str:
        """User text, anonymised if asked (escaping is the renderer's job)."""
        return self._anon(value or "")

    def who(self, role: str) -> str:
        """A partner as named beside an item: "Kwame Mensah", or "the mentor" when anonymised."""
        if role == "both":
            return "both partners"
        if self.anonymise or role not in ("mentor", "mentee"):
            return f"the {role}"
        return self.summary.pair.person("mentor" if role == "mentor" else "mentee").name

    def who_full(self, role: Role) -> str:
        """A partner with their role: "Kwame Mensah (the mentor)", or "the mentor"."""
        return f"the {role}" if self.anonymise else f"{self.who(role)} (the {role})"

    def title(self) -> str:
        """The pair's title."""
        return self.text(self.summary.pair.title) or "Reverse mentoring"

    def person_line(self, role: Role) -> str:
        """Name, job title and network (job and network are left out when anonymised)."""
        person = self.summary.pair.person(role)
        if self.anonymise:
            return f"The {role}"
        extra = ", ".join(x for x in (person.role, person.network or "") if x.strip())
        return f"{person.name}" + (f" — {extra}" if extra else "")

    def approval_lines(self) -> list[str]:
        """Who approved and when, one sentence per partner."""
        s = self.summary
        if s.approved:
            parts = [
                f"{self.who_full(r)} on {st.current.on.isoformat()}"
                for r, st in s.approvals.items()
                if st.current is not None
            ]
            return [f"Approved by both partners: {' and '.join(parts)}."]
        return [cap(st.sentence(self.who_full(r))) + "." for r, st in s.approvals.items()]

    def as_of(self) -> str:
        """E.g. "Figures as of 2026-07-20; 44 days to the review (2026-09-02)." """
        f = self.summary.figures
        return f"Figures as of {f.today.isoformat()}; {f.review_sentence()}."


def cap(text: str) -> str:
    """`text` with its first letter in upper case (the rest untouched)."""
    return text[:1].upper() + text[1:]


STATUS_WORDS: dict[ActionStatus, str] = {
    "open": "open",
    "in_progress": "in progress",
    "done": "done",
    "dropped": "dropped",
}
OUTCOME_WORDS = {
    "open": "open",
    "discussed": "discussed",
    "carried_over": "carried over",
    "dropped": "dropped",
}


# ---------------------------------------------------------------------- Markdown

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
_MD_ORDERED = re.compile(r"^(\d+)([.)])")


def md_line(line: str) -> str:
    """One line of user text as literal Markdown: no emphasis, links, HTML or block syntax."""
    line = _MD_SPECIAL.sub(r"\\\1", line.strip())
    line = _MD_ENTITY.sub(r"\\&", line)
    if line[:1] in ("#", "+", "-", "="):
        return "\\" + line
    return _MD_ORDERED.sub(r"\1\\\2", line)


def md_inline(text: str) -> str:
    """User text on one line (whitespace collapsed) as literal Markdown."""
    return md_line(" ".join(text.split()))


def md_block(text: str, indent: str = "  ") -> str:
    """Multi-line user text as literal Markdown paragraphs, continuation lines indented."""
    lines = [md_line(line) for line in text.strip().splitlines()]
    out: list[str] = []
    for line in lines:
        if not line:
            if out and out[-1] != "":
                out.append("")
            continue
        out.append(line)
    return ("\n" + indent).join(out).replace("\n" + indent + "\n", "\n\n")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


def pair_lines(w: Wording) -> list[tuple[str, str]]:
    """Who the pair are and their plan as (label, value) pairs, shared by both formats."""
    p = w.summary.pair
    return [
        *((cap(role), w.person_line(role)) for role in ROLES),
        ("Started", p.started_on.isoformat()),
        ("Meeting", f"every {p.cadence_days} days, {p.planned_sessions} sessions planned"),
        ("Review", p.review_on.isoformat()),
    ]


def figure_lines(w: Wording) -> list[tuple[str, str]]:
    """The review at a glance as (label, value) pairs, shared by both formats."""
    f = w.summary.figures
    close = "—" if f.median_days_to_close is None else f"{f.median_days_to_close:g} days"
    return [
        ("Sessions", f.sessions_sentence()),
        ("Cadence", f.cadence_sentence()),
        ("Actions and commitments agreed", str(f.actions_total)),
        ("Commitments kept", f"{f.commitments_kept} of {f.commitments_made}"),
        ("Overdue now", str(f.overdue)),
        ("Median time to close an action", close),
        ("Learnings recorded", str(f.learnings_total)),
        ("Review", f.review_sentence()),
    ]


def status_table(f: ReviewFigures) -> list[tuple[str, int, int, int]]:
    """Rows of (status, actions, commitments, total)."""
    return [
        (
            STATUS_WORDS[s].capitalize(),
            f.by_kind_status["action"][s],
            f.by_kind_status["commitment"][s],
            f.by_status[s],
        )
        for s in STATUS_WORDS
    ]


def owner_table(f: ReviewFigures, w: Wording) -> list[tuple[str, list[int]]]:
    """Rows of (owner, counts by status in STATUS_WORDS order)."""
    names: dict[Owner, str] = {"mentor": "The mentor", "mentee": "The mentee", "both": "Both"}
    return [(names[o], [f.by_owner_status[o][s] for s in STATUS_WORDS]) for o in names]


def month_table(f: ReviewFigures) -> list[tuple[str, int, int, int, int]]:
    """Rows of (month, sessions held, actions agreed, actions closed, learnings)."""
    return [
        (m.month, m.count, o.count, c.count, learn.count)
        for m, o, c, learn in zip(
            f.sessions_by_month,
            f.opened_by_month,
            f.closed_by_month,
            f.learnings_by_month,
            strict=True,
        )
    ]


def action_line(a: Action, w: Wording) -> str:
    """E.g. "commitment of the mentee, in progress, due 2026-06-30"."""
    bits = [f"{a.kind} of {w.who(a.owner)}", STATUS_WORDS[a.status]]
    if a.due_on and a.status in ("open", "in_progress"):
        bits.append(f"due {a.due_on.isoformat()}")
    if a.closed_on and a.status in ("done", "dropped"):
        bits.append(f"{STATUS_WORDS[a.status]} on {a.closed_on.isoformat()}")
        bits.pop(1)
    return ", ".join(bits)


def entry_line(e: Entry, w: Wording) -> str:
    """E.g. "the mentee, session 2, 2026-04-02"."""
    where = w.summary.session_label(e.session_id)
    return f"{w.who(e.author)}" + (f", {where}" if where else "")


def render_markdown(summary: Summary, anonymise: bool = False) -> str:
    """The summary as Markdown; user text is escaped so it cannot change the document's shape."""
    w = Wording(summary, anonymise)
    f = summary.figures
    out: list[str] = []
    add = out.append
    if not summary.approved:
        add(f"> **{DRAFT_MARKER}.**")
        for line in w.approval_lines():
            add(">")
            add(f"> {md_inline(line)}")
        add("")
    add(f"# {md_inline(w.title())}")
    add("")
    add("A shareable summary of a reverse-mentoring pair. " + md_inline(w.as_of()))
    add("")
    add("## The pair")
    add("")
    for label, value in pair_lines(w):
        add(f"- **{label}:** {md_inline(value)}")
    add("")
    add("## The review in figures")
    add("")
    for label, value in figure_lines(w):
        add(f"- **{label}:** {md_inline(value)}")
    add("")
    add("### Actions and commitments by status")
    add("")
    add("| Status | Actions | Commitments | Total |")
    add("| --- | ---: | ---: | ---: |")
    for status, actions, commitments, total in status_table(f):
        add(f"| {status} | {actions} | {commitments} | {total} |")
    add("")
    add("### By owner")
    add("")
    add("| Owner | " + " | ".join(s.capitalize() for s in STATUS_WORDS.values()) + " |")
    add("| --- |" + " ---: |" * len(STATUS_WORDS))
    for owner, counts in owner_table(f, w):
        add(f"| {owner} | " + " | ".join(map(str, counts)) + " |")
    add("")
    add("### Month by month")
    add("")
    add("| Month | Sessions held | Actions agreed | Actions closed | Learnings |")
    add("| --- | ---: | ---: | ---: | ---: |")
    for month, held, opened, closed, learned in month_table(f):
        add(f"| {month} | {held} | {opened} | {closed} | {learned} |")
    add("")
    add("## Goals")
    add("")
    if not summary.goals:
        add("No goal is marked shareable.")
        add("")
    for g in summary.goals:
        add(f"### Goal of {md_inline(w.who(g.goal.owner))}")
        add("")
        add(md_block(w.text(g.goal.text), ""))
        add("")
        for a in g.actions:
            add(f"- {cap(md_inline(action_line(a, w)))}: {md_inline(w.text(a.title))}")
        for e in g.learnings:
            add(f"- Learning ({md_inline(entry_line(e, w))}): {md_inline(w.text(e.text))}")
        if g.actions or g.learnings:
            add("")
    add("## What we learned")
    add("")
    if not summary.learnings:
        add("No learning is marked shareable.")
    for e in summary.learnings:
        add(f"- **{cap(md_inline(entry_line(e, w)))}:** {md_block(w.text(e.text))}")
    add("")
    add("## Commitments and actions")
    add("")
    if not summary.actions:
        add("No commitment or action is marked shareable.")
    for a in summary.actions:
        line = f"- **{md_inline(w.text(a.title))}** ({md_inline(action_line(a, w))})"
        if a.detail.strip():
            line += f"  \n  {md_block(w.text(a.detail))}"
        add(line)
    add("")
    if summary.agenda or summary.notes:
        add("## From our sessions")
        add("")
        for item in summary.agenda:
            where = md_inline(summary.session_label(item.session_id))
            line = (
                f"- **{md_inline(w.text(item.topic))}** ({where}; raised by "
                f"{md_inline(w.who(item.raised_by))}; {OUTCOME_WORDS[item.outcome]})"
            )
            if item.notes.strip():
                line += f"  \n  {md_block(w.text(item.notes))}"
            add(line)
        for e in summary.notes:
            label = cap(md_inline(f"{e.kind} by {entry_line(e, w)}"))
            prompt = f" *{md_inline(w.text(e.prompt))}*" if e.prompt else ""
            add(f"- **{label}:**{prompt} {md_block(w.text(e.text))}")
        add("")
    add("## Approval")
    add("")
    for line in w.approval_lines():
        add(md_inline(line))
        add("")
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------------- entry point


def render_summary(
    journal: Journal, fmt: str, anonymise: bool = False, today: date | None = None
) -> str:
    """The shareable summary of `journal` in `fmt` ("markdown" or "html"), as of `today`."""
    kind = FORMATS.get(fmt)
    if kind is None:
        raise JournalError(f"A summary can be markdown or html, not {fmt!r}.")
    summary = build_summary(journal, today)
    if kind == "markdown":
        return render_markdown(summary, anonymise)
    from rmjournal.core.summary_html import render_html

    return render_html(summary, anonymise)
