"""The vault's everyday behaviour: create, open, save, who unlocked, the lock, files on disk."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path

import pytest
from testkit import MENTEE_PASSPHRASE, PASSPHRASE
from vault_helpers import make_journal, notes_of, open_journal, sqlite_body

from rmjournal.core import calibration, crypto, errors
from rmjournal.core.errors import (
    ChangedOnDisk,
    JournalError,
    JournalLocked,
    NotFound,
    Tampered,
    WrongSecret,
)
from rmjournal.core.secret import Secret
from rmjournal.core.seen import Seen
from rmjournal.core.vault import Vault, inspect


def test_create_then_open_gives_back_the_body(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, recovery_text = make_journal(path, "first note")
    assert vault.role == "mentor" and vault.test_kdf and vault.generation == 1
    assert recovery_text.count("-") == 13
    vault.close()
    with open_journal(path) as again:
        assert notes_of(again.read_body()) == ["first note"]
        assert again.role == "mentor"


def test_save_writes_a_new_generation_with_a_fresh_body_key(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "one")
    body = sqlite_body("one", "two")
    vault.save(body)
    first = path.read_bytes()
    vault.save(body)
    second = path.read_bytes()
    assert vault.generation == 3
    # Same plaintext, different ciphertext: each save seals under a new body key and nonce.
    assert first[-100:] != second[-100:]
    vault.close()
    with open_journal(path) as again:
        assert notes_of(again.read_body()) == ["one", "two"]
        assert again.generation == 3


def test_wrong_passphrase_is_refused(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    make_journal(path)[0].close()
    with pytest.raises(WrongSecret):
        open_journal(path, "not the passphrase")


def test_test_kdf_journal_needs_the_switch(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    make_journal(path)[0].close()
    with pytest.raises(errors.TestKdfRefused):
        Vault.open(path, Secret.passphrase(PASSPHRASE))
    assert errors.TestKdfRefused.exit_code == 4
    open_journal(path, allow_test_kdf=True).close()


def test_missing_file_is_not_found(journal_dir: Path) -> None:
    with pytest.raises(NotFound):
        open_journal(journal_dir / "nope.rmj")


def test_create_refuses_an_existing_file(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    make_journal(path)[0].close()
    before = path.read_bytes()
    with pytest.raises(JournalError, match="already exists"):
        make_journal(path)
    assert path.read_bytes() == before


def test_mentee_unlock_identifies_the_mentee_and_never_unseals_the_mentor_key(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "shared")
    mentor_key = vault._personal_key
    mentor_sealed = vault.private_cipher().seal("entry-1", "text", "mentor's private words")
    assert vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE)) is not None
    vault.close()

    unsealed: list[bytes] = []
    real_unseal = crypto.unseal

    def recording_unseal(*args: bytes) -> bytes | None:
        plain = real_unseal(*args)
        if plain is not None:
            unsealed.append(plain)
        return plain

    monkeypatch.setattr(crypto, "unseal", recording_unseal)
    with open_journal(path, MENTEE_PASSPHRASE) as mentee:  # no role hint: mentor slot tried too
        assert mentee.role == "mentee"
        assert unsealed, "the mentee's slot and the body were opened"
        assert all(mentor_key not in plain for plain in unsealed)
        state = [v for v in vars(mentee).values() if isinstance(v, bytes)]
        assert all(mentor_key not in value for value in state)
        with pytest.raises(Tampered):
            mentee.private_cipher().open("entry-1", "text", mentor_sealed)
        own = mentee.private_cipher().seal("entry-2", "text", "mentee's private words")
    with open_journal(path) as mentor:
        assert mentor.private_cipher().open("entry-1", "text", mentor_sealed)
        with pytest.raises(Tampered):
            mentor.private_cipher().open("entry-2", "text", own)


def test_role_hint_tries_that_role_first(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault_helpers import KdfCounter

    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path)
    vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    vault.close()
    counter = KdfCounter(monkeypatch)
    open_journal(path, MENTEE_PASSPHRASE, role_hint="mentee").close()
    assert counter.argon2 == 1
    counter.argon2 = 0
    open_journal(path, MENTEE_PASSPHRASE, seen=Seen(journal_dir / "elsewhere")).close()
    assert counter.argon2 == 2  # no hint, nothing remembered: the mentor's slot first


def test_the_slot_that_opened_last_is_tried_first(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vault_helpers import KdfCounter

    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path)
    vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    vault.close()
    here = Seen(journal_dir / "state")
    counter = KdfCounter(monkeypatch)
    with open_journal(path, MENTEE_PASSPHRASE, seen=here) as first:
        assert first.role == "mentee"
    assert counter.argon2 == 2  # the first time, the mentor's slot is tried first
    for _ in range(2):
        counter.argon2 = 0
        with open_journal(path, MENTEE_PASSPHRASE, seen=here) as again:
            assert again.role == "mentee"
        assert counter.argon2 == 1  # remembered: one key derivation per unlock
    counter.argon2 = 0
    with open_journal(path, seen=here) as mentor:  # the mentor at the same computer
        assert mentor.role == "mentor"
    assert counter.argon2 == 2  # the mentee's slot, then the mentor's; now the mentor's first
    counter.argon2 = 0
    open_journal(path, seen=here).close()
    assert counter.argon2 == 1
    # No secret in the state file: only the file id, the slot, its role and kind, the save.
    state = here.path.read_text(encoding="utf-8")
    assert PASSPHRASE not in state and MENTEE_PASSPHRASE not in state
    assert set(json.loads(state)["files"][vault.file_id]) == {"slot", "role", "kind", "places"}
    assert stat.S_IMODE(here.path.stat().st_mode) == 0o600


def test_second_opener_gets_journal_locked(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path)
    with pytest.raises(JournalLocked, match="open in another"):
        open_journal(path)
    started = time.monotonic()
    with pytest.raises(JournalLocked):
        open_journal(path, lock_wait=0.3)
    assert time.monotonic() - started >= 0.3
    assert JournalLocked.exit_code == 5
    vault.close()
    open_journal(path).close()


def test_lock_wait_succeeds_when_the_other_closes_in_time(journal_dir: Path) -> None:
    import threading

    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path)
    threading.Timer(0.2, vault.close).start()
    open_journal(path, lock_wait=3.0).close()


def test_save_refuses_a_file_changed_on_disk(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "mine")
    other = journal_dir / "other.rmj"
    make_journal(other, "theirs")[0].close()
    os.replace(other, path)  # a sync tool puts another version in place
    replaced = path.read_bytes()
    with pytest.raises(ChangedOnDisk, match="changed on disk"):
        vault.save(sqlite_body("mine", "more"))
    assert path.read_bytes() == replaced
    path.unlink()
    with pytest.raises(ChangedOnDisk):
        vault.save(sqlite_body("mine", "more"))
    vault.close()


def test_stale_temp_files_are_removed_on_open(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    make_journal(path)[0].close()
    stale = journal_dir / ".pair.rmj.0123456789abcdef.tmp"
    stale.write_bytes(b"half a save")
    unrelated = journal_dir / ".other.rmj.0123456789abcdef.tmp"
    unrelated.write_bytes(b"not ours")
    open_journal(path).close()
    assert not stale.exists() and unrelated.exists()


def test_inspect_needs_no_secret(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path)
    vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    facts = inspect(path)
    assert facts.version == 1 and facts.test_kdf and facts.generation == 2
    assert [(s.role, s.kind) for s in facts.slots] == [
        ("mentor", "passphrase"),
        ("mentor", "recovery"),
        ("mentee", "passphrase"),
        ("mentee", "recovery"),
    ]
    assert facts.size == path.stat().st_size
    assert [s.unlocked_with for s in vault.slots()] == [True, False, False, False]
    vault.close()


def test_files_are_0600_and_new_folders_0700_under_umask_000(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "made" / "by" / "rmjournal" / "pair.rmj"
        vault, _ = make_journal(path, "x")
        vault.save(sqlite_body("x", "y"))
        vault.change_passphrase(Secret.passphrase("another passphrase"))
        backup = tmp_path / "backups" / "pair-copy.rmj"
        vault.backup(backup)
        vault.close()
    finally:
        os.umask(old)
    for folder in (tmp_path / "made", tmp_path / "made" / "by", path.parent, backup.parent):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for file in (path, path.with_name("pair.rmj.lock"), backup):
        assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert sorted(p.name for p in path.parent.iterdir()) == ["pair.rmj", "pair.rmj.lock"]


def test_closed_vault_refuses_work(journal_dir: Path) -> None:
    vault, _ = make_journal(journal_dir / "pair.rmj")
    vault.close()
    vault.close()
    with pytest.raises(JournalError, match="closed"):
        vault.save(b"")
    assert "pair.rmj" in repr(vault) and PASSPHRASE not in repr(vault)


def test_calibration_logic_follows_the_machine_speed() -> None:
    def machine(seconds_per_gib_pass: float):  # a model machine: cost is memory × passes
        return lambda p: p.memory_kib * p.iterations / (1024 * 1024) * seconds_per_gib_pass

    fast, took = calibration.calibrate_argon2(measure=machine(0.2))
    assert fast.memory_kib == 128 * 1024 and fast.iterations >= 6 and 0.3 <= took <= 1.0
    usual, took = calibration.calibrate_argon2(measure=machine(1.0))
    assert (usual.memory_kib, usual.iterations) == (128 * 1024, 4) and 0.3 <= took <= 1.0
    slow, took = calibration.calibrate_argon2(measure=machine(5.0))
    assert slow.memory_kib < 128 * 1024 and slow.iterations == 2 and 0.3 <= took <= 1.0
    floor, took = calibration.calibrate_argon2(measure=machine(60.0))
    assert (floor.memory_kib, floor.iterations) == (64 * 1024, 2)  # security floor wins


def test_calibration_on_this_machine_lands_between_0_3_and_1_second() -> None:
    params, took = calibration.calibrate_argon2()
    assert params.memory_kib >= 64 * 1024 and params.iterations >= 2
    assert 0.3 <= took <= 1.0 or (params.memory_kib, params.iterations) == (64 * 1024, 2)


def test_a_real_journal_opens_without_the_switch(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The cheapest cost a real journal may have (calibration itself is tested above).
    floor = crypto.Argon2Params(crypto.MIN_MEMORY_KIB, crypto.MIN_ITERATIONS, 4)
    monkeypatch.setattr(calibration, "calibrate_argon2", lambda **_: (floor, 0.5))
    path = journal_dir / "real.rmj"
    vault, _ = Vault.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), body=sqlite_body("real")
    )
    vault.close()
    facts = inspect(path)
    assert not facts.test_kdf and facts.slots[0].kdf == "Argon2id, 64 MiB, 2 passes, 4 lanes"
    with Vault.open(path, Secret.passphrase(PASSPHRASE)) as again:
        assert notes_of(again.read_body()) == ["real"] and not again.test_kdf


def test_a_released_body_is_read_from_the_file_when_needed(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "kept")
    vault.release_body()
    assert vault._body is None
    assert notes_of(vault.read_body()) == ["kept"]  # read and decrypted again
    vault.save(sqlite_body("kept", "saved"))
    assert vault._body is None  # not kept after a save either
    vault.change_passphrase(Secret.passphrase("a brand new passphrase 42"))
    assert notes_of(vault.read_body()) == ["kept", "saved"]
    backup = journal_dir / "backup.rmj"
    vault.backup(backup)
    vault.close()
    with open_journal(path, "a brand new passphrase 42") as again:
        assert notes_of(again.read_body()) == ["kept", "saved"]
        again.release_body()
        os.utime(path, ns=(1, 1))  # someone else touched the file
        with pytest.raises(ChangedOnDisk):
            again.read_body()
