"""`rmjournal review`: the review figures of the whole relationship, as text or `--json`.

The figures come from `rmjournal.core.review` (the same as the Review screen and the summary);
`--json` prints the document whose keys lifecycle.md fixes, for scripts.
"""

from __future__ import annotations

import argparse
import json

from rmjournal.cli.common import add_path_argument, add_secret_options


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `review` to the `rmjournal` parser."""
    review = subparsers.add_parser(
        "review",
        help="the review figures as plain text (--json for scripts)",
        description=(
            "The review figures as of today: sessions against the plan, the cadence kept, "
            "actions and commitments, time to close. Counts include your partner's private items."
        ),
    )
    add_path_argument(review)
    add_secret_options(review)
    review.add_argument("--json", action="store_true", help="one JSON document on stdout")
    review.set_defaults(handler=cmd_review)


def cmd_review(args: argparse.Namespace) -> int:
    """Print the review figures."""
    from rmjournal.cli.common import open_journal
    from rmjournal.core.review import review_document, review_figures, stage_of

    with open_journal(args) as jf:
        if args.json:
            print(json.dumps(review_document(jf.journal), ensure_ascii=False, indent=2))
            return 0
        f = review_figures(jf.journal)
    done = f.by_status["done"]
    median = "-" if f.median_days_to_close is None else f"{f.median_days_to_close:g} days"
    print(f"As of {f.today.isoformat()} (stage: {stage_of(f).replace('_', ' ')})")
    print(f"Sessions: {f.sessions_sentence()}")
    print(f"Cadence: {f.cadence_sentence()}")
    print(f"Actions: {f.actions_total} agreed, {done} done, {f.overdue} overdue now")
    print(f"Commitments kept: {f.commitments_kept} of {f.commitments_made}")
    print(f"Median time to close: {median}")
    print(f"Review: {f.review_sentence()}")
    return 0
