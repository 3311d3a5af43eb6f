"""The words both renderers use: names or roles, anonymised user text (`core.anonymise`), the
lines and tables that the Markdown and the HTML summary share."""

from __future__ import annotations

from collections.abc import Callable

from rmjournal.core.anonymise import Anonymiser
from rmjournal.core.model import (
    ROLES,
    STATUS_WORDS,
    Action,
    Entry,
    Opportunity,
    Owner,
    Role,
)
from rmjournal.core.review import ReviewFigures
from rmjournal.core.summary.content import Summary

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


# ------------------------------------------------------------------ the whole relationship

DECISION_WORDS = {"close": "close", "extend": "extend", "part_two": "start a part two"}
"""The decision at review as the summary says it."""


def relationship_lines(w: Wording) -> list[tuple[str, str]]:
    """The stage, the agreement's signatures, the review and its decision, goals by status,
    opportunities and the check-in, as (label, value) pairs shared by both formats."""
    from rmjournal.core.lifecycle import STAGE_WORDS

    f = w.summary.figures
    p = w.summary.pair
    goals = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in f.goals_by_status.items())
    lines = [
        ("Stage", f"{STAGE_WORDS[f.stage]}, phase {p.phase}"),
        ("Agreement", f.agreement.sentence() if f.agreement else "not signed"),
        ("Review held", p.review_held_on.isoformat() if p.review_held_on else "not yet"),
        ("Decision", DECISION_WORDS.get(p.decision or "", "none yet")),
        ("Goals by status", goals or "no goals"),
        (
            "Opportunities",
            f"{f.opportunities_offered} offered, {f.opportunities_taken} taken up",
        ),
    ]
    if p.check_in_on is not None and f.check_in is not None:
        c = f.check_in.counts
        lines.append(
            (
                "A year on",
                f"check-in {p.check_in_on.isoformat()}: {c['kept']} kept, {c['partly']} "
                f"partly, {c['not_kept']} not kept",
            )
        )
    return lines


def goal_status_line(status: str, note: str | None, w: Wording) -> str:
    """E.g. "achieved: The advert template changed"."""
    words = status.replace("_", " ")
    return f"{words}: {w.text(note)}" if note else words


def opportunity_line(o: Opportunity, w: Wording) -> str:
    """E.g. "offered by David Reed on 2026-06-04, taken up" (the title and outcome apart)."""
    taken = {"offered": "not yet taken up", "taken": "taken up", "declined": "declined"}
    return f"offered by {w.who(o.offered_by)} on {o.offered_on.isoformat()}, {taken[o.status]}"


def year_on_line(a: Action) -> str:
    """An action's check-in in words, e.g. "partly kept"."""
    return {"kept": "kept", "partly": "partly kept", "not_kept": "not kept"}.get(
        a.check_in or "", "not revisited"
    )


def shown_texts(w: Wording) -> list[str]:
    """Every piece of free text the summary shows, as it shows it (anonymised if asked): what
    the check before writing a summary reads (`core.anonymise.findings`)."""
    s = w.summary
    raw: list[str | None] = []  # not the job titles and networks: the pair's own, all capitals
    for g in s.goals:
        raw += [g.goal.text, *(a.title for a in g.actions), *(e.text for e in g.learnings)]
    raw += [e.text for e in s.learnings]
    raw += [x for a in s.actions for x in (a.title, a.detail)]
    raw += [x for item in s.agenda for x in (item.topic, item.notes)]
    raw += [x for e in s.notes for x in (e.prompt, e.text)]
    raw += [g.goal.status_note for g in s.goals]
    raw += [x for o in s.figures.opportunities for x in (o.title, o.outcome)]
    raw += [x for a in s.figures.a_year_on for x in (a.title, a.check_in_note)]
    return [w.title(), *(w.text(t) for t in raw if t)]
