"""The return's shape and checks, and the report's rules: one per pair, k-anonymity, the formats.

Returns here are made with real Ed25519 keys (`crypto.Signer`) and signed the way a pair's
approvals sign them, without a journal; the twelve scripted pairs are in test_scheme_pairs.py.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from typing import Any

import pytest

from rmjournal.core.crypto import Signer, verify_signature
from rmjournal.core.model import GOAL_STATUSES
from rmjournal.core.scheme.render import render_report
from rmjournal.core.scheme.report import K, build_report
from rmjournal.core.scheme.returns import (
    canonical_bytes,
    check_structure,
    dumps,
    months_between,
    pseudonym,
    signed_part,
    unsigned_return,
    verify_return,
    with_signatures,
)


def figures(held: int = 3, stage: str = "meeting", months: int = 4, **extra: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "stage": stage, "phase": 1, "period_months": months,
        "sessions": {"planned": 6, "held": held, "cancelled": 0, "missed": 0},
        "cadence_kept": True, "stalled": False,
        "actions": {"agreed": 2, "done": 1, "dropped": 0, "open": 1},
        "commitments": {"agreed": 2, "done": 1, "dropped": 0, "open": 1, "kept": 1},
        "goals": dict.fromkeys(GOAL_STATUSES, 0),
        "opportunities": {"offered": 0, "taken": 0},
        "review_held": False, "check_in_held": False,
        "check_in": {"kept": 0, "partly": 0, "not_kept": 0},
    }  # fmt: skip
    base.update(extra)
    return base


class Pair:
    def __init__(self, pair_id: str) -> None:
        self.id = pair_id
        self.signers = {role: Signer(role, os.urandom(32)) for role in ("mentor", "mentee")}

    def signed(self, figs: dict[str, Any], scheme: str = "S1", month: str = "2026-07") -> bytes:
        keys = {role: s.public_key for role, s in self.signers.items()}
        doc = unsigned_return(figs, keys, scheme, pseudonym(self.id, scheme))
        canonical = canonical_bytes(doc)
        sigs = {
            role: (month, s.sign("approval", signed_part(role, month, canonical)))
            for role, s in self.signers.items()
        }
        return dumps(with_signatures(doc, sigs)).encode()


def test_a_signed_return_verifies_and_any_change_to_it_does_not() -> None:
    raw = Pair("p1").signed(figures())
    doc = json.loads(raw)
    assert verify_return(doc, verify_signature) is None
    for path, value in [
        (("figures", "sessions", "held"), 4),
        (("figures", "cadence_kept"), False),
        (("signatures", "mentee", "approved_in"), "2026-06"),
    ]:
        changed = json.loads(raw)
        target = changed
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
        assert "does not verify" in str(verify_return(changed, verify_signature)), path
    swapped = json.loads(raw)
    sigs = swapped["signatures"]
    sigs["mentor"], sigs["mentee"] = sigs["mentee"], sigs["mentor"]
    assert "does not verify" in str(verify_return(swapped, verify_signature))


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda d: d.update(format="other"), "not a scheme return"),
        (lambda d: d.update(version=2), "version 2"),
        (lambda d: d.update(note="hello"), "other fields"),
        (lambda d: d["figures"].update(comment="free text"), "incomplete or hold something"),
        (lambda d: d["figures"].update(stage="Kwame's stage"), "'stage'"),
        (lambda d: d["figures"]["sessions"].update(held="3"), "'sessions'"),
        (lambda d: d["figures"]["sessions"].update(held=True), "'sessions'"),
        (lambda d: d["figures"]["goals"].update(extra=1), "'goals'"),
        (lambda d: d["figures"].update(period_months=-1), "'period_months'"),
        (lambda d: d["signatures"]["mentor"].update(name="Kwame"), "malformed"),
        (lambda d: d["signatures"]["mentor"].update(approved_in="2026-07-20"), "not a month"),
        (lambda d: d["signatures"].pop("mentee"), "one per partner"),
        (lambda d: d.update(pair="Kwame and Helen"), "pseudonym"),
    ],
)
def test_the_shape_is_checked_exactly(change: Any, reason: str) -> None:
    doc = json.loads(Pair("p1").signed(figures()))
    change(doc)
    problem = check_structure(doc)
    assert problem is not None and reason in problem


def test_pseudonyms_differ_by_scheme_and_pair_and_never_hold_the_id() -> None:
    a = pseudonym("6b1f2a4e-pair", "S1")
    assert a == pseudonym("6b1f2a4e-pair", "S1")
    assert len({a, pseudonym("6b1f2a4e-pair", "S2"), pseudonym("other", "S1")}) == 3
    assert re.fullmatch(r"[0-9a-f]{32}", a) and "6b1f" not in a


def test_months_are_whole_months() -> None:
    from datetime import date

    assert months_between(date(2026, 3, 2), date(2026, 7, 20)) == 4
    assert months_between(date(2026, 3, 20), date(2026, 7, 2)) == 3
    assert months_between(date(2026, 7, 20), date(2026, 7, 2)) == 0


def _files(*raws: bytes) -> list[tuple[str, bytes | str]]:
    return [(f"r{i}.json", raw) for i, raw in enumerate(raws)]


def test_two_returns_of_one_pair_keep_the_latest_period_even_under_another_pseudonym() -> None:
    pair = Pair("p1")
    early, late = pair.signed(figures(held=1, months=2)), pair.signed(figures(held=4, months=5))
    relabelled = json.loads(late)
    relabelled["pair"] = pseudonym("someone else", "S1")  # not signed: the keys still tell
    others = [Pair(f"q{i}").signed(figures()) for i in range(K)]
    report = build_report(
        _files(late, early, json.dumps(relabelled).encode(), *others), verify_signature
    )
    assert report.pairs == K + 1
    assert report.superseded == ["r1.json", "r2.json"] or report.superseded == [
        "r0.json",
        "r1.json",
    ]
    assert report.totals is not None
    assert report.totals["sessions"]["held"] == 4 + 3 * K


def test_fewer_than_k_pairs_show_only_counts_of_pairs() -> None:
    raws = [Pair(f"p{i}").signed(figures(held=i)) for i in range(K - 1)]
    report = build_report(_files(*raws), verify_signature)
    doc = report.document()
    assert doc["pairs"] == K - 1 and doc["questions"]["meeting"] == K - 2  # held 0 is not
    assert doc["totals"] is None and doc["medians"] is None and doc["distributions"] is None
    assert doc["by_stage"] == [{"stage": "meeting", "pairs": K - 1, "suppressed": True}]
    for fmt in ("markdown", "html"):
        text = render_report(report, fmt)
        assert "fewer than 5 pairs" in text and "Sessions held of planned" not in text
    assert "totals,all,suppressed" in render_report(report, "csv")


def test_a_bar_of_fewer_than_k_pairs_is_suppressed_but_an_empty_one_is_shown() -> None:
    raws = [Pair(f"p{i}").signed(figures(held=2)) for i in range(K)]
    raws.append(Pair("x").signed(figures(held=5, stage="closed")))
    doc = build_report(_files(*raws), verify_signature).document()
    assert doc["distributions"]["sessions_held"]["2"] == K
    assert doc["distributions"]["sessions_held"]["5"] is None
    assert doc["distributions"]["sessions_held"]["3"] == 0
    assert doc["distributions"]["stage"]["closed"] is None
    assert doc["questions"]["closed"] == 1  # a count of pairs is always shown


def test_unreadable_and_foreign_files_are_refused_not_fatal() -> None:
    good = [Pair(f"p{i}").signed(figures()) for i in range(K)]
    files: list[tuple[str, bytes | str]] = [
        ("a.json", b"\xff\xfe not json"),
        ("b.json", b"[1, 2]"),
        ("c.json", "a folder, not a return file"),
        *_files(*good),
    ]
    report = build_report(files, verify_signature)
    assert [(r.name, r.reason) for r in report.refused] == [
        ("a.json", "not a JSON document"),
        ("b.json", "not a scheme return"),
        ("c.json", "a folder, not a return file"),
    ]
    assert report.pairs == K


def test_names_from_outside_are_text_in_every_format() -> None:
    good = [Pair(f"p{i}").signed(figures(), scheme="<b>S</b>") for i in range(K)]
    hostile = "=cmd|'/c calc'!A1 <script>alert(1)</script> *x* [l](http://e).json"
    files: list[tuple[str, bytes | str]] = [(hostile, b"{}"), *_files(*good)]
    report = build_report(files, verify_signature)
    html = render_report(report, "html")
    assert "<script>" not in html and "<b>S</b>" not in html and "&lt;script&gt;" in html
    assert not re.search(r"(src|href)=|url\(|<script|<link", html)  # self-contained, no script
    assert "Content-Security-Policy" in html and "<svg" in html
    md = render_report(report, "markdown")
    assert "\\[l\\](http://e)" in md  # brackets escaped: no link
    assert "\\<script\\>" in md and "\\*x\\*" in md
    rows = list(csv.reader(io.StringIO(render_report(report, "csv"))))
    refused = [r for r in rows if r[0] == "refused"]
    assert refused[0][1].startswith("'=")
    assert json.loads(render_report(report, "json"))["refused"][0]["file"] == hostile


def test_a_plain_scheme_id_and_file_name_read_as_typed_in_markdown() -> None:
    good = [Pair(f"p{i}").signed(figures(), scheme="north-2026") for i in range(K)]
    files: list[tuple[str, bytes | str]] = [("late-return.json", b"{}"), *_files(*good)]
    md = render_report(build_report(files, verify_signature), "markdown")
    assert md.startswith("# Scheme report: north-2026\n")
    assert "- late-return.json: not a scheme return" in md
