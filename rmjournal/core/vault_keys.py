"""The key operations of an open journal: passphrases, slots, recovery keys and rekeying.

Kept apart from `vault.py` (opening, reading, saving) as a mixin of `Vault`: each operation
builds the new slots from the keys the vault holds and hands them to the vault's one atomic
`_write`, so the object changes only once the new file is safely in place. The signed slot
records and old pair keys these operations keep up to date live in `slot_records.py`.
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from rmjournal.core import calibration, crypto, fileformat, recovery
from rmjournal.core.crypto import Argon2Params, Signer, random_key
from rmjournal.core.errors import JournalError, NotFound, UsageError, WrongSecret
from rmjournal.core.fileformat import MAX_SLOTS, SALT_BYTES, Header, Slot
from rmjournal.core.model import ROLES, Role, other_role
from rmjournal.core.secret import Secret
from rmjournal.core.slot_records import (
    MAX_OLD_PAIR_KEYS,
    CopyKeys,
    SlotRecord,
    body_key_tables,
    patch_body,
    record_valid,
    sign_record,
    slots_digest,
)


class KeyOperations:
    """`Vault`'s key operations (`change_passphrase`, `add_slot`, `remove_slot`,
    `new_recovery_key`, `rekey`); the state and the write are the vault's."""

    role: Role
    test_kdf: bool
    joined: Signer | None = None
    """The signing key of the partner whose first slot `add_slot` made (both present), so that
    the caller pins both keys, each confirmed by the other (`signing.pin_partner`)."""
    slot_records: dict[Role, SlotRecord]
    """Each person's signed record of their slots, as the body holds it (`SlotRecord`)."""
    old_pair_keys: list[bytes]
    """The pair keys before rekeys, newest first: copies made before a rekey still open."""
    keys_dirty: bool
    """The records or old keys changed since the journal last stored them (`JournalFile.save`)."""
    records_loaded: bool
    """`slot_records` and `old_pair_keys` were read from the body (by `JournalFile`, or by the
    first key operation of a command that holds only the vault)."""
    _pending: tuple[tuple[Slot, ...], bytes] | None
    _header: Header
    _slot: Slot | None
    _kek: bytes
    _pair_key: bytes
    _personal_key: bytes

    def _require_open(self) -> None:
        raise NotImplementedError

    def _saved_body(self) -> bytes | memoryview:
        raise NotImplementedError

    def _write(
        self,
        slots: tuple[Slot, ...],
        pair_key: bytes,
        body: bytes | memoryview,
        *,
        unlocked: tuple[Slot, bytes] | None = None,
    ) -> None:
        raise NotImplementedError

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
        self._keys_write(slots, self._pair_key, [self._me()], unlocked=(slot, kek))

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
            self._keys_write([*slots, slot], self._pair_key, [self._me()])
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
        joined = Signer(role, personal_key)
        self._keys_write([*slots, slot, rescue], self._pair_key, [self._me(), joined])
        self.joined = joined
        return text

    def remove_slot(self, index: int, partner: Secret | None = None) -> None:
        """Remove slot `index`; never the last slot, nor the unlocking person's last passphrase.

        A slot of the partner's goes only with the partner's own passphrase (`partner`, typed
        by them): without it, removing their slots would lock them out and lose their private
        entries, which only they may decide."""
        self._require_open()
        slots = list(self._header.slots)
        if not 0 <= index < len(slots):
            raise NotFound(f"There is no slot {index}; `rmjournal info` lists the slots.")
        gone = slots[index]
        if gone.role != self.role:
            if partner is None:
                raise UsageError(
                    f"Slot {index} is the {gone.role}'s: only the {gone.role} can remove it, "
                    f"typing their own passphrase (`--partner-passphrase-file` or the prompt). "
                    "Nothing was changed."
                )
            signers = [self._me(), Signer(gone.role, self._open_partner(partner, gone.role)[2])]
        else:
            signers = [self._me()]
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
        self._keys_write(slots, self._pair_key, signers)

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
        self._keys_write(slots, self._pair_key, [self._me()], unlocked=unlocked)
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
        signers = [self._me()]
        if partner_slot is not None:
            new_slots.append(_reseal(file_id, partner_slot, partner_kek, new_key, partner_key))
            their_rescue, texts[them] = _recovery_slot(file_id, them, new_key, partner_key)
            new_slots.append(their_rescue)
            signers.append(Signer(them, partner_key))
        old = [self._pair_key, *self.old_pair_keys][:MAX_OLD_PAIR_KEYS]
        self._keys_write(new_slots, new_key, signers, unlocked=(mine, self._kek), old_keys=old)
        return texts

    def _me(self) -> Signer:
        return Signer(self.role, self._personal_key)

    def _records_for(
        self, slots: Iterable[Slot], pair_key: bytes, signers: list[Signer]
    ) -> dict[Role, SlotRecord]:
        """The slot records after a change: each signer's own record signed again (counter + 1)
        if their slots or the pair key changed; the others' kept."""
        slots = tuple(slots)
        records = dict(self.slot_records)
        for signer in signers:
            role: Role = signer.role  # type: ignore[assignment]
            digest = slots_digest(self._header.file_id, role, slots, pair_key)
            old = records.get(role)
            if old is None or old.digest != digest:
                records[role] = sign_record(signer, old.counter + 1 if old else 1, digest)
        return records

    def _keys_write(
        self,
        slots: Iterable[Slot],
        pair_key: bytes,
        signers: list[Signer],
        *,
        unlocked: tuple[Slot, bytes] | None = None,
        old_keys: list[bytes] | None = None,
    ) -> None:
        """Write new slots with the records signed by `signers` stored in the body."""
        slots = tuple(slots)
        saved = self._saved_body()
        if not self.records_loaded:  # a command holding only the vault: read them from the body
            self.slot_records, self.old_pair_keys = body_key_tables(saved)
            self.records_loaded = True
            if old_keys is not None:
                old_keys = [*old_keys[:1], *self.old_pair_keys][:MAX_OLD_PAIR_KEYS]
        records = self._records_for(slots, pair_key, signers)
        old = self.old_pair_keys if old_keys is None else old_keys
        body = patch_body(saved, records, old)
        self._write(slots, pair_key, body, unlocked=unlocked)
        self.slot_records, self.old_pair_keys, self.keys_dirty = records, old, True
        self._pending = None

    def check_own_record(self) -> str | None:
        """Sign the reader's slot record if there is none yet (a journal from before records);
        say so in one sentence if the reader's slots are not the ones they last signed (a slot
        added or removed by someone without their key). Never signs someone else's change."""
        self._require_open()
        role = self.role
        digest = slots_digest(self._header.file_id, role, self._header.slots, self._pair_key)
        have = self.slot_records.get(role)
        if have is None:
            self.slot_records[role] = sign_record(self._me(), 1, digest)
            self.keys_dirty = True
            return None
        if not record_valid(have, role, digest, self._me().public_key):
            return (
                f"Your key slots (the {role}'s) in this file are not the ones you last set: a "
                "slot was added, removed or replaced without your key. Check `rmjournal info`, "
                "and remove any slot of yours you did not make."
            )
        return None

    def follow_keys(
        self,
        copy: CopyKeys,
        records: dict[Role, SlotRecord],
        old_keys: list[bytes],
        trusted: dict[Role, bytes | None],
    ) -> list[str]:
        """Take the other copy's key changes that its owners signed: per person, the newer slot
        record that verifies with their pinned key (`trusted`) gives their slots; a copy
        rekeyed since gives all its slots and its pair key, once every record verifies. The
        change is written with the next `save()`. Returns one sentence per change or refusal."""
        self._require_open()
        file_id = self._header.file_id
        notes: list[str] = []
        theirs_slots = copy.header.slots
        if copy.pair_key != self._pair_key:
            if copy.pair_key in self.old_pair_keys:
                return notes  # a copy from before our rekey: its keys are older
            if self._pair_key not in old_keys:
                notes.append(
                    "The other copy was rekeyed separately from this one; its keys were not "
                    "taken. Rekey again with both of you present."
                )
                return notes
            for role in ROLES:
                digest = slots_digest(file_id, role, theirs_slots, copy.pair_key)
                rec = records.get(role)
                has = any(s.role == role for s in theirs_slots)
                if has and (rec is None or not record_valid(rec, role, digest, trusted[role])):
                    notes.append(
                        f"The other copy has a new pair key, but the {role}'s slots there are "
                        f"not signed with the {role}'s key; its keys were not taken."
                    )
                    return notes
            self._pending = (tuple(theirs_slots), copy.pair_key)
            self.slot_records = dict(records)
            self.old_pair_keys = [k for k in old_keys if k != copy.pair_key][:MAX_OLD_PAIR_KEYS]
            self.keys_dirty = True
            notes.append(
                "The other copy was rekeyed: this copy now has its pair key and key slots; old "
                "passphrases and recovery keys no longer open it."
            )
            return notes
        current = list(self._pending[0] if self._pending else self._header.slots)
        new_records = dict(self.slot_records)
        for role in ROLES:
            rec = records.get(role)
            mine = [s for s in current if s.role == role]
            theirs = [s for s in theirs_slots if s.role == role]
            if mine == theirs:
                continue
            digest = slots_digest(file_id, role, theirs, self._pair_key)
            if rec is None or not record_valid(rec, role, digest, trusted[role]):
                notes.append(
                    f"The other copy's slots for the {role} differ but are not signed with the "
                    f"{role}'s key; this copy kept its own."
                )
                continue
            have = new_records.get(role)
            if have is not None and have.counter >= rec.counter:
                continue  # ours is as new or newer
            others = [s for s in current if s.role != role]
            if len(others) + len(theirs) > MAX_SLOTS:
                notes.append(f"The {role}'s slots from the other copy do not fit; not taken.")
                continue
            current = others + theirs
            new_records[role] = rec
            notes.append(
                f"The {role}'s key slots were taken from the other copy (a passphrase, recovery "
                "key or slot changed there): what no longer opens it there no longer opens this."
            )
        if new_records != self.slot_records:
            self._pending = (tuple(current), self._pair_key)
            self.slot_records = new_records
            self.keys_dirty = True
        return notes

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
        return calibration.calibrate_argon2()[0]

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
            raise UsageError(f"This needs the {them}'s passphrase, not a recovery key.")
        theirs = [s for s in self._header.slots if s.role == them and s.kind == "passphrase"]
        for slot in fileformat.within_budget(theirs):
            assert slot.params is not None
            kek = fileformat.passphrase_kek(partner, slot.salt, slot.params)
            keys = fileformat.open_slot(self._header, slot, kek)
            if keys is not None and keys[0] == self._pair_key:
                return slot, kek, keys[1]
        raise WrongSecret(f"That passphrase does not open any of the {them}'s slots.")


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
