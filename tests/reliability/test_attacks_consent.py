"""Attacks on consent and on the keys, scripted as the partner would: the CLI and the pair key.

The mentee (senior, holding the pair key like the mentor) tries to fake the mentor's approval,
to lock her out, or to keep using her old passphrase. After each attempt the mentor's own
journal keeps working, keeps her words and never shows "Approved by both" without both real
signatures.
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from clikit import run
from testkit import EXAMPLE_JSON

from rmjournal.core import crypto, fileformat
from rmjournal.core.crypto import Signer, random_key
from rmjournal.core.errors import JournalError
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret
from rmjournal.core.summary import approve, build_summary
from rmjournal.core.summary.approvals import record_approval
from rmjournal.core.vault import Vault

MENTOR_PW = "kwame's own long passphrase"
MENTEE_PW = "helen's own long passphrase"
FAKE_PW = "a passphrase helen made up for a fake mentor"
KDF = "--insecure-test-kdf"
BOTH = "Approved by both"


def _pw(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.pw"
    path.write_text(text + "\n")
    return path


@pytest.fixture
def pair(tmp_path: Path) -> dict[str, Path]:
    """The mentor's journal A (example content, the mentee's slot added with both present)
    and the mentee's copy B of it."""
    pws = {
        "mentor": _pw(tmp_path, "mentor", MENTOR_PW),
        "mentee": _pw(tmp_path, "mentee", MENTEE_PW),
        "fake": _pw(tmp_path, "fake", FAKE_PW),
    }
    a = tmp_path / "kwame.rmj"
    assert (
        run(
            "new", a, "--mentor", "K", "--mentee", "H", "--passphrase-file", pws["mentor"], KDF
        ).returncode
        == 0
    )
    assert (
        run("import", a, "--from", EXAMPLE_JSON, "--passphrase-file", pws["mentor"], KDF).returncode
        == 0
    )
    added = run(
        "slot", "add", a, "--role", "mentee", "--new-passphrase-file", pws["mentee"],
        "--passphrase-file", pws["mentor"], KDF,
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    b = tmp_path / "helen.rmj"
    shutil.copy(a, b)
    return {"a": a, "b": b, **pws}


def as_(who: str, p: dict[str, Path], role: str | None = None) -> list[str | Path]:
    return ["--passphrase-file", p[who], KDF, *(["--role", role] if role else [])]


def _mentor_journal_works(p: dict[str, Path]) -> str:
    """The mentor's export, search and approve still work; her export (Markdown)."""
    md = run("export", p["a"], "--format", "markdown", *as_("mentor", p))
    assert md.returncode == 0, md.stderr
    js = run("export", p["a"], "--format", "json", *as_("mentor", p))
    assert js.returncode == 0, js.stderr
    found = run("search", p["a"], "corridors", *as_("mentor", p))
    assert found.returncode == 0, found.stderr
    return md.stdout


def _fake_mentor_copy(source: Path, target: Path) -> bytes:
    """The attacker's script: with the mentee's passphrase (so the pair key), a copy whose
    mentor slots are gone and whose only "mentor" slot opens with the attacker's passphrase.
    Returns the fake mentor's personal key."""
    shutil.copy(source, target)
    fake_key = random_key()
    vault = Vault.open(target, Secret.passphrase(MENTEE_PW), allow_test_kdf=True)
    with vault:
        header, key = vault._header, vault._pair_key
        slots = [s for s in header.slots if s.role != "mentor"]
        salt = os.urandom(fileformat.SALT_BYTES)
        kek = fileformat.passphrase_kek(Secret.passphrase(FAKE_PW), salt, crypto.TEST_ARGON2)
        fake = fileformat.make_slot(
            header.file_id, role="mentor", kind="passphrase", params=crypto.TEST_ARGON2,
            salt=salt, kek=kek, pair_key=key, personal_key=fake_key,
        )  # fmt: skip
        vault._write((fake, *slots), key, vault.read_body())
    return fake_key


def _approve_as_fake_mentor(crafted: Path, fake_key: bytes) -> None:
    """The fake mentor's approval of the named summary, signed with the fake mentor's key."""
    with JournalFile.open(crafted, Secret.passphrase(MENTEE_PW), allow_test_kdf=True) as jf:
        # `approve` itself refuses a mentor key other than the one confirmed; a script does not.
        with pytest.raises(JournalError, match="not the one you confirmed"):
            approve(jf.journal, "mentor", signer=Signer("mentor", fake_key))
        digest = build_summary(jf.journal).content_hash
        pair_id = jf.journal.pair().id  # type: ignore[union-attr]
        record_approval(jf.journal, "mentor", pair_id, digest, signer=Signer("mentor", fake_key))
        jf.save()


def test_a_fake_mentor_in_a_crafted_copy_cannot_approve_for_her(
    pair: dict[str, Path], tmp_path: Path
) -> None:
    crafted = tmp_path / "crafted.rmj"
    fake_key = _fake_mentor_copy(pair["b"], crafted)
    _approve_as_fake_mentor(crafted, fake_key)
    helen = run("approve", crafted, *as_("mentee", pair, "mentee"))
    assert helen.returncode == 0, helen.stderr
    merged = run("merge", pair["a"], crafted, *as_("mentor", pair))  # ...and hands it over
    assert merged.returncode == 0, merged.stderr
    assert "not signed with the mentor's key; this copy kept its own" in merged.stdout
    text = _mentor_journal_works(pair)
    assert BOTH not in text and "DRAFT" in text
    assert "does not verify" in text  # the recorded "mentor" approval, and why it does not count
    # Her slots are hers: her passphrase still opens her journal, the attacker's does not.
    assert run("verify", pair["a"], *as_("mentor", pair)).returncode == 0
    assert run("verify", pair["a"], *as_("fake", pair, "mentor")).returncode == 3
    # She can still approve; with the mentee's real approval of the same text, that is both.
    mine = run("approve", pair["a"], *as_("mentor", pair))
    assert mine.returncode == 0, mine.stderr
    assert "Both partners have approved it" in mine.stdout
    assert BOTH in _mentor_journal_works(pair)


def test_copying_ones_own_approval_row_as_the_other_role_does_not_make_it_final(
    pair: dict[str, Path],
) -> None:
    assert run("approve", pair["b"], *as_("mentee", pair, "mentee")).returncode == 0
    # The 20-line script: copy the mentee's approval row as the mentor's (same content hash).
    with JournalFile.open(pair["b"], Secret.passphrase(MENTEE_PW), allow_test_kdf=True) as jf:
        j = jf.journal
        pair_id = j.pair().id  # type: ignore[union-attr]
        row = j.records.execute(
            "SELECT content_hash, approved_at, signature FROM approvals WHERE role = 'mentee'"
        ).fetchone()
        mentor_id = str(
            uuid.uuid5(uuid.UUID("6f1d7c2e-3b1a-4c55-9a59-2f6f3c1e8b11"), f"{pair_id}:mentor")
        )
        j.records.execute(
            "INSERT INTO approvals (id, role, content_hash, approved_at, signature, created_at,"
            " updated_at, author) VALUES (?, 'mentor', ?, ?, ?, ?, ?, 'mentor')",
            (mentor_id, *row, row[1], row[1]),
        )
        j.records.count_changes()
        jf.save()
    forged = run("export", pair["b"], "--format", "markdown", *as_("mentee", pair, "mentee"))
    assert forged.returncode == 0 and BOTH not in forged.stdout  # not even in her own copy
    assert run("merge", pair["a"], pair["b"], *as_("mentor", pair)).returncode == 0
    text = _mentor_journal_works(pair)
    assert BOTH not in text and "not the mentor's" in text
    html = run("export", pair["a"], "--format", "html", *as_("mentor", pair))
    assert html.returncode == 0 and BOTH not in html.stdout


def test_slot_remove_of_the_partners_slots_is_refused(pair: dict[str, Path]) -> None:
    before = pair["b"].read_bytes()
    for index in ("0", "1"):  # the mentor's passphrase and recovery slots
        alone = run("slot", "remove", pair["b"], index, *as_("mentee", pair, "mentee"))
        assert alone.returncode == 2 and "Traceback" not in alone.stderr
        guessed = run(
            "slot", "remove", pair["b"], index, *as_("mentee", pair, "mentee"),
            "--partner-passphrase-file", pair["fake"],
        )  # fmt: skip
        assert (
            guessed.returncode == 3 and "does not open any of the mentor's slots" in guessed.stderr
        )
    assert pair["b"].read_bytes() == before
    assert run("verify", pair["b"], *as_("mentor", pair)).returncode == 0


def test_slots_removed_by_editing_the_file_are_said_so_not_wrong_passphrase(
    pair: dict[str, Path], tmp_path: Path
) -> None:
    crafted = tmp_path / "crafted.rmj"
    _fake_mentor_copy(pair["a"], crafted)
    with Vault.open(crafted, Secret.passphrase(MENTEE_PW), allow_test_kdf=True) as vault:
        slots = tuple(s for s in vault._header.slots if s.role != "mentor")
        vault._write(slots, vault._pair_key, vault.read_body())
    told = run("verify", crafted, *as_("mentor", pair, "mentor"))
    assert told.returncode == 3
    assert "no passphrase slot for the mentor any more" in told.stderr
    assert "does not open" not in told.stderr


def test_after_a_passphrase_change_and_one_merge_the_old_one_opens_neither_copy(
    pair: dict[str, Path], tmp_path: Path
) -> None:
    new = _pw(tmp_path, "new", "kwame's newer and longer passphrase")
    changed = run("passwd", pair["a"], *as_("mentor", pair), "--new-passphrase-file", new)
    assert changed.returncode == 0, changed.stderr
    merged = run("merge", pair["b"], pair["a"], *as_("mentee", pair, "mentee"))
    assert merged.returncode == 0, merged.stderr
    assert "The mentor's key slots were taken from the other copy" in merged.stdout
    for copy in (pair["a"], pair["b"]):
        assert run("verify", copy, *as_("mentor", pair)).returncode == 3
        opened = run("verify", copy, "--passphrase-file", new, KDF)
        assert opened.returncode == 0, opened.stderr
        assert run("verify", copy, *as_("mentee", pair, "mentee")).returncode == 0
    # A crafted copy holding the old slot again does not bring it back.
    assert run("merge", pair["a"], pair["b"], *as_("mentee", pair, "mentee")).returncode == 0
    assert run("verify", pair["a"], *as_("mentor", pair)).returncode == 3


def test_a_copy_made_before_a_rekey_still_merges_in_and_learns_the_new_key(
    pair: dict[str, Path], tmp_path: Path
) -> None:
    old_copy = tmp_path / "old.rmj"
    shutil.copy(pair["b"], old_copy)
    text = tmp_path / "note.txt"
    text.write_text("A reflection written before the rekey\n")
    added = run("add", pair["b"], "--text-file", text, *as_("mentee", pair, "mentee"))
    assert added.returncode == 0, added.stderr
    rekeyed = run(
        "rekey", pair["a"], *as_("mentor", pair), "--partner-passphrase-file", pair["mentee"]
    )
    assert rekeyed.returncode == 0, rekeyed.stderr
    merged = run("merge", pair["a"], pair["b"], *as_("mentor", pair))  # B: made before the rekey
    assert merged.returncode == 0, merged.stderr
    assert "1 added" in merged.stdout
    back = run("merge", pair["b"], pair["a"], *as_("mentee", pair, "mentee"))
    assert back.returncode == 0, back.stderr
    assert "The other copy was rekeyed" in back.stdout
    with (
        JournalFile.open(pair["a"], Secret.passphrase(MENTOR_PW), allow_test_kdf=True) as a,
        JournalFile.open(pair["b"], Secret.passphrase(MENTEE_PW), allow_test_kdf=True) as b,
    ):
        assert a.vault._pair_key == b.vault._pair_key  # one pair key again in both copies
    assert run("merge", pair["a"], old_copy, *as_("mentor", pair)).returncode == 0
