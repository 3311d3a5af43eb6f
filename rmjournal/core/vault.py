"""The encrypted journal file opened by one person: unlock, read, save, and manage the keys.

A `Vault` holds the lock on its file for as long as it is open, knows who unlocked it (`role`)
and only that person's personal key, and writes every change atomically. The byte layout is in
`fileformat.py` (and `docs/format.md`); crash-safe writing and the lock are in `safefile.py`.
"""

from __future__ import annotations

import contextlib
import os
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import NamedTuple

from rmjournal.core import crypto, fileformat, hardening, recovery, safefile
from rmjournal.core.crypto import Argon2Params, PrivateCipher, random_key
from rmjournal.core.errors import (
    ChangedOnDisk,
    FileDamaged,
    JournalError,
    NotACopy,
    NotFound,
    SaveFailed,
    UsageError,
    WrongSecret,
)
from rmjournal.core.fileformat import MAX_SLOTS, SALT_BYTES, Header, Slot, SlotKind
from rmjournal.core.model import Role, other_role
from rmjournal.core.secret import Secret

__all__ = ["FileInfo", "SlotInfo", "Vault", "inspect"]


class SlotInfo(NamedTuple):
    """One key slot as `info` shows it: number (position), whose, what kind, and its KDF cost."""

    number: int
    role: Role
    kind: SlotKind
    kdf: str
    unlocked_with: bool = False


class FileInfo(NamedTuple):
    """Header facts readable without a secret (`rmjournal info`)."""

    path: Path
    version: int
    test_kdf: bool
    file_id: str
    generation: int
    slots: list[SlotInfo]
    size: int
    modified: datetime


def _slot_infos(header: Header, unlocked: Slot | None = None) -> list[SlotInfo]:
    return [
        SlotInfo(
            number=i,
            role=slot.role,
            kind=slot.kind,
            kdf=slot.params.describe() if slot.params else "HKDF-SHA256 (256-bit recovery key)",
            unlocked_with=slot is unlocked,
        )
        for i, slot in enumerate(header.slots)
    ]


def _read(path: Path) -> bytes:
    try:
        return safefile._io.read(path)
    except FileNotFoundError:
        raise NotFound(f"There is no journal at {path}.") from None
    except IsADirectoryError:
        raise FileDamaged(f"{path} is a folder, not a journal.") from None
    except OSError as exc:
        reason = (exc.strerror or "an input/output error").lower()
        raise JournalError(f"{path} could not be read ({reason}).") from None


class _Snapshot(NamedTuple):
    """What the file on disk looked like when we last read or wrote it."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    trailer: bytes

    @classmethod
    def of(cls, path: Path, trailer: bytes) -> _Snapshot:
        st = os.stat(path)
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, trailer)


def inspect(path: Path) -> FileInfo:
    """Header facts for `info`: format, KDF, slots, size, last save; no secret needed."""
    data = _read(path)
    header = fileformat.parse(data, path.name, allow_test_kdf=True)
    st = os.stat(path)
    return FileInfo(
        path=path,
        version=fileformat.VERSION,
        test_kdf=header.test_kdf,
        file_id=header.file_id.hex(),
        generation=header.generation,
        slots=_slot_infos(header),
        size=len(data),
        modified=datetime.fromtimestamp(st.st_mtime, UTC),
    )


class Vault:
    """An open journal file: the lock, the keys of the person who unlocked it, the body.

    Only the unlocking person's personal key is ever unsealed; the partner's stays in their
    slots. Every change (save or key operation) writes a whole new file atomically, and the
    object's state changes only once the write has succeeded, so a failed write can be retried.
    """

    path: Path
    role: Role
    test_kdf: bool

    def __init__(
        self,
        path: Path,
        lock: safefile.JournalLock,
        header: Header,
        unlocked: fileformat.Unlocked,
        data: bytes | bytearray,
    ) -> None:
        self.path = path
        self.role = unlocked.slot.role
        self.test_kdf = header.test_kdf
        self._lock: safefile.JournalLock | None = lock
        self._header = header
        self._slot: Slot | None = unlocked.slot  # the slot the person unlocked with
        self._kek = unlocked.kek
        self._pair_key = unlocked.pair_key
        self._personal_key = unlocked.personal_key
        self._body: bytes | None = unlocked.body  # None once released (read from the file)
        self._keep_body = True
        self._snapshot = _Snapshot.of(path, bytes(data[-fileformat.TRAILER_BYTES :]))

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
    ) -> tuple[Vault, str]:
        """A new journal holding `body`, opened (lock held), and the creator's recovery key.

        The Argon2id cost is calibrated on this machine (about 0.5 s) unless `test_kdf`, which
        records the insecure tiny cost in the header so normal readers refuse the file.
        """
        if passphrase.kind != "passphrase":
            raise UsageError("A new journal needs a passphrase.")
        hardening.harden_process()  # keys and plaintext from here on: no core dumps
        path = Path(path)
        safefile.make_private_dirs(path.parent)
        lock = safefile.JournalLock(path)
        try:
            if path.exists():
                raise JournalError(f"{path} already exists. Choose another name.")
            params = crypto.TEST_ARGON2 if test_kdf else crypto.calibrate_argon2()[0]
            file_id = os.urandom(fileformat.FILE_ID_BYTES)
            pair_key, personal_key = random_key(), random_key()
            salt = os.urandom(SALT_BYTES)
            kek = fileformat.passphrase_kek(passphrase, salt, params)
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
            return cls(path, lock, header, unlocked, data), recovery_text
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
    ) -> Vault:
        """Unlock the journal at `path` and take its lock (waiting up to `lock_wait` seconds).

        Raises `WrongSecret`/`BadRecoveryKey` (exit 3), `FileDamaged`/`Tampered`/
        `TestKdfRefused` (exit 4) or `JournalLocked` (exit 5).
        """
        path = Path(path)
        if not path.exists():
            raise NotFound(f"There is no journal at {path}.")
        hardening.harden_process()  # keys and plaintext from here on: no core dumps
        lock = safefile.JournalLock(path, lock_wait)
        try:
            data = _read(path)
            header, unlocked = fileformat.unlock(
                data, secret, path.name, role_hint=role_hint, allow_test_kdf=allow_test_kdf
            )
            safefile.remove_stale_temps(path)
            return cls(path, lock, header, unlocked, data)
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

    def private_cipher(self) -> PrivateCipher:
        """Seals and opens the unlocking person's private fields with their personal key."""
        self._require_open()
        return PrivateCipher(self.role, self._personal_key)

    def read_body(self) -> bytes:
        """The decrypted body as last loaded or saved: a serialized SQLite database.

        After `release_body()` it is read and decrypted from the file again (`ChangedOnDisk` if
        someone else wrote the file since)."""
        self._require_open()
        return self._saved_body()

    def release_body(self) -> None:
        """Stop keeping the decrypted body in memory, now and after each save.

        For a caller that holds the journal itself (the database the body was read into): two
        copies of a big journal then never sit in memory side by side. The key operations, which
        rewrite the file with the same body, and `read_body()` then read it from the file.
        """
        self._body = None
        self._keep_body = False

    def _saved_body(self) -> bytes:
        """The body of the file as this vault last read or wrote it."""
        if self._body is not None:
            return self._body
        self._check_unchanged()
        data = _read(self.path)
        if data[-fileformat.TRAILER_BYTES :] != self._snapshot.trailer:
            raise ChangedOnDisk(self._changed_message())
        header = fileformat.parse(data, self.path.name, allow_test_kdf=self.test_kdf)
        return fileformat.open_body(header, data, self._pair_key, self.path.name)

    def read_copy(self, path: Path, *, adopt: bool = False) -> bytes:
        """The body of another copy of this journal at `path`, opened with this vault's pair key.

        No passphrase is needed: copies of one pair journal share the pair key. `NotACopy` (exit
        1) if `path` is another journal (its file id differs) or its body does not open with
        this pair key (it was rekeyed since the copies parted, or altered); `FileDamaged` (4) if
        it is not a journal at all. Its key slots are ignored (slots are never merged).

        `adopt=True` is for this vault's own file after it `ChangedOnDisk`: what was read
        becomes what the next `save()` may replace (it still refuses if the file changes again).
        """
        self._require_open()
        path = Path(path)
        if adopt and path.resolve() != self.path.resolve():
            raise UsageError("Only the journal's own file can be adopted.")
        data = _read(path)
        header = fileformat.parse(data, path.name, allow_test_kdf=self.test_kdf)
        if header.file_id != self._header.file_id:
            raise NotACopy(
                f"{path.name} is not a copy of this journal: it is another journal (another "
                "pair's, or one created separately). Nothing was changed."
            )
        try:
            body = fileformat.open_body(header, data, self._pair_key, path.name)
        except FileDamaged:
            raise NotACopy(
                f"{path.name} is a copy of this journal but does not open with its pair key: "
                "it was rekeyed since the copies parted, or it was altered. Nothing was changed."
            ) from None
        if adopt:
            self._snapshot = _Snapshot.of(path, bytes(data[-fileformat.TRAILER_BYTES :]))
        return bytes(body)

    def save(self, body: bytes) -> None:
        """Write `body` atomically with a fresh body key; `ChangedOnDisk` if someone else wrote."""
        self._require_open()
        self._write(self._header.slots, self._pair_key, bytes(body))

    def slots(self) -> list[SlotInfo]:
        """The key slots in file order, marking the one this person unlocked with."""
        return _slot_infos(self._header, self._slot)

    def authenticate(self, secret: Secret, role: Role) -> None:
        """Check that `secret` is a passphrase opening one of `role`'s slots (`WrongSecret` if not).

        The open keys stay as they are: this is how the partner confirms, at the same keyboard,
        an act only they may do (approving the summary). Runs the KDF; call it from a thread.
        """
        self._require_open()
        if secret.kind != "passphrase":
            raise UsageError(f"Confirm with the {role}'s passphrase, not a recovery key.")
        self._open_partner(secret, role)

    def backup(self, out: Path) -> None:
        """An encrypted copy of the saved file at `out`, verified by reading it back and opening
        its body with the pair key, so a backup is known to restore before anyone needs it."""
        self._require_open()
        out = Path(out)
        if out.exists() or out.resolve() == self.path.resolve():
            raise JournalError(f"{out} already exists. Choose another name for the backup.")
        self._check_unchanged()
        data = _read(self.path)
        if data[-fileformat.TRAILER_BYTES :] != self._snapshot.trailer:
            raise ChangedOnDisk(self._changed_message())
        saved = self._saved_body()
        safefile.make_private_dirs(out.parent)
        with contextlib.suppress(safefile.NotDurable):
            safefile.atomic_write(out, data)
        try:
            back = safefile._io.read(out)
            header = fileformat.parse(back, out.name, allow_test_kdf=self.test_kdf)
            good = fileformat.open_body(header, back, self._pair_key, out.name) == saved
        except (OSError, FileDamaged):
            good = False
        if not good:
            safefile._io.remove(out)
            raise SaveFailed(
                f"The backup {out} did not read back correctly and was removed. "
                "Try again, or back up to another disk."
            )

    # --- key operations ----------------------------------------------------------------------

    def change_passphrase(self, new: Secret) -> None:
        """Seal the keys under a new passphrase in place of the one used to unlock.

        Unlocked with a recovery key (a forgotten passphrase), the person's first passphrase
        slot gets the new passphrase, or a new slot is added if they have none.
        """
        self._require_open()
        slot, kek = self._passphrase_slot(self.role, new, self._pair_key, self._personal_key)
        slots = list(self._header.slots)
        if self._slot is not None and self._slot.kind == "passphrase":
            slots[slots.index(self._slot)] = slot
        else:
            mine = [
                i for i, s in enumerate(slots) if s.role == self.role and s.kind == "passphrase"
            ]
            if mine:
                slots[mine[0]] = slot
            else:
                self._check_room(slots, 1)
                slots.append(slot)
        self._write(tuple(slots), self._pair_key, self._saved_body(), unlocked=(slot, kek))

    def add_slot(self, role: Role, passphrase: Secret) -> str | None:
        """Add a passphrase slot for `role`; for a partner who has none yet, their recovery key.

        A partner joining gets a fresh personal key, a passphrase slot and a recovery slot. A
        partner who already has slots must add more themselves: their personal key is theirs.
        """
        self._require_open()
        slots = list(self._header.slots)
        if role == self.role:
            self._check_room(slots, 1)
            slot, _ = self._passphrase_slot(role, passphrase, self._pair_key, self._personal_key)
            self._write((*slots, slot), self._pair_key, self._saved_body())
            return None
        if any(s.role == role for s in slots):
            raise JournalError(
                f"The {role} already has a slot, and only the {role} can add another: "
                f"they unlock with their own passphrase and run `rmjournal slot add PATH "
                f"--role {role}`."
            )
        self._check_room(slots, 2)
        personal_key = random_key()
        slot, _ = self._passphrase_slot(role, passphrase, self._pair_key, personal_key)
        rescue, text = _recovery_slot(self._header.file_id, role, self._pair_key, personal_key)
        self._write((*slots, slot, rescue), self._pair_key, self._saved_body())
        return text

    def remove_slot(self, index: int) -> None:
        """Remove slot `index`; never the last slot, nor the unlocking person's last passphrase."""
        self._require_open()
        slots = list(self._header.slots)
        if not 0 <= index < len(slots):
            raise NotFound(f"There is no slot {index}; `rmjournal info` lists the slots.")
        gone = slots[index]
        if len(slots) == 1:
            raise UsageError(
                "That is the journal's only slot; removing it would lock everyone out."
            )
        own_passphrases = [s for s in slots if s.role == self.role and s.kind == "passphrase"]
        if gone.kind == "passphrase" and own_passphrases == [gone]:
            raise UsageError(
                "That is your only passphrase slot; removing it would lock you out. "
                "Add another passphrase first (`rmjournal slot add`), or change it with `passwd`."
            )
        del slots[index]
        self._write(tuple(slots), self._pair_key, self._saved_body())

    def new_recovery_key(self) -> str:
        """A new recovery key for the unlocking person; their old recovery key stops working."""
        self._require_open()
        rescue, text = _recovery_slot(
            self._header.file_id, self.role, self._pair_key, self._personal_key
        )
        slots = list(self._header.slots)
        old = [i for i, s in enumerate(slots) if s.role == self.role and s.kind == "recovery"]
        if old:
            slots[old[0]] = rescue
            slots = [s for i, s in enumerate(slots) if i not in old[1:]]
        else:
            self._check_room(slots, 1)
            slots.append(rescue)
        unlocked = None
        if (
            self._slot is not None
            and self._slot.kind == "recovery"
            and self._slot.role == self.role
        ):
            key = recovery.decode(text)
            unlocked = (rescue, fileformat.recovery_kek(key, rescue.salt))
        self._write(tuple(slots), self._pair_key, self._saved_body(), unlocked=unlocked)
        return text

    def rekey(self, partner: Secret | None = None) -> dict[Role, str]:
        """A new pair key and new recovery keys (after a suspected compromise).

        Every slot must be resealed under the new pair key, which needs its secret: this
        person's passphrase (the one they unlocked with) and, if the partner has slots, the
        partner's passphrase typed by the partner (`partner`). Without it nothing changes: the
        partner must be present. Personal keys stay (private fields in the database are sealed
        with them). Returns the new recovery key of each role.
        """
        self._require_open()
        me, them = self.role, other_role(self.role)
        if self._slot is None or self._slot.kind != "passphrase":
            raise UsageError(
                "Rekeying needs your passphrase: unlock with it rather than the recovery key "
                "(if you forgot it, set a new one first with `rmjournal passwd`)."
            )
        slots = self._header.slots
        theirs = [s for s in slots if s.role == them]
        partner_slot: Slot | None = None
        partner_kek = partner_key = b""
        if theirs and partner is None:
            raise UsageError(
                f"The {them} must be present to rekey: their slots hold the pair key too, and "
                f"only their passphrase can move them to the new key. Nothing was changed."
            )
        if theirs and partner is not None:
            partner_slot, partner_kek, partner_key = self._open_partner(partner, them)
        keep = {id(self._slot), id(partner_slot)}
        stuck = [i for i, s in enumerate(slots) if s.kind == "passphrase" and id(s) not in keep]
        if stuck:
            listed = ", ".join(str(i) for i in stuck)
            raise UsageError(
                f"Slot {listed} cannot be moved to the new key without its passphrase. Remove "
                "it first (`rmjournal slot remove`) and add it again after rekeying. "
                "Nothing was changed."
            )
        file_id = self._header.file_id
        new_key = random_key()
        mine = _reseal(file_id, self._slot, self._kek, new_key, self._personal_key)
        my_rescue, my_text = _recovery_slot(file_id, me, new_key, self._personal_key)
        new_slots = [mine, my_rescue]
        texts: dict[Role, str] = {me: my_text}
        if partner_slot is not None:
            new_slots.append(_reseal(file_id, partner_slot, partner_kek, new_key, partner_key))
            their_rescue, texts[them] = _recovery_slot(file_id, them, new_key, partner_key)
            new_slots.append(their_rescue)
        self._write(tuple(new_slots), new_key, self._saved_body(), unlocked=(mine, self._kek))
        return texts

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
        now = _Snapshot(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, trailer)
        if now != self._snapshot:
            raise ChangedOnDisk(self._changed_message())

    def _check_room(self, slots: list[Slot], needed: int) -> None:
        if len(slots) + needed > MAX_SLOTS:
            raise UsageError(
                f"The journal has {len(slots)} of its {MAX_SLOTS} slots in use. "
                "Remove one first (`rmjournal slot remove`)."
            )

    def _passphrase_params(self) -> Argon2Params:
        if self.test_kdf:
            return crypto.TEST_ARGON2
        if self._slot is not None and self._slot.params is not None:
            return self._slot.params
        for slot in self._header.slots:
            if slot.params is not None:
                return slot.params
        return crypto.calibrate_argon2()[0]

    def _passphrase_slot(
        self, role: Role, passphrase: Secret, pair_key: bytes, personal_key: bytes
    ) -> tuple[Slot, bytes]:
        if passphrase.kind != "passphrase":
            raise UsageError("A slot needs a passphrase, not a recovery key.")
        params = self._passphrase_params()
        salt = os.urandom(SALT_BYTES)
        kek = fileformat.passphrase_kek(passphrase, salt, params)
        slot = fileformat.make_slot(
            self._header.file_id, role=role, kind="passphrase", params=params, salt=salt,
            kek=kek, pair_key=pair_key, personal_key=personal_key,
        )  # fmt: skip
        return slot, kek

    def _open_partner(self, partner: Secret, them: Role) -> tuple[Slot, bytes, bytes]:
        if partner.kind != "passphrase":
            raise UsageError(f"Rekeying needs the {them}'s passphrase, not a recovery key.")
        for slot in fileformat.candidate_slots(self._header, "passphrase", them):
            if slot.role != them:
                continue
            assert slot.params is not None
            kek = fileformat.passphrase_kek(partner, slot.salt, slot.params)
            keys = fileformat.open_slot(self._header, slot, kek)
            if keys is not None and keys[0] == self._pair_key:
                return slot, kek, keys[1]
        raise WrongSecret(f"That passphrase does not open any of the {them}'s slots.")

    def _write(
        self,
        slots: tuple[Slot, ...],
        pair_key: bytes,
        body: bytes,
        *,
        unlocked: tuple[Slot, bytes] | None = None,
    ) -> None:
        """Write a new generation; update this object only once the file is safely replaced."""
        self._check_unchanged()
        data, header = fileformat.encode(
            flags=self._header.flags,
            file_id=self._header.file_id,
            generation=self._header.generation + 1,
            slots=slots,
            pair_key=pair_key,
            body=body,
        )
        not_durable = False
        try:
            safefile.atomic_write(self.path, data)
        except safefile.NotDurable:
            not_durable = True
        self._header = header
        self._pair_key = pair_key
        self._body = body if self._keep_body else None
        if unlocked is not None:
            self._slot, self._kek = unlocked
        elif self._slot not in slots:
            self._slot = None
        self._snapshot = _Snapshot.of(self.path, bytes(data[-fileformat.TRAILER_BYTES :]))
        if not_durable:
            raise SaveFailed(
                f"{self.path.name} was written, but the system did not confirm it reached the "
                "disk. Save again to be sure."
            )


def _recovery_slot(
    file_id: bytes, role: Role, pair_key: bytes, personal_key: bytes
) -> tuple[Slot, str]:
    """A recovery slot for `role` and the recovery key text that opens it (shown once)."""
    key, text = recovery.new()
    salt = os.urandom(SALT_BYTES)
    kek = fileformat.recovery_kek(key, salt)
    slot = fileformat.make_slot(
        file_id, role=role, kind="recovery", params=None, salt=salt, kek=kek,
        pair_key=pair_key, personal_key=personal_key,
    )  # fmt: skip
    return slot, text


def _reseal(file_id: bytes, slot: Slot, kek: bytes, pair_key: bytes, personal_key: bytes) -> Slot:
    """The same slot (same secret, salt and cost) sealing a new pair key."""
    return fileformat.make_slot(
        file_id, role=slot.role, kind=slot.kind, params=slot.params, salt=slot.salt, kek=kek,
        pair_key=pair_key, personal_key=personal_key,
    )  # fmt: skip
