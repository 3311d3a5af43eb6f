"""The encrypted journal file opened by one person: unlock, read, save, and manage the keys.

A `Vault` holds the lock on its file for as long as it is open, knows who unlocked it (`role`)
and only that person's personal key, and writes every change atomically. The byte layout is in
`fileformat.py` (and `docs/format.md`); checked reading in `opening.py`; the key operations in
`vault_keys.py`; reading another copy and writing a backup in `vault_copies.py`; crash-safe
writing in `safefile.py` and the lock in `locking.py`; what this computer remembers about a
file (the slot to try first, the newest save seen) in `seen.py`.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from rmjournal.core import crypto, fileformat, hardening, locking, safefile
from rmjournal.core.crypto import PrivateCipher, Signer, random_key
from rmjournal.core.errors import (
    ChangedOnDisk,
    JournalError,
    NotFound,
    SaveFailed,
    UsageError,
)
from rmjournal.core.fileformat import SALT_BYTES, Header, Slot
from rmjournal.core.model import Role
from rmjournal.core.opening import (
    FileInfo,
    FileSource,
    SlotInfo,
    inspect,
    slot_infos,
    unlock_source,
)
from rmjournal.core.secret import Secret
from rmjournal.core.seen import Seen, rollback_warning
from rmjournal.core.slot_records import CopyKeys
from rmjournal.core.vault_copies import CopyOperations, Snapshot, read_whole
from rmjournal.core.vault_keys import KeyOperations, _recovery_slot

__all__ = ["FileInfo", "SlotInfo", "Vault", "inspect"]


class Vault(KeyOperations, CopyOperations):
    """An open journal file: the lock, the keys of the person who unlocked it, the body.

    Only the unlocking person's personal key is ever unsealed; the partner's stays in their
    slots. Every change (save or key operation) writes a whole new file atomically, and the
    object's state changes only once the write has succeeded, so a failed write can be retried.
    """

    path: Path
    role: Role
    test_kdf: bool
    rollback_warning: str | None
    """One sentence when this file is older than a copy of it opened here before, else None."""

    def __init__(
        self,
        path: Path,
        lock: locking.JournalLock,
        header: Header,
        unlocked: fileformat.Unlocked,
        trailer: bytes,
        *,
        seen: Seen,
    ) -> None:
        self.path = path
        self.role = unlocked.slot.role
        self.test_kdf = header.test_kdf
        self._lock: locking.JournalLock | None = lock
        self._header = header
        self._slot: Slot | None = unlocked.slot  # the slot the person unlocked with
        self._kek = unlocked.kek
        self._pair_key = unlocked.pair_key
        self._personal_key = unlocked.personal_key
        self._body: bytes | memoryview | None = unlocked.body  # None once released
        self._keep_body = True
        self._snapshot = Snapshot.of(path, trailer)
        self._seen = seen
        self.slot_records = {}
        self.old_pair_keys = []
        self.keys_dirty = False
        self.records_loaded = False
        self._pending = None
        self.last_copy: CopyKeys | None = None
        file_id = header.file_id.hex()
        self.rollback_warning = rollback_warning(
            path.name, header.generation, seen.recall(file_id, path).generation
        )
        index = header.slots.index(unlocked.slot)
        seen.remember(
            file_id, header.generation, path, slot=index, role=unlocked.slot.role,
            kind=unlocked.slot.kind,
        )  # fmt: skip

    def __repr__(self) -> str:
        return f"<Vault {self.path.name} {self.role}>"

    # --- opening and closing -------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        passphrase: Secret,
        role: Role = "mentor",
        body: bytes,
        test_kdf: bool = False,
        seen: Seen | None = None,
    ) -> tuple[Vault, str]:
        """A new journal holding `body`, opened (lock held), and the creator's recovery key.

        The Argon2id cost is calibrated on this machine (about 0.5 s) unless `test_kdf`, which
        records the insecure tiny cost in the header so normal readers refuse the file. The
        calibration's accepted run derives the slot's key itself: no further derivation.
        """
        if passphrase.kind != "passphrase":
            raise UsageError("A new journal needs a passphrase.")
        hardening.harden_process()  # keys and plaintext from here on: no core dumps
        path = Path(path)
        safefile.make_private_dirs(path.parent)
        lock = locking.JournalLock(path)
        try:
            if path.exists():
                raise JournalError(f"{path} already exists. Choose another name.")
            file_id = os.urandom(fileformat.FILE_ID_BYTES)
            pair_key, personal_key = random_key(), random_key()
            salt = os.urandom(SALT_BYTES)
            if test_kdf:
                params = crypto.TEST_ARGON2
                kek = fileformat.passphrase_kek(passphrase, salt, params)
            else:
                params, kek = fileformat.calibrated_kek(passphrase, salt)
            mine = fileformat.make_slot(
                file_id, role=role, kind="passphrase", params=params, salt=salt, kek=kek,
                pair_key=pair_key, personal_key=personal_key,
            )  # fmt: skip
            rescue, recovery_text = _recovery_slot(file_id, role, pair_key, personal_key)
            data, header = fileformat.encode(
                flags=fileformat.FLAG_TEST_KDF if test_kdf else 0,
                file_id=file_id,
                generation=1,
                slots=(mine, rescue),
                pair_key=pair_key,
                body=bytes(body),
            )
            with contextlib.suppress(safefile.NotDurable):  # complete; next save fsyncs again
                safefile.atomic_write(path, data)
            unlocked = fileformat.Unlocked(mine, kek, pair_key, personal_key, bytes(body))
            trailer = bytes(data[-fileformat.TRAILER_BYTES :])
            del data
            made = cls(path, lock, header, unlocked, trailer, seen=seen or Seen())
            return made, recovery_text
        except BaseException:
            lock.release()
            raise

    @classmethod
    def open(
        cls,
        path: Path,
        secret: Secret,
        *,
        role_hint: Role | None = None,
        allow_test_kdf: bool = False,
        lock_wait: float = 0.0,
        seen: Seen | None = None,
    ) -> Vault:
        """Unlock the journal at `path` and take its lock (waiting up to `lock_wait` seconds).

        The slot that opened this file last on this computer is tried first (`seen`: the
        user's state folder unless given), so one key derivation usually suffices; a file older
        than one seen here before opens with `rollback_warning` set.

        Raises `WrongSecret`/`BadRecoveryKey` (exit 3), `FileDamaged`/`Tampered`/
        `TestKdfRefused` (exit 4) or `JournalLocked` (exit 5).
        """
        path = Path(path)
        if not path.exists():
            raise NotFound(f"There is no journal at {path}.")
        hardening.harden_process()  # keys and plaintext from here on: no core dumps
        seen = seen or Seen()
        lock = locking.JournalLock(path, lock_wait)
        try:
            with FileSource(path) as source:
                file_id = source.file_id()
                memory = seen.recall(file_id) if file_id else None
                first = (memory.slot, memory.role) if memory and memory.slot is not None else None
                header, unlocked = unlock_source(
                    source, secret, path.name, role_hint=role_hint,
                    allow_test_kdf=allow_test_kdf, first=first,
                )  # fmt: skip
                trailer = source.trailer
            safefile.remove_stale_temps(path)
            return cls(path, lock, header, unlocked, trailer, seen=seen)
        except BaseException:
            lock.release()
            raise

    def close(self) -> None:
        """Release the lock and forget the keys (Python cannot wipe memory; this drops refs)."""
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        self._kek = self._pair_key = self._personal_key = b""
        self._body = b""

    def __enter__(self) -> Vault:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- reading and saving ----------------------------------------------------------------

    @property
    def generation(self) -> int:
        """How many times the file has been written (1 at creation)."""
        return self._header.generation

    @property
    def file_id(self) -> str:
        """The file's random id in hex; copies of one pair journal share it."""
        return self._header.file_id.hex()

    @property
    def body_identity(self) -> str | None:
        """Names the decrypted body exactly, without hashing it again: the file's checksum (the
        SHA-256 of header and sealed body, checked on open, computed on save) and the slot that
        opened it. The same file bytes opened through the same slot give the same key and so
        the same body; the slot is part of the name because a crafted file could decrypt to
        different bodies under different slots' keys. None when this person's slot is gone."""
        if self._slot is None:
            return None
        return f"{self._snapshot.trailer.hex()}.{self._header.slots.index(self._slot)}"

    def private_cipher(self) -> PrivateCipher:
        """Seals and opens the unlocking person's private fields with their personal key."""
        self._require_open()
        return PrivateCipher(self.role, self._personal_key)

    def read_body(self) -> bytes:
        """The decrypted body as last loaded or saved: a serialized SQLite database.

        After `release_body()` it is read and decrypted from the file again (`ChangedOnDisk` if
        someone else wrote the file since)."""
        self._require_open()
        body = self._saved_body()
        return body if isinstance(body, bytes) else bytes(body)

    def take_body(self) -> bytes | memoryview:
        """The decrypted body handed over without a copy (a view of the buffer the file was
        decrypted in), and `release_body()`: for a caller that reads it into its database."""
        self._require_open()
        body = self._saved_body()
        self.release_body()
        return body

    def release_body(self) -> None:
        """Stop keeping the decrypted body in memory, now and after each save.

        For a caller that holds the journal itself (the database the body was read into): two
        copies of a big journal then never sit in memory side by side. The key operations, which
        rewrite the file with the same body, and `read_body()` then read it from the file.
        """
        self._body = None
        self._keep_body = False

    def _saved_body(self) -> bytes | memoryview:
        """The body of the file as this vault last read or wrote it."""
        if self._body is not None:
            return self._body
        self._check_unchanged()
        data = read_whole(self.path)
        if data[-fileformat.TRAILER_BYTES :] != self._snapshot.trailer:
            raise ChangedOnDisk(self._changed_message())
        header = fileformat.parse(data, self.path.name, allow_test_kdf=self.test_kdf)
        return fileformat.open_body(header, data, self._pair_key, self.path.name)

    def save(self, body: bytes | memoryview, *, sealed: Callable[[], None] | None = None) -> None:
        """Write `body` atomically with a fresh body key; `ChangedOnDisk` if someone else wrote.

        `sealed` is called once the body has been read for the last time (sealed into the temp
        file, before fsync and the read-back), or when the save fails before: a body lent by the
        database (`Records.frozen`) is given back then. Key slots taken from another copy at a
        merge (`follow_keys`) are written now."""
        self._require_open()
        slots, pair_key = self._pending or (self._header.slots, self._pair_key)
        unlocked = None
        if self._pending is not None and self._slot is not None and self._slot not in slots:
            same = [
                s for s in slots
                if (s.role, s.kind, s.salt, s.params)
                == (self._slot.role, self._slot.kind, self._slot.salt, self._slot.params)
            ]  # fmt: skip
            if same:  # this person's slot, resealed by a rekey in the other copy
                unlocked = (same[0], self._kek)
        self._write(slots, pair_key, body, unlocked=unlocked, sealed=sealed)
        self._pending = None

    def slots(self) -> list[SlotInfo]:
        """The key slots in file order, marking the one this person unlocked with."""
        return slot_infos(self._header, self._slot)

    def authenticate(self, secret: Secret, role: Role) -> Signer:
        """Check that `secret` is a passphrase opening one of `role`'s slots (`WrongSecret` if not),
        and return `role`'s signing key.

        The open keys stay as they are: this is how the partner confirms, at the same keyboard,
        an act only they may do (approving the summary: they sign with the key returned). Runs
        the KDF; call it from a thread.
        """
        self._require_open()
        if secret.kind != "passphrase":
            raise UsageError(f"Confirm with the {role}'s passphrase, not a recovery key.")
        _, _, personal_key = self._open_partner(secret, role)
        return Signer(role, personal_key)

    def signer(self) -> Signer:
        """The unlocking person's signing key (derived from their personal key)."""
        self._require_open()
        return Signer(self.role, self._personal_key)

    # --- internals ---------------------------------------------------------------------------

    def _require_open(self) -> None:
        if self._lock is None:
            raise JournalError("The journal is closed; open it again to continue.")

    def _changed_message(self) -> str:
        return (
            f"{self.path.name} changed on disk since it was opened (another program or a sync "
            "tool wrote it). Nothing was saved, so their changes are safe; save your work "
            "elsewhere and merge the two."
        )

    def _check_unchanged(self) -> None:
        try:
            st = os.stat(self.path)
            with self.path.open("rb") as handle:
                handle.seek(max(0, st.st_size - fileformat.TRAILER_BYTES))
                trailer = handle.read()
        except OSError:
            raise ChangedOnDisk(self._changed_message()) from None
        now = Snapshot(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, trailer)
        if now != self._snapshot:
            raise ChangedOnDisk(self._changed_message())

    def _write(
        self,
        slots: tuple[Slot, ...],
        pair_key: bytes,
        body: bytes | memoryview,
        *,
        unlocked: tuple[Slot, bytes] | None = None,
        sealed: Callable[[], None] | None = None,
    ) -> None:
        """Write a new generation; update this object only once the file is safely replaced."""
        kept = None
        if self._keep_body:  # kept as bytes: a lent view is only valid until `sealed`
            kept = body if isinstance(body, bytes) else bytes(body)
        made: list[tuple[Header, bytes]] = []

        def produce(write: Callable[[bytes | memoryview], None]) -> None:
            # Sealed straight into the temp file: no second buffer the size of the journal.
            made.append(
                fileformat.encode_to(
                    write,
                    flags=self._header.flags,
                    file_id=self._header.file_id,
                    generation=self._header.generation + 1,
                    slots=slots,
                    pair_key=pair_key,
                    body=body,
                )
            )
            if sealed is not None:
                sealed()

        not_durable = False
        try:
            self._check_unchanged()
            safefile.atomic_write_parts(self.path, produce)
        except safefile.NotDurable:
            not_durable = True
        finally:
            if sealed is not None:
                sealed()  # a second call does nothing (`Frozen.thaw`)
        header, trailer = made[0]
        self._header = header
        self._pair_key = pair_key
        self._body = kept
        if unlocked is not None:
            self._slot, self._kek = unlocked
        elif self._slot not in slots:
            self._slot = None
        self._snapshot = Snapshot.of(self.path, trailer)
        self._seen.remember(self.file_id, header.generation, self.path)
        if not_durable:
            raise SaveFailed(
                f"{self.path.name} was written, but the system did not confirm it reached the "
                "disk. Save again to be sure."
            )
