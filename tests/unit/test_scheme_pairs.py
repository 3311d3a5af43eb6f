"""Twelve pairs scripted through the command line alone give twelve signed returns; the
coordinator's report over them equals a hand count of the script, refuses a changed figure, a
removed signature and a pair's signatures over other figures, and holds no string of any journal.

The pairs are built once for the module (in this process, at a fixed clock, tiny test KDF).
Every pair has 6 planned sessions every 28 days unless said; today is 2026-07-20. Their stages:
agreeing (01, 10), meeting (02 03 04 05 08 09 11; 04 stalled), closed with the check-in held
(06), extended (07) and part two (12), each silent since March but not stalled: they decided
at their reviews in July to go on.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from rmjournal.cli import main

TODAY = "2026-07-20T09:00:00+00:00"
MENTOR_PW = "mentor lantern passphrase"
MENTEE_PW = "mentee compass passphrase"


@dataclass
class Runner:
    """`rmjournal` in this process: (stdout, stderr), asserting the exit code."""

    folder: Path
    patch: pytest.MonkeyPatch
    texts: set[str] = field(default_factory=set)
    """Every name, title and text the script typed (none may reach a return or the report)."""

    def __call__(self, *argv: str, who: str = "mentor", expect: int = 0) -> tuple[str, str]:
        unlock: list[str] = []
        if argv[0] not in ("new", "scheme"):
            unlock = ["--passphrase-file", str(self.folder / who), "--insecure-test-kdf"]
            if who == "mentee":
                unlock += ["--role", "mentee"]
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                code = main([*argv, *unlock])
            except SystemExit as exit_:
                code = int(exit_.code or 0)
        assert code == expect, (argv, out.getvalue(), err.getvalue())
        return out.getvalue(), err.getvalue()

    def at(self, day: str) -> None:
        self.patch.setenv("RMJOURNAL_NOW", f"{day}T09:00:00+00:00")


class Pair:
    """One scripted pair journal."""

    def __init__(self, run: Runner, name: str, start: str, *extra: str) -> None:
        self.run, self.path = run, str(run.folder / f"{name}.rmj")
        mentor, mentee = f"Mentor{name} Okafor", f"Mentee{name} Lindqvist"
        title = f"Pairing {name} Bluebell"
        run.texts.update({mentor, mentee, title, f"Analyst {name}", f"Director {name}"})
        run.at(start)
        run("new", self.path, "--mentor", mentor, "--mentee", mentee, "--title", title,
            "--mentor-job", f"Analyst {name}", "--mentee-job", f"Director {name}",
            "--start", start, *extra, "--passphrase-file", str(run.folder / "mentor"),
            "--insecure-test-kdf")  # fmt: skip
        run("slot", "add", self.path, "--role", "mentee",
            "--new-passphrase-file", str(run.folder / "mentee"))  # fmt: skip
        self.sessions = 0
        self.name = name

    def text(self, what: str) -> str:
        text = f"{what} {self.name} quokka"
        self.run.texts.add(text)
        return text

    def session(self, on: str, status: str = "held") -> int:
        self.run.at(on)
        out, _ = self.run("plan", self.path, "--on", on, "--place", self.text("Room"))
        number = out.strip()
        if number == "1":
            self.run("topic", self.path, number, "--text", self.text("Topic"))
        if status == "held":
            self.run("held", self.path, number)
        elif status == "cancelled":
            self.run("cancel", self.path, number)
        self.sessions = int(number)
        return self.sessions

    def act(self, status: str = "open", commitment: bool = False) -> str:
        kind = ["--commitment", "--owner", "mentee"] if commitment else ["--owner", "both"]
        title, detail = self.text("Action"), self.text("Detail")
        session = str(self.sessions)
        out, _ = self.run(
            "act", self.path, "--title", title, *kind, "--session", session, "--detail", detail
        )
        short = out.strip()
        if status != "open":
            self.run("status", self.path, short, status, "--note", self.text("Note"))
        return short

    def goal(self, status: str = "open") -> None:
        self.run("goal", "add", self.path, "--text", self.text("Goal"))
        out, _ = self.run("goals", self.path, "--json")
        number = str(len(json.loads(out)["goals"]))
        if status != "open":
            self.run("goal", "set", self.path, number, status, "--note", self.text("Outcome"))

    def decide(self, day: str, decision: str, *extra: str) -> None:
        self.run.at(day)
        self.run("decide", self.path, decision, *extra)

    def check_in_all(self, day: str, results: list[str]) -> None:
        self.run.at(day)
        out, _ = self.run("check-in", self.path, "--json")
        listed = json.loads(out)
        items = listed["commitments"] if isinstance(listed, dict) else listed
        assert len(items) == len(results), items
        for item, result in zip(items, results, strict=True):
            ref = str(item.get("short") or item.get("id"))
            self.run("check-in", self.path, ref, result, "--note", self.text("Evidence"))

    def opportunity(self, day: str, taken: bool = False) -> None:
        self.run.at(day)
        self.run("opportunity", self.path, "--title", self.text("Shadowing"),
                 "--offered-by", "mentee", *(["--taken"] if taken else []))  # fmt: skip

    def signed_return(self, day: str, out: Path) -> dict[str, Any]:
        self.run.at(day)
        self.run("approve", self.path, "--return")
        self.run("approve", self.path, "--return", who="mentee")
        self.run("export", self.path, "--format", "return", "--scheme", "Pilot 7",
                 "--out", str(out))  # fmt: skip
        doc: dict[str, Any] = json.loads(out.read_text())
        return doc

    def export(self) -> dict[str, Any]:
        out, _ = self.run("export", self.path, "--format", "json")
        doc: dict[str, Any] = json.loads(out)
        return doc


@dataclass
class Scheme:
    run: Runner
    pairs: dict[str, Pair]
    returns: dict[str, Path]
    """Return files by name: r01..r12, r03-early (an earlier return of pair 03)."""
    bad: dict[str, Path]
    """changed (a figure changed), unsigned (a signature removed), other (signatures of a
    different return of the same pair)."""


def _script(run: Runner) -> Scheme:
    folder = run.folder
    pairs: dict[str, Pair] = {}
    returns: dict[str, Path] = {}

    p = pairs["01"] = Pair(run, "01", "2026-07-13")  # agreeing: nothing held yet
    p.goal()
    p = pairs["02"] = Pair(run, "02", "2026-06-29")  # a first session held
    p.session("2026-07-06")
    p.act()
    p = pairs["03"] = Pair(run, "03", "2026-04-06")  # on cadence, returned twice
    p.session("2026-04-13")
    p.act("done")
    p.session("2026-05-11")
    p.act("done", commitment=True)
    returns["r03-early"] = folder / "r03-early.json"
    p.signed_return("2026-05-20", returns["r03-early"])
    p.session("2026-06-08")
    p.act(commitment=True)
    p.session("2026-07-06")
    p.goal("achieved")
    p.opportunity("2026-07-06")
    p = pairs["04"] = Pair(run, "04", "2026-02-02")  # stalled since March
    p.session("2026-02-09")
    p.session("2026-03-09")
    p.act("dropped", commitment=True)
    p = pairs["05"] = Pair(run, "05", "2026-04-01")  # a cancelled and a missed session
    p.session("2026-04-08")
    p.act("in_progress")
    p.session("2026-05-06", "cancelled")
    p.session("2026-06-10")
    p.session("2026-07-01", "planned")
    p = pairs["06"] = Pair(run, "06", "2026-01-05", "--review", "2026-07-06")  # all six held
    for day in ("2026-01-12", "2026-02-09", "2026-03-09", "2026-04-06", "2026-05-04"):
        p.session(day)
    p.act("done", commitment=True)
    p.act("done", commitment=True)
    p.session("2026-06-01")
    p.act("dropped", commitment=True)
    p.goal("achieved")
    p.goal("partly")
    p.decide("2026-07-08", "close")  # the review held: closed; kept commitments revisited
    p.check_in_all("2026-07-15", ["kept", "partly"])  # the dropped one is not revisited
    p = pairs["07"] = Pair(run, "07", "2026-01-12", "--review", "2026-07-13")  # silent; extends
    p.session("2026-01-19")
    p.session("2026-03-16")
    p.goal("not_achieved")
    p.decide("2026-07-14", "extend", "--sessions", "2", "--review-on", "2026-10-12")
    p = pairs["08"] = Pair(run, "08", "2026-03-02")  # meeting, but slower than planned
    p.session("2026-03-09")
    p.act("done")
    p.session("2026-04-20")
    p.act("done")
    p.act("dropped")
    p.session("2026-06-29")
    p = pairs["09"] = Pair(run, "09", "2026-05-18")  # on cadence, next session today
    p.session("2026-05-25")
    p.session("2026-06-22")
    p.act(commitment=True)
    p.session("2026-07-20", "planned")
    p = pairs["10"] = Pair(run, "10", "2026-07-06")  # agreeing, first session planned
    p.goal()
    p.goal()
    p.session("2026-07-27", "planned")
    p = pairs["11"] = Pair(run, "11", "2026-05-04", "--cadence-days", "14", "--sessions", "8")
    for day in ("2026-05-11", "2026-05-25", "2026-06-08", "2026-06-22"):
        p.session(day)
    p.act("done")
    p.act("done")
    p.act()
    p.act("done", commitment=True)
    p.act("done", commitment=True)
    p.session("2026-07-06")
    p.opportunity("2026-07-06", taken=True)
    p.opportunity("2026-07-07")
    p = pairs["12"] = Pair(run, "12", "2026-01-05", "--cadence-days", "21", "--sessions", "4",
                           "--review", "2026-07-01")  # fmt: skip
    for day in ("2026-01-12", "2026-02-02", "2026-02-23", "2026-03-16"):
        p.session(day)
    p.goal("achieved")
    p.goal("achieved")
    p.decide("2026-07-06", "part-two", "--sessions", "4", "--review-on", "2027-01-04")

    for name, pair in pairs.items():
        returns[f"r{name}"] = folder / f"r{name}.json"
        pair.signed_return("2026-07-20", returns[f"r{name}"])

    bad = {name: folder / f"bad-{name}.json" for name in ("changed", "unsigned", "other")}
    doc = json.loads(returns["r08"].read_text())
    doc["figures"]["sessions"]["held"] += 1
    bad["changed"].write_text(json.dumps(doc))
    doc = json.loads(returns["r09"].read_text())
    doc["signatures"]["mentee"]["signature"] = None
    bad["unsigned"].write_text(json.dumps(doc))
    # Pair 03's current figures under the signatures it gave to its earlier return.
    doc = json.loads(returns["r03"].read_text())
    doc["signatures"] = json.loads(returns["r03-early"].read_text())["signatures"]
    bad["other"].write_text(json.dumps(doc))
    return Scheme(run, pairs, returns, bad)


@pytest.fixture(scope="module")
def scheme(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scheme]:
    folder = tmp_path_factory.mktemp("scheme")
    folder.chmod(0o700)
    (folder / "mentor").write_text(MENTOR_PW + "\n")
    (folder / "mentee").write_text(MENTEE_PW + "\n")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.delenv("RMJOURNAL_ALLOW_TEST_KDF", raising=False)
        run = Runner(folder, patch)
        built = _script(run)
        run.at("2026-07-20")
        yield built


def _report(scheme: Scheme, fmt: str = "json", expect: int = 0) -> str:
    files = [str(p) for p in [*scheme.returns.values(), *scheme.bad.values()]]
    out, _ = scheme.run("scheme", "report", *files, "--format", fmt, expect=expect)
    return out


def test_twelve_pairs_give_twelve_returns_and_the_report_is_the_hand_count(
    scheme: Scheme,
) -> None:
    report = json.loads(_report(scheme))
    assert report["returns"] == {"read": 16, "verified": 13, "refused": 3, "superseded": 1}
    assert report["superseded"] == [str(scheme.returns["r03-early"])]
    assert report["pairs"] == 12
    # Meeting: 02 03 05 07 08 09 11 12 (04 stalled; 06 closed; 01 and 10 agreeing). 07 and 12
    # met last in March, but decided at a review in July to go on: not stalled.
    # Reviewed: 06 (closed), 07 (extended), 12 (part two); 06 revisited its commitments.
    assert report["questions"] == {
        "meeting": 8, "stalled": 1, "reviewed": 3, "closed": 1, "part_two": 1,
        "check_in_held": 1,
    }  # fmt: skip
    totals = report["totals"]
    # Planned: nine pairs of 6, 07 extended to 8, 11 of 8, 12 of 4 and 4 more in part two.
    # Held: 0+1+4+2+2+6+2+3+2+0+5+4.
    assert totals["sessions"] == {"planned": 78, "held": 31, "cancelled": 1, "missed": 1}
    assert totals["cadence_kept"] == 4  # 03 06 09 11 (12 silent since March, in part two)
    # Actions: 02 open; 03 done; 05 in progress; 08 done done dropped; 11 done done open.
    assert totals["actions"] == {"agreed": 9, "done": 5, "dropped": 1, "open": 3}
    # Commitments: 03 done+open; 04 dropped; 06 done done dropped; 09 open; 11 done done.
    assert totals["commitments"] == {"agreed": 9, "done": 5, "dropped": 2, "open": 2, "kept": 5}
    assert totals["goals"] == {"open": 3, "achieved": 4, "partly": 1, "not_achieved": 1}
    assert totals["opportunities"] == {"offered": 3, "taken": 1}  # 03: one; 11: two, one taken
    assert totals["check_in"] == {"kept": 1, "partly": 1, "not_kept": 0}  # 06's two done
    # Held per pair, sorted: 0 0 1 2 2 2 2 3 4 4 5 6.
    assert report["medians"]["sessions_held"] == 2
    assert report["medians"]["sessions_planned"] == 6
    # No bar of fewer than 5 pairs: only the 7 meeting pairs and the empty bars show.
    assert report["distributions"]["stage"] == {
        "agreeing": None, "meeting": 7, "review_due": 0, "closed": None, "extended": None,
        "part_two": None,
    }  # fmt: skip
    held = report["distributions"]["sessions_held"]
    assert held["0"] is None and held["7"] == 0 and held["9 or more"] == 0
    meeting = next(row for row in report["by_stage"] if row["stage"] == "meeting")
    # Meeting stage: 02 03 04 05 08 09 11; held 1 4 2 2 3 2 5.
    assert meeting == {
        "stage": "meeting", "pairs": 7, "median_sessions_held": 2, "cadence_kept": 3,
        "commitments_agreed": 6, "commitments_kept": 3,
    }  # fmt: skip
    small = [row for row in report["by_stage"] if row["stage"] != "meeting"]
    assert [(r["stage"], r["pairs"], r.get("suppressed")) for r in small] == [
        ("agreeing", 2, True),
        ("closed", 1, True),
        ("extended", 1, True),
        ("part_two", 1, True),
    ]


def test_each_bad_return_is_refused_with_its_reason(scheme: Scheme) -> None:
    report = json.loads(_report(scheme))
    reasons = {r["file"]: r["reason"] for r in report["refused"]}
    assert reasons == {
        str(scheme.bad["changed"]): "the mentor's signature does not verify: its figures are "
        "not those the pair approved",
        str(scheme.bad["unsigned"]): "unsigned: the mentee has not signed it",
        str(scheme.bad["other"]): "the mentor's signature does not verify: its figures are "
        "not those the pair approved",
    }
    _, err = scheme.run("scheme", "report", str(scheme.bad["unsigned"]), expect=1)
    assert "unsigned: the mentee has not signed it" in err
    assert "No return could be verified" in err


def test_no_string_of_any_journal_is_in_a_return_or_the_report(scheme: Scheme) -> None:
    strings: set[str] = set(scheme.run.texts)
    vocabulary = {"mentor", "mentee", "both", "pair", "shareable", "private", "held", "open",
                  "done", "dropped", "planned", "cancelled", "in_progress", "action",
                  "commitment", "achieved", "partly", "not_achieved", "discussed", "learning",
                  "note", "reflection", "carried_over", "meeting", "agreeing", "kept", "not_kept",
                  "offered", "taken", "declined", "closed", "extended", "part_two",
                  "close", "extend"}  # fmt: skip

    def collect(value: Any) -> None:
        if isinstance(value, str):
            if len(value) >= 3 and value not in vocabulary:
                strings.add(value)
        elif isinstance(value, dict):
            for v in value.values():
                collect(v)
        elif isinstance(value, list):
            for v in value:
                collect(v)

    for pair in scheme.pairs.values():
        collect(pair.export())
    assert len(strings) > 300  # names, titles, texts, ids, dates and times of twelve journals
    outputs = {name: path.read_text() for name, path in scheme.returns.items()}
    for fmt in ("markdown", "html", "json", "csv"):
        outputs[f"report.{fmt}"] = _report(scheme, fmt)
    for name, text in outputs.items():
        found = sorted(s for s in strings if s in text)
        assert found == [], (name, found[:5])
    for name, path in scheme.returns.items():
        assert not re.search(r"\d{4}-\d\d-\d\d", path.read_text()), name  # no exact date


@pytest.fixture
def run(scheme: Scheme) -> Iterator[Runner]:
    """The scheme's runner, its clock put back to today afterwards."""
    scheme.run.at("2026-07-20")
    yield scheme.run
    scheme.run.at("2026-07-20")


def test_a_return_needs_both_approvals_and_a_change_withdraws_them(run: Runner) -> None:
    pair = Pair(run, "13", "2026-06-01")
    pair.session("2026-06-08")
    action = pair.act()
    out = run.folder / "r13.json"
    _, err = run("export", pair.path, "--format", "return", "--out", str(out), expect=1)
    assert "The mentor has not approved the return" in err and not out.exists()
    run("approve", pair.path, "--return")
    _, err = run("export", pair.path, "--format", "return", "--out", str(out), expect=1)
    assert "The mentee has not approved the return" in err and not out.exists()
    run("approve", pair.path, "--return", who="mentee")
    run("export", pair.path, "--format", "return", "--out", str(out))
    first = json.loads(out.read_text())
    assert first["figures"]["actions"]["done"] == 0
    out.unlink()
    run("status", pair.path, action, "done")
    _, err = run("export", pair.path, "--format", "return", "--out", str(out), expect=1)
    assert "approved earlier figures" in err and "withdrawn" in err and not out.exists()
    summary, _ = run("export", pair.path, "--format", "markdown")
    assert "DRAFT" in summary  # approving the return approved nothing else
    run("approve", pair.path, "--return")
    run("approve", pair.path, "--return", who="mentee")
    run("export", pair.path, "--format", "return", "--out", str(out))
    assert json.loads(out.read_text())["figures"]["actions"]["done"] == 1


def test_two_schemes_give_two_pseudonyms_for_one_pair(scheme: Scheme, run: Runner) -> None:
    pair = scheme.pairs["02"]
    docs = []
    for scheme_id in ("Pilot 7", "Network B"):
        out, _ = scheme.run("export", pair.path, "--format", "return", "--scheme", scheme_id)
        docs.append(json.loads(out))
    assert docs[0]["pair"] == json.loads(scheme.returns["r02"].read_text())["pair"]
    assert docs[0]["pair"] != docs[1]["pair"]
    assert docs[0]["figures"] == docs[1]["figures"]


def test_bad_input_is_a_sentence_and_the_right_exit_code(scheme: Scheme, run: Runner) -> None:
    path = scheme.pairs["02"].path
    _, err = run("scheme", "report", str(run.folder / "nowhere.json"), expect=2)
    assert err.startswith("rmjournal: There is no file") and "Traceback" not in err
    run("scheme", expect=2)
    _, err = run("export", path, "--format", "json", "--scheme", "Pilot 7", expect=2)
    assert "--scheme applies to --format return only" in err
    _, err = run("export", path, "--format", "return", "--anonymise", expect=2)
    assert "not to return" in err
    _, err = run("export", path, "--format", "return", "--scheme", "a\nb", expect=1)
    assert "short line of text" in err
    out = run.folder / "report.html"
    files = [str(p) for p in scheme.returns.values()]
    run("scheme", "report", *files, "--format", "html", "--out", str(out))
    assert out.stat().st_mode & 0o777 == 0o600 and out.read_text().startswith("<!DOCTYPE html>")
