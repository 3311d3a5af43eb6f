"""Authorship is provable (trust.md point 2), scripted as an attacker would: the partner holds
the pair key and rewrites rows of their copy with a script, then the copy is merged back. What
the author wrote is kept, the change is set aside whole and reported, nothing of theirs is lost;
private items change only by their author."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from clikit import new_pair_journal, ok, run, secret_args

from rmjournal.core.journal import Journal, authorship
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault

MENTOR_PW = "mentor passphrase for the authorship tests"
MENTEE_PW = "mentee passphrase for the authorship tests"


@pytest.fixture
def pair(tmp_path: Path) -> dict[str, Path]:
    """A journal with both partners' slots and the mentor's private and pair entries."""
    path, pw = new_pair_journal(tmp_path, MENTOR_PW, MENTEE_PW)
    for vis in ("private", "pair"):
        words = tmp_path / "words"
        words.write_text(f"the mentor's {vis} words\n")
        ok("add", path, "--visibility", vis, "--text-file", words,
            *secret_args(pw["mentor"], "mentor"))  # fmt: skip
    copy = tmp_path / "copy.rmj"
    copy.write_bytes(path.read_bytes())
    return {"path": path, "copy": copy, **pw}


def _script_edit(path: Path, pw: Path, sql: str, params: tuple[object, ...] = ()) -> None:
    """The partner's 20-line script: decrypt the body with the pair key, change rows, save."""
    vault = Vault.open(path, Secret.passphrase(pw.read_text().strip()), role_hint="mentee",
                       allow_test_kdf=True)  # fmt: skip
    with vault:
        conn = sqlite3.connect(":memory:")
        conn.deserialize(vault.read_body())
        assert conn.execute(sql, params).rowcount >= 1
        conn.commit()
        vault.save(conn.serialize())
        conn.close()


def _mentor_texts(pair: dict[str, Path]) -> list[str]:
    doc = json.loads(ok("export", pair["path"], "--format", "json",
                         *secret_args(pair["mentor"], "mentor")))  # fmt: skip
    return sorted(e["text"] for s in doc["sessions"] for e in s["entries"])


WORDS = ["the mentor's pair words", "the mentor's private words"]


@pytest.mark.parametrize(
    ("attack", "sql"),
    [
        ("tombstone", "UPDATE entries SET deleted_at = updated_at WHERE visibility = 'private'"),
        ("overwrite", "UPDATE entries SET visibility = 'pair', text = 'words put in her mouth',"
                      " tags = '[]', updated_at = '2030-01-01T00:00:00+00:00'"
                      " WHERE visibility = 'private'"),
        ("edit words", "UPDATE entries SET text = 'words put in her mouth',"
                       " updated_at = '2030-01-01T00:00:00+00:00' WHERE visibility = 'pair'"),
        ("take over", "UPDATE entries SET author = 'mentee', text = 'words taken over',"
                      " updated_at = '2030-01-01T00:00:00+00:00' WHERE visibility = 'pair'"),
    ],
)  # fmt: skip
def test_a_crafted_copy_cannot_change_the_authors_words(
    pair: dict[str, Path], attack: str, sql: str
) -> None:
    assert _mentor_texts(pair) == WORDS
    _script_edit(pair["copy"], pair["mentee"], sql)
    merged = ok("merge", pair["path"], pair["copy"], *secret_args(pair["mentor"], "mentor"))
    assert "set aside, not merged: entry" in merged, (attack, merged)
    assert "without the mentor's key" in merged
    assert _mentor_texts(pair) == WORDS
    again = ok("merge", pair["path"], pair["copy"], *secret_args(pair["mentor"], "mentor"))
    assert "Nothing to merge" in again
    verify = run("verify", pair["path"], *secret_args(pair["mentor"], "mentor"))
    assert "the mentor's version is kept" in verify.stdout  # the change is listed, not lost


@pytest.mark.parametrize(
    ("attack", "sql"),
    [
        ("edit words", "UPDATE entries SET text = 'words put in her mouth'"
                       " WHERE visibility = 'pair'"),
        ("tombstone", "UPDATE entries SET deleted_at = updated_at WHERE visibility = 'private'"),
        ("take over", "UPDATE entries SET author = 'mentee' WHERE visibility = 'pair'"),
    ],
)  # fmt: skip
def test_verify_finds_words_changed_in_the_file_itself(
    pair: dict[str, Path], attack: str, sql: str
) -> None:
    # No merge sees an edit made to the one file both partners sync: `verify` checks each row's
    # signature against the file alone, and says how to get the signed version back.
    mentor = secret_args(pair["mentor"], "mentor")
    clean = run("verify", pair["path"], *mentor)
    assert clean.returncode == 0 and "is sound" in clean.stdout, clean.stdout
    assert "Not proven" not in clean.stderr
    _script_edit(pair["path"], pair["mentee"], sql)
    for who in ("mentor", "mentee"):  # either partner finds it, whichever keys they hold
        told = run("verify", pair["path"], *secret_args(pair[who], who))
        assert told.returncode == 1, (attack, who, told.stdout)
        assert "changed without the key of whoever wrote it" in told.stdout, told.stdout
        assert "entry " in told.stdout and "is sound" not in told.stdout
        assert "Merge your partner's copy or a backup" in told.stderr
    merged = ok("merge", pair["path"], pair["copy"], *mentor)  # the untouched copy
    assert "the mentor's version from the other copy is kept" in merged, merged
    assert _mentor_texts(pair) == WORDS


def test_verify_says_what_it_cannot_prove(pair: dict[str, Path]) -> None:
    # A row without a signature may be from before signatures (schema 11) or stripped by a
    # script: one file cannot tell which, so it is said, not failed; a merge with a signed
    # version keeps that version (an unsigned change loses).
    mentor = secret_args(pair["mentor"], "mentor")
    _script_edit(pair["path"], pair["mentee"],
                 "UPDATE entries SET signature = NULL WHERE visibility = 'pair'")  # fmt: skip
    told = run("verify", pair["path"], *mentor)
    assert told.returncode == 0 and "is sound" in told.stdout
    assert "Not proven: 1 item carries no signature" in told.stderr, told.stderr


def test_the_authors_own_edit_on_another_copy_merges(pair: dict[str, Path]) -> None:
    mentor = secret_args(pair["mentor"], "mentor")
    doc = json.loads(ok("export", pair["copy"], "--format", "json", *mentor))
    entry = next(e for s in doc["sessions"] for e in s["entries"] if e["visibility"] == "pair")
    vault = Vault.open(pair["copy"], Secret.passphrase(MENTOR_PW), allow_test_kdf=True)
    with vault:
        journal = Journal.from_bytes(vault.read_body(), me="mentor", cipher=vault.private_cipher())
        journal.edit_entry(entry["id"], text="the mentor's words, rewritten by her")
        vault.save(journal.to_bytes())
    merged = ok("merge", pair["path"], pair["copy"], *mentor)
    assert "set aside" not in merged and "1 updated" in merged
    assert "the mentor's words, rewritten by her" in _mentor_texts(pair)


def test_what_a_person_writes_is_signed_and_only_their_key_verifies(pair: dict[str, Path]) -> None:
    vault = Vault.open(pair["path"], Secret.passphrase(MENTOR_PW), allow_test_kdf=True)
    with vault:
        journal = Journal.from_bytes(vault.read_body(), me="mentor", cipher=vault.private_cipher())
        mine = journal.records.signer().public_key
        rows = journal.records.query("SELECT * FROM entries")
        assert rows and all(r["signature"].startswith("mentor:") for r in rows)
        assert all(authorship.by_author("entries", r, {"mentor": mine}.get) for r in rows)
        forged = {**rows[0], "text": rows[0]["text"] + " and more"}
        assert not authorship.by_author("entries", forged, {"mentor": mine}.get)
        other = journal.records.signer()  # a signature by the mentee's key does not pass
        assert not authorship.by_author("entries", rows[0], {"mentor": bytes(32)}.get)
        assert other.public_key == mine


def test_an_import_cannot_take_over_the_partners_words(pair: dict[str, Path]) -> None:
    mentee = secret_args(pair["mentee"], "mentee")
    doc = json.loads(ok("export", pair["copy"], "--format", "json", *mentee))
    entry = next(e for s in doc["sessions"] for e in s["entries"] if e["author"] == "mentor")
    entry.update(author="mentee", text="now the mentee's words",
                 updated_at="2030-01-01T00:00:00+00:00")  # fmt: skip
    crafted = pair["copy"].with_name("crafted.json")
    crafted.write_text(json.dumps(doc))
    said = ok("import", pair["copy"], "--from", crafted, *mentee)
    assert "1 item of your partner's was left as your partner wrote it" in said
    texts = json.loads(ok("export", pair["copy"], "--format", "json", *mentee))
    assert "the mentor's pair words" in [e["text"] for s in texts["sessions"] for e in s["entries"]]


def test_a_crafted_session_deletion_keeps_the_authors_private_entry(pair: dict[str, Path]) -> None:
    stamp = "'2030-01-01T00:00:00+00:00'"
    _script_edit(pair["copy"], pair["mentee"],
                 f"UPDATE sessions SET deleted_at = {stamp}, updated_at = {stamp}")  # fmt: skip
    _script_edit(pair["copy"], pair["mentee"],
                 f"UPDATE entries SET deleted_at = {stamp}, updated_at = {stamp}")  # fmt: skip
    merged = ok("merge", pair["path"], pair["copy"], *secret_args(pair["mentor"], "mentor"))
    assert "without the mentor's key" in merged
    assert "the mentor's private words" in _mentor_texts(pair)
