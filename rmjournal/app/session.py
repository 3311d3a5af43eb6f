"""The app's only door to the core: open, create, fill in and save a journal file.

Everything here blocks (the KDF, fsync) and touches no widget, so the screens call it from
thread workers; keeping it in one module means the screens never depend on core details.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import cache, partial
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from rmjournal.core.clock import Clock
from rmjournal.core.model import Role
from rmjournal.core.secret import Secret

if TYPE_CHECKING:
    from rmjournal.core.journalfile import JournalFile

T = TypeVar("T")


@dataclass
class PairDetails:
    """What the "new pair journal" form collects, before any file exists."""

    title: str
    mentor_name: str
    mentee_name: str
    mentor_role: str = ""
    mentee_role: str = ""
    mentor_network: str = ""
    mentee_network: str = ""
    started_on: date | None = None
    cadence_days: int = 30
    planned_sessions: int = 6
    review_on: date | None = None
    agreement: str = ""
    mentor_goals: list[str] = field(default_factory=list)
    mentee_goals: list[str] = field(default_factory=list)


@cache
def _file_thread() -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="rmjournal-file")


def on_file_thread(work: Callable[[], T]) -> T:
    """Run `work` on the one thread that opens and saves journals, and wait for its result.

    An open frees a buffer the size of the journal, and each save makes one again (SQLite's
    snapshot of the database). The C allocator keeps freed large buffers for reuse
    (`autosave.keep_large_buffers`) but per thread arena: when opens and saves ran on whichever
    worker thread was free, a save often got fresh memory, and touching it page by page while
    copying the snapshot held the GIL several times longer (the app's thread waited, and the
    process grew by another journal's worth). One thread for them all reuses one buffer.
    """
    return _file_thread().submit(work).result()


def open_journal(
    path: Path, secret: Secret, *, allow_test_kdf: bool, clock: Clock | None
) -> JournalFile:
    """Unlock `path` (runs the KDF; call from a thread). Raises the core's `JournalError`s."""
    from rmjournal.core.journalfile import JournalFile

    return on_file_thread(
        partial(JournalFile.open, path, secret, allow_test_kdf=allow_test_kdf, clock=clock)
    )


def preload() -> None:
    """Import the core modules unlocking needs (vault, crypto, store, journal; call from a
    thread while the person types), so the unlock worker does not import them after Enter."""
    import rmjournal.core.journalfile  # noqa: F401


def create_journal(
    path: Path, passphrase: Secret, role: Role, *, test_kdf: bool, clock: Clock | None
) -> tuple[JournalFile, str]:
    """Create an empty journal at `path` (runs the KDF; call from a thread) and its recovery key."""
    from rmjournal.core.journalfile import JournalFile

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    return JournalFile.create(
        path, passphrase=passphrase, role=role, test_kdf=test_kdf, clock=clock
    )


def apply_pair_details(jf: JournalFile, details: PairDetails) -> None:
    """Write the form's pair, plan, agreement and goals into a new journal (main thread)."""
    from rmjournal.core.model import Person

    journal = jf.journal
    with journal.transaction():
        journal.start_pair(
            mentor=Person(details.mentor_name, details.mentor_role, details.mentor_network or None),
            mentee=Person(details.mentee_name, details.mentee_role, details.mentee_network or None),
            title=details.title,
            started_on=details.started_on,
            cadence_days=details.cadence_days,
            planned_sessions=details.planned_sessions,
            review_on=details.review_on,
            agreement=details.agreement,
        )
        for text in details.mentor_goals:
            journal.add_goal("mentor", text)
        for text in details.mentee_goals:
            journal.add_goal("mentee", text)


def save(jf: JournalFile) -> int:
    """Write the journal atomically (encrypt + fsync; call from a thread).

    The body is the database's own buffer where SQLite lends it (`Records.frozen`): no copy,
    and a write on the app's thread waits until it is sealed into the file (not for fsync).
    Either way the save waits for a write in progress and never catches a transaction half
    done (the records' lock); the change count it returns is exactly what the file now holds.
    The body is held only here, never on a worker's description.
    """
    with jf.journal.frozen() as frozen:
        jf.vault.save(frozen.body, sealed=frozen.thaw)
        return frozen.changes


SNAPSHOT_STEP = 8 << 20
"""The snapshot's memory is prepared in whole steps of this size (`snapshot_room`)."""


def snapshot_room(file_size: int) -> int:
    """How much memory to prepare for the snapshot of a journal whose file has `file_size`
    bytes: at least one step more, rounded up to whole steps (room for it to have grown)."""
    return (file_size // SNAPSHOT_STEP + 2) * SNAPSHOT_STEP


def save_on_file_thread(jf: JournalFile) -> int:
    """`save()` on the journals' own thread (`on_file_thread`); call from a thread worker.

    Where the body is lent there is no copy to prepare for. Elsewhere the memory the
    snapshot will be copied into is first touched there without the GIL
    (`autosave.touch_buffer`, freed at once, so the snapshot reuses it): the copy, which holds
    the GIL, then never waits on the system mapping its pages while the app's thread waits.
    The size stays the same from save to save while the journal grows within a step, so a
    save reuses the region an earlier one prepared.
    """
    from rmjournal.app.autosave import touch_buffer
    from rmjournal.core.inplace import lends

    def work() -> int:
        if not lends():  # a copy will be made: prepare its memory
            try:
                size = jf.path.stat().st_size
            except OSError:
                size = 0
            touch_buffer(snapshot_room(size))
        return save(jf)

    return on_file_thread(work)


def pair_title(jf: JournalFile) -> str:
    """The pair's title for the header, or "" when the journal has none yet."""
    pair = jf.journal.pair()
    return pair.title if pair else ""


BACKUP_NAME = re.compile(r"-backup-\d{8}-\d{6}$")
"""How `rmjournal backup` names a copy (`<name>-backup-<date>-<time>`): never listed as a journal,
even where an older version wrote one into the data folder."""


def _is_journal(path: Path) -> bool:
    """Whether `path` starts as a journal file does (its magic bytes); unreadable ones do not."""
    from rmjournal.core.fileformat import MAGIC

    try:
        with path.open("rb") as f:
            return f.read(len(MAGIC)) == MAGIC
    except OSError:
        return False


def list_journals(folder: Path) -> list[Path]:
    """The journals in the data folder, newest first: files that are journals, not backups
    (those live in `paths.backups_dir`, and old ones are known by their name), lock and temp
    files, folders or anything else."""
    if not folder.is_dir():
        return []
    found = [
        p
        for p in folder.iterdir()
        if p.is_file()
        and not p.name.startswith(".")
        and p.suffix not in {".lock", ".tmp"}
        and not BACKUP_NAME.search(p.stem)
        and _is_journal(p)
    ]
    return sorted(found, key=lambda p: p.stat().st_mtime, reverse=True)
