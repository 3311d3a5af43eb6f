"""Opening a journal: what is at the path is checked before it is read, the key derivation runs
before the body is read, the work tried per unlock is bounded, and this computer remembers the
slot to try first and the newest save it has seen (an older copy put back is noticed)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from testkit import MENTEE_PASSPHRASE, PASSPHRASE
from vault_helpers import KdfCounter, make_journal, notes_of, open_journal, sqlite_body

from rmjournal.core import calibration, crypto, fileformat, opening
from rmjournal.core.crypto import Argon2Params, random_key
from rmjournal.core.errors import FileDamaged, NotFound, WrongSecret
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret
from rmjournal.core.seen import Seen
from rmjournal.core.vault import Vault, inspect

# --- what is at the path ---------------------------------------------------------------------


def test_a_4_gib_file_is_refused_from_its_size_without_being_read(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = journal_dir / "huge.rmj"
    vault, _ = make_journal(journal_dir / "real.rmj", "note")
    vault.close()
    with path.open("wb") as handle:  # a real journal's first bytes, then 4 GiB of holes
        handle.write((journal_dir / "real.rmj").read_bytes())
        handle.truncate(4 * 1024**3)
    reads: list[int] = []
    real = opening._read_exactly

    def counting(handle: Any, offset: int, size: int, where: Path) -> bytearray:
        reads.append(size)
        return real(handle, offset, size, where)

    monkeypatch.setattr(opening, "_read_exactly", counting)
    with pytest.raises(FileDamaged, match="larger than any journal"):
        open_journal(path)
    with pytest.raises(FileDamaged, match="larger than any journal"):
        inspect(path)
    assert reads == []  # refused from fstat alone


def test_a_file_just_over_the_limit_is_refused_and_one_at_it_is_read(journal_dir: Path) -> None:
    path = journal_dir / "big.rmj"
    with path.open("wb") as handle:
        handle.write(fileformat.MAGIC)
        handle.truncate(fileformat.MAX_FILE_BYTES + 1)
    with pytest.raises(FileDamaged, match="larger than any journal"):
        open_journal(path)


def _finishes(action: Any, seconds: float = 20.0) -> BaseException | None:
    """Run `action` in a thread; the exception it raised (it must finish, never hang)."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            action()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, "opening a FIFO hung"
    return outcome[0]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_fifo_at_the_path_is_refused_in_a_sentence_never_waited_on(journal_dir: Path) -> None:
    path = journal_dir / "pipe.rmj"
    os.mkfifo(path)
    for action in (lambda: open_journal(path), lambda: inspect(path)):
        error = _finishes(action)
        assert isinstance(error, FileDamaged) and "not a regular file" in str(error)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_the_cli_refuses_a_fifo_with_exit_4(journal_dir: Path, tmp_path: Path) -> None:
    path = journal_dir / "pipe.rmj"
    os.mkfifo(path)
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    env = {**os.environ, "RMJOURNAL_ALLOW_TEST_KDF": "1"}
    for args in (["info", str(path)], ["recent", str(path), "--passphrase-file", str(secret)]):
        done = subprocess.run(
            [sys.executable, "-m", "rmjournal", *args], capture_output=True, text=True,
            timeout=60, env=env,
        )  # fmt: skip
        assert done.returncode == 4, done.stderr
        assert "not a regular file" in done.stderr and "Traceback" not in done.stderr


def test_a_folder_at_the_path_is_refused(journal_dir: Path) -> None:
    path = journal_dir / "folder.rmj"
    path.mkdir()
    with pytest.raises(FileDamaged, match="is a folder"):
        open_journal(path)
    with pytest.raises(FileDamaged, match="is a folder"):
        inspect(path)
    with pytest.raises(NotFound):
        inspect(journal_dir / "missing.rmj")


# --- the order of the work: KDF first, then the body, once -----------------------------------


def test_the_key_derivation_runs_before_the_body_is_read(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "x" * 100_000)
    vault.close()
    events: list[str] = []
    real_read, real_kdf = opening._read_into, crypto.argon2id

    def read(handle: Any, offset: int, buffer: bytearray | memoryview, where: Path) -> None:
        events.append(f"read {len(buffer)}")  # every read of the file fills a buffer here
        real_read(handle, offset, buffer, where)

    def kdf(*args: Any) -> bytes:
        events.append("kdf")
        return real_kdf(*args)

    monkeypatch.setattr(opening, "_read_into", read)
    monkeypatch.setattr(crypto, "argon2id", kdf)
    with open_journal(path) as again:
        assert notes_of(again.read_body()) == ["x" * 100_000]
        body_length = again._header.body_length
    assert events.index("kdf") < events.index(f"read {body_length}")
    assert events.count(f"read {body_length}") == 1  # the body is read once
    assert all(int(e.split()[1]) <= fileformat.MAX_HEADER_BYTES for e in events[:1])


def test_the_body_is_decrypted_in_its_own_buffer(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "in place")
    vault.close()
    with open_journal(path) as again:
        assert notes_of(again.read_body()) == ["in place"]  # bytes, as ever (a copy)
        body = again.take_body()
        assert isinstance(body, memoryview)  # a view of the one buffer the file was read into
        assert body.nbytes == again._header.body_length - crypto.TAG_BYTES
        assert notes_of(body) == ["in place"] and again._body is None  # handed over


def test_a_journal_file_opens_its_database_from_the_decrypted_buffer(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    jf, _ = JournalFile.create(path, passphrase=Secret.passphrase(PASSPHRASE), test_kdf=True)
    jf.close()
    with JournalFile.open(path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True) as again:
        assert again.vault._body is None  # released: the database is the one copy
        assert again.journal.me == "mentor"


# --- a bounded amount of key derivation per unlock --------------------------------------------

MAX_COST = Argon2Params(fileformat.MAX_MEMORY_KIB, 4, 4)  # 1 GiB × 4 passes: the per-slot maximum


def _costly_file(path: Path, kek_of: dict[int, bytes]) -> None:
    """A real-KDF journal with eight passphrase slots at the maximum cost each allows."""
    file_id, pair_key = os.urandom(16), random_key()
    slots = tuple(
        fileformat.make_slot(
            file_id,
            role="mentor" if i % 2 == 0 else "mentee",
            kind="passphrase",
            params=MAX_COST,
            salt=bytes([i]) * 32,
            kek=kek_of.get(i, random_key()),
            pair_key=pair_key,
            personal_key=random_key(),
        )
        for i in range(8)
    )
    data, _ = fileformat.encode(
        flags=0, file_id=file_id, generation=1, slots=slots, pair_key=pair_key,
        body=sqlite_body("expensive"),
    )  # fmt: skip
    path.write_bytes(data)


def _modelled_kdf(monkeypatch: pytest.MonkeyPatch, keys: dict[bytes, bytes]) -> list[Any]:
    """Argon2id at 1 GiB × 4 is 7 s and 1 GiB here: modelled by a table (salt -> key), with
    every call recorded, so the test counts the derivations an unlock would run."""
    calls: list[Any] = []

    def derive(secret: bytes, salt: bytes, params: Argon2Params) -> bytes:
        calls.append(params)
        return keys.get(salt, b"\x00" * 32)

    monkeypatch.setattr(crypto, "argon2id", derive)
    return calls


def test_eight_slots_at_the_maximum_cost_are_not_all_tried(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = journal_dir / "costly.rmj"
    _costly_file(path, {})
    calls = _modelled_kdf(monkeypatch, {})
    with pytest.raises(WrongSecret, match="slots tried"):
        Vault.open(path, Secret.passphrase("a guess"), seen=Seen(journal_dir / "state"))
    work = sum(p.memory_kib * p.iterations for p in calls)
    assert len(calls) == 2 and work <= fileformat.MAX_TRIED_WORK_KIB  # not 8 × 4 GiB·passes


def test_within_the_budget_the_right_slot_still_opens(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = journal_dir / "costly.rmj"
    kek = random_key()
    _costly_file(path, {1: kek})  # slot 1 is the mentee's
    calls = _modelled_kdf(monkeypatch, {bytes([1]) * 32: kek})
    here = Seen(journal_dir / "state")
    with Vault.open(path, Secret.passphrase("mentee"), role_hint="mentee", seen=here) as vault:
        assert vault.role == "mentee" and notes_of(vault.read_body()) == ["expensive"]
    assert len(calls) == 1
    calls.clear()
    Vault.open(path, Secret.passphrase("mentee"), seen=here).close()  # remembered, no hint
    assert len(calls) == 1


def test_the_budget_keeps_the_first_slot_and_stops_past_the_sum() -> None:
    cheap = Argon2Params(64 * 1024, 2, 4)
    slots = [
        fileformat.Slot("mentor", "passphrase", p, b"", b"", b"")
        for p in (MAX_COST, cheap, MAX_COST, cheap)
    ]
    kept = fileformat.within_budget(slots)
    assert kept == slots[:2]  # 4 + 0.125 GiB·passes; another 4 would pass 8
    assert fileformat.within_budget(slots[1:2] * 8) == slots[1:2] * 8  # eight cheap ones: all


# --- remembered on this computer: the slot to try first, the newest save seen -----------------


def test_a_mentees_unlock_of_a_journal_file_runs_the_kdf_once(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = journal_dir / "pair.rmj"
    jf, _ = JournalFile.create(path, passphrase=Secret.passphrase(PASSPHRASE), test_kdf=True)
    jf.vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    jf.close()
    secret = Secret.passphrase(MENTEE_PASSPHRASE)
    counter = KdfCounter(monkeypatch)
    JournalFile.open(path, secret, allow_test_kdf=True).close()
    assert counter.argon2 == 2  # the first time here: the mentor's slot, then the mentee's
    counter.argon2 = 0
    with JournalFile.open(path, secret, allow_test_kdf=True) as again:
        assert again.vault.role == "mentee"
    assert counter.argon2 == 1


def test_an_older_copy_put_back_opens_with_a_warning(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    old = journal_dir / "old.rmj"
    here = Seen(journal_dir / "state")
    vault, _ = Vault.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), body=sqlite_body("one"),
        test_kdf=True, seen=here,
    )  # fmt: skip
    vault.backup(old)
    vault.save(sqlite_body("one", "two"))
    vault.save(sqlite_body("one", "two", "three"))
    assert vault.rollback_warning is None
    vault.close()
    os.replace(old, path)  # the older copy put back
    with open_journal(path, seen=here) as again:
        warning = again.rollback_warning
        assert notes_of(again.read_body()) == ["one"]  # it opens: a warning, not an error
    assert warning is not None and "pair.rmj" in warning and "save 1" in warning
    assert "save 3" in warning and warning.count(". ") == 0 and warning.endswith(".")
    with open_journal(path, seen=here) as still:  # the highest seen is kept, so it still warns
        assert still.rollback_warning is not None
    with open_journal(path, seen=Seen(journal_dir / "elsewhere")) as fresh:
        assert fresh.rollback_warning is None  # another computer never saw the newer save


def test_a_second_copy_elsewhere_is_not_a_rollback(journal_dir: Path) -> None:
    """The partner's copy received to merge, or one on a stick, is a different file at its own
    generation: opening it (or merging it) after the newer one warns of nothing."""
    path = journal_dir / "pair.rmj"
    copy = journal_dir / "partner.rmj"
    here = Seen(journal_dir / "state")
    vault, _ = Vault.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), body=sqlite_body("one"),
        test_kdf=True, seen=here,
    )  # fmt: skip
    vault.backup(copy)
    vault.save(sqlite_body("one", "two"))
    vault.save(sqlite_body("one", "two", "four"))
    vault.close()
    with open_journal(copy, seen=here) as partner:
        assert partner.rollback_warning is None
        partner.save(sqlite_body("one", "three"))
    with open_journal(path, seen=here) as mine:
        assert mine.rollback_warning is None  # its own place saw save 3, and it is at save 3
    os.replace(copy, path)  # but the copy put where the newer one was is noticed
    with open_journal(path, seen=here) as put_back:
        assert put_back.rollback_warning is not None


def test_the_cli_prints_the_rollback_warning_and_goes_on(journal_dir: Path, tmp_path: Path) -> None:
    path = journal_dir / "pair.rmj"
    old = journal_dir / "old.rmj"
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    env = {**os.environ, "RMJOURNAL_NOW": "2026-07-01T09:00:00+00:00",
           "RMJOURNAL_ALLOW_TEST_KDF": "1"}  # fmt: skip

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "rmjournal", *args], capture_output=True, text=True,
            timeout=60, env=env,
        )  # fmt: skip

    made = run(
        "new", str(path), "--passphrase-file", str(secret), "--mentor", "Ada",
        "--mentee", "Grace", "--insecure-test-kdf",
    )  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert (
        run("backup", str(path), "--out", str(old), "--passphrase-file", str(secret)).returncode
        == 0
    )
    note = tmp_path / "note.txt"
    note.write_text("A note.\n", encoding="utf-8")
    added = run("add", str(path), "--kind", "note", "--text-file", str(note),
                "--passphrase-file", str(secret))  # fmt: skip
    assert added.returncode == 0, added.stderr
    os.replace(old, path)
    listed = run("recent", str(path), "--passphrase-file", str(secret))
    assert listed.returncode == 0, listed.stderr
    warnings = [line for line in listed.stderr.splitlines() if line.startswith("Warning:")]
    assert len(warnings) == 1 and warnings[0].startswith("Warning: pair.rmj is older")
    assert "no items yet" in listed.stderr  # and the command went on


def test_a_corrupt_or_missing_state_file_never_stops_an_open(journal_dir: Path) -> None:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "kept")
    vault.close()
    here = Seen(journal_dir / "state")
    for junk in (b"", b"{not json", b"[1, 2]", b'{"version": 1, "files": []}',
                 b'{"version": 1, "files": {"%s": {"slot": "x", "generation": -4}}}'
                 % vault.file_id.encode(), b'{"version": 1}' + b" " * (2 << 20)):  # fmt: skip
        here.folder.mkdir(exist_ok=True)
        here.path.write_bytes(junk)
        with open_journal(path, seen=here) as again:
            assert notes_of(again.read_body()) == ["kept"] and again.rollback_warning is None
        files = json.loads(here.path.read_text(encoding="utf-8"))["files"]
        assert files[vault.file_id]["slot"] == 0  # rewritten whole
    here.path.unlink()
    here.folder.chmod(0o500)  # a state folder that cannot be written: opens all the same
    try:
        with open_journal(path, seen=here) as again:
            assert notes_of(again.read_body()) == ["kept"]
    finally:
        here.folder.chmod(0o700)


def test_the_state_file_forgets_the_oldest_journals_first(tmp_path: Path) -> None:
    from rmjournal.core import seen as seen_module

    here = Seen(tmp_path / "state")
    place = tmp_path / "pair.rmj"
    for n in range(seen_module.MAX_FILES + 5):
        here.remember(f"{n:032x}", n + 1, place, slot=0, role="mentor", kind="passphrase")
    here.remember(f"{0:032x}", 1, place)  # unknown now: remembered again, the newest
    files = json.loads(here.path.read_text(encoding="utf-8"))["files"]
    assert len(files) == seen_module.MAX_FILES and f"{5:032x}" not in files
    assert here.recall(f"{6:032x}", place).generation == 7
    assert here.recall(f"{6:032x}").slot == 0 and here.recall("f" * 32, place).generation == 0
    here.remember(f"{6:032x}", 3, place)  # a lower generation never lowers the highest seen
    assert here.recall(f"{6:032x}", place).generation == 7
    assert str(tmp_path) not in here.path.read_text(encoding="utf-8")  # places kept as hashes
    assert sorted(p.name for p in here.folder.iterdir()) == ["seen.json"]  # no temp left


def test_an_open_that_changes_nothing_leaves_the_state_file_alone(tmp_path: Path) -> None:
    here = Seen(tmp_path / "state")
    place = tmp_path / "pair.rmj"
    here.remember("a" * 32, 4, place, slot=1, role="mentee", kind="passphrase")
    written = here.path.stat()
    here.remember("a" * 32, 4, place, slot=1, role="mentee", kind="passphrase")
    here.remember("a" * 32, 3, place)  # an older copy opened here: the highest stays
    again = here.path.stat()
    assert (again.st_ino, again.st_mtime_ns) == (written.st_ino, written.st_mtime_ns)
    here.remember("a" * 32, 5, place)
    assert here.path.stat().st_ino != written.st_ino  # a newer save: written (a new file)
    assert here.recall("a" * 32, place).generation == 5
    here.remember("b" * 32, 1, place)
    moved = here.path.stat().st_ino
    here.remember("a" * 32, 5, place)  # used again: now the most recent, so written
    assert here.path.stat().st_ino != moved
    assert list(json.loads(here.path.read_text(encoding="utf-8"))["files"]) == ["b" * 32, "a" * 32]


def test_tests_never_write_the_real_state_folder() -> None:
    from rmjournal import paths

    assert not str(paths.state_dir()).startswith(str(Path.home() / ".local"))
    assert Seen().folder == paths.state_dir()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rule is Linux's")
def test_the_state_folder_is_the_one_paths_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    from rmjournal import paths
    from rmjournal.core.seen import state_folder

    for value in ("/somewhere/state", "", "  "):
        monkeypatch.setenv("XDG_STATE_HOME", value)
        assert state_folder() == paths.state_dir()
    monkeypatch.delenv("XDG_STATE_HOME")
    assert state_folder() == paths.state_dir()


# --- calibration ------------------------------------------------------------------------------


def test_one_noisy_timing_does_not_halve_the_memory_cost() -> None:
    noise = iter([1.3 / 0.8])  # the first timing ran during a busy moment: 1.3 s, not 0.8 s

    def machine(params: Argon2Params) -> float:  # 0.8 s at 128 MiB, in proportion to memory
        return 0.8 * params.memory_kib / (128 * 1024) * next(noise, 1.0)

    params, took = calibration.calibrate_argon2(measure=machine)
    # One timing would have cut the memory to 64 MiB (which then times 0.4 s: "in range").
    assert params.memory_kib == 128 * 1024 and took == pytest.approx(0.8)


def test_two_agreeing_timings_decide_without_a_third() -> None:
    calls: list[Argon2Params] = []

    def machine(params: Argon2Params) -> float:
        calls.append(params)
        return 0.5

    calibration.calibrate_argon2(measure=machine)
    assert len(calls) == 2


def test_a_new_journal_runs_no_key_derivation_beyond_calibration(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    timed: list[Argon2Params] = []
    real_calibrate = calibration.calibrate_argon2

    def watching(**kwargs: Any) -> tuple[Argon2Params, float]:
        measure = kwargs.pop("measure", calibration.time_argon2)

        def counted(params: Argon2Params) -> float:
            timed.append(params)
            return float(measure(params))

        return real_calibrate(measure=counted, **kwargs)

    monkeypatch.setattr(calibration, "calibrate_argon2", watching)
    counter = KdfCounter(monkeypatch)
    path = journal_dir / "real.rmj"
    vault, _ = Vault.create(path, passphrase=Secret.passphrase(PASSPHRASE), body=sqlite_body())
    vault.close()
    assert counter.argon2 == len(timed) >= 2  # every derivation was a calibration timing
    counter.argon2 = 0
    with Vault.open(path, Secret.passphrase(PASSPHRASE)) as again:  # the kept key opens it
        assert again.role == "mentor"
    assert counter.argon2 == 1
