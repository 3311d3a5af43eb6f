"""kill -9 at random moments during `merge` (merge in memory, then an atomic save): the journal
always opens and holds either what it held before or the whole merge, never anything between.

The merging child is forked from the test process (no interpreter start-up per iteration), so
30 iterations stay fast; the slow marker runs 500.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from mergekit import normalised

from rmjournal.core.clock import FixedClock
from rmjournal.core.journal import Journal
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.merge import merge_file, merge_into
from rmjournal.core.model import Person
from rmjournal.core.secret import Secret

PW = "kill test passphrase"
FILLER = "Notes that make the journal big enough for kills to land mid-save. " * 6


def _open(path: Path, hour: int = 9) -> JournalFile:
    clock = FixedClock(datetime(2026, 3, 1, hour, tzinfo=UTC))
    return JournalFile.open(path, Secret.passphrase(PW), allow_test_kdf=True, clock=clock)


def _state(path: Path) -> dict[str, Any]:
    with _open(path) as jf:
        return normalised(jf.journal)


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("merge-kill")
    path, other = folder / "pair.rmj", folder / "pair-copy.rmj"
    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(PW), test_kdf=True,
        clock=FixedClock(datetime(2026, 3, 1, 8, tzinfo=UTC)),
        mentor=Person("Ama"), mentee=Person("Kofi"),
    )  # fmt: skip
    with jf:
        s = jf.journal.add_session(date(2026, 3, 2), status="held")
        shared = [jf.journal.add_entry(s.id, f"{i} {FILLER}").id for i in range(150)]
        jf.save()
    shutil.copy(path, other)
    for target, hour, who in ((path, 10, "mentor"), (other, 11, "copy")):
        with _open(target, hour) as side:
            j = side.journal
            for i in range(100):
                j.add_entry(s.id, f"{who} {i} {FILLER}")
            for i, entry_id in enumerate(shared[:40]):
                j.edit_entry(entry_id, text=f"{who} rewrote {i}")
            for entry_id in shared[40 + (hour - 10) * 10 : 50 + (hour - 10) * 10]:
                j.delete(entry_id)
            side.save()
    original = path.read_bytes()
    before = _state(path)
    with _open(path) as jf:
        expected = Journal.from_bytes(
            jf.vault.read_body(), me="mentor", cipher=jf.vault.private_cipher()
        )
        report = merge_into(expected, jf.vault.read_copy(other))
        assert report.conflicts == 40 and report.added == 100
        after = normalised(expected)
    assert before != after
    return {"path": path, "other": other, "original": original, "before": before, "after": after}


def _merging_child(path: Path, other: Path) -> None:
    code = 0
    try:
        with _open(path) as jf:
            merge_file(jf, other)
            jf.save()
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def _run_child(path: Path, other: Path, kill_after: float | None) -> int:
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child never returns
        _merging_child(path, other)
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    return status


def _kill_loop(copies: dict[str, Any], iterations: int, seed: int) -> dict[str, int]:
    path: Path = copies["path"]
    other: Path = copies["other"]
    # how long a whole merge takes here, so kills spread over all of it (start-up to fsync)
    path.write_bytes(copies["original"])
    started = time.monotonic()
    assert _run_child(path, other, None) == 0
    whole = time.monotonic() - started
    assert _state(path) == copies["after"]
    rng = random.Random(seed)
    seen = {"before": 0, "after": 0}
    span = whole  # adapts so that kills keep landing around the moment the save completes
    for _ in range(iterations):
        path.write_bytes(copies["original"])
        _run_child(path, other, rng.uniform(span * 0.3, span * 1.1))
        state = _state(path)  # always opens: never damaged
        if state == copies["before"]:
            seen["before"] += 1
            span *= 1.15
        else:
            assert state == copies["after"], "a killed merge left the journal half merged"
            seen["after"] += 1
            span *= 0.85
    return seen


def test_kill_9_during_merge_leaves_before_or_after(copies: dict[str, Any]) -> None:
    seen = _kill_loop(copies, 30, seed=6)
    assert seen["before"] and seen["after"], seen  # kills landed on both sides of the save


@pytest.mark.slow
def test_kill_9_during_merge_many_times(copies: dict[str, Any]) -> None:
    seen = _kill_loop(copies, 500, seed=66)
    assert seen["before"] and seen["after"], seen
