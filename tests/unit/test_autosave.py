"""The autosave and idle-lock rules, driven by a clock the test moves (no Textual, no waiting)."""

from __future__ import annotations

import pytest

from rmjournal.app.autosave import Autosave


class FakeMonotonic:
    """A monotonic clock that only moves when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeMonotonic:
    return FakeMonotonic()


@pytest.fixture
def rules(clock: FakeMonotonic) -> Autosave:
    autosave = Autosave(delay=2.0, lock_after=60.0, monotonic=clock)
    autosave.opened(5)
    return autosave


def test_a_change_is_saved_once_it_settled(rules: Autosave, clock: FakeMonotonic) -> None:
    assert rules.state == "saved"
    assert rules.tick(5) is None  # nothing changed
    assert rules.tick(6) is None  # a change: noticed, not saved yet
    assert rules.state == "unsaved"
    clock.wait(1.9)
    assert rules.tick(6) is None  # still settling
    clock.wait(0.1)
    assert rules.tick(6) == "save"


def test_typing_keeps_putting_the_save_off(rules: Autosave, clock: FakeMonotonic) -> None:
    for changes in range(6, 12):
        clock.wait(1.5)  # a change every 1.5 s: never 2 s without one
        assert rules.tick(changes) is None
    clock.wait(2.0)
    assert rules.tick(11) == "save"


def test_no_second_save_while_saving_and_none_of_a_saved_count(
    rules: Autosave, clock: FakeMonotonic
) -> None:
    rules.tick(7)
    clock.wait(2.0)
    assert rules.tick(7) == "save"
    rules.started()
    assert rules.state == "saving"
    assert rules.tick(7) is None  # already being saved
    assert rules.tick(8) is None  # a change during the save: the state stays "saving"
    assert rules.state == "saving"
    rules.succeeded(saved=7, now=8)
    assert rules.state == "unsaved"  # the change made meanwhile is not on disk yet
    assert rules.tick(8) is None  # seen already; its own delay counts from when it came
    clock.wait(2.0)
    assert rules.tick(8) == "save"
    rules.started()
    rules.succeeded(saved=8, now=8)
    assert rules.state == "saved"
    clock.wait(10.0)
    assert rules.tick(8) is None
    assert rules.is_saved(8)


def test_a_failed_save_is_not_retried_until_something_changes(
    rules: Autosave, clock: FakeMonotonic
) -> None:
    rules.tick(6)
    clock.wait(2.0)
    rules.started()
    rules.failed(6)
    assert rules.state == "failed"
    clock.wait(30.0)
    assert rules.tick(6) is None  # no loop of failing saves
    assert rules.tick(7) is None
    clock.wait(2.0)
    assert rules.tick(7) == "save"


def test_idle_locks_and_activity_postpones_it(rules: Autosave, clock: FakeMonotonic) -> None:
    clock.wait(59.0)
    assert rules.tick(5) is None
    rules.activity()
    clock.wait(59.0)
    assert rules.tick(5) is None  # the key a second before reset the countdown
    clock.wait(1.0)
    assert rules.tick(5) == "lock"
    assert rules.tick(6) == "lock"  # locking wins over saving: the lock saves first anyway


def test_a_new_journal_is_unsaved_until_its_first_save(clock: FakeMonotonic) -> None:
    rules = Autosave(delay=2.0, lock_after=60.0, monotonic=clock)
    rules.opened(0, unsaved=True)
    assert rules.state == "unsaved"
    assert not rules.is_saved(0)
    clock.wait(2.0)
    assert rules.tick(0) == "save"
    rules.started()
    rules.succeeded(saved=0, now=0)
    assert rules.state == "saved"
    rules.nothing_to_save()
    assert rules.state == "saved"
    rules.closed()
    assert rules.state == "saved" and not rules.saving


def test_a_save_before_the_tick_noticed_the_change_stays_saved(
    rules: Autosave, clock: FakeMonotonic
) -> None:
    # ctrl+s right after a change: the save runs before any tick saw the new count.
    rules.started()
    rules.succeeded(saved=6, now=6)
    assert rules.tick(6) is None
    assert rules.state == "saved"
    clock.wait(5.0)
    assert rules.tick(6) is None


def test_large_buffers_are_kept_for_reuse_on_linux() -> None:
    """The save's journal-sized buffers come from memory the process keeps (glibc's mallopt):
    accepted on Linux with glibc, a harmless no-op elsewhere."""
    import platform
    import sys

    from rmjournal.app.autosave import keep_large_buffers

    kept = keep_large_buffers()
    if not sys.platform.startswith("linux"):
        assert kept is False
    elif platform.libc_ver()[0] == "glibc":
        assert kept
    else:
        pytest.skip("a Linux without glibc: whether mallopt exists depends on its libc")


def test_the_allocator_is_reached_without_a_library_search() -> None:
    """The app's allocator settings find glibc among the process's own symbols: no
    `ctypes.util` (30 ms of imports at start) and no `ldconfig` run per save."""
    import subprocess
    import sys

    script = (
        "import sys; from rmjournal.app import autosave as a;"
        "done = (a.share_one_arena(), a.keep_large_buffers(), a.touch_buffer(1 << 20));"
        "print(done, 'ctypes.util' in sys.modules, 'subprocess' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    ).stdout.split(")")
    if sys.platform.startswith("linux"):
        assert out[0] == "(True, True, True"
    assert out[1].split() == ["False", "False"]
