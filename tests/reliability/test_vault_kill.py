"""kill -9 at random moments while a process saves in a loop: the journal always opens and holds
the last confirmed save or the one after it.

The saving child is forked from the test process (no interpreter start-up per iteration), so
30 iterations stay fast; the slow marker runs 500.
"""

from __future__ import annotations

import os
import random
import signal
import struct
import time
from pathlib import Path

import pytest
from vault_helpers import make_journal, open_journal

BODY_REPEAT = 24 * 1024  # a 192 KiB body: big enough that kills land mid-write


def _body(counter: int) -> bytes:
    return struct.pack(">Q", counter) * BODY_REPEAT


def _counter(body: bytes) -> int:
    value = struct.unpack_from(">Q", body)[0]
    assert body == _body(value), "a save was torn"
    return int(value)


def _saving_child(path: Path, report: int) -> None:
    """Open the journal and save forever, reporting each save once `save()` has returned."""
    code = 0
    try:
        vault = open_journal(path)
        counter = _counter(vault.read_body())
        while True:
            counter += 1
            vault.save(_body(counter))
            os.write(report, f"{counter}\n".encode())
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _read_all(fd: int) -> str:
    chunks = []
    while chunk := os.read(fd, 65536):
        chunks.append(chunk)
    return b"".join(chunks).decode()


def _wait_for_saves(fd: int, count: int) -> str:
    """What the child reported once it has confirmed `count` saves (at most 10 s)."""
    seen = b""
    deadline = time.monotonic() + 10
    while seen.count(b"\n") < count and time.monotonic() < deadline:
        seen += os.read(fd, 4096)
    return seen.decode()


def _kill_loop(folder: Path, iterations: int, seed: int) -> int:
    path = folder / "pair.rmj"
    vault, _ = make_journal(path)
    vault.save(_body(0))
    vault.close()
    rng = random.Random(seed)
    on_disk, saves = 0, 0
    for _ in range(iterations):
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child never returns
            os.close(read_end)
            _saving_child(path, write_end)
        os.close(write_end)
        seen = _wait_for_saves(read_end, rng.randint(0, 2))  # then a random moment later
        time.sleep(rng.uniform(0.0, 0.02))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), "the saving child stopped on its own (it failed)"
        reported = [int(n) for n in (seen + _read_all(read_end)).split()]
        os.close(read_end)
        confirmed = max(reported, default=on_disk)
        with open_journal(path) as reopened:
            on_disk = _counter(reopened.read_body())
        assert on_disk in (confirmed, confirmed + 1), (reported[-3:], on_disk)
        saves += len(reported)
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]
    return saves


def test_kill_9_while_saving_never_loses_a_confirmed_save(journal_dir: Path) -> None:
    saves = _kill_loop(journal_dir, 30, seed=20260720)
    assert saves >= 20, "the children confirmed saves before most kills"


@pytest.mark.slow
def test_kill_9_while_saving_500_times(journal_dir: Path) -> None:
    assert _kill_loop(journal_dir, 500, seed=7) >= 330
