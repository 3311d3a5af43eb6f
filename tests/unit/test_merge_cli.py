"""`rmjournal merge PATH OTHER` end to end in subprocesses: output, exit codes, refusals."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from rmjournal.core.clock import FixedClock
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.merge import conflicts
from rmjournal.core.model import Person
from rmjournal.core.secret import Secret

MENTOR_PW = "mentor passphrase for merge tests"
MENTEE_PW = "mentee passphrase for merge tests"


def rmjournal(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMJOURNAL_")}
    return subprocess.run(
        [sys.executable, "-m", "rmjournal", *map(str, args)],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip


def unlock_args(pw: Path) -> list[str | Path]:
    return ["--passphrase-file", pw, "--insecure-test-kdf"]


def open_file(path: Path, pw: str = MENTOR_PW, hour: int = 10) -> JournalFile:
    clock = FixedClock(datetime(2026, 3, 1, hour, tzinfo=UTC))
    return JournalFile.open(path, Secret.passphrase(pw), allow_test_kdf=True, clock=clock)


def make_pair_journal(path: Path) -> dict[str, str]:
    """A test-KDF journal with both partners' slots and a little content."""
    clock = FixedClock(datetime(2026, 3, 1, 9, tzinfo=UTC))
    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(MENTOR_PW), test_kdf=True, clock=clock,
        mentor=Person("Ama"), mentee=Person("Kofi"),
    )  # fmt: skip
    with jf:
        jf.vault.add_slot("mentee", Secret.passphrase(MENTEE_PW))
        s = jf.journal.add_session(date(2026, 3, 2), status="held")
        e = jf.journal.add_entry(s.id, "What we said")
        jf.save()
    return {"session": s.id, "entry": e.id}


@pytest.fixture
def copies(tmp_path: Path) -> dict[str, object]:
    """The mentor's PATH and the mentee's OTHER, diverged (one field changed on both)."""
    path, other = tmp_path / "pair.rmj", tmp_path / "pair (Kofi's conflicted copy).rmj"
    ids = make_pair_journal(path)
    shutil.copy(path, other)
    with open_file(path, hour=10) as jf:
        jf.journal.add_entry(ids["session"], "Mentor's new note")
        jf.journal.edit_entry(ids["entry"], text="Mentor's words")
        jf.save()
    with open_file(other, MENTEE_PW, hour=11) as jf:
        jf.journal.add_entry(ids["session"], "Mentee's new reflection", kind="reflection")
        jf.journal.edit_entry(ids["entry"], text="Mentee's words")
        jf.save()
    pw = tmp_path / "pw"
    pw.write_text(MENTOR_PW + "\n")
    return {"path": path, "other": other, "pw": pw, "ids": ids}


def test_merge_prints_what_changed_and_saves(copies: dict[str, object]) -> None:
    path, other, pw = copies["path"], copies["other"], copies["pw"]
    assert isinstance(path, Path) and isinstance(other, Path) and isinstance(pw, Path)
    other_bytes = other.read_bytes()
    run = rmjournal("merge", path, other, *unlock_args(pw))
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and run.stderr == ""
    out = run.stdout
    assert (
        f"Merged {other.name} into pair.rmj: 1 added, 1 updated, 0 deleted, 1 in conflict." in out
    )
    assert "  entries: 1 added, 1 updated, 1 in conflict" in out
    assert "1 field was changed in both copies" in out
    assert "Keys: no key change to take from" in out
    assert other.read_bytes() == other_bytes  # OTHER is only read
    with open_file(path) as jf:
        texts = {e.text for e in jf.journal.entries()}
        assert {"Mentor's new note", "Mentee's new reflection", "Mentee's words"} <= texts
        (conflict,) = conflicts(jf.journal)
        assert conflict.other == "Mentor's words"
    # the same copy again: nothing to do, and the file is not rewritten
    before = path.read_bytes()
    again = rmjournal("merge", path, other, *unlock_args(pw))
    assert again.returncode == 0, again.stderr
    assert "Nothing to merge" in again.stdout and path.read_bytes() == before


def test_the_partner_merges_with_their_own_passphrase(copies: dict[str, object]) -> None:
    path, other = copies["path"], copies["other"]
    assert isinstance(path, Path) and isinstance(other, Path)
    pw = path.parent / "mentee-pw"
    pw.write_text(MENTEE_PW + "\n")
    run = rmjournal("merge", other, path, *unlock_args(pw))
    assert run.returncode == 0, run.stderr
    # the mentee's words were the later ones: their copy keeps them; the mentor's are the conflict
    assert "1 added, 0 updated, 0 deleted, 1 in conflict." in run.stdout


def test_another_pair_is_refused_with_exit_1_and_no_change(
    copies: dict[str, object], tmp_path: Path
) -> None:
    path, pw = copies["path"], copies["pw"]
    assert isinstance(path, Path) and isinstance(pw, Path)
    stranger = tmp_path / "someone-else.rmj"
    make_pair_journal(stranger)
    before = path.read_bytes()
    run = rmjournal("merge", path, stranger, *unlock_args(pw))
    assert run.returncode == 1
    assert "not a copy of this journal" in run.stderr and "Nothing was changed" in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    assert path.read_bytes() == before


def test_a_rekeyed_copy_brings_its_new_keys_at_the_merge(copies: dict[str, object]) -> None:
    path, other, pw = copies["path"], copies["other"], copies["pw"]
    assert isinstance(path, Path) and isinstance(other, Path) and isinstance(pw, Path)
    with open_file(other, MENTEE_PW) as jf:  # both present: the mentor types theirs
        jf.vault.rekey(Secret.passphrase(MENTOR_PW))
    run = rmjournal("merge", path, other, *unlock_args(pw))
    assert run.returncode == 0, run.stderr
    assert "Keys: The other copy was rekeyed" in run.stdout
    with open_file(path, MENTOR_PW) as jf, open_file(other, MENTEE_PW) as theirs:
        assert jf.vault.file_id == theirs.vault.file_id
        assert jf.vault._pair_key == theirs.vault._pair_key  # one pair key in both copies


def test_a_copy_rekeyed_and_with_my_slot_changed_is_refused_with_exit_1(
    copies: dict[str, object],
) -> None:
    path, other, pw = copies["path"], copies["other"], copies["pw"]
    assert isinstance(path, Path) and isinstance(other, Path) and isinstance(pw, Path)
    with open_file(other, MENTEE_PW) as jf:
        jf.vault.rekey(Secret.passphrase(MENTOR_PW))
    with open_file(other, MENTOR_PW) as jf:
        jf.vault.change_passphrase(Secret.passphrase("the mentor's newer passphrase"))
    before = path.read_bytes()
    run = rmjournal("merge", path, other, *unlock_args(pw))
    assert run.returncode == 1 and "does not open with its pair key" in run.stderr
    assert "Traceback" not in run.stderr and path.read_bytes() == before


def test_same_key_but_another_pair_id_is_refused(copies: dict[str, object]) -> None:
    path, other, pw = copies["path"], copies["other"], copies["pw"]
    assert isinstance(path, Path) and isinstance(other, Path) and isinstance(pw, Path)
    with open_file(other, MENTEE_PW) as jf:
        pair = jf.journal.pair()
        assert pair is not None
        jf.journal.start_pair(mentor=pair.mentor, mentee=pair.mentee)  # a new pair id
        jf.save()
    before = path.read_bytes()
    run = rmjournal("merge", path, other, *unlock_args(pw))
    assert run.returncode == 1 and "belongs to another pair" in run.stderr
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("case", "code", "words"),
    [
        ("missing", 1, "There is no file"),
        ("garbage", 4, "not an rmjournal journal"),
        ("same", 2, "same file"),
        ("wrong-passphrase", 3, "passphrase does not open"),
        ("folder", 2, "is a folder"),
    ],
)
def test_errors_have_their_exit_codes_and_no_traceback(
    copies: dict[str, object], tmp_path: Path, case: str, code: int, words: str
) -> None:
    path, other, pw = copies["path"], copies["other"], copies["pw"]
    assert isinstance(path, Path) and isinstance(other, Path) and isinstance(pw, Path)
    if case == "missing":
        other = tmp_path / "nope.rmj"
    elif case == "garbage":
        other = tmp_path / "garbage.rmj"
        other.write_bytes(b"hello, not a journal" * 100)
    elif case == "same":
        other = path
    elif case == "wrong-passphrase":
        pw = tmp_path / "wrong"
        pw.write_text("not the passphrase\n")
    elif case == "folder":
        other = tmp_path
    before = path.read_bytes()
    run = rmjournal("merge", path, other, *unlock_args(pw))
    assert run.returncode == code, run.stderr
    assert words in run.stderr and "Traceback" not in run.stderr
    assert path.read_bytes() == before


def test_a_locked_journal_gives_exit_5(copies: dict[str, object]) -> None:
    path, other, pw = copies["path"], copies["other"], copies["pw"]
    assert isinstance(path, Path) and isinstance(other, Path) and isinstance(pw, Path)
    with open_file(path):
        run = rmjournal("merge", path, other, *unlock_args(pw))
    assert run.returncode == 5 and "Traceback" not in run.stderr


def test_merge_is_listed_in_help() -> None:
    run = rmjournal("merge", "--help")
    assert run.returncode == 0 and "OTHER" in run.stdout and "Key changes signed" in run.stdout


def test_the_app_can_merge_a_file_that_changed_on_disk(copies: dict[str, object]) -> None:
    """`merge_changed_on_disk`: after ChangedOnDisk, fold the file's new contents in and save."""
    from rmjournal.core.errors import ChangedOnDisk
    from rmjournal.core.merge import merge_changed_on_disk

    path, other = copies["path"], copies["other"]
    assert isinstance(path, Path) and isinstance(other, Path)
    ids = copies["ids"]
    assert isinstance(ids, dict)
    with open_file(path, hour=12) as jf:
        jf.journal.add_entry(ids["session"], "Written in the app meanwhile")
        replacement = path.parent / "synced.rmj"
        shutil.copy(other, replacement)
        os.replace(replacement, path)  # a sync tool puts the partner's copy in its place
        with pytest.raises(ChangedOnDisk):
            jf.save()
        report = merge_changed_on_disk(jf)
        assert report.changed
        jf.save()
    with open_file(path) as jf:
        texts = {e.text for e in jf.journal.entries()}
        assert {
            "Written in the app meanwhile",
            "Mentor's new note",
            "Mentee's new reflection",
        } <= texts


def test_conflicts_lists_both_texts_whole_and_settle_keeps_both(copies: dict[str, object]) -> None:
    """Without the app: the waiting conflict is listed with both texts in full, `show`-like
    output names it, and `settle ID both` keeps every word of both (nothing discarded)."""
    path, other, pw = copies["path"], copies["other"], copies["pw"]
    assert isinstance(path, Path) and isinstance(other, Path) and isinstance(pw, Path)
    assert rmjournal("merge", path, other, *unlock_args(pw)).returncode == 0
    listed = rmjournal("conflicts", path, *unlock_args(pw))
    assert listed.returncode == 0, listed.stderr
    assert "1 merge conflict waiting" in listed.stdout
    assert "Mentor's words" in listed.stdout and "Mentee's words" in listed.stdout
    as_json = rmjournal("conflicts", path, "--json", *unlock_args(pw))
    import json

    (conflict,) = json.loads(as_json.stdout)
    assert {conflict["kept"], conflict["other"]} == {"Mentor's words", "Mentee's words"}
    wrong = rmjournal("settle", path, "zzzz", "both", *unlock_args(pw))
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "rmjournal conflicts" in wrong.stderr
    settled = rmjournal("settle", path, conflict["id"][:6], "both", *unlock_args(pw))
    assert settled.returncode == 0, settled.stderr
    assert (
        "No merge conflicts are waiting." in rmjournal("conflicts", path, *unlock_args(pw)).stdout
    )
    exported = rmjournal("export", path, "--format", "json", *unlock_args(pw)).stdout
    entries = [e for s in json.loads(exported)["sessions"] for e in s["entries"]]
    entry = next(e for e in entries if e["id"] == copies["ids"]["entry"])  # type: ignore[index]
    assert "Mentor's words" in entry["text"] and "Mentee's words" in entry["text"]


def test_both_copies_list_and_number_records_alike_after_merging_both_ways(
    tmp_path: Path,
) -> None:
    """Each copy inserts the other's new rows at its end; the lists (and action #N) follow the
    order records were written, so the partners mean the same action by "#1"."""
    path, other = tmp_path / "pair.rmj", tmp_path / "kofi.rmj"
    ids = make_pair_journal(path)
    shutil.copy(path, other)
    with open_file(other, MENTEE_PW, hour=10) as jf:  # the mentee writes first
        jf.journal.agree_action("Kofi's action", owner="mentee")
        jf.journal.add_entry(ids["session"], "Kofi's reflection", kind="reflection")
        jf.save()
    with open_file(path, hour=11) as jf:
        jf.journal.agree_action("Ama's action", owner="mentor")
        jf.journal.add_entry(ids["session"], "Ama's note")
        jf.save()
    mentor_pw, mentee_pw = tmp_path / "mentor-pw", tmp_path / "mentee-pw"
    mentor_pw.write_text(MENTOR_PW + "\n")
    mentee_pw.write_text(MENTEE_PW + "\n")
    assert rmjournal("merge", path, other, *unlock_args(mentor_pw)).returncode == 0
    assert rmjournal("merge", other, path, *unlock_args(mentee_pw)).returncode == 0
    listed = {}
    for copy, pw in ((path, mentor_pw), (other, mentee_pw)):
        actions = rmjournal("actions", copy, *unlock_args(pw))
        shown = rmjournal("show", copy, "1", *unlock_args(pw))
        assert actions.returncode == 0 and shown.returncode == 0, actions.stderr + shown.stderr
        listed[copy] = (actions.stdout, shown.stdout)
    assert listed[path] == listed[other]
    actions_out, shown_out = listed[path]
    assert actions_out.index("#1") < actions_out.index("Kofi's action") < actions_out.index("#2")
    assert actions_out.index("#2") < actions_out.index("Ama's action")
    assert shown_out.index("What we said") < shown_out.index("Kofi's reflection")
    assert shown_out.index("Kofi's reflection") < shown_out.index("Ama's note")


def _both_planned_session_2(tmp_path: Path) -> tuple[Path, Path, Path, Path]:
    """Two copies of one journal, each of which planned a session 2 of its own (the mentee's
    for 20 March, the mentor's for 16 March), and a passphrase file for each partner."""
    path, other = tmp_path / "pair.rmj", tmp_path / "kofi.rmj"
    make_pair_journal(path)
    shutil.copy(path, other)
    with open_file(other, MENTEE_PW, hour=10) as jf:
        jf.journal.add_session(date(2026, 3, 20))
        jf.save()
    with open_file(path, hour=11) as jf:
        jf.journal.add_session(date(2026, 3, 16))
        jf.save()
    mentor_pw, mentee_pw = tmp_path / "mentor-pw", tmp_path / "mentee-pw"
    mentor_pw.write_text(MENTOR_PW + "\n")
    mentee_pw.write_text(MENTEE_PW + "\n")
    return path, other, mentor_pw, mentee_pw


def test_sessions_both_copies_planned_get_numbers_of_their_own(tmp_path: Path) -> None:
    """Each partner planned "the next session" on their own copy: both made session 2. After
    merging, the earlier keeps 2 and the other becomes 3, alike in both copies, whichever
    merged first, and merging again finds nothing to do."""
    path, other, mentor_pw, mentee_pw = _both_planned_session_2(tmp_path)
    # Each copy merges the other as it was: both renumber on their own.
    parted = tmp_path / "parted.rmj"
    shutil.copy(path, parted)
    first = rmjournal("merge", path, other, *unlock_args(mentor_pw))
    assert first.returncode == 0, first.stderr
    assert "renumbered: both copies had a session 2; the one on 2026-03-20 is now session 3" in (
        first.stdout
    )
    second = rmjournal("merge", other, parted, *unlock_args(mentee_pw))
    assert second.returncode == 0, second.stderr
    assert "the one on 2026-03-20 is now session 3" in second.stdout
    for a, b, pw in ((path, other, mentor_pw), (other, path, mentee_pw)):
        run = rmjournal("merge", a, b, *unlock_args(pw))
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith("Nothing to merge") or " 0 in conflict." in run.stdout
        assert "renumbered" not in run.stdout
    listed = [
        rmjournal("sessions", copy, *unlock_args(pw)).stdout
        for copy, pw in ((path, mentor_pw), (other, mentee_pw))
    ]
    assert listed[0] == listed[1]
    assert listed[0].index("Session 2, 2026-03-16") < listed[0].index("Session 3, 2026-03-20")
    assert rmjournal("merge", path, other, *unlock_args(mentor_pw)).stdout.startswith(
        "Nothing to merge"
    )


def test_a_session_planned_on_both_copies_can_be_deleted_and_the_deletion_merges(
    tmp_path: Path,
) -> None:
    """Both copies planned the next session (one meeting, most likely): the merge says so and
    how to delete the one not needed; `delete-session` deletes it (asking first, or --yes),
    and the deletion merges into the other copy, which then holds one planned session too."""
    path, other, mentor_pw, mentee_pw = _both_planned_session_2(tmp_path)
    merged = rmjournal("merge", path, other, *unlock_args(mentor_pw))
    assert merged.returncode == 0, merged.stderr
    assert "Sessions 2 and 3 are both planned" in merged.stdout
    assert f"`rmjournal delete-session {path} 3`" in merged.stdout
    # Without a terminal to ask on, only --yes deletes; a held session is never deleted.
    unasked = rmjournal("delete-session", path, "3", *unlock_args(mentor_pw))
    assert unasked.returncode == 2 and "--yes" in unasked.stderr
    held = rmjournal("delete-session", path, "1", "--yes", *unlock_args(mentor_pw))
    assert held.returncode == 1 and "was held" in held.stderr
    deleted = rmjournal("delete-session", path, "3", "--yes", *unlock_args(mentor_pw))
    assert deleted.returncode == 0, deleted.stderr
    assert "Deleted session 3 (planned, 2026-03-20)" in deleted.stderr
    back = rmjournal("merge", other, path, *unlock_args(mentee_pw))
    assert back.returncode == 0, back.stderr
    assert "both planned" not in back.stdout
    for copy, pw in ((path, mentor_pw), (other, mentee_pw)):
        listed = rmjournal("sessions", copy, *unlock_args(pw)).stdout
        assert [line.split(",")[0] for line in listed.splitlines()] == ["Session 1", "Session 2"]
        assert "2026-03-16" in listed and "2026-03-20" not in listed
