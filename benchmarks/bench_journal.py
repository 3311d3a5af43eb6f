# ruff: noqa: E501  (hand-laid test data reads better on long lines)
"""Journal benchmarks: import, search and JSON export of many entries, all in process.

Figures are for the core alone (no KDF, no file I/O), the part that grows with a journal's size.
Quick mode uses 1,000 entries; the full run 10,000, plus open/save-body figures at 50,000.
"""

from __future__ import annotations

import gc
import os
import statistics
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rmjournal.core import inplace
from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.interchange import export_json, import_document
from rmjournal.core.journal import Journal

WORDS = [
    "panel",
    "recruitment",
    "induction",
    "survey",
    "network",
    "confidence",
    "decision",
    "senior",
    "leader",
    "agenda",
    "follow-up",
    "commitment",
    "learning",
    "access",
    "adjustment",
    "culture",
    "speak",
    "truth",
    "power",
    "safe",
    "listen",
    "candid",
    "board",
    "paper",
    "stretch",
    "project",
    "sponsorship",
    "race",
    "disability",
    "neurodiversity",
    "data",
]


def make_document(entries: int, seed: int = 7) -> dict[str, Any]:
    """An interchange document with `entries` entries over sessions of 20 entries each."""
    import random

    rnd = random.Random(seed)
    stamp = "2026-03-02T18:00:00+00:00"
    sessions = []
    start = date(2020, 1, 1)
    for n in range(max(1, entries // 20)):
        sid = str(uuid.UUID(int=rnd.getrandbits(128), version=4))
        sessions.append(
            {
                "id": sid, "number": n + 1, "date": (start + timedelta(days=n)).isoformat(),
                "status": "held", "created_at": stamp, "updated_at": stamp, "agenda": [], "entries": [],
            }
        )  # fmt: skip
    for i in range(entries):
        text = " ".join(rnd.choice(WORDS) for _ in range(40))
        sessions[i % len(sessions)]["entries"].append(
            {
                "id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
                "kind": rnd.choice(["note", "reflection", "learning"]),
                "author": "mentor", "text": f"entry {i} {text}",
                "visibility": "private" if i % 10 == 0 else "pair",
                "tags": [rnd.choice(WORDS)], "created_at": stamp, "updated_at": stamp,
            }
        )  # fmt: skip
    return {
        "format": "rmjournal-export", "version": 1, "exported_at": stamp, "exported_by": "mentor",
        "pair": {
            "id": str(uuid.uuid4()), "title": "Bench pair",
            "mentor": {"name": "A", "role": ""}, "mentee": {"name": "B", "role": ""},
            "started_on": "2020-01-01", "cadence_days": 28, "planned_sessions": 6,
            "review_on": "2020-07-01", "agreement": "", "goals": [],
        },
        "sessions": sessions, "actions": [], "prompts": [],
    }  # fmt: skip


def _journal(key: bytes) -> Journal:
    clock = FixedClock(datetime(2026, 7, 20, 9, tzinfo=UTC))
    return Journal.new(me="mentor", cipher=PrivateCipher("mentor", key), clock=clock)


def _as_decrypted(body: bytes) -> Any:
    """`body` where an opening decrypts it: a block of SQLite's (else the bytes themselves)."""
    block = inplace.buffer(len(body))
    if block is None:
        return body
    block[:] = body
    return block


def _timed(fn: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def run(quick: bool) -> list[dict[str, Any]]:
    """Import, search and export figures for 1,000 (quick) or 10,000 entries."""
    n = 1_000 if quick else 10_000
    key = os.urandom(32)
    doc = make_document(n)
    journal = _journal(key)
    t_import, _ = _timed(lambda: import_document(journal, doc))
    queries = ["panel", "recruitment survey", "neuro*", "candid truth power", "entry 4242"]
    journal.search("warm up")  # builds the reader's private index once, as the app does
    times = []
    for q in queries:
        t, _hits = _timed(lambda q=q: journal.search(q))
        times.append(t)
    t_search = max(times)
    t_export, text = _timed(lambda: export_json(journal))
    rows: list[dict[str, Any]] = [
        {"name": f"import {n:,} entries", "value": t_import, "unit": "s", "target": 5.0},
        {"name": f"search {n:,} entries (worst of 5)", "value": t_search * 1000, "unit": "ms", "target": 50.0},
        {"name": f"export {n:,} entries as JSON", "value": t_export, "unit": "s", "target": 1.0,
         "note": f"{len(text) // 1024} KiB"},
    ]  # fmt: skip
    if not quick:
        big = _journal(key)
        import_document(big, make_document(50_000))
        body = big.to_bytes()
        big.close()
        # The median of three openings, as the other rows take medians: one sample of a 0.3 s
        # call made right after building the corpus varied by a fifth between runs. Each gets
        # the body as an opening has it, decrypted in SQLite's memory (`inplace.buffer`), which
        # becomes the database without a copy; bytes (copied in) where that cannot be done.
        samples = []
        for _ in range(3):
            given = _as_decrypted(body)
            gc.collect()  # each opening starts with no garbage of the one before
            t, opened = _timed(
                lambda g=given: Journal.from_bytes(
                    g, me="mentor", cipher=PrivateCipher("mentor", key)
                )
            )
            del given
            samples.append(t)
            if len(samples) < 3:
                opened.close()
        t_open = statistics.median(samples)
        each = ", ".join(f"{t * 1000:.0f}" for t in samples)
        t_first, _ = _timed(lambda: opened.search("panel"))
        t_bytes, _ = _timed(opened.to_bytes)
        opened.recent(10)  # warm: the first call also compiles the statement
        t_recent = min(_timed(lambda: opened.recent(10))[0] for _ in range(5))
        rows += [
            {"name": "open body of 50,000 entries", "value": t_open * 1000, "unit": "ms",
             "target": 300.0,
             "note": f"{len(body) // (1024 * 1024)} MiB; median of 3: {each} ms"},
            {"name": "first search at 50,000 (builds private index)", "value": t_first * 1000,
             "unit": "ms", "target": 500.0},
            {"name": "serialize body of 50,000 entries", "value": t_bytes * 1000, "unit": "ms",
             "target": 200.0},
            {"name": "`recent` at 50,000: its work (the 10 newest items)", "value": t_recent * 1000,
             "unit": "ms", "target": 5.0, "note": "best of 5, after unlocking and loading"},
        ]  # fmt: skip
    return rows
