"""Authorship of imported rows (trust.md point 2), scripted as an attacker would: an import signs
its rows as one batch (`authorship.py`); the partner, holding the pair key, rewrites a row inside
the batch, moves a row's place in the batch onto another row, or rewrites the batch itself, then
the copy is merged back. Each time the mentor's words are kept and the change is set aside."""

from __future__ import annotations

import base64
import json
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from clikit import new_pair_journal, ok, secret_args

from rmjournal.core.journal import authorship
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault

MENTOR_PW = "mentor passphrase for the batch attack tests"
MENTEE_PW = "mentee passphrase for the batch attack tests"
STAMP = "2026-07-01T10:00:00+00:00"
LATER = "2030-01-01T00:00:00+00:00"
WORDS = ["imported pair words 0", "imported pair words 1", "imported private words"]


@pytest.fixture
def pair(tmp_path: Path) -> dict[str, Path]:
    """A journal whose mentor imported two pair entries and a private one (one batch), and a
    copy of it."""
    path, pw = new_pair_journal(tmp_path, MENTOR_PW, MENTEE_PW)
    mentor = secret_args(pw["mentor"], "mentor")
    words = tmp_path / "words"
    words.write_text("a first entry\n")
    ok("add", path, "--text-file", words, *mentor)
    doc = json.loads(ok("export", path, "--format", "json", *mentor))
    entries = doc["sessions"][0]["entries"]
    entries.clear()
    for text in WORDS:
        entries.append({
            "id": str(uuid.uuid4()), "kind": "note", "author": "mentor", "text": text,
            "visibility": "private" if "private" in text else "pair", "tags": [],
            "created_at": STAMP, "updated_at": STAMP,
        })  # fmt: skip
    document = tmp_path / "doc.json"
    document.write_text(json.dumps(doc))
    ok("import", path, "--from", document, *mentor)
    copy = tmp_path / "copy.rmj"
    copy.write_bytes(path.read_bytes())
    return {"path": path, "copy": copy, **pw}


def _script(path: Path, pw: Path, change: Callable[[sqlite3.Connection, Vault], None]) -> None:
    """The partner's script: decrypt the body with the pair key, change it, save."""
    vault = Vault.open(path, Secret.passphrase(pw.read_text().strip()), role_hint="mentee",
                       allow_test_kdf=True)  # fmt: skip
    with vault:
        conn = sqlite3.connect(":memory:")
        conn.deserialize(vault.read_body())
        change(conn, vault)
        conn.commit()
        vault.save(conn.serialize())
        conn.close()


def _entry(conn: sqlite3.Connection, text: str) -> dict[str, object]:
    cur = conn.execute("SELECT * FROM entries WHERE text = ?", (text,))
    return dict(zip([c[0] for c in cur.description], cur.fetchone(), strict=True))


def _texts(pair: dict[str, Path]) -> list[str]:
    doc = json.loads(ok("export", pair["path"], "--format", "json",
                         *secret_args(pair["mentor"], "mentor")))  # fmt: skip
    return sorted(e["text"] for s in doc["sessions"] for e in s["entries"])


def _edit_inside(conn: sqlite3.Connection, _vault: Vault) -> None:
    conn.execute(
        "UPDATE entries SET text = 'words put in her mouth', updated_at = ? WHERE text = ?",
        (LATER, WORDS[0]),
    )


def _move_place(conn: sqlite3.Connection, _vault: Vault) -> None:
    other = _entry(conn, WORDS[1])
    conn.execute(
        "UPDATE entries SET text = 'words put in her mouth', updated_at = ?, signature = ?"
        " WHERE text = ?",
        (LATER, other["signature"], WORDS[0]),
    )


def _rewrite_digests(conn: sqlite3.Connection, _vault: Vault) -> None:
    row = _entry(conn, WORDS[0])
    changed = {**row, "text": "words put in her mouth", "updated_at": LATER}
    batch_id, place = str(row["signature"]).partition("@")[2].split("/")
    (digests,) = conn.execute(
        "SELECT digests FROM signature_batches WHERE id = ?", (batch_id,)
    ).fetchone()
    at = int(place) * authorship.DIGEST_SIZE
    forged = digests[:at] + authorship.digest("entries", changed) + digests[at + 32 :]
    conn.execute("UPDATE signature_batches SET digests = ? WHERE id = ?", (forged, batch_id))
    conn.execute(
        "UPDATE entries SET text = ?, updated_at = ? WHERE id = ?",
        (changed["text"], LATER, row["id"]),
    )


def _sign_as_mentor_with_own_key(conn: sqlite3.Connection, vault: Vault) -> None:
    """The partner signs a batch of her own over the changed row and labels it the mentor's."""
    row = _entry(conn, WORDS[0])
    changed = {**row, "text": "words put in her mouth", "updated_at": LATER}
    digest = authorship.digest("entries", changed)
    raw = vault.signer().sign(authorship.BATCH_PURPOSE, authorship.batch_message("fake", digest))
    conn.execute(
        "INSERT INTO signature_batches VALUES ('fake', 'mentor', ?, ?)",
        (digest, base64.b64encode(raw).decode("ascii")),
    )
    conn.execute(
        "UPDATE entries SET text = ?, updated_at = ?, signature = 'mentor:@fake/0' WHERE id = ?",
        (changed["text"], LATER, row["id"]),
    )


def _delete_private(conn: sqlite3.Connection, _vault: Vault) -> None:
    conn.execute(
        "UPDATE entries SET deleted_at = ?, updated_at = ? WHERE visibility = 'private'"
        " AND signature LIKE 'mentor:@%'",
        (LATER, LATER),
    )


@pytest.mark.parametrize(
    "attack",
    [_edit_inside, _move_place, _rewrite_digests, _sign_as_mentor_with_own_key, _delete_private],
    ids=lambda f: f.__name__.strip("_"),
)
def test_a_crafted_copy_cannot_change_words_signed_in_a_batch(
    pair: dict[str, Path], attack: Callable[[sqlite3.Connection, Vault], None]
) -> None:
    assert _texts(pair) == sorted(["a first entry", *WORDS])
    _script(pair["copy"], pair["mentee"], attack)
    merged = ok("merge", pair["path"], pair["copy"], *secret_args(pair["mentor"], "mentor"))
    assert "set aside, not merged: entry" in merged, merged
    assert "without the mentor's key" in merged
    assert _texts(pair) == sorted(["a first entry", *WORDS])


def test_imported_rows_are_batch_signed_and_an_untouched_copy_merges_cleanly(
    pair: dict[str, Path],
) -> None:
    def look(conn: sqlite3.Connection, _vault: Vault) -> None:
        refs = [
            r[0]
            for r in conn.execute("SELECT signature FROM entries WHERE created_at = ?", (STAMP,))
        ]
        assert len(refs) == 3 and all(r.startswith("mentor:@") for r in refs)
        assert conn.execute("SELECT count(*) FROM signature_batches").fetchone()[0] == 1

    _script(pair["copy"], pair["mentee"], look)
    mentor = secret_args(pair["mentor"], "mentor")
    merged = ok("merge", pair["path"], pair["copy"], *mentor)
    assert "set aside" not in merged
    assert _texts(pair) == sorted(["a first entry", *WORDS])
