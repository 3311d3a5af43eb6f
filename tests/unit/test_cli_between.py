"""The between-sessions commands end to end: calendar, due, templates, prompts, pack."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import icalendar
import pytest
from clikit import run, secret_args

NOW = "2026-07-20T09:00:00+00:00"  # the example journal's export time (tests/data)


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A journal made by `new`, the example imported, and its passphrase file."""
    folder = tmp_path_factory.mktemp("between")
    pw = folder / "pw"
    pw.write_text("correct horse battery staple\n")
    path = folder / "pair.rmj"
    made = run("new", path, "--mentor", "Kwame", "--mentee", "Helen", *secret_args(pw)[:2],
               "--insecure-test-kdf")  # fmt: skip
    assert made.returncode == 0, made.stderr
    from testkit import EXAMPLE_JSON

    assert run("import", path, "--from", EXAMPLE_JSON, *secret_args(pw)).returncode == 0
    return path, pw


def _copy(pair: tuple[Path, Path], tmp_path: Path, name: str = "copy.rmj") -> Path:
    target = tmp_path / name
    shutil.copy(pair[0], target)
    return target


def test_calendar_to_a_private_file_without_content(pair, tmp_path: Path) -> None:
    path, pw = pair
    out = tmp_path / "pair.ics"
    done = run("calendar", path, "--out", out, *secret_args(pw))
    assert done.returncode == 0, done.stderr
    assert out.stat().st_mode & 0o077 == 0
    cal = icalendar.Calendar.from_ical(out.read_bytes())
    assert len(cal.walk("VEVENT")) == 6  # five sessions and the review
    text = out.read_text()
    assert "Kwame" not in text and "Helen" not in text
    loud = run("calendar", path, "--with-topics", *secret_args(pw))
    assert loud.returncode == 0 and "synced to servers" in loud.stderr
    assert "BEGIN:VCALENDAR" in loud.stdout


def test_due_is_content_free_and_always_exits_0(pair) -> None:
    path, pw = pair
    done = run("due", path, *secret_args(pw))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines and all(line.startswith(("! OVERDUE", "» due")) for line in lines)
    tracker = run("actions", path, *secret_args(pw)).stdout.splitlines()
    late = next(row.split()[0] for row in tracker if "2026-06-15" in row)  # its #N there
    assert f"Action {late} due 2026-06-15 (35d late)" in lines[0]
    titled = run("due", path, "--with-titles", *secret_args(pw))
    assert "shadowing" in titled.stdout
    doc = json.loads(run("due", path, "--json", *secret_args(pw)).stdout)
    assert doc["as_of"] == "2026-07-20" and doc["days"] == 7
    assert [i["kind"] for i in doc["items"]][:1] == ["action"]
    assert all("title" not in i for i in doc["items"])
    far = run("due", path, "--days", "5000", *secret_args(pw))
    assert far.returncode == 2 and "at most 3660 days" in far.stderr


def test_prompt_add_then_prompts_and_templates(pair, tmp_path: Path) -> None:
    path = _copy(pair, tmp_path)
    pw = pair[1]
    words = tmp_path / "words.txt"
    words.write_bytes("\ufeffWhat did the network want said?\n".encode())
    added = run("prompt", "add", path, "--phase", "before", "--for", "mentor",
                "--text-file", words, *secret_args(pw))  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = json.loads(run("prompts", path, "--custom", "--json", *secret_args(pw)).stdout)
    assert "What did the network want said?" in [p["text"] for p in listed["prompts"]]
    empty = run("prompt", "add", path, "--phase", "after", "--for", "both", "--text", "  ",
                *secret_args(pw))  # fmt: skip
    assert empty.returncode == 2 and "no words" in empty.stderr
    names = run("templates")
    assert names.returncode == 0 and "first-meeting  First meeting" in names.stdout


def test_pack_export_import_between_pairs_and_a_bad_pack(pair, tmp_path: Path) -> None:
    path, pw = pair
    pack = tmp_path / "pack.json"
    exported = run("pack", "export", path, "--out", pack, "--name", "Scheme", *secret_args(pw))
    assert exported.returncode == 0, exported.stderr
    other = tmp_path / "other.rmj"
    made = run("new", other, "--mentor", "Ada", "--mentee", "Bob", "--passphrase-file", pw,
               "--insecure-test-kdf")  # fmt: skip
    assert made.returncode == 0
    imported = run("pack", "import", other, "--from", pack, *secret_args(pw))
    assert imported.returncode == 0, imported.stderr
    # One of the example's two custom prompts has the words of a built-in one: kept once.
    assert "1 added, 0 updated, 1 already there" in imported.stdout
    listed = run("prompts", other, "--custom", *secret_args(pw))
    assert listed.stdout.count("Scheme") == 1
    doc = json.loads(pack.read_text())
    doc["prompts"][0]["for"] = "everyone"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    before = other.read_bytes()
    refused = run("pack", "import", other, "--from", bad, *secret_args(pw))
    assert refused.returncode == 6
    assert "prompts[0].for: expected one of mentor, mentee, both" in refused.stderr
    assert other.read_bytes() == before
    assert run("pack", other).returncode == 2
