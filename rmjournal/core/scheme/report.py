"""The coordinator's report over many pairs' returns: verify, keep one per pair, count.

Every return is verified first (`returns.verify_return`): a refused one is listed with its
reason and counts nowhere. Two returns of one pair (the same pseudonym, or the same two public
keys) keep the latest period, the other is listed as superseded.

What is shown (docs/scheme.md has the definitions):
- how many pairs answer each of the coordinator's questions (meeting, stalled, reviewed,
  closed, in part two, check-in held) — counts of pairs, always shown;
- totals, medians and distributions over all pairs, shown only over at least `K` pairs;
- breakdowns by stage, each group's figures shown only over at least `K` pairs; a distribution's
  bar of fewer than `K` pairs (but more than none) is suppressed too (k-anonymity).
"""

from __future__ import annotations

import json
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rmjournal.core.model import GOAL_STATUSES
from rmjournal.core.scheme.returns import (
    CHECK_IN_KEYS,
    ITEM_KEYS,
    SESSION_KEYS,
    STAGES,
    Verifier,
    verify_return,
)

K = 5
"""No figure is shown over fewer than this many pairs (a count of pairs excepted)."""

REPORT_FORMAT = "rmjournal-scheme-report"

HELD_BINS = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9 or more")
"""The bars of the "sessions held per pair" distribution."""

SHARE_BINS = ("none", "under half", "half or more", "all")
"""The bars of a share's distribution (e.g. of commitments kept); "none agreed" is left out."""

QUESTIONS = ("meeting", "stalled", "reviewed", "closed", "part_two", "check_in_held")
"""The coordinator's questions, each answered by a count of pairs."""


@dataclass(frozen=True)
class Refused:
    """A return left out, and why (one sentence)."""

    name: str
    reason: str


@dataclass(frozen=True)
class Accepted:
    """A verified return and where it came from."""

    name: str
    doc: dict[str, Any]

    @property
    def figures(self) -> dict[str, Any]:
        """The return's figures."""
        figures: dict[str, Any] = self.doc["figures"]
        return figures

    def latest_key(self) -> tuple[int, int, int, str]:
        """Orders two returns of one pair: the later period (then phase, sessions held) wins."""
        f = self.figures
        return (f["period_months"], f["phase"], f["sessions"]["held"], self.name)


@dataclass
class Report:
    """The report's figures; `None` wherever a figure is suppressed (fewer than `K` pairs)."""

    schemes: list[str]
    read: int
    refused: list[Refused]
    superseded: list[str]
    pairs: int
    questions: dict[str, int]
    totals: dict[str, Any] | None
    medians: dict[str, float | None] | None
    distributions: dict[str, dict[str, int | None]] | None
    by_stage: list[dict[str, Any]] = field(default_factory=list)

    @property
    def suppressed(self) -> bool:
        """Whether the report covers too few pairs for any figure but counts of pairs."""
        return self.totals is None

    def document(self) -> dict[str, Any]:
        """The report as one JSON-ready document (the `--format json` output)."""
        return {
            "format": REPORT_FORMAT,
            "version": 1,
            "k": K,
            "schemes": self.schemes,
            "returns": {
                "read": self.read,
                "verified": self.read - len(self.refused),
                "refused": len(self.refused),
                "superseded": len(self.superseded),
            },
            "refused": [{"file": r.name, "reason": r.reason} for r in self.refused],
            "superseded": list(self.superseded),
            "pairs": self.pairs,
            "questions": dict(self.questions),
            "totals": self.totals,
            "medians": self.medians,
            "distributions": self.distributions,
            "by_stage": self.by_stage,
        }


def meeting(f: Mapping[str, Any]) -> bool:
    """A pair that is meeting: past agreeing, not closed, a session held, not stalled."""
    return (
        f["stage"] not in ("agreeing", "closed") and f["sessions"]["held"] > 0 and not f["stalled"]
    )


def answers(f: Mapping[str, Any]) -> dict[str, bool]:
    """Which of the coordinator's questions one pair's figures answer yes."""
    return {
        "meeting": meeting(f),
        "stalled": bool(f["stalled"]),
        "reviewed": bool(f["review_held"]),
        "closed": f["stage"] == "closed",
        "part_two": f["stage"] == "part_two" or f["phase"] > 1,
        "check_in_held": bool(f["check_in_held"]),
    }


def parse_return(name: str, raw: bytes) -> dict[str, Any] | Refused:
    """A return file's JSON, or why it could not be read."""
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Refused(name, "not a JSON document")
    if not isinstance(doc, dict):
        return Refused(name, "not a scheme return")
    return doc


def verify_all(
    docs: Iterable[tuple[str, dict[str, Any] | Refused]], verify: Verifier
) -> tuple[list[Accepted], list[Refused], int]:
    """Each return verified: (accepted, refused, how many were read)."""
    accepted: list[Accepted] = []
    refused: list[Refused] = []
    read = 0
    for name, doc in docs:
        read += 1
        if isinstance(doc, Refused):
            refused.append(doc)
            continue
        problem = verify_return(doc, verify)
        if problem is None:
            accepted.append(Accepted(name, doc))
        else:
            refused.append(Refused(name, problem))
    return accepted, refused, read


def latest_per_pair(accepted: list[Accepted]) -> tuple[list[Accepted], list[str]]:
    """One return per pair (the latest period) and the names of those superseded.

    Two returns are of one pair when they share the pseudonym or both public keys (the
    pseudonym is not signed, so a copy given another one is still the same pair)."""
    parent = list(range(len(accepted)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, item in enumerate(accepted):
        sig = item.doc["signatures"]
        for key in (
            ("pair", item.doc["pair"]),
            ("keys", sig["mentor"]["public_key"] + " " + sig["mentee"]["public_key"]),
        ):
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    groups: dict[int, list[Accepted]] = {}
    for i, item in enumerate(accepted):
        groups.setdefault(root(i), []).append(item)
    kept: list[Accepted] = []
    superseded: list[str] = []
    for members in groups.values():
        members.sort(key=Accepted.latest_key)
        kept.append(members[-1])
        superseded.extend(m.name for m in members[:-1])
    kept.sort(key=lambda a: a.name)
    return kept, sorted(superseded)


def _median(values: list[float]) -> float | None:
    return round(float(statistics.median(values)), 2) if values else None


def _held_bin(held: int) -> str:
    return HELD_BINS[min(held, len(HELD_BINS) - 1)]


def _share_bin(part: int, whole: int) -> str | None:
    if whole == 0:
        return None
    if part == 0:
        return "none"
    if part == whole:
        return "all"
    return "half or more" if part * 2 >= whole else "under half"


def _suppress(counts: Mapping[str, int]) -> dict[str, int | None]:
    """Each bar of a distribution, None where it holds fewer than `K` pairs (but some)."""
    return {k: (n if n == 0 or n >= K else None) for k, n in counts.items()}


def _sum(figures: Sequence[Mapping[str, Any]], key: str, parts: Iterable[str]) -> dict[str, int]:
    return {p: sum(f[key][p] for f in figures) for p in parts}


def _group_figures(figures: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """Medians and counts over one group of pairs (shown only when it has `K` pairs)."""
    return {
        "median_sessions_held": _median([f["sessions"]["held"] for f in figures]),
        "cadence_kept": sum(f["cadence_kept"] for f in figures),
        "commitments_agreed": sum(f["commitments"]["agreed"] for f in figures),
        "commitments_kept": sum(f["commitments"]["kept"] for f in figures),
    }


def aggregate(
    kept: list[Accepted], refused: list[Refused], superseded: list[str], read: int
) -> Report:
    """The report's figures over one return per pair."""
    figures = [a.figures for a in kept]
    n = len(figures)
    questions = dict.fromkeys(QUESTIONS, 0)
    for f in figures:
        for q, yes in answers(f).items():
            questions[q] += yes
    schemes = sorted({a.doc["scheme"] for a in kept})
    by_stage: list[dict[str, Any]] = []
    for stage in STAGES:
        group = [f for f in figures if f["stage"] == stage]
        if not group:
            continue
        row: dict[str, Any] = {"stage": stage, "pairs": len(group)}
        row.update(_group_figures(group) if len(group) >= K else {"suppressed": True})
        by_stage.append(row)
    if n < K:
        return Report(schemes, read, refused, superseded, n, questions, None, None, None, by_stage)
    totals: dict[str, Any] = {
        "sessions": _sum(figures, "sessions", SESSION_KEYS),
        "cadence_kept": sum(f["cadence_kept"] for f in figures),
        "actions": _sum(figures, "actions", ITEM_KEYS),
        "commitments": _sum(figures, "commitments", (*ITEM_KEYS, "kept")),
        "goals": _sum(figures, "goals", GOAL_STATUSES),
        "opportunities": _sum(figures, "opportunities", ("offered", "taken")),
        "check_in": _sum(figures, "check_in", CHECK_IN_KEYS),
    }
    shares = [
        f["sessions"]["held"] / f["sessions"]["planned"]
        for f in figures
        if f["sessions"]["planned"]
    ]
    kept_shares = [
        f["commitments"]["kept"] / f["commitments"]["agreed"]
        for f in figures
        if f["commitments"]["agreed"]
    ]
    medians: dict[str, float | None] = {
        "period_months": _median([f["period_months"] for f in figures]),
        "sessions_planned": _median([f["sessions"]["planned"] for f in figures]),
        "sessions_held": _median([f["sessions"]["held"] for f in figures]),
        "held_of_planned": _median(shares),
        "actions_agreed": _median(
            [f["actions"]["agreed"] + f["commitments"]["agreed"] for f in figures]
        ),
        "commitments_kept_of_agreed": _median(kept_shares),
    }
    stage_counts = Counter(f["stage"] for f in figures)
    held_counts = Counter(_held_bin(f["sessions"]["held"]) for f in figures)
    kept_bins = Counter(
        b
        for f in figures
        if (b := _share_bin(f["commitments"]["kept"], f["commitments"]["agreed"])) is not None
    )
    distributions = {
        "stage": _suppress({s: stage_counts.get(s, 0) for s in STAGES}),
        "sessions_held": _suppress({b: held_counts.get(b, 0) for b in HELD_BINS}),
        "commitments_kept": _suppress({b: kept_bins.get(b, 0) for b in SHARE_BINS}),
    }
    return Report(
        schemes, read, refused, superseded, n, questions, totals, medians, distributions, by_stage
    )


def build_report(files: Iterable[tuple[str, bytes | str]], verify: Verifier) -> Report:
    """The report over the returns `files`: (name, raw bytes, or why it could not be read),
    verified with `verify`."""
    parsed = (
        (name, Refused(name, raw) if isinstance(raw, str) else parse_return(name, raw))
        for name, raw in files
    )
    accepted, refused, read = verify_all(parsed, verify)
    kept, superseded = latest_per_pair(accepted)
    return aggregate(kept, refused, superseded, read)
