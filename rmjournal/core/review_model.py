"""The review's value types: `ReviewFigures` and the small records it is made of.

`review.py` computes the figures from a journal; this module holds what they are (with their
sentences and the stable form the summary's approval hash covers) and the constants that judge
the cadence, so the screens and summaries that only read figures need not know how they are
counted. It imports nothing of `review.py`, which builds on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rmjournal.core.lifecycle import AgreementSignatures, CheckInFigures, Stage
from rmjournal.core.model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    Action,
    ActionKind,
    ActionStatus,
    Entry,
    Goal,
    GoalStatus,
    Opportunity,
    Owner,
    Pair,
    Session,
)
from rmjournal.text import counted

CADENCE_SLACK = 1.25
"""The cadence counts as kept while the mean gap between sessions is within 25% of it."""

SILENCE_CADENCES = 2
"""A silence of this many cadences since the last held session (while sessions of the plan
remain) means the cadence is not kept."""


def is_missed(session: Session, today: date, cadence_days: int) -> bool:
    """Planned, and its date more than half a cadence before `today`: neither held nor cancelled
    in time, so it counts as missed (lifecycle.md)."""
    return session.status == "planned" and (today - session.date).days * 2 > cadence_days


@dataclass(frozen=True)
class MonthCount:
    """A count for one calendar month, e.g. ("2026-04", 2)."""

    month: str
    count: int


@dataclass(frozen=True)
class SessionLearnings:
    """How many learnings one session produced."""

    number: int
    on: date
    status: str
    learnings: int


@dataclass
class GoalProgress:
    """A goal with the actions and learnings linked to it."""

    goal: Goal
    actions: list[Action] = field(default_factory=list)
    learnings: list[Entry] = field(default_factory=list)


@dataclass
class ReviewFigures:
    """The review of one pair as of `today`: what the screen shows and every export summarises."""

    today: date
    pair: Pair
    sessions_held: int
    sessions_planned: int
    """The number of sessions the pair planned (the pair's plan, e.g. 6)."""
    sessions_scheduled: int
    """Sessions on the calendar not yet held or cancelled."""
    sessions_cancelled: int
    held_dates: list[date]
    cadence_days: int
    mean_days_between: float | None
    """Mean days between consecutive held sessions, and from the last one to today while the
    plan still has sessions to hold (None with no gap to measure)."""
    sessions_by_month: list[MonthCount]
    """Held sessions per month, from the start month to the review month (or last activity)."""
    by_kind_status: dict[ActionKind, dict[ActionStatus, int]]
    by_owner_status: dict[Owner, dict[ActionStatus, int]]
    commitments_made: int
    commitments_kept: int
    overdue: int
    median_days_to_close: float | None
    """Median days from agreeing an action to closing it (done or dropped)."""
    opened_by_month: list[MonthCount]
    closed_by_month: list[MonthCount]
    learnings_by_month: list[MonthCount]
    learnings_by_session: list[SessionLearnings]
    learnings_total: int
    learnings: list[Entry]
    goals: list[GoalProgress]
    days_to_review: int
    """Days until the review date; negative once it has passed."""
    shareable_only: bool = False
    sessions_missed: int = 0
    """Planned sessions more than half a cadence in the past (`is_missed`); not in `scheduled`."""
    sessions_awaiting: int = 0
    """Planned sessions among those these figures count, waiting to be held or cancelled
    whatever their day (`scheduled` and `missed` alike): 0 where planned sessions are left out
    (the summary, which still shows the missed ones). The approval hash counts this, which a day
    passing never changes (`stable`)."""
    silence_days: int | None = None
    """Days from the last held session (or the start, or a decision at a review to extend or
    start a part two, whichever is latest) to today while the plan still has sessions to hold;
    None once every planned session is held."""
    goals_by_status: dict[GoalStatus, int] = field(default_factory=dict)
    """Every goal by status (the partner's private ones too)."""
    opportunities: list[Opportunity] = field(default_factory=list)
    """The opportunities the reader may read (only shareable ones for the summary)."""
    opportunities_offered: int = 0
    opportunities_taken: int = 0
    stage: Stage = "meeting"
    """The stage (`core.lifecycle.stage`)."""
    next_step: str = ""
    agreement: AgreementSignatures | None = None
    check_in: CheckInFigures | None = None
    a_year_on: list[Action] = field(default_factory=list)
    """The actions revisited at the check-in that the reader may read (shareable only for the
    summary), in the order they were agreed."""

    @property
    def decision(self) -> str | None:
        """The decision recorded at the review, if any."""
        return self.pair.decision

    @property
    def review_held_on(self) -> date | None:
        """The day the (latest) review was held."""
        return self.pair.review_held_on

    # ---------------------------------------------------------------- derived wording

    @property
    def by_status(self) -> dict[ActionStatus, int]:
        """Actions and commitments together, by status."""
        return {s: sum(self.by_kind_status[k][s] for k in ACTION_KINDS) for s in ACTION_STATUSES}

    @property
    def actions_total(self) -> int:
        """Every action and commitment agreed."""
        return sum(self.by_status.values())

    @property
    def cadence_kept(self) -> bool | None:
        """Whether the pair met as often as planned, looked at up to today (None: too early).

        Not kept after a missed session or a silence of `SILENCE_CADENCES` cadences; a
        cancelled session counts against it through the gap it leaves in the mean.
        """
        if self.sessions_missed:
            return False
        if self.silence_days is not None and (
            self.silence_days >= SILENCE_CADENCES * self.cadence_days
        ):
            return False
        if self.mean_days_between is None:
            return None
        return self.mean_days_between <= self.cadence_days * CADENCE_SLACK

    def sessions_sentence(self) -> str:
        """E.g. "4 of 6 planned sessions held (1 cancelled, 1 still scheduled)"."""
        extra = []
        if self.sessions_missed:
            extra.append(f"{self.sessions_missed} missed")
        if self.sessions_cancelled:
            extra.append(f"{self.sessions_cancelled} cancelled")
        if self.sessions_scheduled:
            extra.append(f"{self.sessions_scheduled} still scheduled")
        tail = f" ({', '.join(extra)})" if extra else ""
        return f"{self.sessions_held} of {self.sessions_planned} planned sessions held{tail}"

    def cadence_sentence(self) -> str:
        """The cadence kept in words, e.g. "every 28.0 days on average (planned: every 28)"."""
        if self.mean_days_between is None and self.cadence_kept is None:
            return f"not enough held sessions to tell (planned: every {self.cadence_days} days)"
        if self.mean_days_between is None:
            return (
                f"no sessions held to measure (planned: every {self.cadence_days} days; "
                "cadence not kept)"
            )
        verdict = "kept" if self.cadence_kept else "not kept"
        return (
            f"every {self.mean_days_between:.1f} days on average "
            f"(planned: every {self.cadence_days} days; cadence {verdict})"
        )

    def review_sentence(self) -> str:
        """Days to or since the review date; once the pair closed at its review, when that was
        (the plan's review date may still lie ahead: a review held early)."""
        held = self.pair.review_held_on
        if self.pair.decision == "close" and held is not None:
            return f"the review was held on {held.isoformat()} and the pair closed"
        when = self.pair.review_on.isoformat()
        if self.days_to_review > 0:
            n = self.days_to_review
            return f"{counted(n, 'day')} to the review ({when})"
        if self.days_to_review == 0:
            return f"the review is today ({when})"
        n = -self.days_to_review
        return f"the review was {counted(n, 'day')} ago ({when})"

    def stable(self) -> dict[str, Any]:
        """The figures that change only when the journal changes (not with the date).

        The summary's approval hash covers these; `today`, `overdue` and `days_to_review` are
        left out so approvals do not expire merely because a day passed.
        """
        return {
            "sessions_held": self.sessions_held,
            "sessions_planned": self.sessions_planned,
            # Missed is a matter of the date: the hash counts planned sessions whatever their day.
            "sessions_scheduled": self.sessions_awaiting,
            "sessions_cancelled": self.sessions_cancelled,
            "held_dates": [d.isoformat() for d in self.held_dates],
            "cadence_days": self.cadence_days,
            "sessions_by_month": [[m.month, m.count] for m in self.sessions_by_month],
            "by_kind_status": self.by_kind_status,
            "by_owner_status": self.by_owner_status,
            "commitments": [self.commitments_kept, self.commitments_made],
            "median_days_to_close": self.median_days_to_close,
            "opened_by_month": [[m.month, m.count] for m in self.opened_by_month],
            "closed_by_month": [[m.month, m.count] for m in self.closed_by_month],
            "learnings_by_month": [[m.month, m.count] for m in self.learnings_by_month],
            "learnings_by_session": [
                [s.number, s.on.isoformat(), s.status, s.learnings]
                for s in self.learnings_by_session
            ],
            **self._stable_lifecycle(),
        }

    def _stable_lifecycle(self) -> dict[str, Any]:
        """What the relationship's later stages add to the summary: the review held, the
        decision, goals' statuses, the opportunities shown and the check-in. Left out while
        none of it exists, so a summary approved before these existed keeps its approvals."""
        pair = self.pair
        check = self.check_in
        goals = {k: v for k, v in self.goals_by_status.items() if k != "open" and v}
        found = {
            "phase": pair.phase if pair.phase != 1 else None,
            "review_held_on": pair.review_held_on.isoformat() if pair.review_held_on else None,
            "decision": pair.decision,
            "check_in_on": pair.check_in_on.isoformat() if pair.check_in_on else None,
            "goals_by_status": goals or None,
            "goal_statuses": [[g.goal.id, g.goal.status, g.goal.status_note] for g in self.goals]
            if goals
            else None,
            "opportunities": [
                [o.id, o.title, o.offered_by, o.offered_on.isoformat(), o.status, o.outcome]
                for o in self.opportunities
            ]
            or None,
            "opportunity_counts": [self.opportunities_offered, self.opportunities_taken]
            if self.opportunities_offered
            else None,
            "check_in": dict(check.counts) if check and any(check.counts.values()) else None,
            "a_year_on": [[a.id, a.check_in, a.check_in_note] for a in self.a_year_on] or None,
        }
        present = {k: v for k, v in found.items() if v is not None}
        return {"lifecycle": present} if present else {}
