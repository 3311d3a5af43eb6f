"""The app's only door to the core: open, create, fill in and save a journal file.

Everything here blocks (the KDF, fsync) and touches no widget, so the screens call it from
thread workers; keeping it in one module means the screens never depend on core details.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rmjournal.core.clock import Clock
from rmjournal.core.model import Role
from rmjournal.core.secret import Secret

if TYPE_CHECKING:
    from rmjournal.core.journalfile import JournalFile


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


def open_journal(
    path: Path, secret: Secret, *, allow_test_kdf: bool, clock: Clock | None
) -> JournalFile:
    """Unlock `path` (runs the KDF; call from a thread). Raises the core's `JournalError`s."""
    from rmjournal.core.journalfile import JournalFile

    return JournalFile.open(path, secret, allow_test_kdf=allow_test_kdf, clock=clock)


def preload() -> None:
    """Import the core modules unlocking needs (vault, crypto, store, journal; call from a
    thread while the person types), so the unlock worker does not import them after Enter;
    and keep large freed buffers for reuse before the first open frees its own (autosave)."""
    from rmjournal.app.autosave import keep_large_buffers

    keep_large_buffers()
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
    """Snapshot the journal and write it atomically (encrypt + fsync; call from a thread).

    The snapshot waits for a write in progress on the app's thread and never catches a
    transaction half done (the records' lock); the change count it returns is exactly what
    the file now holds. The body is held only here, never on a worker's description.
    """
    changes, body = jf.journal.snapshot()
    jf.vault.save(body)
    return changes


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
