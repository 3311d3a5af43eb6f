"""`rmjournal add` and `rmjournal recent` end to end in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from testkit import EXAMPLE_JSON

NOW = "2026-07-20T09:00:00+00:00"


def run(*args: str | Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "RMJOURNAL_NOW": NOW}
    env.pop("RMJOURNAL_ALLOW_TEST_KDF", None)
    return subprocess.run(
        [sys.executable, "-m", "rmjournal", *map(str, args)],
        capture_output=True, text=True, env=env, input=stdin, timeout=60,
    )  # fmt: skip


def unlock(pw: Path) -> list[str | Path]:
    return ["--passphrase-file", pw, "--insecure-test-kdf"]


def make(folder: Path, *, example: bool) -> tuple[Path, Path]:
    pw = folder / "pw"
    pw.write_text("correct horse battery staple\n")
    path = folder / "pair.rmj"
    made = run("new", path, "--mentor", "Kwame", "--mentee", "Helen", *unlock(pw))
    assert made.returncode == 0, made.stderr
    if example:
        done = run("import", path, "--from", EXAMPLE_JSON, *unlock(pw))
        assert done.returncode == 0, done.stderr
    return path, pw


def export(path: Path, pw: Path) -> dict:
    done = run("export", path, "--format", "json", *unlock(pw))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def entry_by_id(doc: dict, entry_id: str) -> tuple[dict, dict]:
    for s in doc["sessions"]:
        for e in s["entries"]:
            if e["id"] == entry_id:
                return s, e
    raise AssertionError(f"no entry {entry_id}")


@pytest.fixture
def example(tmp_path: Path) -> tuple[Path, Path]:
    return make(tmp_path, example=True)


def test_add_from_stdin_goes_into_the_latest_session(example: tuple[Path, Path]) -> None:
    path, pw = example
    before = export(path, pw)
    latest = max(
        (s for s in before["sessions"] if s["status"] in ("held", "planned")),
        key=lambda s: s["number"],
    )
    done = run("add", path, "--tag", "panel", "--tag", "sponsor", *unlock(pw), stdin="A note\n")
    assert done.returncode == 0, done.stderr
    entry_id = done.stdout.strip()
    assert len(done.stdout.splitlines()) == 1
    session, entry = entry_by_id(export(path, pw), entry_id)
    assert session["number"] == latest["number"]
    assert entry["text"] == "A note"
    assert entry["kind"] == "note" and entry["visibility"] == "pair"
    assert entry["author"] == "mentor"
    assert entry["tags"] == ["panel", "sponsor"]


def test_add_with_every_option(example: tuple[Path, Path], tmp_path: Path) -> None:
    path, pw = example
    text = tmp_path / "entry.txt"
    text.write_text("What I learnt about the panel.\nSecond line.\n", encoding="utf-8")
    done = run(
        "add", path, "--session", "1", "--kind", "learning", "--prompt", "What surprised you?",
        "--visibility", "private", "--text-file", text, *unlock(pw),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    session, entry = entry_by_id(export(path, pw), done.stdout.strip())
    assert session["number"] == 1
    assert entry["kind"] == "learning" and entry["visibility"] == "private"
    assert entry["prompt"] == "What surprised you?"
    assert entry["text"] == "What I learnt about the panel.\nSecond line."


def test_add_with_the_passphrase_on_stdin(example: tuple[Path, Path]) -> None:
    path, pw = example
    stdin = pw.read_text() + "Text after the passphrase line\n"
    done = run("add", path, "--passphrase-stdin", "--insecure-test-kdf", stdin=stdin)
    assert done.returncode == 0, done.stderr
    _, entry = entry_by_id(export(path, pw), done.stdout.strip())
    assert entry["text"] == "Text after the passphrase line"


def test_add_refuses_an_unknown_session_and_empty_text(example: tuple[Path, Path]) -> None:
    path, pw = example
    missing = run("add", path, "--session", "99", *unlock(pw), stdin="text")
    assert missing.returncode == 1
    assert "no session 99" in missing.stderr and "Traceback" not in missing.stderr
    highest = max(s["number"] for s in export(path, pw)["sessions"])
    assert f"(it has sessions 1 to {highest})" in missing.stderr
    empty = run("add", path, *unlock(pw), stdin="  \n")
    assert empty.returncode == 2
    assert "empty" in empty.stderr


def test_add_to_a_journal_without_sessions_plans_the_first(tmp_path: Path) -> None:
    path, pw = make(tmp_path, example=False)
    done = run("add", path, *unlock(pw), stdin="First words")
    assert done.returncode == 0, done.stderr
    assert "session 1 was planned" in done.stderr
    doc = export(path, pw)
    assert [s["number"] for s in doc["sessions"]] == [1]
    assert doc["sessions"][0]["entries"][0]["text"] == "First words"


def test_recent_lists_the_newest_first_in_the_search_format(example: tuple[Path, Path]) -> None:
    path, pw = example
    for word in ("alpha", "bravo", "charlie"):
        done = run("add", path, *unlock(pw), stdin=f"Entry {word}\x1b[31m")
        assert done.returncode == 0, done.stderr
    listed = run("recent", path, "-n", "2", *unlock(pw))
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 2
    assert "Entry charlie" in lines[0] and "Entry bravo" in lines[1]
    assert "\x1b" not in listed.stdout and "␛" in lines[0]
    for line in lines:
        when, rest = line.split("  ", 1)
        assert len(when) == 10 and when[4] == "-"
        assert rest.startswith("entry ") and " — " in rest
    default = run("recent", path, *unlock(pw))
    assert len(default.stdout.splitlines()) == 10


def test_recent_on_an_empty_journal(tmp_path: Path) -> None:
    path, pw = make(tmp_path, example=False)
    done = run("recent", path, *unlock(pw))
    assert done.returncode == 0
    assert done.stdout == "" and "no items" in done.stderr


def test_recent_refuses_a_bad_count(example: tuple[Path, Path]) -> None:
    path, pw = example
    done = run("recent", path, "-n", "0", *unlock(pw))
    assert done.returncode == 2


def test_add_takes_the_text_on_the_command_line_as_topic_and_notes_do(
    example: tuple[Path, Path], tmp_path: Path
) -> None:
    """`--text T` was read as an abbreviation of `--text-file`, so the words were taken for a
    file's name ("The entry file … does not exist")."""
    path, pw = example
    done = run("add", path, "--text", "Panels: six of six alike.", *unlock(pw))
    assert done.returncode == 0, done.stderr
    _, entry = entry_by_id(export(path, pw), done.stdout.strip())
    assert entry["text"] == "Panels: six of six alike."
    text = tmp_path / "entry.txt"
    text.write_text("from a file\n", encoding="utf-8")
    both = run("add", path, "--text", "typed", "--text-file", text, *unlock(pw))
    assert both.returncode == 2
    assert "either as --text or as --text-file, not both" in both.stderr
    blank = run("add", path, "--text", "   ", *unlock(pw))
    assert blank.returncode == 2 and "empty" in blank.stderr
