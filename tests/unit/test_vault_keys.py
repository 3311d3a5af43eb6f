"""Key operations: recovery keys, passphrase change, partner slots, slot removal, rekey, backup."""

from __future__ import annotations

from pathlib import Path

import pytest
from testkit import MENTEE_PASSPHRASE
from vault_helpers import KdfCounter, make_journal, notes_of, open_journal, sqlite_body

from rmjournal.core import recovery
from rmjournal.core.errors import (
    BadRecoveryKey,
    JournalError,
    NotFound,
    UsageError,
    WrongSecret,
)
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault


def _recover(path: Path, text: str) -> Vault:
    return Vault.open(path, Secret.recovery(text), allow_test_kdf=True)


@pytest.fixture
def pair(journal_dir: Path) -> tuple[Path, str, str]:
    """A closed journal with both partners: path, mentor's and mentee's recovery keys."""
    path = journal_dir / "pair.rmj"
    vault, mentor_rk = make_journal(path, "kept")
    mentee_rk = vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    assert mentee_rk is not None
    vault.close()
    return path, mentor_rk, mentee_rk


def test_recovery_key_unlocks_as_its_role(pair: tuple[Path, str, str]) -> None:
    path, mentor_rk, mentee_rk = pair
    with _recover(path, mentor_rk.lower().replace("-", " ")) as vault:
        assert vault.role == "mentor" and notes_of(vault.read_body()) == ["kept"]
    with _recover(path, mentee_rk) as vault:
        assert vault.role == "mentee"


def test_recovery_key_typo_is_caught_before_any_kdf(
    pair: tuple[Path, str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, mentor_rk, _ = pair
    counter = KdfCounter(monkeypatch)
    chars = [i for i, c in enumerate(mentor_rk) if c != "-"]
    for position in chars:
        wrong = "B" if mentor_rk[position] != "B" else "C"
        typo = mentor_rk[:position] + wrong + mentor_rk[position + 1 :]
        with pytest.raises(BadRecoveryKey, match="typo"):
            _recover(path, typo)
    for broken in (mentor_rk[:-5], mentor_rk + "-AAAA", mentor_rk.replace("A", "!", 1) + "!"):
        with pytest.raises(BadRecoveryKey):
            _recover(path, broken)
    assert counter.total == 0
    assert BadRecoveryKey.exit_code == 3


def test_recovery_key_encoding_round_trips() -> None:
    key, text = recovery.new()
    assert recovery.decode(text) == key
    assert recovery.decode(text.replace("O", "0").replace("I", "1")) == key
    assert recovery.encode(key) == text


def test_a_recovery_key_from_another_journal_is_a_wrong_secret(
    pair: tuple[Path, str, str], journal_dir: Path
) -> None:
    path, _, _ = pair
    make_journal(journal_dir / "other.rmj")[0].close()
    _, foreign = recovery.new()
    with pytest.raises(WrongSecret) as caught:
        _recover(path, foreign)
    assert not isinstance(caught.value, BadRecoveryKey)


def test_change_passphrase_old_fails_content_kept(pair: tuple[Path, str, str]) -> None:
    path, _, _ = pair
    with open_journal(path) as vault:
        vault.change_passphrase(Secret.passphrase("a brand new passphrase"))
    with pytest.raises(WrongSecret):
        open_journal(path)
    with open_journal(path, "a brand new passphrase") as vault:
        assert vault.role == "mentor" and notes_of(vault.read_body()) == ["kept"]
    open_journal(path, MENTEE_PASSPHRASE).close()  # the partner is untouched


def test_forgotten_passphrase_reset_with_the_recovery_key(pair: tuple[Path, str, str]) -> None:
    path, mentor_rk, _ = pair
    with _recover(path, mentor_rk) as vault:
        vault.change_passphrase(Secret.passphrase("remembered this time"))
        assert len(vault.slots()) == 4
    with pytest.raises(WrongSecret):
        open_journal(path)
    open_journal(path, "remembered this time").close()
    _recover(path, mentor_rk).close()  # the recovery key still works


def test_add_own_slot_returns_no_recovery_key(pair: tuple[Path, str, str]) -> None:
    path, _, _ = pair
    with open_journal(path) as vault:
        assert vault.add_slot("mentor", Secret.passphrase("laptop passphrase")) is None
    with open_journal(path, "laptop passphrase") as vault:
        assert vault.role == "mentor"
    open_journal(path).close()


def test_partner_with_slots_adds_their_own(pair: tuple[Path, str, str]) -> None:
    path, _, _ = pair
    with open_journal(path) as vault, pytest.raises(JournalError, match="only the mentee"):
        vault.add_slot("mentee", Secret.passphrase("mentor choosing for mentee"))
    with open_journal(path, MENTEE_PASSPHRASE) as vault:
        assert vault.add_slot("mentee", Secret.passphrase("mentee's second")) is None
    with open_journal(path, "mentee's second") as vault:
        assert vault.role == "mentee"


def test_slots_are_bounded(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path)
    for n in range(6):
        vault.add_slot("mentor", Secret.passphrase(f"passphrase {n}"))
    assert len(vault.slots()) == 8
    with pytest.raises(UsageError, match="8 slots"):
        vault.add_slot("mentor", Secret.passphrase("one too many"))
    with pytest.raises(UsageError):
        vault.add_slot("mentee", Secret.passphrase("no room for two"))
    vault.close()


def test_remove_slot_rules(pair: tuple[Path, str, str]) -> None:
    path, mentor_rk, _ = pair
    with open_journal(path) as vault:
        with pytest.raises(NotFound):
            vault.remove_slot(9)
        with pytest.raises(UsageError, match="only passphrase"):
            vault.remove_slot(0)
        vault.remove_slot(1)  # the mentor's recovery slot
        assert [(s.role, s.kind) for s in vault.slots()][:1] == [("mentor", "passphrase")]
    with pytest.raises(WrongSecret):
        _recover(path, mentor_rk)
    with open_journal(path) as vault:
        index = next(
            s.number for s in vault.slots() if s.role == "mentee" and s.kind == "passphrase"
        )
        with pytest.raises(UsageError, match="only the mentee can remove it"):
            vault.remove_slot(index)  # the partner's slot: not without their passphrase
        with pytest.raises(WrongSecret):
            vault.remove_slot(index, Secret.passphrase("a guess at theirs"))
        vault.remove_slot(index, Secret.passphrase(MENTEE_PASSPHRASE))
    with pytest.raises(WrongSecret):
        open_journal(path, MENTEE_PASSPHRASE)


def test_removing_the_only_slot_is_refused(journal_dir: Path) -> None:
    vault, _ = make_journal(journal_dir / "pair.rmj")
    vault.remove_slot(1)
    with pytest.raises(UsageError, match="only slot"):
        vault.remove_slot(0)
    vault.close()


def test_new_recovery_key_replaces_the_old(pair: tuple[Path, str, str]) -> None:
    path, mentor_rk, mentee_rk = pair
    with open_journal(path) as vault:
        fresh = vault.new_recovery_key()
        assert len(vault.slots()) == 4
    with pytest.raises(WrongSecret):
        _recover(path, mentor_rk)
    _recover(path, fresh).close()
    _recover(path, mentee_rk).close()


def test_rekey_needs_the_partner(pair: tuple[Path, str, str]) -> None:
    path, _, _ = pair
    before = path.read_bytes()
    with open_journal(path) as vault:
        with pytest.raises(UsageError, match="must be present"):
            vault.rekey()
        with pytest.raises(WrongSecret):
            vault.rekey(Secret.passphrase("a guess at the mentee's"))
    assert path.read_bytes() == before


def test_rekey_new_pair_key_old_recovery_keys_fail(pair: tuple[Path, str, str]) -> None:
    path, mentor_rk, mentee_rk = pair
    with open_journal(path) as vault:
        old_pair_key = vault._pair_key
        keys = vault.rekey(Secret.passphrase(MENTEE_PASSPHRASE))
        assert set(keys) == {"mentor", "mentee"}
        assert vault._pair_key != old_pair_key
        vault.save(sqlite_body("kept", "after rekey"))
    for old in (mentor_rk, mentee_rk):
        with pytest.raises(WrongSecret):
            _recover(path, old)
    with _recover(path, keys["mentee"]) as vault:
        assert vault.role == "mentee"
        assert notes_of(vault.read_body()) == ["kept", "after rekey"]
    open_journal(path).close()
    open_journal(path, MENTEE_PASSPHRASE).close()
    _recover(path, keys["mentor"]).close()


def test_rekey_alone_and_refusals(journal_dir: Path) -> None:
    path = journal_dir / "solo.rmj"
    vault, old_rk = make_journal(path)
    keys = vault.rekey()
    assert list(keys) == ["mentor"]
    vault.add_slot("mentor", Secret.passphrase("second passphrase"))
    with pytest.raises(UsageError, match="Slot 2 cannot be moved"):
        vault.rekey()
    vault.close()
    with pytest.raises(WrongSecret):
        _recover(path, old_rk)
    with _recover(path, keys["mentor"]) as rescued, pytest.raises(UsageError, match="passphrase"):
        rescued.rekey()


def test_backup_is_an_encrypted_verified_copy(pair: tuple[Path, str, str], tmp_path: Path) -> None:
    path, _, mentee_rk = pair
    out = tmp_path / "elsewhere" / "pair-backup.rmj"
    with open_journal(path) as vault:
        vault.backup(out)
        with pytest.raises(JournalError, match="already exists"):
            vault.backup(out)
        with pytest.raises(JournalError):
            vault.backup(path)
    assert out.read_bytes() == path.read_bytes()
    with open_journal(out, MENTEE_PASSPHRASE) as copy:
        assert notes_of(copy.read_body()) == ["kept"]
    _recover(out, mentee_rk).close()


def test_passphrase_is_nfc_normalised(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    make_journal(path, passphrase="café au lait")[0].close()  # composed é
    open_journal(path, "cafe\u0301 au lait").close()  # decomposed é
