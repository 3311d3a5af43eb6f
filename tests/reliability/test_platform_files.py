"""The journal's files on every system: the lock (not followed through links, re-checked after
locking and before each save), saves through a symlinked journal, Windows' busy-target retries,
macOS' full flush, the folders from `rmjournal.paths` and config.toml's `data_dir`, and the
hardening that comes before any secret is read."""

from __future__ import annotations

import errno
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from vault_helpers import make_journal, sqlite_body

from rmjournal.core import safefile
from rmjournal.core.errors import JournalError, JournalLocked, SaveFailed
from rmjournal.core.locking import JournalLock, LockLost
from rmjournal.core.safefile import atomic_write

REPO = Path(__file__).resolve().parent.parent.parent


def test_a_lock_file_that_is_a_symlink_is_refused_and_its_target_untouched(
    journal_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("keep me")
    target.chmod(0o644)
    (journal_dir / "pair.rmj.lock").symlink_to(target)
    with pytest.raises(JournalError, match="is a link"):
        JournalLock(journal_dir / "pair.rmj")
    assert target.read_text() == "keep me" and (target.stat().st_mode & 0o777) == 0o644
    dangling = journal_dir / "new.rmj.lock"
    dangling.symlink_to(tmp_path / "created-through-the-link")
    with pytest.raises(JournalError, match="is a link"):
        JournalLock(journal_dir / "new.rmj")
    assert not (tmp_path / "created-through-the-link").exists()


def test_a_deleted_lock_file_does_not_let_a_second_writer_in(journal_dir: Path) -> None:
    journal = journal_dir / "pair.rmj"
    journal.write_bytes(b"old")
    first = JournalLock(journal)
    try:
        first.path.unlink()  # a sync client "cleans up" the lock file
        atomic_write(journal, b"first saves")  # the holder takes the new lock file first
        with pytest.raises(JournalLocked):
            JournalLock(journal)
        assert journal.read_bytes() == b"first saves"
    finally:
        first.release()
    JournalLock(journal).release()  # free again once the holder let go


HOLD = (
    "import sys\n"
    "from pathlib import Path\n"
    "from rmjournal.core.locking import JournalLock\n"
    "lock = JournalLock(Path(sys.argv[1]))\n"
    "print('held', flush=True)\n"
    "sys.stdin.read()\n"
    "lock.release()\n"
)


def test_a_lock_file_taken_by_another_writer_after_deletion_stops_the_first_ones_save(
    journal_dir: Path,
) -> None:
    journal = journal_dir / "pair.rmj"
    journal.write_bytes(b"old")
    first = JournalLock(journal)
    try:
        first.path.unlink()  # deleted by a sync client: a second program can lock a new file
        second = subprocess.Popen(
            [sys.executable, "-c", HOLD, str(journal)], stdin=subprocess.PIPE,
            stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(REPO)},
        )  # fmt: skip
        try:
            assert second.stdout is not None and second.stdout.readline().strip() == "held"
            with pytest.raises(LockLost, match="another rmjournal") as raised:
                atomic_write(journal, b"first's save")
            assert isinstance(raised.value, SaveFailed)
            assert journal.read_bytes() == b"old"
        finally:
            second.communicate("", timeout=30)
    finally:
        first.release()


def test_a_lock_file_replaced_while_waiting_is_locked_afresh(journal_dir: Path) -> None:
    """The waiter locks the old file the moment its holder lets go; the path names a new one by
    then, so the waiter must lock that one, not go on with a lock nobody else can see."""
    journal = journal_dir / "pair.rmj"
    code = (
        "import os, sys, time\n"
        "from pathlib import Path\n"
        "from rmjournal.core.locking import JournalLock\n"
        "lock = JournalLock(Path(sys.argv[1]))\n"
        "print('held', flush=True)\n"
        "time.sleep(0.5)\n"
        "os.replace(sys.argv[2], lock.path)\n"  # a sync client puts its own copy in place
        "time.sleep(0.3)\n"
        "lock.release()\n"
    )
    spare = journal_dir / "spare"
    spare.write_text("")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(journal), str(spare)],
        stdout=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        waiter = JournalLock(journal, wait=10)
        try:
            assert waiter._file is not None and waiter._is_current(waiter._file)
            with pytest.raises(JournalLocked):
                JournalLock(journal)
        finally:
            waiter.release()
    finally:
        holder.wait(timeout=30)


def test_saving_through_a_symlinked_journal_writes_its_target(
    journal_dir: Path, tmp_path: Path
) -> None:
    synced = tmp_path / "synced"
    synced.mkdir(mode=0o700)
    real = synced / "pair.rmj"
    vault, _ = make_journal(real, "a note")
    vault.close()
    link = journal_dir / "pair.rmj"
    link.symlink_to(real)
    from rmjournal.core.secret import Secret
    from rmjournal.core.vault import Vault

    opened = Vault.open(link, Secret.passphrase(PASSPHRASE), allow_test_kdf=True)
    try:
        with pytest.raises(JournalLocked):  # one lock for every name of the journal
            JournalLock(real)
        before = real.read_bytes()
        opened.save(sqlite_body("a note", "another"))
    finally:
        opened.close()
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes() != before
    assert not list(journal_dir.glob(".pair.rmj.*.tmp")) and not list(synced.glob("*.tmp"))


def test_atomic_write_keeps_a_symlink_and_replaces_its_target(
    journal_dir: Path, tmp_path: Path
) -> None:
    real = tmp_path / "real.rmj"
    real.write_bytes(b"old")
    link = journal_dir / "pair.rmj"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


class BusyOnWindows(safefile.FileSystem):
    """`os.replace` meeting a target another program holds open (as Windows reports it)."""

    def __init__(self, busy_times: int) -> None:
        self.busy_times = busy_times
        self.calls = 0

    def replace(self, source: Path, target: Path) -> None:
        self.calls += 1
        if self.calls <= self.busy_times:
            raise PermissionError(errno.EACCES, "The process cannot access the file")
        super().replace(source, target)


def test_a_briefly_busy_target_is_retried_where_windows_needs_it(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = journal_dir / "pair.rmj"
    target.write_bytes(b"old")
    disk = BusyOnWindows(busy_times=2)
    monkeypatch.setattr(safefile, "disk", disk)
    monkeypatch.setattr(safefile, "REPLACE_RETRY_DELAYS", (0.0, 0.0, 0.0))
    atomic_write(target, b"new")
    assert target.read_bytes() == b"new" and disk.calls == 3
    busy = BusyOnWindows(busy_times=10)
    monkeypatch.setattr(safefile, "disk", busy)
    with pytest.raises(SaveFailed, match="unchanged"):
        atomic_write(target, b"newer")
    assert target.read_bytes() == b"new" and busy.calls == 4
    assert not list(journal_dir.glob("*.tmp")) and not list(journal_dir.glob(".*.tmp"))


def test_posix_does_not_retry_a_permission_error() -> None:
    if sys.platform == "win32":
        pytest.skip("Windows retries")
    assert safefile.REPLACE_RETRY_DELAYS == ()


def test_macos_saves_flush_the_drive_with_f_fullfsync(
    journal_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On macOS `fsync` stops at the drive's cache; the save must ask for F_FULLFSYNC (51)."""
    import fcntl

    asked: list[int] = []
    real_fcntl = fcntl.fcntl

    def record(fd: int, cmd: int, *rest: object) -> object:
        if cmd == 51:
            asked.append(fd)
            return 0
        return real_fcntl(fd, cmd, *rest)  # type: ignore[arg-type]

    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(fcntl, "F_FULLFSYNC", 51, raising=False)
    monkeypatch.setattr(fcntl, "fcntl", record)
    atomic_write(journal_dir / "pair.rmj", b"data")
    assert len(asked) == 2  # the temp file and the folder
    monkeypatch.setattr(sys, "platform", "linux")
    asked.clear()
    atomic_write(journal_dir / "pair.rmj", b"more")
    assert asked == []


def _cli(*args: str, env: dict[str, str], stdin: str | None = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("RMJOURNAL_", "XDG_"))}
    full.update(env)
    return subprocess.run(
        [sys.executable, "-m", "rmjournal", *args],
        capture_output=True, text=True, env=full, input=stdin, timeout=60, cwd=REPO,
    )  # fmt: skip


def test_demo_honours_data_dir_from_config(tmp_path: Path) -> None:
    config = tmp_path / "cfg" / "rmjournal"
    config.mkdir(parents=True)
    chosen = tmp_path / "my journals"
    (config / "config.toml").write_text(f"data_dir = {str(chosen)!r}\n")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = _cli("demo", "--no-open", "--insecure-test-kdf", env=env)
    assert done.returncode == 0, done.stderr
    assert (chosen / "demo.rmj").exists()
    assert not (tmp_path / "data").exists()


def test_demo_names_a_config_problem_and_uses_the_default_folder(tmp_path: Path) -> None:
    config = tmp_path / "cfg" / "rmjournal"
    config.mkdir(parents=True)
    (config / "config.toml").write_text("data_dir = 3\ncolour = 'red'\n")
    env = {"XDG_CONFIG_HOME": str(tmp_path / "cfg"), "XDG_DATA_HOME": str(tmp_path / "data")}
    done = _cli("demo", "--no-open", "--insecure-test-kdf", env=env)
    assert done.returncode == 0, done.stderr
    assert "data_dir must be a folder path" in done.stderr and "'colour'" in done.stderr
    assert (tmp_path / "data" / "rmjournal" / "demo.rmj").exists()


def test_folders_come_from_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from rmjournal import paths
    from rmjournal.cli.app_commands import data_folder

    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "c"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "d"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "s"))
    assert paths.config_dir() == tmp_path / "c" / "rmjournal"
    assert paths.data_dir() == tmp_path / "d" / "rmjournal"
    assert paths.state_dir() == tmp_path / "s" / "rmjournal"
    assert data_folder() == tmp_path / "d" / "rmjournal"


def test_config_is_read_without_textual() -> None:
    code = (
        "import sys, rmjournal.config, rmjournal.cli.app_commands; print('textual' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_add_is_hardened_while_it_waits_for_the_passphrase_on_stdin(journal_dir: Path) -> None:
    journal = journal_dir / "pair.rmj"
    vault, _ = make_journal(journal, "a note")
    vault.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMJOURNAL_")}
    child = subprocess.Popen(
        [sys.executable, "-m", "rmjournal", "add", str(journal), "--passphrase-stdin",
         "--insecure-test-kdf"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=REPO, env=env,
    )  # fmt: skip
    try:
        limit = ""
        for _ in range(200):  # until it is blocked reading stdin
            limits = Path(f"/proc/{child.pid}/limits").read_text()
            limit = next(line for line in limits.splitlines() if "core file" in line)
            wchan = Path(f"/proc/{child.pid}/wchan").read_text()
            if limit.split()[4:6] == ["0", "0"] and wchan not in ("0", ""):
                break
            time.sleep(0.05)
        assert limit.split()[4:6] == ["0", "0"], limit
        status = Path(f"/proc/{child.pid}/status").read_text()
        assert "Uid" in status
    finally:
        child.kill()
        child.communicate()
