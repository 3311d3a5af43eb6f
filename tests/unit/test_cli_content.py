# ruff: noqa: E501  (hand-laid test data reads better on long lines)
"""The content commands end to end in subprocesses: new, import, export, search, actions, demo."""

from __future__ import annotations

import json
import shutil
import stat
from pathlib import Path

import pytest
from clikit import run, secret_args
from testkit import EXAMPLE_JSON, MARKER, as_imported

MENTOR_PRIVATE = "Nervous for the first ten minutes"


@pytest.fixture(scope="module")
def example_journal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A journal made by `new` with the example imported, and its passphrase file."""
    folder = tmp_path_factory.mktemp("cli")
    pw = folder / "pw"
    pw.write_text("correct horse battery staple\n")
    path = folder / "pair.rmj"
    made = run(
        "new",
        path,
        "--mentor",
        "Kwame",
        "--mentee",
        "Helen",
        "--passphrase-file",
        pw,
        "--insecure-test-kdf",
    )
    assert made.returncode == 0, made.stderr
    assert made.stdout.count("Recovery key: ") == 1
    assert "INSECURE" in made.stderr
    imported = run("import", path, "--from", EXAMPLE_JSON, *secret_args(pw))
    assert imported.returncode == 0, imported.stderr
    assert "36 added, 0 updated, 0 left" in imported.stdout
    return path, pw


def copy_of(example_journal: tuple[Path, Path], tmp_path: Path) -> Path:
    target = tmp_path / "copy.rmj"
    shutil.copy(example_journal[0], target)
    return target


def test_export_json_gives_back_the_example(
    example_journal: tuple[Path, Path], tmp_path: Path
) -> None:
    path, pw = example_journal
    out = run("export", path, "--format", "json", *secret_args(pw))
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    example = json.loads(EXAMPLE_JSON.read_text())
    assert doc["pair"] == as_imported(example)["pair"]  # what an import fills in
    assert len(doc["sessions"]) == 5 and len(doc["actions"]) == 6
    target = tmp_path / "out.json"
    wrote = run("export", path, "--out", target, *secret_args(pw))
    assert wrote.returncode == 0 and wrote.stdout == ""
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert json.loads(target.read_text())["pair"]["id"] == example["pair"]["id"]
    assert run("export", path, "--anonymise", *secret_args(pw)).returncode == 2


def test_actions_overdue_on_the_example(example_journal: tuple[Path, Path]) -> None:
    path, pw = example_journal
    out = run("actions", path, "--overdue", *secret_args(pw))
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert lines[0].split() == ["#", "DUE", "STATUS", "OWNER", "KIND", "TITLE"]
    assert all(line.startswith("#") for line in lines[1:])  # the number `status` takes
    titles = [line.split("  ")[-1].strip() for line in lines[1:]]
    assert len(titles) == 3
    assert titles[0] == "Write a short blog post about what I learned from shadowing"
    assert titles[1].startswith("Require at least one minority ethnic or disabled member")
    assert titles[2] == "Talk about race at the SCS away day"
    everything = run("actions", path, *secret_args(pw)).stdout
    assert len(everything.strip().splitlines()) == 7
    done = run("actions", path, "--status", "done", "--owner", "mentor", *secret_args(pw)).stdout
    assert "Join the May senior leadership" in done and "survey" not in done
    # with an earlier date, fewer are overdue
    early = run(
        "actions",
        path,
        "--overdue",
        *secret_args(pw),
        env={"RMJOURNAL_NOW": "2026-06-20T09:00:00+00:00"},
    )
    assert len(early.stdout.strip().splitlines()) == 2


def test_search_newest_first(example_journal: tuple[Path, Path]) -> None:
    path, pw = example_journal
    out = run("search", path, "panel", *secret_args(pw))
    assert out.returncode == 0, out.stderr
    dates = [line[:10] for line in out.stdout.splitlines()]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 3
    assert run("search", path, 'AND "(', *secret_args(pw)).returncode == 0
    # An agenda item without notes is its title alone, not "title — title".
    lines = run("search", path, "hackathon", *secret_args(pw)).stdout.splitlines()
    bare = [ln for ln in lines if "Agenda: Race hackathon" in ln]
    assert bare and all(" — " not in ln for ln in bare), lines


def test_invalid_import_exit_6_names_paths_and_changes_nothing(
    example_journal: tuple[Path, Path], tmp_path: Path
) -> None:
    path = copy_of(example_journal, tmp_path)
    pw = example_journal[1]
    before = path.read_bytes()
    doc = json.loads(EXAMPLE_JSON.read_text())
    doc["sessions"][2]["agenda"][0]["outcome"] = "finished"
    doc["actions"][0]["due_on"] = "2026-13-01"
    doc["actions"][1]["title"] = "a valid change"
    doc["actions"][1]["updated_at"] = "2027-01-01T00:00:00+00:00"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    out = run("import", path, "--from", bad, *secret_args(pw))
    assert out.returncode == 6
    assert (
        "sessions[2].agenda[0].outcome: expected one of open, discussed, carried_over, dropped"
        in out.stderr
    )
    assert "actions[0].due_on: expected a date" in out.stderr
    assert "Traceback" not in out.stderr
    assert path.read_bytes() == before
    for text in ["not json", "", '{"format": "rmjournal-export", "version": 9}', "[]"]:
        bad.write_text(text)
        out = run("import", path, "--from", bad, *secret_args(pw))
        assert out.returncode == 6, text
        assert "Traceback" not in out.stderr
    assert path.read_bytes() == before
    assert (
        run("import", path, "--from", tmp_path / "missing.json", *secret_args(pw)).returncode == 1
    )


def test_merge_prints_added_updated_left(
    example_journal: tuple[Path, Path], tmp_path: Path
) -> None:
    path = copy_of(example_journal, tmp_path)
    pw = example_journal[1]
    doc = json.loads(EXAMPLE_JSON.read_text())
    doc["actions"][3]["status"] = "done"
    doc["actions"][3]["closed_on"] = "2026-07-01"
    doc["actions"][3]["updated_at"] = "2026-07-01T10:00:00+00:00"  # newer
    doc["actions"][4]["title"] = "older title"
    doc["actions"][4]["updated_at"] = "2026-01-01T10:00:00+00:00"  # older
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps(doc))
    out = run("import", path, "--from", newer, *secret_args(pw))
    assert out.returncode == 0, out.stderr
    assert "0 added, 1 updated, 35 left as they were" in out.stdout
    listed = run("actions", path, "--overdue", *secret_args(pw)).stdout
    assert "blog post" not in listed and "older title" not in listed


def test_wrong_passphrase_and_missing_journal(
    example_journal: tuple[Path, Path], tmp_path: Path
) -> None:
    path, _ = example_journal
    wrong = tmp_path / "wrong"
    wrong.write_text("not it\n")
    assert run("actions", path, *secret_args(wrong)).returncode == 3
    assert run("search", tmp_path / "none.rmj", "x", *secret_args(wrong)).returncode == 1
    pw = example_journal[1]
    assert (
        run("actions", path, "--passphrase-file", pw).returncode == 4
    )  # test KDF without the switch


def test_new_refuses_existing_and_reads_stdin(
    tmp_path: Path, example_journal: tuple[Path, Path]
) -> None:
    path, pw = example_journal
    assert run("new", path, "--mentor", "A", "--mentee", "B", *secret_args(pw)[:2]).returncode == 1
    fresh = tmp_path / "fresh.rmj"
    out = run("new", fresh, "--mentor", "A", "--mentee", "B", "--role", "mentee", "--start", "2026-01-05",
              "--cadence-days", "21", "--sessions", "8", "--passphrase-stdin", "--insecure-test-kdf",
              stdin="a stdin passphrase\n")  # fmt: skip
    assert out.returncode == 0, out.stderr
    doc = json.loads(
        run(
            "export",
            fresh,
            "--passphrase-stdin",
            "--insecure-test-kdf",
            stdin="a stdin passphrase\n",
        ).stdout
    )
    assert doc["exported_by"] == "mentee"
    assert (
        doc["pair"]["started_on"],
        doc["pair"]["cadence_days"],
        doc["pair"]["planned_sessions"],
    ) == ("2026-01-05", 21, 8)
    assert doc["pair"]["review_on"] == "2026-07-05"
    assert (
        run(
            "new", tmp_path / "x.rmj", "--mentor", "A", "--mentee", "B", "--cadence-days", "0"
        ).returncode
        == 2
    )
    no_tty = run("new", tmp_path / "y.rmj", "--mentor", "A", "--mentee", "B", stdin="")
    assert no_tty.returncode == 2 and not (tmp_path / "y.rmj").exists()


def test_partner_never_sees_the_others_private_text(
    example_journal: tuple[Path, Path], tmp_path: Path
) -> None:
    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.secret import Secret
    from rmjournal.core.vault import Vault

    path = copy_of(example_journal, tmp_path)
    pw = example_journal[1]
    mentee_pw = tmp_path / "mentee-pw"
    mentee_pw.write_text("the mentee's own words\n")
    with Vault.open(path, Secret.passphrase(pw.read_text()), allow_test_kdf=True) as vault:
        vault.add_slot("mentee", Secret.passphrase(mentee_pw.read_text()))
    with JournalFile.open(
        path, Secret.passphrase(mentee_pw.read_text()), role_hint="mentee", allow_test_kdf=True
    ) as jf:
        s = jf.journal.sessions()[0]
        jf.journal.add_entry(
            s.id, MARKER + " mentee reflection", visibility="private", kind="reflection"
        )
        jf.journal.agree_action(MARKER + " mentee action", owner="mentee", visibility="private")
        jf.save()

    mentee = secret_args(mentee_pw, "mentee")
    mentor = secret_args(pw, "mentor")
    exported = run("export", path, *mentee)
    assert exported.returncode == 0, exported.stderr
    assert MENTOR_PRIVATE not in exported.stdout and MARKER in exported.stdout
    assert MENTOR_PRIVATE not in run("search", path, "nervous", *mentee).stdout
    assert MARKER in run("search", path, "ZEBRA", *mentee).stdout
    mentor_export = run("export", path, *mentor).stdout
    assert MENTOR_PRIVATE in mentor_export and MARKER not in mentor_export
    assert MARKER not in run("search", path, "ZEBRA", *mentor).stdout
    mentor_actions = run("actions", path, *mentor).stdout
    assert MARKER not in mentor_actions and "(private to the mentee)" in mentor_actions
    assert MARKER in run("actions", path, *mentee).stdout
    assert MARKER.encode() not in path.read_bytes()


def test_demo_creates_a_lived_in_journal(tmp_path: Path) -> None:
    data_home = tmp_path / "xdg"
    out = run("demo", "--no-open", "--insecure-test-kdf", env={"XDG_DATA_HOME": str(data_home)})
    assert out.returncode == 0, out.stderr
    path = data_home / "rmjournal" / "demo.rmj"
    assert path.exists() and stat.S_IMODE((data_home / "rmjournal").stat().st_mode) == 0o700
    assert "Passphrase (Priya, the mentor): demo mentor lantern" in out.stdout
    mentor_pw = tmp_path / "m"
    mentor_pw.write_text("demo mentor lantern\n")
    overdue = run("actions", path, "--overdue", *secret_args(mentor_pw)).stdout
    assert len(overdue.strip().splitlines()) >= 3
    doc = json.loads(run("export", path, *secret_args(mentor_pw)).stdout)
    entries = [e for s in doc["sessions"] for e in s["entries"]]
    assert {e["author"] for e in entries} == {"mentor", "mentee"}
    # Written on each session's evening, as a pair writes after they meet (not all at once)
    for s in doc["sessions"]:
        assert all(e["created_at"][:10] == s["date"] for e in s["entries"]), s["number"]
    assert len({e["created_at"][:10] for e in entries}) >= 3
    assert any(e["kind"] == "learning" for e in entries)
    assert any(e["visibility"] == "private" and e["author"] == "mentor" for e in entries)
    assert not any(e["visibility"] == "private" and e["author"] == "mentee" for e in entries)
    again = run("demo", "--no-open", "--insecure-test-kdf", env={"XDG_DATA_HOME": str(data_home)})
    assert again.returncode == 0 and "is at" in again.stdout
