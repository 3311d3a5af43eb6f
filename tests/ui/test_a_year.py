"""Six months and a year, through the command line alone (issue #16's acceptance).

A pair lives its whole relationship in `rmjournal` commands, the clock (`RMJOURNAL_NOW`) moving
month by month: sessions held, one cancelled, one missed, a plan change, goals of each person,
actions closed and dropped, two opportunities, the review held, an extension, then a close and
the check-in a year on. `review --json` must give the figures counted by hand from the script
below, and the app, opened on the same file, must show the same figures.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from clikit import run, secret_args
from contentkit import open_app, shown_text
from testkit import PASSPHRASE
from uikit import SIZE, settle

from rmjournal.core.clock import FixedClock

MENTEE_PASSPHRASE = "quiet harbour pepper violin"


class Pair:
    """The journal, its two people's passphrase files, and the month the script is in."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "pair.rmj"
        self.mentor_pw = folder / "mentor-pw"
        self.mentor_pw.write_text(PASSPHRASE + "\n", encoding="utf-8")
        self.mentee_pw = folder / "mentee-pw"
        self.mentee_pw.write_text(MENTEE_PASSPHRASE + "\n", encoding="utf-8")
        self.day = "2026-01-05"

    def on(self, day: str) -> None:
        self.day = day

    def cli(self, *args: str, who: str = "mentor") -> str:
        pw = self.mentor_pw if who == "mentor" else self.mentee_pw
        words = 2 if args[0] in ("slot", "goal") else 1  # `goal add PATH`, `slot add PATH`
        role = None if args[0] == "slot" else who  # `slot add --role` names the new slot
        done = run(
            *args[:words],
            self.path,
            *args[words:],
            *secret_args(pw, role),
            env={"RMJOURNAL_NOW": f"{self.day}T09:00:00+00:00"},
        )
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout.strip()

    def review(self) -> dict:
        return json.loads(self.cli("review", "--json"))


def live_a_year(folder: Path) -> tuple[Pair, dict[str, dict]]:
    """The script; returns the pair and `review --json` at the points the test checks."""
    p = Pair(folder)
    made = run("new", p.path, "--mentor", "Amara Okafor", "--mentee", "David Reed",
               "--passphrase-file", p.mentor_pw, "--insecure-test-kdf",
               env={"RMJOURNAL_NOW": "2026-01-05T09:00:00+00:00"})  # fmt: skip
    assert made.returncode == 0, made.stderr
    p.cli("slot", "add", "--role", "mentee", "--new-passphrase-file", str(p.mentee_pw))
    p.cli("pair", "--review-on", "2026-07-05")
    p.cli("goal", "add", "--text", "Be heard at the board")
    p.cli("goal", "add", "--text", "Change one hiring practice", "--visibility", "shareable",
          who="mentee")  # fmt: skip
    seen: dict[str, dict] = {}

    # January: session 1 held; a commitment and an action agreed in it
    p.on("2026-01-08")
    assert p.cli("plan", "--on", "today") == "1"
    p.cli("held", "1")
    advert = p.cli("act", "--title", "Rewrite the advert", "--owner", "mentee", "--commitment",
                   "--session", "1", "--visibility", "shareable", who="mentee")  # fmt: skip
    audit = p.cli("act", "--title", "Audit the route", "--owner", "both", "--session", "1")
    # February: session 2 held; the audit done
    p.on("2026-02-05")
    p.cli("plan", "--on", "today")
    p.cli("held", "2")
    p.cli("status", audit, "done")
    # March: session 3 cancelled, replaced by session 4 a week later; the advert done;
    # the plan changed (the review moves two weeks)
    p.on("2026-03-05")
    p.cli("plan", "--on", "today")
    p.cli("cancel", "3")
    p.on("2026-03-12")
    assert p.cli("plan", "--on", "today") == "4"
    p.cli("held", "4")
    p.cli("status", advert, "done", who="mentee")
    p.cli("pair", "--review-on", "2026-07-20", who="mentee")
    # April: session 5 planned, then never held
    p.on("2026-04-09")
    p.cli("plan", "--on", "today")
    # May: session 5 is missed; session 6 held in its place; a commitment with a due date
    p.on("2026-05-07")
    seen["may"] = p.review()
    assert p.cli("plan", "--on", "today") == "6"
    p.cli("held", "6")
    sponsor = p.cli("act", "--title", "Sponsor the network", "--owner", "mentee",
                    "--commitment", "--session", "6", "--due", "2026-08-01",
                    who="mentee")  # fmt: skip
    # June: session 7 held; an opportunity offered and taken up; a blog post agreed
    p.on("2026-06-04")
    p.cli("plan", "--on", "today")
    p.cli("held", "7")
    blog = p.cli("act", "--title", "Write a blog post", "--owner", "mentor", "--session", "7")
    board = p.cli("opportunity", "--title", "Shadow the board", "--offered-by", "mentee",
                  "--visibility", "shareable", who="mentee")  # fmt: skip
    p.cli("opportunity", "--update", board, "--taken", "--outcome", "Sat in twice",
          who="mentee")  # fmt: skip
    # July: session 8 held; the blog dropped; a second opportunity offered; the review held
    # and the pairing extended by two sessions
    p.on("2026-07-02")
    p.cli("plan", "--on", "today")
    p.cli("held", "8")
    p.cli("status", blog, "dropped", "--note", "The network's newsletter ran it instead")
    p.cli("opportunity", "--title", "Introduce David to the committee", "--offered-by",
          "mentor")  # fmt: skip
    p.on("2026-07-20")
    p.cli("review", "--held-on", "today")
    p.cli("decide", "extend", "--sessions", "2")
    seen["extended"] = p.review()
    # August and September: the two extra sessions; goals revisited and linked; then close
    p.on("2026-08-13")
    p.cli("plan", "--on", "today")
    p.cli("held", "9")
    p.on("2026-09-10")
    p.cli("plan", "--on", "today")
    p.cli("held", "10")
    p.cli("link", advert, "2", who="mentee")
    p.cli("goal", "set", "2", "achieved", "--note", "The advert template changed", who="mentee")
    p.cli("goal", "set", "1", "partly", "--note", "Heard, not yet in every decision")
    p.on("2026-09-14")
    p.cli("decide", "close")
    # The year after, a look every quarter: nothing happens until the check-in
    for day in ("2026-12-14", "2027-03-14", "2027-06-14"):
        p.on(day)
        assert json.loads(p.cli("review", "--json"))["next_step"].startswith("Closed: the check-in")
    p.on("2027-09-01")
    seen["check_in_due"] = json.loads(p.cli("pair", "--json"))
    listed = json.loads(p.cli("check-in", "--json"))
    assert [c["title"] for c in listed["commitments"]] == [
        "Rewrite the advert",
        "Sponsor the network",
    ]
    run_check_in = [("Rewrite the advert", advert, "kept"), ("Sponsor", sponsor, "partly")]
    for _title, ref, result in run_check_in:
        done = run("check-in", p.path, ref, result, "--note", "Seen a year on",
                   *secret_args(p.mentee_pw, "mentee"),
                   env={"RMJOURNAL_NOW": "2027-09-01T09:00:00+00:00"})  # fmt: skip
        assert done.returncode == 0, done.stderr
    p.on("2027-09-14")
    seen["end"] = p.review()
    return p, seen


@pytest.fixture(scope="module")
def lived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Pair, dict[str, dict]]:
    return live_a_year(tmp_path_factory.mktemp("a-year"))


def test_may_has_a_missed_session_and_the_cadence_is_not_kept(
    lived: tuple[Pair, dict[str, dict]],
) -> None:
    may = lived[1]["may"]
    # held 8 Jan, 5 Feb, 12 Mar; 3 cancelled; 5 planned 9 Apr, 28 days past: missed
    assert may["sessions"] == {"planned": 6, "held": 3, "cancelled": 1, "missed": 1, "scheduled": 0}
    assert may["cadence"]["kept"] is False
    assert may["stage"] == "meeting"


def test_the_extension_adds_two_sessions_and_a_review_date(
    lived: tuple[Pair, dict[str, dict]],
) -> None:
    ext = lived[1]["extended"]
    assert (ext["stage"], ext["decision"], ext["review_held_on"]) == (
        "extended",
        "extend",
        "2026-07-20",
    )
    assert ext["sessions"]["planned"] == 8  # 6 + 2


def test_a_year_on_the_figures_match_the_hand_count(lived: tuple[Pair, dict[str, dict]]) -> None:
    end = lived[1]["end"]
    assert end["as_of"] == "2027-09-14"
    assert (end["stage"], end["phase"], end["decision"]) == ("closed", 1, "close")
    # held: 1, 2, 4, 6, 7, 8, 9, 10; 3 cancelled; 5 missed
    assert end["sessions"] == {"planned": 8, "held": 8, "cancelled": 1, "missed": 1, "scheduled": 0}
    # gaps 28, 35, 56, 28, 28, 42, 28 days: 35.0 on average; a missed session: not kept
    assert end["cadence"] == {"planned_days": 28, "average_days": 35.0, "kept": False}
    # advert done, audit done, sponsor open (due 1 Aug 2026: overdue), blog dropped
    assert end["actions"] == {
        "agreed": 4, "open": 1, "in_progress": 0, "done": 2, "dropped": 1, "overdue": 1,
    }  # fmt: skip
    assert end["commitments"] == {"agreed": 2, "kept": 1}
    # from agreed_on: audit 8 Jan → 5 Feb 28, advert 8 Jan → 12 Mar 63, blog 4 Jun → 2 Jul 28
    assert end["median_days_to_close"] == 28
    agreed = {m: n for m, n in end["agreed_by_month"].items() if n}
    closed = {m: n for m, n in end["closed_by_month"].items() if n}
    assert agreed == {"2026-01": 2, "2026-05": 1, "2026-06": 1}
    assert closed == {"2026-02": 1, "2026-03": 1, "2026-07": 1}
    assert end["goals"] == {"open": 0, "achieved": 1, "partly": 1, "not_achieved": 0}
    assert end["opportunities"] == {"offered": 2, "taken": 1}
    assert (end["review_held_on"], end["check_in_on"]) == ("2026-09-14", "2027-09-14")
    assert end["check_in"] == {"kept": 1, "partly": 1, "not_kept": 0}
    assert end["next_step"] == "Check-in held: 1 kept, 1 partly, 0 not kept"


def test_every_change_to_the_plan_is_recorded_with_who_and_when(
    lived: tuple[Pair, dict[str, dict]],
) -> None:
    pair = lived[1]["check_in_due"]
    assert pair["next_step"] == "Check-in due: revisit 2 commitments"
    review_moves = [c for c in pair["changes"] if c["field"] == "review_on"]
    assert [(c["by"], c["at"][:10], c["from"], c["to"]) for c in review_moves] == [
        ("mentor", "2026-01-05", "2026-07-05", "2026-07-05"),
        ("mentee", "2026-03-12", "2026-07-05", "2026-07-20"),
        ("mentor", "2026-07-20", "2026-07-20", "2026-09-14"),
    ][1:]  # the first `pair --review-on` named the date it already had: no change recorded
    decisions = [(c["at"][:10], c["to"]) for c in pair["changes"] if c["field"] == "decision"]
    assert decisions == [("2026-07-20", "extend"), ("2026-09-14", "close")]


def test_the_summary_shows_the_linked_goal_and_the_opportunity(
    lived: tuple[Pair, dict[str, dict]],
) -> None:
    p = lived[0]
    p.on("2027-09-14")
    summary = p.cli("export", "--format", "markdown")
    hiring = summary.index("Change one hiring practice")
    assert "Rewrite the advert" in summary[hiring:]
    assert "Shadow the board" in summary and "Sat in twice" in summary
    assert "Introduce David" not in summary  # pair only, never in the summary


async def test_the_app_shows_the_same_figures(
    lived: tuple[Pair, dict[str, dict]], app_factory
) -> None:
    p, seen = lived
    app = app_factory(p.path, clock=FixedClock(datetime(2027, 9, 14, 9, 0, tzinfo=UTC)))
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        dashboard = shown_text(app)
        assert "Stage: closed" in dashboard
        assert seen["end"]["next_step"] in dashboard
        await pilot.press("r")
        await settle(app, pilot)
        review = shown_text(app)
        assert "8 of 8 planned sessions held" in review
        assert "1 cancelled" in review and "1 missed" in review
        assert "Every 35.0 days on average" in review and "not kept" in review
        assert "Commitments kept: 1 of 2" in review
        assert "median time to close: 28 days" in review
        assert "2 offered · 1 taken up" in review
        assert "1 kept · 1 partly · 0 not kept" in review
        assert "Review held: 2026-09-14 · decision: close" in review
