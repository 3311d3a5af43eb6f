"""When the open journal is saved and when it locks: a plain state machine, no Textual.

The app feeds it what happened (a key or mouse use, the journal's change count on each tick, a
save starting, succeeding or failing) and it answers what to do next. Time comes from the
monotonic clock it is given, so the rules can be tested by moving a number instead of waiting:

- a change is saved once no further change came for `delay` seconds (typing is not saved
  key by key), and never again while the same count is already saved or already failed;
- after `lock_after` seconds without a key or mouse use the journal locks;
- the state shown to the person is one of `SaveState`, in words on every content screen.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

SaveState = Literal["saved", "unsaved", "saving", "failed"]
"""What the status line says about the open journal."""

Next = Literal["save", "lock"] | None
"""What a tick asks the app to do."""

NEVER_SAVED = -1
"""The saved count of a journal that exists only in memory (just created)."""


class Autosave:
    """The save and idle-lock rules for one open journal (see the module docstring)."""

    def __init__(self, *, delay: float, lock_after: float, monotonic: Callable[[], float]) -> None:
        self.delay = delay
        self.lock_after = lock_after
        self.monotonic = monotonic
        self.state: SaveState = "saved"
        self.saving = False
        self._last_activity = monotonic()
        self._seen = 0
        self._saved = 0
        self._failed: int | None = None
        self._changed_at = 0.0

    def opened(self, changes: int, *, unsaved: bool = False) -> None:
        """A journal was opened with `changes` writes counted (`unsaved`: not on disk yet)."""
        self._seen = changes
        self._saved = NEVER_SAVED if unsaved else changes
        self._failed = None
        self._changed_at = 0.0
        self._last_activity = self.monotonic()
        self.saving = False
        self.state = "unsaved" if unsaved else "saved"

    def activity(self) -> None:
        """A key or mouse use: the idle-lock countdown starts again."""
        self._last_activity = self.monotonic()

    def tick(self, changes: int) -> Next:
        """The periodic check: "lock" when idle too long, "save" once changes settled."""
        now = self.monotonic()
        if now - self._last_activity >= self.lock_after:
            return "lock"
        if changes != self._seen:
            self._seen = changes
            self._changed_at = now
            if not self.saving and changes != self._saved:  # a save may have beaten the tick
                self.state = "unsaved"
            return None
        if (
            changes not in (self._saved, self._failed)
            and now - self._changed_at >= self.delay
            and not self.saving
        ):
            return "save"
        return None

    def is_saved(self, changes: int) -> bool:
        """Whether `changes` is what the file on disk already holds."""
        return changes == self._saved

    def started(self) -> None:
        """A save began (the snapshot is being written)."""
        self.saving = True
        self.state = "saving"

    def succeeded(self, saved: int, now: int) -> None:
        """The snapshot taken at count `saved` is on disk; `now` is the count after the save."""
        self.saving = False
        self._saved = saved
        self._failed = None
        self.state = "saved" if now == saved else "unsaved"

    def failed(self, changes: int) -> None:
        """Saving count `changes` failed: not retried on its own until something changes."""
        self.saving = False
        self._failed = changes
        self.state = "failed"

    def nothing_to_save(self) -> None:
        """A save was asked for, but the file already holds every change."""
        self.state = "saved"

    def closed(self) -> None:
        """The journal was closed (locked or quit)."""
        self.saving = False
        self.state = "saved"


def _libc() -> Any:
    """glibc (`core.hardening.libc`: the process's own symbols, no library search, which would
    import `ctypes.util` and run `ldconfig`), or None where there is none (musl, which has no
    `mallopt`; macOS; Windows)."""
    from rmjournal.core.hardening import libc

    found = libc()
    return found if found is not None and hasattr(found, "mallopt") else None


def share_one_arena() -> bool:
    """Let every thread allocate from one C heap (glibc's main arena), before threads start.

    glibc gives threads their own arenas, of at most 64 MiB each; a buffer freed by one thread
    was then not reused by a save on another, and a journal's buffer above that size was mapped
    fresh for every save. Whether the allocator accepted (False without glibc: nothing changes).
    """
    libc = _libc()
    m_arena_max = -8
    return libc is not None and bool(libc.mallopt(m_arena_max, 1))


def keep_large_buffers() -> bool:
    """Let the C allocator reuse the memory of large buffers instead of unmapping it (Linux).

    A save allocates one buffer the size of the journal (SQLite's snapshot of the database);
    glibc maps each large one fresh from the system and unmaps it when freed, so every save
    first-touched the whole journal's worth of new pages while copying the snapshot, holding
    the GIL (a page fault per 4 KiB, several times the copy itself: the app's thread waited).
    With both thresholds raised, the freed buffer stays in the heap and the next save
    reuses it; the process does not shrink after a save. Called once the journal is open, so
    the buffer the file was read into is given back, not kept beside the database. Whether the
    allocator accepted (False where there is no glibc, and nothing changes).
    """
    libc = _libc()
    if libc is None:
        return False
    m_trim_threshold, m_mmap_threshold = -1, -3
    limit = 1 << 30
    return bool(libc.mallopt(m_mmap_threshold, limit)) and bool(
        libc.mallopt(m_trim_threshold, limit)
    )


def touch_buffer(size: int) -> bool:
    """Allocate, touch and free `size` bytes of C heap without holding the GIL (ctypes calls
    release it), so that a buffer of up to that size allocated next finds its pages already
    mapped (kept by `keep_large_buffers`). Whether it was done (glibc only)."""
    import ctypes

    libc = _libc()
    if libc is None or size <= 0:
        return False
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.restype = ctypes.c_void_p
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    block = libc.malloc(size)
    if not block:
        return False
    try:
        libc.memset(block, 0, size)
    finally:
        libc.free(block)
    return True
