"""The key-management commands as scripts use them: exit codes, messages, never a traceback, never
plaintext left on disk. Journals are made with `Vault.create(test_kdf=True)` (`rmjournal new`
belongs to the content commands), then every command runs in a real subprocess.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from testkit import MARKER, MENTEE_PASSPHRASE, PASSPHRASE, REPO
from vault_helpers import (
    header_length,
    make_journal,
    notes_of,
    open_journal,
    slot_range,
    sqlite_body,
    with_trailer,
)

from rmjournal.core.secret import Secret


@dataclass
class Run:
    code: int
    out: str
    err: str


def _rmjournal(*args: str | Path, tmpdir: Path | None = None, umask: int | None = None) -> Run:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMJOURNAL_")}
    if tmpdir is not None:
        env["TMPDIR"] = str(tmpdir)
    done = subprocess.run(
        [sys.executable, "-m", "rmjournal", *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        stdin=subprocess.DEVNULL,
        timeout=60,
        preexec_fn=(lambda: os.umask(umask)) if umask is not None else None,
    )
    assert "Traceback" not in done.stderr, done.stderr
    return Run(done.returncode, done.stdout, done.stderr)


@pytest.fixture
def secrets(tmp_path: Path) -> dict[str, Path]:
    """Passphrase files (outside the journal folder) for the mentor, mentee and new ones."""
    folder = tmp_path / "secrets"
    folder.mkdir()
    files = {
        "mentor": PASSPHRASE,
        "mentee": MENTEE_PASSPHRASE,
        "new": "a new passphrase for the mentor",
        "wrong": "not the passphrase at all",
        "partner": "the mentee joins with this",
    }
    for name, text in files.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    return {name: folder / name for name in files}


@pytest.fixture
def journal(journal_dir: Path) -> tuple[Path, str]:
    """A closed mentor-only test-KDF journal and the mentor's recovery key."""
    path = journal_dir / "pair.rmj"
    vault, recovery_text = make_journal(path, "a first note")
    vault.close()
    return path, recovery_text


def _unlock_args(secret: Path, *extra: str) -> list[str | Path]:
    return ["--passphrase-file", secret, "--insecure-test-kdf", *extra]


def _recovery_line(out: str) -> list[str]:
    return [
        line.removeprefix("Recovery key: ")
        for line in out.splitlines()
        if line.startswith("Recovery key: ")
    ]


def test_info_needs_no_secret(journal: tuple[Path, str]) -> None:
    path, _ = journal
    run = _rmjournal("info", path)
    assert run.code == 0, run.err
    assert "version 1" in run.out and "mentor  passphrase" in run.out and "INSECURE" in run.out


def test_verify_exit_codes(
    journal: tuple[Path, str], secrets: dict[str, Path], tmp_path: Path
) -> None:
    path, _ = journal
    ok = _rmjournal("verify", path, *_unlock_args(secrets["mentor"]))
    assert ok.code == 0 and "sound" in ok.out, ok.err
    wrong = _rmjournal("verify", path, *_unlock_args(secrets["wrong"]))
    assert wrong.code == 3 and "passphrase does not open" in wrong.err
    refused = _rmjournal("verify", path, "--passphrase-file", secrets["mentor"])
    assert refused.code == 4 and "insecure test key derivation" in refused.err
    missing = _rmjournal("verify", tmp_path / "nowhere.rmj", *_unlock_args(secrets["mentor"]))
    assert missing.code == 1 and "no journal" in missing.err


def test_env_switch_allows_test_kdf(journal: tuple[Path, str], secrets: dict[str, Path]) -> None:
    path, _ = journal
    env_run = subprocess.run(
        [
            sys.executable,
            "-m",
            "rmjournal",
            "verify",
            str(path),
            "--passphrase-file",
            str(secrets["mentor"]),
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "RMJOURNAL_ALLOW_TEST_KDF": "1"},
        cwd=REPO,
        timeout=60,
    )
    assert env_run.returncode == 0, env_run.stderr


def test_damaged_files_exit_4(journal: tuple[Path, str], secrets: dict[str, Path]) -> None:
    path, _ = journal
    data = path.read_bytes()
    cases = {
        "flipped": data[:50] + bytes([data[50] ^ 1]) + data[51:],
        "body flipped": data[:-40] + bytes([data[-40] ^ 1]) + data[-39:],
        "truncated": data[: header_length(data) + 10],
        "appended": data + b"\x00",
        "not a journal": b"SQLite format 3\x00" + bytes(200),
        "version 0": with_trailer(data[:8] + b"\x00\x00" + data[10:]),
        "newer version": with_trailer(data[:8] + b"\x00\x02" + data[10:]),
        "test flag cleared (KDF downgrade)": with_trailer(data[:10] + b"\x00\x00" + data[12:]),
        "slots swapped": with_trailer(
            data[: slot_range(0).start]
            + data[slot_range(1)]
            + data[slot_range(0)]
            + data[slot_range(1).stop :]
        ),
    }
    for name, content in cases.items():
        path.write_bytes(content)
        run = _rmjournal("verify", path, *_unlock_args(secrets["mentor"]))
        assert run.code == 4, (name, run.err)
        assert run.err.startswith("rmjournal: ") and len(run.err.strip().splitlines()) == 1


def test_body_that_is_not_a_database_fails_verify(
    journal_dir: Path, secrets: dict[str, Path]
) -> None:
    path = journal_dir / "odd.rmj"
    from rmjournal.core.vault import Vault

    Vault.create(path, passphrase=Secret.passphrase(PASSPHRASE), body=b"x" * 100, test_kdf=True)[
        0
    ].close()
    run = _rmjournal("verify", path, *_unlock_args(secrets["mentor"]))
    assert run.code == 4 and "database inside is damaged" in run.err


def test_a_second_process_gets_exit_5(journal: tuple[Path, str], secrets: dict[str, Path]) -> None:
    path, _ = journal
    with open_journal(path):
        for command in (["verify", path, *_unlock_args(secrets["mentor"])], ["info", path]):
            run = _rmjournal(*command)
            assert run.code == 5, run.err
            assert "open in another rmjournal window or command" in run.err
    assert _rmjournal("info", path).code == 0


def test_recovery_key_file_and_typo(journal: tuple[Path, str], tmp_path: Path) -> None:
    path, recovery_text = journal
    key_file = tmp_path / "recovery.txt"
    key_file.write_text(recovery_text + "\n")
    run = _rmjournal("verify", path, "--recovery-key-file", key_file, "--insecure-test-kdf")
    assert run.code == 0, run.err
    typo = recovery_text[:7] + ("B" if recovery_text[7] != "B" else "C") + recovery_text[8:]
    key_file.write_text(typo + "\n")
    run = _rmjournal("verify", path, "--recovery-key-file", key_file, "--insecure-test-kdf")
    assert run.code == 3 and "typo" in run.err


def test_passwd_changes_the_passphrase(journal: tuple[Path, str], secrets: dict[str, Path]) -> None:
    path, _ = journal
    run = _rmjournal(
        "passwd", path, *_unlock_args(secrets["mentor"]), "--new-passphrase-file", secrets["new"]
    )
    assert run.code == 0, run.err
    assert _rmjournal("verify", path, *_unlock_args(secrets["mentor"])).code == 3
    assert _rmjournal("verify", path, *_unlock_args(secrets["new"])).code == 0
    with open_journal(path, "a new passphrase for the mentor") as vault:
        assert notes_of(vault.read_body()) == ["a first note"]


def test_slot_add_remove_and_recovery_key(
    journal: tuple[Path, str], secrets: dict[str, Path], tmp_path: Path
) -> None:
    path, old_recovery = journal
    run = _rmjournal(
        "slot", "add", path, "--role", "mentee", *_unlock_args(secrets["mentor"]),
        "--new-passphrase-file", secrets["partner"],
    )  # fmt: skip
    assert run.code == 0, run.err
    (mentee_key,) = _recovery_line(run.out)
    verify = _rmjournal("verify", path, *_unlock_args(secrets["partner"], "--role", "mentee"))
    assert verify.code == 0, verify.err
    again = _rmjournal(
        "slot", "add", path, "--role", "mentee", *_unlock_args(secrets["mentor"]),
        "--new-passphrase-file", secrets["wrong"],
    )  # fmt: skip
    assert again.code == 1 and "only the mentee" in again.err

    run = _rmjournal("recovery-key", path, *_unlock_args(secrets["mentor"]))
    assert run.code == 0, run.err
    (new_key,) = _recovery_line(run.out)
    key_file = tmp_path / "rk"
    for text, code in ((old_recovery, 3), (new_key, 0), (mentee_key, 0)):
        key_file.write_text(text)
        assert (
            _rmjournal("verify", path, "--recovery-key-file", key_file, "--insecure-test-kdf").code
            == code
        )

    # Slot 3 is the mentee's: the mentor alone cannot remove it, only with the mentee's secret.
    alone = _rmjournal(
        "slot", "remove", path, "3", *_unlock_args(secrets["mentor"], "--role", "mentor")
    )
    assert alone.code == 2 and "terminal" in alone.err  # the mentee would be asked to type
    removed = _rmjournal(
        "slot", "remove", path, "3", *_unlock_args(secrets["mentor"], "--role", "mentor"),
        "--partner-passphrase-file", secrets["partner"],
    )  # fmt: skip
    assert removed.code == 0 and "Removed slot 3" in removed.out, removed.err
    refused = _rmjournal("slot", "remove", path, "0", *_unlock_args(secrets["mentor"]))
    assert refused.code == 2 and "only passphrase" in refused.err
    absent = _rmjournal("slot", "remove", path, "7", *_unlock_args(secrets["mentor"]))
    assert absent.code == 1 and "no slot 7" in absent.err


def test_rekey_with_and_without_the_partner(
    journal: tuple[Path, str], secrets: dict[str, Path], tmp_path: Path
) -> None:
    path, old_recovery = journal
    with open_journal(path) as vault:
        vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    alone = _rmjournal("rekey", path, *_unlock_args(secrets["mentor"]))
    assert alone.code == 2 and "terminal" in alone.err  # the partner would be asked to type
    run = _rmjournal(
        "rekey",
        path,
        *_unlock_args(secrets["mentor"]),
        "--partner-passphrase-file",
        secrets["mentee"],
    )
    assert run.code == 0, run.err
    keys = _recovery_line(run.out)
    assert len(keys) == 2
    key_file = tmp_path / "rk"
    key_file.write_text(old_recovery)
    assert (
        _rmjournal("verify", path, "--recovery-key-file", key_file, "--insecure-test-kdf").code == 3
    )
    for key in keys:
        key_file.write_text(key)
        assert (
            _rmjournal("verify", path, "--recovery-key-file", key_file, "--insecure-test-kdf").code
            == 0
        )


def test_backup_default_name_and_out(
    journal: tuple[Path, str], secrets: dict[str, Path], tmp_path: Path
) -> None:
    path, _ = journal
    run = _rmjournal("backup", path, *_unlock_args(secrets["mentor"]))
    assert run.code == 0, run.err
    assert not [p for p in path.parent.iterdir() if p.name.startswith("pair-backup-")]
    backups = path.parent / "backups"  # beside the journals, never among them
    (made,) = [
        p for p in backups.iterdir() if p.name.startswith("pair-backup-") and p.suffix == ".rmj"
    ]
    assert made.read_bytes() == path.read_bytes()
    assert str(made) in run.out
    out = tmp_path / "usb" / "copy.rmj"
    assert _rmjournal("backup", path, *_unlock_args(secrets["mentor"]), "--out", out).code == 0
    assert _rmjournal("verify", out, *_unlock_args(secrets["mentor"])).code == 0
    assert _rmjournal("backup", path, *_unlock_args(secrets["mentor"]), "--out", out).code == 1


def _files_under(folder: Path) -> list[Path]:
    found = []
    for root, _, names in os.walk(folder):
        found.extend(Path(root) / name for name in names)
    return found


def test_no_plaintext_marker_anywhere_on_disk(
    journal_dir: Path, secrets: dict[str, Path], tmp_path: Path
) -> None:
    tmpdir = tmp_path / "tmpdir"
    tmpdir.mkdir()
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, f"private words {MARKER}")
    vault.save(sqlite_body(f"private words {MARKER}", f"more {MARKER}"))
    vault.close()
    args = _unlock_args(secrets["mentor"])
    assert _rmjournal("verify", path, *args, tmpdir=tmpdir).code == 0
    assert _rmjournal("backup", path, *args, tmpdir=tmpdir).code == 0
    assert (
        _rmjournal(
            "passwd", path, *args, "--new-passphrase-file", secrets["new"], tmpdir=tmpdir
        ).code
        == 0
    )
    with open_journal(path, "a new passphrase for the mentor") as vault:
        assert MARKER in notes_of(vault.read_body())[0]  # the marker really is in the journal
    marker = MARKER.encode()
    scanned = 0
    for folder in (journal_dir, tmpdir, Path("/var/tmp")):
        for file in _files_under(folder):
            try:
                content = file.read_bytes()
            except OSError:
                continue
            scanned += 1
            assert marker not in content, f"plaintext found in {file}"
            assert MARKER.encode("utf-16-le") not in content, f"plaintext found in {file}"
    assert scanned >= 3


def test_modes_under_umask_000(journal_dir: Path, secrets: dict[str, Path], tmp_path: Path) -> None:
    path = journal_dir / "pair.rmj"
    old = os.umask(0)
    try:
        make_journal(path, "x")[0].close()
    finally:
        os.umask(old)
    out = tmp_path / "new-folder" / "copy.rmj"
    args = _unlock_args(secrets["mentor"])
    assert (
        _rmjournal("passwd", path, *args, "--new-passphrase-file", secrets["new"], umask=0).code
        == 0
    )
    assert (
        _rmjournal("backup", path, *_unlock_args(secrets["new"]), "--out", out, umask=0).code == 0
    )
    for file in (path, path.with_name("pair.rmj.lock"), out, out.with_name("copy.rmj.lock")):
        if file.exists():
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
    assert stat.S_IMODE(out.parent.stat().st_mode) == 0o700
