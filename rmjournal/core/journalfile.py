"""JournalFile: an encrypted journal file and its Journal, opened, saved and closed together.

The vault owns the bytes on disk and the lock; the journal owns the database in memory. Keeping
them side by side in one object means the app and every command open, save and close the same way.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import cast

from rmjournal.core import checked
from rmjournal.core.clock import Clock
from rmjournal.core.crypto import PrivateCipher, random_key
from rmjournal.core.journal import Journal
from rmjournal.core.model import Person, Role
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault


def _journal_of(vault: Vault, clock: Clock | None) -> Journal:
    """The journal read from the vault's body; the vault then forgets the body, so the
    database is the one copy of it in memory (the decrypted buffer is freed on return)."""
    body = vault.take_body()
    # A body this computer saved or checked before needs no row checks (`checked.py`).
    digest = vault.body_identity
    known = digest is not None and checked.already_checked(vault.file_id, digest)
    # SQLite deserializes from any buffer: the view of the decrypted file buffer, not a copy.
    journal = Journal.from_bytes(
        cast(bytes, body),
        me=vault.role,
        cipher=vault.private_cipher(),
        clock=clock,
        check=not known,
    )
    if digest is not None and not known and not journal.set_aside():
        checked.remember_checked(vault.file_id, digest)
    return journal


def _key_checks(vault: Vault, journal: Journal) -> str | None:
    """Pin the reader's signing key if needed (`signing.ensure_pinned`), load the signed slot
    records into the vault and check the reader's own (`check_own_record`): the warnings."""
    from rmjournal.core import signing
    from rmjournal.core.slot_records import read_key_tables

    problems = [signing.ensure_pinned(journal).problem]
    vault.slot_records, vault.old_pair_keys = read_key_tables(journal.records.execute)
    vault.records_loaded = True
    problems.append(vault.check_own_record())
    found = [p for p in problems if p]
    return " ".join(found) if found else None


class JournalFile:
    """A vault (file, lock, keys) and the journal read from its body."""

    key_warning: str | None
    """One sentence if the signing key pinned for the reader was not theirs (now repaired)."""

    def __init__(self, vault: Vault, journal: Journal) -> None:
        self.vault = vault
        self.journal = journal
        self.key_warning = _key_checks(vault, journal)
        self._saved_changes = journal.changes

    def __repr__(self) -> str:
        return f"<JournalFile {self.vault.path.name} {self.vault.role}>"

    @property
    def path(self) -> Path:
        """The journal file."""
        return self.vault.path

    @property
    def rollback_warning(self) -> str | None:
        """One sentence if this file is older than a copy of it opened here before, else None."""
        return self.vault.rollback_warning

    @property
    def dirty(self) -> bool:
        """Whether the journal changed since it was opened or last saved."""
        return self.journal.changes != self._saved_changes

    @classmethod
    def open(
        cls,
        path: Path,
        secret: Secret,
        *,
        role_hint: Role | None = None,
        allow_test_kdf: bool = False,
        lock_wait: float = 0.0,
        clock: Clock | None = None,
    ) -> JournalFile:
        """Unlock the file at `path` (taking its lock) and read its journal, migrating it if old."""
        vault = Vault.open(
            path, secret, role_hint=role_hint, allow_test_kdf=allow_test_kdf, lock_wait=lock_wait
        )
        try:
            journal = _journal_of(vault, clock)
        except BaseException:
            vault.close()
            raise
        return cls(vault, journal)

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        passphrase: Secret,
        role: Role = "mentor",
        test_kdf: bool = False,
        clock: Clock | None = None,
        mentor: Person | None = None,
        mentee: Person | None = None,
        title: str | None = None,
    ) -> tuple[JournalFile, str]:
        """A new journal file (lock held) and the creator's recovery key (shown once).

        With `mentor` and `mentee` the pair is set up and saved at once; otherwise the pair is
        set later with `journal.start_pair()` and saved with `save()`.
        """
        # The first body is an empty database: no private item, so a throwaway cipher will do.
        empty = Journal.new(me=role, cipher=PrivateCipher(role, random_key()), clock=clock)
        body = empty.to_bytes()
        empty.close()
        vault, recovery = Vault.create(
            path, passphrase=passphrase, role=role, body=body, test_kdf=test_kdf
        )
        try:
            journal = _journal_of(vault, clock)
            made = cls(vault, journal)
            if mentor is not None and mentee is not None:
                journal.start_pair(mentor=mentor, mentee=mentee, title=title)
                made.save()
        except BaseException:
            vault.close()
            raise
        return made, recovery

    def save(self, *, last: bool = False) -> None:
        """Write the journal to its file atomically (`ChangedOnDisk`, `SaveFailed`: file intact).

        The body is the database's own buffer where SQLite lends it (`Records.frozen`: no copy,
        and writes wait until it is sealed), else a copy. `last=True` when nothing reads or
        changes the journal after this save (a command that saves, then exits): the journal is
        closed after it, and a copy is made without the database beside it. If that save fails,
        the change is lost with the journal (the file is untouched).
        """
        if self.vault.keys_dirty:  # signed slot records, old pair keys: the vault's are newer
            from rmjournal.core.slot_records import write_key_tables

            with self.journal.transaction():
                write_key_tables(
                    self.journal.records.execute, self.vault.slot_records,
                    self.vault.old_pair_keys,
                )  # fmt: skip
            self.vault.keys_dirty = False
        with self.journal.frozen() as frozen:
            changes = frozen.changes
            if last and not frozen.lent:
                self.journal.close()  # the copy stands alone: no database beside it
            self.vault.save(frozen.body, sealed=frozen.thaw)
        if last:
            self.journal.close()
        self._saved_changes = changes
        # What this computer wrote itself (rows checked, or set aside) needs no checks when it
        # is opened again.
        if (identity := self.vault.body_identity) is not None:
            checked.remember_checked(self.vault.file_id, identity)

    def save_if_changed(self) -> bool:
        """Save only when something changed; say whether it saved."""
        if not self.dirty:
            return False
        self.save()
        return True

    def close(self) -> None:
        """Release the lock and drop the journal from memory (unsaved changes are lost)."""
        try:
            self.journal.close()
        finally:
            self.vault.close()

    def __enter__(self) -> JournalFile:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
