"""`export --format markdown|html [--anonymise]` and `approve`, end to end in subprocesses."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import EXAMPLE_JSON

NOW = "2026-07-20T09:00:00+00:00"
DRAFT = "DRAFT: not yet approved by both partners"
SHAREABLE_LEARNING = "Decisions are mostly made before the meeting."
PAIR_ONLY = "Ask HR for the new-starter survey broken down by ethnicity."
PRIVATE = "Nervous for the first ten minutes"


def run(*args: str | Path, now: str = NOW) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RMJOURNAL_NOW": now}
    env.pop("RMJOURNAL_ALLOW_TEST_KDF", None)
    return subprocess.run(
        [sys.executable, "-m", "rmjournal", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The example journal (made by `new`, filled by `import`) with a slot for the mentee."""
    folder = tmp_path_factory.mktemp("cli-summary")
    mentor_pw, mentee_pw = folder / "mentor.pw", folder / "mentee.pw"
    mentor_pw.write_text("correct horse battery staple\n")
    mentee_pw.write_text("mentee's own words, typed by them\n")
    path = folder / "pair.rmj"
    kdf = "--insecure-test-kdf"
    done = run("new", path, "--mentor", "K", "--mentee", "H", "--passphrase-file", mentor_pw, kdf)
    assert done.returncode == 0, done.stderr
    done = run("import", path, "--from", EXAMPLE_JSON, "--passphrase-file", mentor_pw, kdf)
    assert done.returncode == 0, done.stderr
    done = run(
        "slot", "add", path, "--role", "mentee", "--new-passphrase-file", mentee_pw,
        "--passphrase-file", mentor_pw, kdf,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return {"path": path, "mentor": mentor_pw, "mentee": mentee_pw}


@pytest.fixture
def journal(made: dict[str, Path], tmp_path: Path) -> dict[str, Path]:
    """A fresh copy of the module's journal for one test."""
    copy = tmp_path / "pair.rmj"
    shutil.copy(made["path"], copy)
    return {**made, "path": copy}


def as_(who: str, j: dict[str, Path]) -> list[str | Path]:
    return ["--passphrase-file", j[who], "--insecure-test-kdf"]


def test_export_markdown_and_html_to_stdout_and_file(journal: dict[str, Path], tmp_path: Path):
    md = run("export", journal["path"], "--format", "markdown", *as_("mentor", journal))
    assert md.returncode == 0, md.stderr
    assert md.stdout.startswith(f"> **{DRAFT}.**")
    assert SHAREABLE_LEARNING in md.stdout and "4 of 6 planned sessions held" in md.stdout
    assert PAIR_ONLY not in md.stdout and PRIVATE not in md.stdout
    assert "Figures as of 2026-07-20" in md.stdout
    out = tmp_path / "summary.html"
    html = run("export", journal["path"], "--format", "html", "--out", out, *as_("mentee", journal))
    assert html.returncode == 0, html.stderr
    assert html.stdout == "" and "readable only by you" in html.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and DRAFT in text and SHAREABLE_LEARNING in text
    assert PAIR_ONLY not in text and PRIVATE not in text


@pytest.mark.parametrize("fmt", ["markdown", "html"])
def test_export_anonymised(journal: dict[str, Path], fmt: str) -> None:
    done = run("export", journal["path"], "--format", fmt, "--anonymise", *as_("mentor", journal))
    assert done.returncode == 0, done.stderr
    low = done.stdout.lower()
    for name in ("kwame", "mensah", "helen", "brightwell"):
        assert name not in low
    assert "the mentor" in low and "the mentee" in low


def test_approve_by_both_then_final_until_changed(journal: dict[str, Path]) -> None:
    path = journal["path"]
    first = run("approve", path, *as_("mentor", journal))
    assert first.returncode == 0, first.stderr
    assert "Approved the shareable summary as the mentor." in first.stdout
    assert "Still a draft: the mentee has not approved this version yet." in first.stdout
    again = run("approve", path, *as_("mentor", journal))
    assert "already approved" in again.stdout
    draft = run("export", path, "--format", "markdown", *as_("mentee", journal))
    assert DRAFT in draft.stdout  # one partner is not enough
    second = run("approve", path, *as_("mentee", journal), now="2026-07-22T08:00:00+00:00")
    assert second.returncode == 0, second.stderr
    assert "Both partners have approved it" in second.stdout
    for fmt in ("markdown", "html"):
        final = run("export", path, "--format", fmt, *as_("mentor", journal), now="2026-08-01")
        assert final.returncode == 0, final.stderr
        assert "DRAFT" not in final.stdout
        assert re.search(
            r"Approved by both partners: Kwame Mensah \(the mentor\) on 2026-07-20"
            r" and Helen Brightwell \(the mentee\) on 2026-07-22",
            final.stdout,
        )
    # Any change to a shareable item (here through import of an edited document) withdraws both.
    doc = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    entry = next(e for s in doc["sessions"] for e in s["entries"] if e["text"].startswith(
        SHAREABLE_LEARNING))  # fmt: skip
    entry["text"], entry["updated_at"] = (
        "Decisions are made in corridors.",
        "2026-07-23T09:00:00+00:00",
    )
    changed = journal["path"].with_name("edited.json")
    changed.write_text(json.dumps(doc), encoding="utf-8")
    imported = run("import", path, "--from", changed, *as_("mentor", journal))
    assert imported.returncode == 0, imported.stderr
    assert "1 updated" in imported.stdout
    back = run("export", path, "--format", "markdown", *as_("mentor", journal))
    assert "Decisions are made in corridors." in back.stdout
    assert DRAFT in back.stdout and "withdrawn" in back.stdout


def test_approve_with_a_wrong_passphrase_exits_3(journal: dict[str, Path], tmp_path: Path):
    wrong = tmp_path / "wrong.pw"
    wrong.write_text("not it\n")
    done = run("approve", journal["path"], "--passphrase-file", wrong, "--insecure-test-kdf")
    assert done.returncode == 3
    assert "Traceback" not in done.stderr


def test_one_person_approving_on_both_copies_merges_without_a_conflict(
    journal: dict[str, Path], tmp_path: Path
) -> None:
    """The mentee approves on both copies (the mentor too on one): the merge keeps the later
    approval whole, its signature still verifies, and there is nothing to review."""
    a, b = journal["path"], tmp_path / "b.rmj"
    shutil.copy(a, b)
    assert run("approve", a, *as_("mentor", journal)).returncode == 0
    assert run("approve", a, *as_("mentee", journal)).returncode == 0
    done = run("approve", b, *as_("mentee", journal), now="2026-07-21T09:00:00+00:00")
    assert done.returncode == 0, done.stderr
    for into, other in ((a, b), (b, a)):
        merged = run("merge", into, other, *as_("mentee", journal), now="2026-07-22")
        assert merged.returncode == 0, merged.stderr
        assert re.search(r"[1-9]\d* in conflict", merged.stdout) is None, merged.stdout
        listed = run("conflicts", into, *as_("mentee", journal), now="2026-07-22")
        assert listed.returncode == 0, listed.stderr
        assert "No merge conflicts are waiting." in listed.stdout
        md = run("export", into, "--format", "markdown", *as_("mentor", journal), now="2026-07-22")
        assert md.returncode == 0 and DRAFT not in md.stdout  # both approvals count


def test_approve_help_lists_the_command() -> None:
    done = run("--help")
    assert "approve" in done.stdout
