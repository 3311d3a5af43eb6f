"""Summary benchmarks: review figures and the shareable summary (Markdown, HTML) of a big journal.

Core only (no KDF, no file I/O). The journal is `bench_journal`'s document with every fifth entry
shareable, a shareable goal and a few hundred actions in every state. Quick mode: 1,000 entries;
the full run: 10,000.
"""

from __future__ import annotations

import os
import time
import uuid
from datetime import date, timedelta
from typing import Any

from benchmarks.bench_journal import _journal, make_document
from rmjournal.core.interchange import import_document
from rmjournal.core.review import review_figures
from rmjournal.core.summary import render_summary

STATUSES = ["open", "in_progress", "done", "dropped"]


def summary_document(entries: int) -> dict[str, Any]:
    """A document with `entries` entries (a fifth shareable), a goal and many actions."""
    doc = make_document(entries)
    stamp = "2026-03-02T18:00:00+00:00"
    for i, entry in enumerate(e for s in doc["sessions"] for e in s["entries"]):
        if i % 5 == 1:
            entry["visibility"] = "shareable"
    doc["pair"]["goals"] = [
        {"id": str(uuid.UUID(int=1, version=4)), "owner": "mentee", "visibility": "shareable",
         "text": "Change one recruitment practice", "created_at": stamp, "updated_at": stamp},
    ]  # fmt: skip
    start = date(2020, 1, 1)
    for i in range(max(entries // 20, 10)):
        status = STATUSES[i % 4]
        due = start + timedelta(days=i)
        closed = (due + timedelta(days=3)).isoformat() if status in ("done", "dropped") else None
        doc["actions"].append(
            {
                "id": str(uuid.UUID(int=10_000 + i, version=4)), "title": f"Action {i}",
                "detail": "Follow through", "kind": "commitment" if i % 3 == 0 else "action",
                "owner": ["mentor", "mentee", "both"][i % 3], "due_on": due.isoformat(),
                "status": status, "agreed_on": (due - timedelta(days=7)).isoformat(),
                "closed_on": closed,
                "visibility": "shareable" if i % 4 == 0 else "pair", "tags": ["recruitment"],
                "created_at": stamp, "updated_at": stamp, "follow_ups": [],
            }
        )  # fmt: skip
    return doc


def _best_of(runs: int, fn: Any) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - started)
    return best, result


def run(quick: bool) -> list[dict[str, Any]]:
    """Review figures and summary render times at 1,000 (quick) or 10,000 entries."""
    n = 1_000 if quick else 10_000
    journal = _journal(os.urandom(32))
    import_document(journal, summary_document(n))
    runs = 2 if quick else 3
    t_review, _ = _best_of(runs, lambda: review_figures(journal))
    t_md, md = _best_of(runs, lambda: render_summary(journal, "markdown"))
    t_html, html = _best_of(runs, lambda: render_summary(journal, "html"))
    return [
        {"name": f"review figures, {n:,} entries", "value": t_review * 1000, "unit": "ms",
         "target": 1000.0},
        {"name": f"summary as Markdown, {n:,} entries", "value": t_md * 1000, "unit": "ms",
         "target": 1500.0, "note": f"{len(md) // 1024} KiB"},
        {"name": f"summary as HTML, {n:,} entries", "value": t_html * 1000, "unit": "ms",
         "target": 1500.0, "note": f"{len(html) // 1024} KiB"},
    ]  # fmt: skip
