"""Copies of an open journal: reading another copy's body for a merge, and writing a backup.

A mixin of `Vault` (like `vault_keys.KeyOperations`): both open a copy of this journal's file
with the pair key the vault holds, one to merge it and one to prove a backup restores. Also here,
because the copies need them and `vault.py` builds on this module: reading a whole file checked
and the snapshot of the file on disk that tells whether someone else wrote it.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple, cast

from rmjournal.core import fileformat, safefile
from rmjournal.core.errors import (
    ChangedOnDisk,
    FileDamaged,
    JournalError,
    NotACopy,
    SaveFailed,
    UsageError,
)
from rmjournal.core.fileformat import Header, Slot
from rmjournal.core.opening import read_checked
from rmjournal.core.slot_records import CopyKeys


def read_whole(path: Path) -> bytearray:
    """The whole file, its type and size checked first (`opening.read_checked`)."""
    return read_checked(path)


def _open_in_place(header: Header, data: bytearray, pair_key: bytes, name: str) -> memoryview:
    """The body of the whole file in `data`, decrypted over its ciphertext with `pair_key` (the
    view of it in `data`); `FileDamaged` if it does not open, and the body's part is wiped."""
    sealed = memoryview(data)[len(header.raw) : len(header.raw) + header.body_length]
    return fileformat.open_body_in_place(header, cast(bytearray, sealed), pair_key, name)


class Snapshot(NamedTuple):
    """What the file on disk looked like when we last read or wrote it."""

    device: int
    inode: int
    size: int
    mtime_ns: int
    trailer: bytes

    @classmethod
    def of(cls, path: Path, trailer: bytes) -> Snapshot:
        st = os.stat(path)
        return cls(st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, trailer)


class CopyOperations:
    """`Vault`'s operations on copies of its file (`read_copy`, `backup`); the state is the
    vault's."""

    path: Path
    test_kdf: bool
    old_pair_keys: list[bytes]
    last_copy: CopyKeys | None
    _snapshot: Snapshot
    _header: Header
    _slot: Slot | None
    _kek: bytes
    _pair_key: bytes
    _personal_key: bytes

    def _require_open(self) -> None:
        raise NotImplementedError

    def release_body(self) -> None:
        raise NotImplementedError

    def _check_unchanged(self) -> None:
        raise NotImplementedError

    def _changed_message(self) -> str:
        raise NotImplementedError

    def read_copy(self, path: Path, *, adopt: bool = False) -> memoryview:
        """The body of another copy of this journal at `path`, opened with this vault's pair key.

        No passphrase is needed: copies of one pair journal share the pair key. `NotACopy` (exit
        1) if `path` is another journal (its file id differs) or its body does not open with
        this pair key (it was rekeyed since the copies parted, or altered); `FileDamaged` (4) if
        it is not a journal at all. Its key slots are ignored (slots are never merged).

        The body is decrypted over its ciphertext in the one buffer the file was read into, and
        the view returned is all that holds that buffer: hand it on without keeping it, and the
        copy is in memory once until it becomes a database (a merge at 50,000 entries peaked at
        three journals' worth plus the file when the body was a second buffer).

        `adopt=True` is for this vault's own file after it `ChangedOnDisk`: what was read
        becomes what the next `save()` may replace (it still refuses if the file changes again).
        """
        self._require_open()
        path = Path(path)
        if adopt and path.resolve() != self.path.resolve():
            raise UsageError("Only the journal's own file can be adopted.")
        data = read_whole(path)
        header = fileformat.parse(data, path.name, allow_test_kdf=self.test_kdf)
        if header.file_id != self._header.file_id:
            raise NotACopy(
                f"{path.name} is not a copy of this journal: it is another journal (another "
                "pair's, or one created separately). Nothing was changed."
            )
        trailer = bytes(data[-fileformat.TRAILER_BYTES :])
        body, pair_key = self._open_copy(header, data, path)
        del data
        self.last_copy = CopyKeys(header, pair_key)
        if adopt:
            self._snapshot = Snapshot.of(path, trailer)
        return body

    def _open_copy(self, header: Header, data: bytearray, path: Path) -> tuple[memoryview, bytes]:
        """Another copy's body, decrypted in `data`, and the pair key that opened it: this
        vault's, one from before a rekey (`old_pair_keys`), or, for a copy rekeyed since, the new
        key from the copy's own slot for this person (a rekey keeps each slot's salt, so this
        person's key opens it).

        A key that fails leaves the buffer wiped (`open_body_in_place`), so the file is read
        again for the next one; that happens only for a copy from before a rekey."""
        for tried, key in enumerate(self._copy_keys(header)):
            if tried:
                data = read_whole(path)
                if not data.startswith(header.raw):
                    raise FileDamaged(f"{path.name} changed while it was read; try again.")
            with contextlib.suppress(FileDamaged):
                return _open_in_place(header, data, key, path.name), key
        raise NotACopy(
            f"{path.name} is a copy of this journal but does not open with its pair key: it was "
            "rekeyed since the copies parted and your slot there changed too, or it was "
            "altered. Nothing was changed. (A copy rekeyed since opens with your passphrase "
            "there: merge this copy into it instead.)"
        )

    def _copy_keys(self, header: Header) -> Iterator[bytes]:
        """The pair keys another copy may be sealed with, the likeliest first; the last, from
        the copy's own slot for this person, is unwrapped only if the others fail."""
        yield self._pair_key
        yield from self.old_pair_keys
        if self._slot is None:
            return
        for slot in header.slots:
            if (slot.role, slot.kind, slot.salt, slot.params) != (
                self._slot.role, self._slot.kind, self._slot.salt, self._slot.params,
            ):  # fmt: skip
                continue
            opened = fileformat.open_slot(header, slot, self._kek)
            if opened is not None and opened[1] == self._personal_key:
                yield opened[0]

    def backup(self, out: Path) -> None:
        """An encrypted copy of the saved file at `out`, verified by reading it back and opening
        its body with the pair key, so a backup is known to restore before anyone needs it.

        One buffer the size of the file: the copy on disk is compared with it in parts, then
        its body is opened in that same buffer (the bytes on disk are the bytes it held). The
        body decrypted at unlocking is not needed and is let go first."""
        self._require_open()
        out = Path(out)
        if out.exists() or out.resolve() == self.path.resolve():
            raise JournalError(f"{out} already exists. Choose another name for the backup.")
        self._check_unchanged()
        self.release_body()
        data = read_whole(self.path)
        if data[-fileformat.TRAILER_BYTES :] != self._snapshot.trailer:
            raise ChangedOnDisk(self._changed_message())
        safefile.make_private_dirs(out.parent)
        with contextlib.suppress(safefile.NotDurable):
            safefile.atomic_write(out, data)
        try:
            good = safefile.disk.read_back(out, data)
            if good:
                header = fileformat.parse(data, out.name, allow_test_kdf=self.test_kdf)
                _open_in_place(header, data, self._pair_key, out.name)
        except (OSError, FileDamaged):
            good = False
        if not good:
            safefile.disk.remove(out)
            raise SaveFailed(
                f"The backup {out} did not read back correctly and was removed. "
                "Try again, or back up to another disk."
            )
