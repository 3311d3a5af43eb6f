"""The six-month review figures: one structure behind the Review screen and every summary.

What changed, in numbers: sessions held against the plan and the cadence actually kept, actions
and commitments by status and owner, commitments kept, overdue now, days to close, learnings
over time, each goal with what was tagged to it, and the days to (or since) the review.

Visibility: every count covers every item in the journal (the partner's private items too, since
their kind, status, owner and dates are stored in the clear and the reader already sees that they
exist); no text of an item the reader may not read is ever used. The lists of items with text
(goals, their linked actions and learnings, the learnings) hold what the reader may read, or only
shareable items when `shareable_only=True` (the summary). Counts therefore come out the same for
both partners, which the summary's approval hash relies on.

Dates: an action counts from `agreed_on` (its session's date, else the day it was written), so
agreed-per-month and days-to-close are true however late the action was typed in. The cadence
and the missed sessions are judged up to `today`.

What a goal gathers: the actions and learnings *linked* to it by choice (`Goal.links`, set with
`Journal.link_to_goal`). A tag alone never links: a learning tagged `the` is not evidence for
"Change at least one hiring practice".

The value types (`ReviewFigures` and its parts) live in `review_model.py`; they are named here
too (`__all__`) so that readers of the figures keep one place to import them from.
"""

from __future__ import annotations

import statistics
from collections import Counter
from datetime import date
from itertools import pairwise
from typing import Any

from rmjournal.core.journal import Journal
from rmjournal.core.lifecycle import (
    agreement_signatures,
    check_in_figures,
    next_step,
    stage,
)
from rmjournal.core.model import (
    ACTION_KINDS,
    ACTION_STATUSES,
    GOAL_STATUSES,
    OWNERS,
    Action,
    Entry,
    Goal,
    ReviewItems,
    Session,
)
from rmjournal.core.review_model import (
    CADENCE_SLACK,
    SILENCE_CADENCES,
    GoalProgress,
    MonthCount,
    ReviewFigures,
    SessionLearnings,
    is_missed,
)

__all__ = [
    "CADENCE_SLACK",
    "SILENCE_CADENCES",
    "GoalProgress",
    "MonthCount",
    "ReviewFigures",
    "SessionLearnings",
    "is_missed",
    "month_of",
    "months_between",
    "review_document",
    "review_figures",
]

# -------------------------------------------------------------------- helpers


def month_of(day: date) -> str:
    """`day`'s calendar month as "YYYY-MM"."""
    return f"{day.year:04d}-{day.month:02d}"


def months_between(first: date, last: date) -> list[str]:
    """Every "YYYY-MM" from `first`'s month to `last`'s, inclusive (empty if `last` is earlier)."""
    months: list[str] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _per_month(months: list[str], days: list[date]) -> list[MonthCount]:
    counts = Counter(month_of(d) for d in days)
    return [MonthCount(m, counts.get(m, 0)) for m in months]


def _agreed_on(action: Action) -> date:
    return action.agreed_day


def _in_scope(item: Goal | Action | Entry, shareable_only: bool) -> bool:
    return ReviewItems.shareable(item) if shareable_only else not item.hidden


# -------------------------------------------------------------------- the figures


def review_figures(
    journal: Journal,
    today: date | None = None,
    *,
    shareable_only: bool = False,
    items: ReviewItems | None = None,
    include_planned: bool = True,
) -> ReviewFigures:
    """The review of `journal` as of `today` (the journal's clock by default).

    `shareable_only` keeps the item lists to shareable items (for the summary); counts are the
    same either way. `items` are the journal's `shareable_items()` when the caller has read them
    already (the summary), so nothing is read or opened twice. `include_planned=False` leaves
    out sessions still planned (the summary tells what happened: planning a session must not
    change it, nor withdraw its approvals).
    """
    pair = journal.pair()
    if pair is None:
        from rmjournal.core.errors import NotFound

        raise NotFound("This journal has no pair yet, so there is nothing to review.")
    day = today or journal.today()
    if items is None:
        every_session = journal.sessions()
        actions = journal.actions(order="agreed")
        entries = journal.entries(kind="learning")
        goals = journal.goals()
    else:
        every_session, actions, goals = list(items.sessions), list(items.actions), list(items.goals)
        entries = [e for e in items.entries if e.kind == "learning"]
    sessions = [s for s in every_session if include_planned or s.status != "planned"]

    held = [s for s in sessions if s.status == "held"]
    held_dates = sorted(s.date for s in held)
    gaps = [(b - a).days for a, b in pairwise(held_dates)]
    missed = sum(is_missed(s, day, pair.cadence_days) for s in every_session)
    silence: int | None = None
    if len(held) < pair.planned_sessions:
        last_met = held_dates[-1] if held_dates else pair.started_on
        # The gap still open counts against the cadence once it is longer than planned.
        open_gap = max((day - last_met).days, 0)
        if held_dates and open_gap > pair.cadence_days:
            gaps.append(open_gap)
        # The silence (a stall) counts from the last session, or from the day the pair decided
        # at a review to go on (an extension, a part two), whichever is later: a pair that has
        # just chosen to carry on has not stopped meeting.
        went_on = pair.decided_on if pair.decision in ("extend", "part_two") else None
        silence = max((day - max(last_met, went_on or last_met)).days, 0)
    by_session: dict[str, Session] = {s.id: s for s in every_session}

    def learned_on(entry: Entry) -> date:
        session = by_session.get(entry.session_id)
        return session.date if session else date.fromisoformat(entry.created_at[:10])

    closed = [a for a in actions if a.status in ("done", "dropped") and a.closed_on is not None]
    closed_days = [max((a.closed_on - _agreed_on(a)).days, 0) for a in closed if a.closed_on]
    activity = [pair.review_on, *held_dates, *(s.date for s in sessions)]
    activity += [_agreed_on(a) for a in actions] + [a.closed_on for a in closed if a.closed_on]
    months = months_between(pair.started_on, max(activity))

    by_kind = {k: dict.fromkeys(ACTION_STATUSES, 0) for k in ACTION_KINDS}
    by_owner = {o: dict.fromkeys(ACTION_STATUSES, 0) for o in OWNERS}
    for a in actions:
        by_kind[a.kind][a.status] += 1
        by_owner[a.owner][a.status] += 1
    commitments = [a for a in actions if a.kind == "commitment"]
    learned_count = Counter(e.session_id for e in entries)

    visible_learnings = [e for e in entries if _in_scope(e, shareable_only)]
    visible_learnings.sort(key=lambda e: (learned_on(e), e.created_at, e.id))
    visible_actions = [a for a in actions if _in_scope(a, shareable_only)]
    visible_actions.sort(key=lambda a: (a.created_at, a.id))
    progress = []
    for goal in sorted(goals, key=lambda g: (g.created_at, g.id)):
        if not _in_scope(goal, shareable_only):
            continue
        links = set(goal.links)
        progress.append(
            GoalProgress(
                goal,
                [a for a in visible_actions if a.id in links],
                [e for e in visible_learnings if e.id in links],
            )
        )

    every_opportunity = journal.opportunities()
    visible_opportunities = [
        o
        for o in every_opportunity
        if not o.hidden and (o.visibility == "shareable" or not shareable_only)
    ]
    revisited = [a for a in visible_actions if a.check_in is not None]
    revisited.sort(key=lambda a: (a.agreed_day, a.created_at, a.id))

    return ReviewFigures(
        today=day,
        pair=pair,
        sessions_held=len(held),
        sessions_planned=pair.planned_sessions,
        sessions_scheduled=sum(
            s.status == "planned" and not is_missed(s, day, pair.cadence_days) for s in sessions
        ),
        sessions_cancelled=sum(s.status == "cancelled" for s in sessions),
        held_dates=held_dates,
        cadence_days=pair.cadence_days,
        mean_days_between=statistics.fmean(gaps) if gaps else None,
        sessions_by_month=_per_month(months, held_dates),
        by_kind_status=by_kind,
        by_owner_status=by_owner,
        commitments_made=len(commitments),
        commitments_kept=sum(a.status == "done" for a in commitments),
        overdue=sum(a.is_overdue(day) for a in actions),
        median_days_to_close=statistics.median(closed_days) if closed_days else None,
        opened_by_month=_per_month(months, [_agreed_on(a) for a in actions]),
        closed_by_month=_per_month(months, [a.closed_on for a in closed if a.closed_on]),
        learnings_by_month=_per_month(months, [learned_on(e) for e in entries]),
        learnings_by_session=[
            SessionLearnings(s.number, s.date, s.status, learned_count.get(s.id, 0))
            for s in sessions
        ],
        learnings_total=len(entries),
        learnings=visible_learnings,
        goals=progress,
        days_to_review=(pair.review_on - day).days,
        shareable_only=shareable_only,
        sessions_missed=missed,
        sessions_awaiting=sum(s.status == "planned" for s in sessions),
        silence_days=silence,
        goals_by_status={s: sum(g.status == s for g in goals) for s in GOAL_STATUSES},
        opportunities=visible_opportunities,
        opportunities_offered=len(every_opportunity),
        opportunities_taken=sum(o.status == "taken" for o in every_opportunity),
        stage=stage(journal, day),
        next_step=next_step(journal, day),
        agreement=agreement_signatures(journal),
        check_in=check_in_figures(journal, actions),
        a_year_on=revisited,
    )


def review_document(journal: Journal, figures: ReviewFigures) -> dict[str, Any]:
    """The figures under lifecycle.md's `review --json` keys (documented in docs/cli.md).

    The keys of lifecycle.md are fixed; this adds `agreement` (who has signed the agreement as
    it stands), `next_step` (the dashboard's words) and `plan_changes` (how many changes to the
    plan and the agreement were recorded). Counts include the partner's private items.
    """
    cadence = figures.cadence_days
    status = figures.by_status
    check = figures.check_in or check_in_figures(journal)
    pair = figures.pair
    signatures = figures.agreement or agreement_signatures(journal)
    return {
        "as_of": figures.today.isoformat(),
        "stage": figures.stage,
        "phase": pair.phase,
        "sessions": {
            "planned": figures.sessions_planned,
            "held": figures.sessions_held,
            "cancelled": figures.sessions_cancelled,
            "missed": figures.sessions_missed,
            "scheduled": figures.sessions_scheduled,
        },
        "cadence": {
            "planned_days": cadence,
            "average_days": (
                round(figures.mean_days_between, 1)
                if figures.mean_days_between is not None
                else None
            ),
            "kept": figures.cadence_kept is True,
        },
        "actions": {
            "agreed": figures.actions_total,
            "open": status["open"],
            "in_progress": status["in_progress"],
            "done": status["done"],
            "dropped": status["dropped"],
            "overdue": figures.overdue,
        },
        "commitments": {"agreed": figures.commitments_made, "kept": figures.commitments_kept},
        "median_days_to_close": figures.median_days_to_close,
        "agreed_by_month": {m.month: m.count for m in figures.opened_by_month},
        "closed_by_month": {m.month: m.count for m in figures.closed_by_month},
        "goals": dict(figures.goals_by_status),
        "opportunities": {
            "offered": figures.opportunities_offered,
            "taken": figures.opportunities_taken,
        },
        "review_held_on": pair.review_held_on.isoformat() if pair.review_held_on else None,
        "decision": pair.decision,
        "check_in_on": check.due_on.isoformat() if check.due_on else None,
        "check_in": dict(check.counts),
        "agreement": signatures.as_dict(),
        "next_step": figures.next_step,
        "plan_changes": len(journal.plan_changes()),
    }
