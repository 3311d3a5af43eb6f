"""`rmjournal review`, `goals`, `goal` and `link` end to end in subprocesses, on the interchange
example (clock fixed by RMJOURNAL_NOW), against figures counted by hand from
tests/data/example-journal.json."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from clikit import run, secret_args
from testkit import EXAMPLE_JSON


@pytest.fixture(scope="module")
def example_journal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A journal made by `new` with the example imported, and its passphrase file."""
    folder = tmp_path_factory.mktemp("cli")
    pw = folder / "pw"
    pw.write_text("correct horse battery staple\n")
    path = folder / "pair.rmj"
    made = run("new", path, "--mentor", "Kwame", "--mentee", "Helen", *secret_args(pw))
    assert made.returncode == 0, made.stderr
    imported = run("import", path, "--from", EXAMPLE_JSON, *secret_args(pw))
    assert imported.returncode == 0, imported.stderr
    return path, pw


LIFECYCLE_KEYS = {
    "as_of", "stage", "phase", "sessions", "cadence", "actions", "commitments",
    "median_days_to_close", "agreed_by_month", "closed_by_month", "goals", "opportunities",
    "review_held_on", "decision", "check_in_on", "check_in",
}  # fmt: skip


def review(path: Path, pw: Path, now: str, *extra: str) -> dict:
    out = run("review", path, *secret_args(pw), "--json", *extra, env={"RMJOURNAL_NOW": now})
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_review_json_has_lifecycles_keys_and_the_hand_counted_figures(
    example_journal: tuple[Path, Path],
) -> None:
    path, pw = example_journal
    doc = review(path, pw, "2026-07-20T09:00:00+00:00")
    # lifecycle.md's keys are fixed; docs/cli.md names the ones added to them
    assert set(doc) == LIFECYCLE_KEYS | {"agreement", "next_step", "plan_changes"}
    assert doc["as_of"] == "2026-07-20" and doc["stage"] == "meeting" and doc["phase"] == 1
    # held 5 Mar, 2 Apr, 30 Apr, 28 May; 25 Jun still planned 25 days later: missed
    assert doc["sessions"] == {"planned": 6, "held": 4, "cancelled": 0, "missed": 1, "scheduled": 0}
    # gaps 28, 28, 28 and 53 days of silence since 28 May: 34.25; a missed session: not kept
    assert doc["cadence"] == {"planned_days": 28, "average_days": 34.2, "kept": False}
    assert doc["actions"] == {
        "agreed": 6, "open": 2, "in_progress": 1, "done": 2, "dropped": 1, "overdue": 3,
    }  # fmt: skip
    assert doc["commitments"] == {"agreed": 2, "kept": 0}
    # closed after 54 (5 Mar → 28 Apr), 48 (2 Apr → 20 May) and 13 days (28 May → 10 Jun)
    assert doc["median_days_to_close"] == 48
    agreed = {m: n for m, n in doc["agreed_by_month"].items() if n}
    closed = {m: n for m, n in doc["closed_by_month"].items() if n}
    assert agreed == {"2026-03": 1, "2026-04": 4, "2026-05": 1}
    assert closed == {"2026-04": 1, "2026-05": 1, "2026-06": 1}
    assert doc["goals"] == {"open": 3, "achieved": 0, "partly": 0, "not_achieved": 0}


def test_review_a_year_on_is_due_and_the_cadence_not_kept(
    example_journal: tuple[Path, Path],
) -> None:
    path, pw = example_journal
    doc = review(path, pw, "2027-06-01T09:00:00+00:00")
    assert doc["stage"] == "review_due"
    assert doc["cadence"]["kept"] is False
    text = run("review", path, *secret_args(pw), env={"RMJOURNAL_NOW": "2027-06-01T09:00:00+00:00"})
    assert text.returncode == 0, text.stderr
    assert "cadence not kept" in text.stdout and "the review was" in text.stdout


@pytest.mark.parametrize("extra", [["--jsn"], []])
def test_review_of_a_missing_file_or_bad_flag_is_a_sentence(
    tmp_path: Path, extra: list[str]
) -> None:
    pw = tmp_path / "pw"
    pw.write_text("x\n")
    out = run("review", tmp_path / "none.rmj", *secret_args(pw), *extra)
    assert out.returncode in (1, 2) and "Traceback" not in out.stderr and out.stderr.strip()


def test_goal_add_set_link_and_the_summary_shows_only_linked_items(
    example_journal: tuple[Path, Path], tmp_path: Path
) -> None:
    path = tmp_path / "copy.rmj"
    shutil.copy(example_journal[0], path)
    pw = example_journal[1]
    added = run(
        "goal", "add", path, "--text", "Change at least one hiring practice",
        "--visibility", "shareable", *secret_args(pw, "mentor"),
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    goal_id = added.stdout.strip()
    listed = json.loads(run("goals", path, *secret_args(pw), "--json").stdout)["goals"]
    mine = next(g for g in listed if g["id"] == goal_id)
    assert (mine["status"], mine["links"], mine["owner"]) == ("open", [], "mentor")
    # a shareable learning of the example whose words overlap the goal's: not linked by them
    export = json.loads(run("export", path, "--format", "json", *secret_args(pw)).stdout)
    shareable = [
        e for s in export["sessions"] for e in s["entries"]
        if e["kind"] == "learning" and e["visibility"] == "shareable"
    ]  # fmt: skip
    learning = shareable[0]
    summary = run("export", path, "--format", "markdown", *secret_args(pw)).stdout
    goal_part = summary.split("Change at least one hiring practice", 1)[1]
    assert learning["text"].split("\n")[0][:30] not in goal_part.split("\n#", 1)[0]

    linked = run("link", path, learning["id"][:8], goal_id[:8], *secret_args(pw))
    assert linked.returncode == 0, linked.stderr
    put = run("goal", "set", path, goal_id[:8], "partly", "--note", "One panel", *secret_args(pw))
    assert put.returncode == 0, put.stderr
    listed = json.loads(run("goals", path, *secret_args(pw), "--json").stdout)["goals"]
    mine = next(g for g in listed if g["id"] == goal_id)
    assert (mine["status"], mine["status_note"], mine["links"]) == (
        "partly", "One panel", [learning["id"]],
    )  # fmt: skip
    summary = run("export", path, "--format", "markdown", *secret_args(pw)).stdout
    goal_part = summary.split("Change at least one hiring practice", 1)[1].split("\n#", 1)[0]
    assert learning["text"].split("\n")[0][:30] in goal_part


def test_goal_and_link_errors_are_sentences(example_journal: tuple[Path, Path]) -> None:
    path, pw = example_journal
    bad = run("goal", "set", path, "zzzzzzzz", "partly", *secret_args(pw))
    assert bad.returncode == 1 and "no goal" in bad.stderr and "Traceback" not in bad.stderr
    short = run("link", path, "abc", "def", *secret_args(pw))
    assert short.returncode == 2 and "at least 6 characters" in short.stderr
    wrong = run("goal", "set", path, "zzzzzzzz", "finished", *secret_args(pw))
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr


def test_agreement_is_shown_and_replaced_from_the_command_line_a_file_or_stdin(
    example_journal: tuple[Path, Path], tmp_path: Path
) -> None:
    """`agreement` shows the text and who signed it; `--text` (as `topic` and `goal add` take
    it), `--text-file` or stdin replace it, and replacing it withdraws both signatures."""
    path = tmp_path / "pair.rmj"
    shutil.copy(example_journal[0], path)
    pw = example_journal[1]

    def shown() -> dict:
        done = run("agreement", path, *secret_args(pw), "--json")
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    before = shown()
    assert set(before) == {"agreement", "signatures"}
    done = run("agreement", path, *secret_args(pw), "--text", "We meet monthly, for an hour.")
    assert done.returncode == 0, done.stderr
    assert "both signatures withdrawn" in done.stdout
    after = shown()
    assert after["agreement"] == "We meet monthly, for an hour."
    assert after["signatures"] == {"mentor": False, "mentee": False, "both": False}
    again = run("agreement", path, *secret_args(pw), "--text", "We meet monthly, for an hour.")
    assert again.returncode == 0 and "unchanged" in again.stdout
    piped = run("agreement", path, *secret_args(pw), "--text-file", "-", stdin="From stdin.\n")
    assert piped.returncode == 0, piped.stderr
    assert shown()["agreement"].rstrip("\n") == "From stdin."
    text = run("agreement", path, *secret_args(pw))
    assert text.returncode == 0 and text.stdout.startswith("From stdin.")
    both = run("agreement", path, *secret_args(pw), "--text", "x", "--text-file", "-")
    assert both.returncode == 2 and "not both" in both.stderr
    empty = run("agreement", path, *secret_args(pw), "--text", "  ")
    assert empty.returncode == 2 and "empty" in empty.stderr
    assert shown()["agreement"].rstrip("\n") == "From stdin."
