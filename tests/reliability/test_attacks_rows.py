"""Nothing a partner writes bricks the other's journal (trust.md point 3), scripted as an
attacker would: the partner holds the pair key, so they can swap the slots of a copy for a fake
"mentor", or rewrite any row of a copy with a script. Every command of the attacked person keeps
working, the bad row is set aside whole and reported, and `verify` lists it.
"""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

import pytest
from clikit import new_pair_journal, ok, run, secret_args

from rmjournal.core import checked
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import checks
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault

MENTOR_PW = "mentor passphrase for the attack tests"
MENTEE_PW = "mentee passphrase for the attack tests"


@pytest.fixture
def pair(tmp_path: Path) -> dict[str, Path]:
    """A journal with both partners' slots, one pair entry and one private entry each."""
    path, pw = new_pair_journal(tmp_path, MENTOR_PW, MENTEE_PW)
    for who, vis in (("mentor", "private"), ("mentor", "pair"), ("mentee", "private")):
        words = tmp_path / "words"
        words.write_text(f"{who} {vis} words of the attacked journal\n")
        ok("add", path, "--visibility", vis, "--text-file", words,
            *secret_args(pw[who], who))  # fmt: skip
    return {"path": path, **pw}


def _fake_mentor_copy(pair: dict[str, Path]) -> Path:
    """The mentee's copy holding one private entry that claims the mentor as author, sealed with
    a key that is not the mentor's: what a fake "mentor" slot (or a script) writes."""
    copy = pair["path"].with_name("copy.rmj")
    copy.write_bytes(pair["path"].read_bytes())
    fake = PrivateCipher("mentor", os.urandom(32))
    forged = "0f0f0f0f-0000-4000-8000-000000000001"
    _script_edit(
        copy, pair["mentee"], "mentee",
        "INSERT INTO entries (id, kind, author, text, prompt, visibility, tags, created_at,"
        " updated_at, session_id, deleted_at) SELECT ?, 'note', 'mentor', ?, NULL, 'private', ?,"
        " created_at, updated_at, session_id, NULL FROM entries LIMIT 1",
        (forged, fake.seal(forged, "text", "forged words the mentor never wrote"),
         fake.seal(forged, "tags", "[]")),
    )  # fmt: skip
    return copy


def _every_command_works(pair: dict[str, Path]) -> None:
    path, mentor = pair["path"], secret_args(pair["mentor"], "mentor")
    doc = json.loads(ok("export", path, "--format", "json", *mentor))
    texts = [e["text"] for s in doc["sessions"] for e in s["entries"]]
    assert "mentor private words of the attacked journal" in texts
    assert "mentor pair words of the attacked journal" in texts
    assert "Ada" in ok("export", path, *mentor)
    assert "private words" in ok("recent", path, *mentor)
    assert "pair words" in ok("search", path, "attacked", *mentor)
    ok("sessions", path, *mentor)
    ok("approve", path, *mentor)


def test_a_fake_mentors_private_entry_is_set_aside_not_bricking(pair: dict[str, Path]) -> None:
    copy = _fake_mentor_copy(pair)
    mentor = secret_args(pair["mentor"], "mentor")
    merged = run("merge", pair["path"], copy, *mentor)
    assert merged.returncode == 0, merged.stderr
    assert "set aside, not merged: entry" in merged.stdout
    assert "does not open with your key" in merged.stdout
    _every_command_works(pair)
    again = run("merge", pair["path"], copy, *mentor)
    assert again.returncode == 0 and "Nothing to merge" in again.stdout
    verify = run("verify", pair["path"], *mentor)
    assert verify.returncode == 1, verify.stdout
    assert "is set aside" in verify.stdout and "does not open with your key" in verify.stdout
    assert "sound" not in verify.stdout
    assert "forged" not in ok("search", pair["path"], "forged", *mentor)


def _script_edit(path: Path, pw: Path, role: str, sql: str, params: tuple[object, ...]) -> None:
    """What a 20-line script with the pair key does: decrypt the body, change it, save it."""
    vault = Vault.open(
        path, Secret.passphrase(pw.read_text().strip()), role_hint=role,  # type: ignore[arg-type]
        allow_test_kdf=True,
    )  # fmt: skip
    with vault:
        conn = sqlite3.connect(":memory:")
        conn.deserialize(vault.read_body())
        assert conn.execute(sql, params).rowcount == 1
        conn.commit()
        vault.save(conn.serialize())
        conn.close()


def test_a_session_date_that_is_not_a_date_is_set_aside(pair: dict[str, Path]) -> None:
    _script_edit(pair["path"], pair["mentee"], "mentee",
                 "UPDATE sessions SET date = ? WHERE number = 1", ("not a date",))  # fmt: skip
    mentor = secret_args(pair["mentor"], "mentor")
    shown = run("recent", pair["path"], *mentor)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr
    assert "fails its checks and is set aside" in shown.stderr
    ok("export", pair["path"], "--format", "json", *mentor)
    ok("export", pair["path"], *mentor)
    ok("sessions", pair["path"], *mentor)
    ok("search", pair["path"], "attacked", *mentor)
    verify = run("verify", pair["path"], *mentor)
    assert verify.returncode == 1
    assert "session" in verify.stdout and "its date is not a date" in verify.stdout


def test_a_row_set_aside_is_kept_whole(pair: dict[str, Path]) -> None:
    _script_edit(pair["path"], pair["mentee"], "mentee",
                 "UPDATE entries SET kind = ? WHERE visibility = 'pair'", ("poem",))  # fmt: skip
    vault = Vault.open(pair["path"], Secret.passphrase(MENTOR_PW), allow_test_kdf=True)
    with vault:
        from rmjournal.core.journal import Journal

        journal = Journal.from_bytes(vault.read_body(), me="mentor", cipher=vault.private_cipher())
        kept = journal.set_aside()
        assert [(k.table, k.reason) for k in kept] == [("entries", "its kind is not one of "
                                                        "note, reflection, learning")]  # fmt: skip
        (row,) = journal.records.query("SELECT row FROM set_aside")
        whole = json.loads(row["row"])
        assert whole["text"] == "mentor pair words of the attacked journal"
        assert whole["kind"] == "poem"
        assert not journal.records.query("SELECT 1 FROM entries WHERE id = ?", (whole["id"],))
        assert checks.notice(1) == journal.set_aside_notice()


def test_merging_an_odd_value_keeps_the_authors_row(pair: dict[str, Path]) -> None:
    copy = pair["path"].with_name("odd.rmj")
    copy.write_bytes(pair["path"].read_bytes())
    _script_edit(copy, pair["mentee"], "mentee",
                 "UPDATE sessions SET date = ? WHERE number = 1", ("2026-02-30",))  # fmt: skip
    mentor = secret_args(pair["mentor"], "mentor")
    before = json.loads(ok("export", pair["path"], "--format", "json", *mentor))["sessions"]
    merged = ok("merge", pair["path"], copy, *mentor)
    assert "set aside, not merged: session" in merged
    after = json.loads(ok("export", pair["path"], "--format", "json", *mentor))["sessions"]
    assert [s["date"] for s in after] == [s["date"] for s in before]


def test_a_body_is_checked_once_here_and_any_rewrite_is_checked_again(
    pair: dict[str, Path],
) -> None:
    """Opening skips the row checks only for the exact file (checksum) and slot that this
    computer checked or wrote; the same body sealed again by a script is checked again."""
    from rmjournal.core.journalfile import JournalFile

    mentor = Secret.passphrase(MENTOR_PW)
    with JournalFile.open(pair["path"], mentor, allow_test_kdf=True) as opened:
        identity = opened.vault.body_identity
        assert identity is not None and checked.already_checked(opened.vault.file_id, identity)
        file_id = opened.vault.file_id
    # A script re-seals the very same body: new file bytes, so not known here.
    _script_edit(pair["path"], pair["mentee"], "mentee",
                 "UPDATE sessions SET date = date WHERE number = 1", ())  # fmt: skip
    with Vault.open(pair["path"], mentor, allow_test_kdf=True) as vault:
        assert vault.body_identity != identity
        assert not checked.already_checked(file_id, str(vault.body_identity))
    # Opening it checks it (nothing to set aside) and remembers it; another slot of the same
    # bytes (the mentee's) is a different name, checked on its own first open.
    with JournalFile.open(pair["path"], mentor, allow_test_kdf=True) as opened:
        assert checked.already_checked(file_id, str(opened.vault.body_identity))
    mentee = Secret.passphrase(MENTEE_PW)
    with Vault.open(pair["path"], mentee, role_hint="mentee", allow_test_kdf=True) as vault:
        assert not checked.already_checked(file_id, str(vault.body_identity))
    state = checked._checked_path().parent  # written like seen.json: no temp file left beside
    assert {p.name for p in state.iterdir()} <= {"checked.json", "seen.json"}
