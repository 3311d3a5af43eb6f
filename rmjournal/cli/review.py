"""`rmjournal review`: the review figures as sentences, or as one JSON document for scripts.

Everything is computed by `core.review.review_figures`, the same figures the Review screen and
the summaries show; the JSON document is `core.review.review_document` (lifecycle.md's keys,
plus those docs/cli.md names). `--held-on DATE` marks the review held on that day.
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
from rmjournal.text import counted, one_line

if TYPE_CHECKING:
    from rmjournal.core.journal import Journal
    from rmjournal.core.review import ReviewFigures


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `review` to the `rmjournal` parser."""
    review = subparsers.add_parser("review", help="the review figures as plain text")
    add_path_argument(review)
    review.add_argument(
        "--held-on", metavar="DATE", help="mark the review held on DATE (e.g. today)"
    )
    add_json_option(review)
    add_secret_options(review)
    review.set_defaults(handler=cmd_review)


def review_document(journal: Journal, figures: ReviewFigures) -> dict[str, Any]:
    """The figures under lifecycle.md's `review --json` keys (`core.review.review_document`)."""
    from rmjournal.core.review import review_document as document

    return document(journal, figures)


def review_sentences(figures: ReviewFigures, doc: dict[str, Any]) -> list[str]:
    """The review as plain sentences, one per line, in the order the Review screen shows."""
    pair = figures.pair
    status = figures.by_status
    lines = [
        f"Review of {one_line(pair.title)} as of {figures.today.isoformat()}: "
        f"{figures.review_sentence()}.",
        f"Stage: {doc['stage'].replace('_', ' ')} (phase {doc['phase']}). "
        f"Next: {figures.next_step}.",
        f"Agreement: {figures.agreement.sentence() if figures.agreement else 'not signed'}.",
        f"Sessions: {figures.sessions_sentence()}.",
        f"Cadence: {figures.cadence_sentence()}.",
        f"Actions: {figures.actions_total} agreed; {status['done']} done, "
        f"{status['dropped']} dropped, {status['open']} open, "
        f"{status['in_progress']} in progress; {figures.overdue} overdue now.",
        f"Commitments: {figures.commitments_kept} of {figures.commitments_made} kept.",
    ]
    if figures.median_days_to_close is not None:
        lines.append(f"Median time to close an action: {figures.median_days_to_close:g} days.")
    lines.append(f"Learnings: {counted(figures.learnings_total, 'learning')} recorded.")
    by_month = [f"{m.month}: {m.count}" for m in figures.learnings_by_month if m.count]
    if by_month:
        lines.append(f"Learnings by month: {', '.join(by_month)}.")
    by_status = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in doc["goals"].items())
    lines.append(f"Goals: {len(figures.goals)} ({by_status}).")
    for progress in figures.goals:
        goal = progress.goal
        lines.append(
            f"  The {goal.owner}'s goal [{goal.status.replace('_', ' ')}]: {one_line(goal.text)} "
            f"({counted(len(progress.actions), 'action')} and "
            f"{counted(len(progress.learnings), 'learning')} linked)."
        )
        for a in progress.actions:
            lines.append(f"    action [{a.status.replace('_', ' ')}]: {one_line(a.title)}")
        for e in progress.learnings:
            lines.append(f"    learning: {one_line(e.text, 80)}")
    opp = doc["opportunities"]
    lines.append(f"Opportunities: {opp['offered']} offered, {opp['taken']} taken up.")
    for o in figures.opportunities:
        came = f" — {one_line(o.outcome, 60)}" if o.outcome else ""
        lines.append(
            f"  {o.offered_on.isoformat()} by the {o.offered_by} [{o.status}]: "
            f"{one_line(o.title)}{came}"
        )
    held = doc["review_held_on"] or "not yet"
    decision = (doc["decision"] or "none yet").replace("_", " ")
    lines.append(f"Review held: {held}. Decision: {decision}.")
    if doc["check_in_on"]:
        c = doc["check_in"]
        lines.append(
            f"A year on (check-in {doc['check_in_on']}): {c['kept']} kept, {c['partly']} partly,"
            f" {c['not_kept']} not kept."
        )
        for a in figures.a_year_on:
            note = f" — {one_line(a.check_in_note, 60)}" if a.check_in_note else ""
            result = (a.check_in or "").replace("_", " ")
            lines.append(f"  {result}: {one_line(a.title)}{note}")
    return lines


def cmd_review(args: argparse.Namespace) -> int:
    """Print the review figures (sentences, or `--json`)."""
    from rmjournal.cli.common import print_json
    from rmjournal.core.review import review_figures

    with open_journal(args) as jf:
        if args.held_on is not None:
            from rmjournal.core.dates import parse_date

            jf.journal.hold_review(parse_date(args.held_on, jf.journal.today()))
            jf.save()
        figures = review_figures(jf.journal)
        doc = review_document(jf.journal, figures)
    if args.json:
        print_json(doc)
        return 0
    sys.stdout.write("\n".join(review_sentences(figures, doc)) + "\n")
    return 0
