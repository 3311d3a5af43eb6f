"""Whole commands side by side with jrnl on the same seeded corpus (tracker issue #8).

For each size, the corpus becomes an encrypted jrnl journal and an rmjournal journal; then each
command is run alternately on jrnl and rmjournal (A, B, A, B, ...) and the median wall time of
each is reported, with the ratio rmjournal/jrnl. Targets apply at 10,000 entries. A command
rmjournal does not offer yet is reported for jrnl alone, with a note naming what is missing.
Method and figures: docs/performance.md.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from benchmarks import jrnl_side, rm_side
from benchmarks.corpus import SEARCH_WORD, CorpusEntry, generate, matching

TARGET_SIZE = 10_000
TARGETS = {"search": 0.12, "export json": 0.05, "add one entry": 0.05}
"""Issue #20's ratios at 10,000 entries (issue #8 asked for 0.25 / 0.10 / 0.10 first)."""
NEW_ENTRY = "Met the panel chair about sponsorship. We agreed to try a mixed panel next round."
MEMORY_SIZE = 50_000
MEMORY_TARGET_MB = 250.0
"""Issue #8: at 50,000 entries every command stays under 250 MB (peak resident memory)."""
SIZES_ENV = "RMJOURNAL_BENCH_SIZES"
"""e.g. `RMJOURNAL_BENCH_SIZES=1000,10000` to skip the slow 50,000 case."""

Run = Callable[[], subprocess.CompletedProcess[str]]


@dataclass
class Command:
    """One command as each tool spells it; `rm` is None when rmjournal lacks it (see `missing`)."""

    name: str
    jrnl: Run
    rm: Run | None
    missing: str = ""
    check: Callable[[str, subprocess.CompletedProcess[str]], str] | None = None


def _timed(run: Run) -> tuple[float, subprocess.CompletedProcess[str]]:
    started = time.perf_counter()
    done = run()
    return time.perf_counter() - started, done


def _label(size: int) -> str:
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def _sizes(quick: bool) -> list[int]:
    if quick:
        return [1_000]
    if os.environ.get(SIZES_ENV):
        return [int(s) for s in os.environ[SIZES_ENV].split(",")]
    return [1_000, 10_000, 50_000]


def _commands(
    jr: jrnl_side.JrnlJournal,
    rm: rm_side.RmJournal | None,
    cmds: dict[str, set[str]],
    entries: list[CorpusEntry],
) -> list[Command]:
    expected_hits = matching(entries)
    size = len(entries)

    def has(name: str) -> bool:
        return rm is not None and name in cmds

    def need(name: str, proposal: str = "") -> str:
        if rm is None:
            return "rmjournal new/import not available yet, so no rmjournal journal to time"
        return (
            ""
            if name in cmds
            else f"`rmjournal {name}` does not exist yet"
            + (f"; proposed: {proposal}" if proposal else "")
        )

    def check_search(tool: str, done: subprocess.CompletedProcess[str]) -> str:
        if tool == "jrnl":
            found = re.search(r"(\d+) entr(?:y|ies) found", done.stderr)
            got = int(found.group(1)) if found else 0
        else:
            got = len([line for line in done.stdout.splitlines() if line.strip()])
        return (
            "" if got == expected_hits else f"{tool} search found {got}, expected {expected_hits}"
        )

    def check_export(tool: str, done: subprocess.CompletedProcess[str]) -> str:
        doc = json.loads(done.stdout)
        got = (
            len(doc["entries"])
            if tool == "jrnl"
            else sum(len(s["entries"]) for s in doc["sessions"])
        )
        return "" if got == size else f"{tool} export held {got} entries, expected {size}"

    def check_latest(tool: str, done: subprocess.CompletedProcess[str]) -> str:
        if tool == "jrnl":
            return ""
        got = len([line for line in done.stdout.splitlines() if line.strip()])
        return "" if got == min(10, size) else f"{tool} recent listed {got}, expected 10"

    last_session = entries[-1].session if entries else 1
    # jrnl prints every match; ask rmjournal for every match too (its default is the best 100).
    every_hit = ["--limit", str(size + 10)] if "--limit" in cmds.get("search", set()) else []
    add_rm: Run | None = None
    if has("add") and rm is not None:
        argv, stdin = rm.add_command(NEW_ENTRY, last_session)
        add_rm = lambda: rm.run(argv, stdin)  # noqa: E731
    return [
        Command(
            "search",
            lambda: jr.run(jrnl_side.search_args(SEARCH_WORD)),
            (lambda: rm.run(rm.unlocked("search", SEARCH_WORD, *every_hit)))
            if has("search") and rm
            else None,
            need("search"),
            check_search,
        ),
        Command(
            "list latest 10",
            lambda: jr.run(jrnl_side.latest_args(10)),
            (lambda: rm.run(rm.unlocked("recent", "-n", "10"))) if has("recent") and rm else None,
            need("recent", rm_side.PROPOSED_LATEST),
            check_latest,
        ),
        Command(
            "export json",
            lambda: jr.run(jrnl_side.export_args()),
            (lambda: rm.run(rm.unlocked("export", "--format", "json")))
            if has("export") and rm
            else None,
            need("export"),
            check_export,
        ),
        Command(
            "add one entry",
            lambda: jr.run(jrnl_side.add_args(NEW_ENTRY)),
            add_rm,
            need("add", rm_side.PROPOSED_ADD),
        ),
    ]


def _measure(size: int, reps: int, cmds: dict[str, set[str]]) -> list[dict]:
    entries = generate(size)
    base = jrnl_side.WORK / "bench-jrnl" / str(size)
    jr = jrnl_side.JrnlJournal(base / "jrnl")
    rm: rm_side.RmJournal | None = None
    rows: list[dict] = []
    label = _label(size)
    try:
        print(f"  {label}: writing the jrnl journal", file=sys.stderr, flush=True)
        jr.create(entries)
        if "new" in cmds and "import" in cmds:
            print(f"  {label}: writing the rmjournal journal", file=sys.stderr, flush=True)
            rm = rm_side.RmJournal(base / "rmjournal", cmds)
            rm.create(entries)
        commands = _commands(jr, rm, cmds, entries)
        # One untimed run of each tool first, so neither pays for a cold page cache alone.
        for warm in (commands[0].jrnl, commands[0].rm):
            if warm is not None:
                warm()
        for command in commands:
            print(f"  {label}: {command.name} ×{reps}", file=sys.stderr, flush=True)
            times: dict[str, list[float]] = {"jrnl": [], "rmjournal": []}
            notes: list[str] = []
            for rep in range(reps):
                for tool, run in (("jrnl", command.jrnl), ("rmjournal", command.rm)):
                    if run is None:
                        continue
                    seconds, done = _timed(run)
                    times[tool].append(seconds)
                    if rep == 0 and command.check is not None:
                        problem = command.check(tool, done)
                        if problem:
                            notes.append(problem)
            a = statistics.median(times["jrnl"])
            note = "; ".join(notes)
            rows.append(
                {
                    "name": f"{command.name} {label} jrnl",
                    "value": a,
                    "unit": "s",
                    "note": f"median of {reps}" + (f"; {note}" if note else ""),
                }
            )
            if not times["rmjournal"]:
                rows.append(
                    {
                        "name": f"{command.name} {label} rmjournal/jrnl",
                        "value": float("nan"),
                        "unit": "x",
                        "note": command.missing,
                    }
                )
                continue
            b = statistics.median(times["rmjournal"])
            rows.append(
                {
                    "name": f"{command.name} {label} rmjournal",
                    "value": b,
                    "unit": "s",
                    "note": f"median of {reps}",
                }
            )
            ratio: dict = {
                "name": f"{command.name} {label} rmjournal/jrnl",
                "value": b / a,
                "unit": "x",
            }
            if size == TARGET_SIZE and command.name in TARGETS:
                ratio["target"] = TARGETS[command.name]
            if note:
                ratio["note"] = note
            rows.append(ratio)
        if rm is not None and size == TARGET_SIZE:
            rows.append(_floor(rm, reps, label, rows))
        if rm is not None and size >= MEMORY_SIZE:
            rows += _peak_memory(rm, commands, label)
    finally:
        jr.remove()
        if rm is not None:
            rm.remove()
        shutil.rmtree(base, ignore_errors=True)
        with contextlib.suppress(OSError):
            base.parent.rmdir()  # only when empty: another size may still be using it
    return rows


def _floor(rm: rm_side.RmJournal, reps: int, label: str, rows: list[dict]) -> dict:
    """The median time of `benchmarks/floor.py` on rmjournal's file: start Python, import the
    AEAD and sqlite3, read, check and decrypt, nothing else (a figure, beside the targets)."""
    probe = [sys.executable, str(Path(__file__).with_name("floor.py")), str(rm.path)]
    times = []
    for _ in range(reps):
        seconds, _done = _timed(
            lambda: subprocess.run(probe, capture_output=True, text=True, env=rm.env, check=True)
        )
        times.append(seconds)
    jrnl_search = next((r["value"] for r in rows if r["name"] == f"search {label} jrnl"), None)
    note = f"median of {reps}: start, imports, one read, SHA-256, AES-GCM; no query"
    if jrnl_search is not None:
        note += f"; the search target is {TARGETS['search']} × {jrnl_search:.3f} s"
        note += f" = {TARGETS['search'] * jrnl_search:.3f} s"
    return {
        "name": f"read, check and decrypt only {label} (Python's floor)",
        "value": statistics.median(times),
        "unit": "s",
        "note": note,
    }


def _peak_memory(rm: rm_side.RmJournal, commands: list[Command], label: str) -> list[dict]:
    """ru_maxrss of one run of each rmjournal command (through a small wrapper, untimed)."""
    argvs = {
        "search": rm.unlocked("search", SEARCH_WORD, "--limit", "100000"),
        "list latest 10": rm.unlocked("recent", "-n", "10"),
        "export json": rm.unlocked("export", "--format", "json"),
    }
    rows: list[dict] = []
    for command in commands:
        if command.rm is None:
            continue
        if command.name == "add one entry":
            argv, stdin = rm.add_command(NEW_ENTRY, 1)
        else:
            argv, stdin = argvs[command.name], None
        rows.append(
            {
                "name": f"peak memory {command.name} {label} rmjournal",
                "value": rm.peak_memory_mb(argv, stdin),
                "unit": "MB",
                "target": MEMORY_TARGET_MB,
                "note": "ru_maxrss of the command's process",
            }
        )
    return rows


def run(quick: bool) -> list[dict]:
    """Rows for every size and command; quick: 1,000 entries, three runs each."""
    reps = 3 if quick else 5
    try:
        jrnl_side.jrnl_executable()
    except jrnl_side.JrnlUnavailable as error:
        return [
            {
                "name": "jrnl comparison",
                "value": float("nan"),
                "unit": "s",
                "note": f"skipped: {error}",
            }
        ]
    cmds = rm_side.available()
    rows: list[dict] = []
    for size in _sizes(quick):
        rows += _measure(size, reps, cmds)
    return rows
