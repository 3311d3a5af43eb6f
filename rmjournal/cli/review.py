"""`rmjournal review`: the review figures as sentences, or as one JSON document for scripts.

Everything is computed by `core.review.review_figures`, the same figures the Review screen and
the summaries show. The JSON keys are those of lifecycle.md. Parts of the lifecycle that this
version does not keep yet are reported as what is true today: the stage follows from the dates
(agreeing before the first held session, review due from the review date, meeting between), the
phase is 1, there are no opportunities, and no review, decision or check-in has been recorded.
Goals count by their status.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from rmjournal.cli.common import (
    add_json_option,
    add_path_argument,
    add_secret_options,
    open_journal,
)
from rmjournal.core.model import GOAL_STATUSES
from rmjournal.text import one_line

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.review import ReviewFigures


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `review` to the `rmjournal` parser."""
    review = subparsers.add_parser("review", help="the review figures as plain text")
    add_path_argument(review)
    add_json_option(review)
    add_secret_options(review)
    review.set_defaults(handler=cmd_review)


def stage(figures: ReviewFigures) -> str:
    """The relationship's stage as far as the dates tell it (no decision is kept yet)."""
    if figures.days_to_review <= 0:
        return "review_due"
    if figures.sessions_held == 0:
        return "agreeing"
    return "meeting"


def review_document(journal: Journal, figures: ReviewFigures) -> dict[str, Any]:
    """The figures under lifecycle.md's `review --json` keys."""
    today = figures.today
    cadence = figures.cadence_days
    missed = figures.sessions_missed
    status = figures.by_status
    goals = journal.goals()
    return {
        "as_of": today.isoformat(),
        "stage": stage(figures),
        "phase": 1,
        "sessions": {
            "planned": figures.sessions_planned,
            "held": figures.sessions_held,
            "cancelled": figures.sessions_cancelled,
            "missed": missed,
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
        "goals": {s: sum(g.status == s for g in goals) for s in GOAL_STATUSES},
        "opportunities": {"offered": 0, "taken": 0},
        "review_held_on": None,
        "decision": None,
        "check_in_on": None,
        "check_in": {"kept": 0, "partly": 0, "not_kept": 0},
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def review_sentences(figures: ReviewFigures, doc: dict[str, Any]) -> list[str]:
    """The review as plain sentences, one per line, in the order the Review screen shows."""
    pair = figures.pair
    status = figures.by_status
    lines = [
        f"Review of {one_line(pair.title)} as of {figures.today.isoformat()}: "
        f"{figures.review_sentence()}.",
        f"Stage: {doc['stage'].replace('_', ' ')}.",
        f"Sessions: {figures.sessions_sentence()}.",
        f"Cadence: {figures.cadence_sentence()}.",
        f"Actions: {figures.actions_total} agreed; {status['done']} done, "
        f"{status['dropped']} dropped, {status['open']} open, "
        f"{status['in_progress']} in progress; {figures.overdue} overdue now.",
        f"Commitments: {figures.commitments_kept} of {figures.commitments_made} kept.",
    ]
    if figures.median_days_to_close is not None:
        lines.append(f"Median time to close an action: {figures.median_days_to_close:g} days.")
    lines.append(f"Learnings: {_plural(figures.learnings_total, 'learning')} recorded.")
    by_month = [f"{m.month}: {m.count}" for m in figures.learnings_by_month if m.count]
    if by_month:
        lines.append(f"Learnings by month: {', '.join(by_month)}.")
    lines.append(f"Goals: {len(figures.goals)}.")
    for progress in figures.goals:
        lines.append(
            f"  The {progress.goal.owner}'s goal: {one_line(progress.goal.text)} "
            f"({_plural(len(progress.actions), 'action')} and "
            f"{_plural(len(progress.learnings), 'learning')} linked)."
        )
    return lines


def cmd_review(args: argparse.Namespace) -> int:
    """Print the review figures (sentences, or `--json`)."""
    from rmjournal.cli.common import print_json
    from rmjournal.core.review import review_figures

    with open_journal(args) as jf:
        figures = review_figures(jf.journal)
        doc = review_document(jf.journal, figures)
    if args.json:
        print_json(doc)
        return 0
    sys.stdout.write("\n".join(review_sentences(figures, doc)) + "\n")
    return 0
