"""The key operations of an open journal: passphrases, slots, recovery keys and rekeying.

Kept apart from `vault.py` (opening, reading, saving) as a mixin of `Vault`: each operation
builds the new slots from the keys the vault holds and hands them to the vault's one atomic
`_write`, so the object changes only once the new file is safely in place.
"""

from __future__ import annotations

import os

from rmjournal.core import crypto, fileformat, recovery
from rmjournal.core.crypto import Argon2Params, Signer, random_key
from rmjournal.core.errors import JournalError, NotFound, UsageError, WrongSecret
from rmjournal.core.fileformat import MAX_SLOTS, SALT_BYTES, Header, Slot
from rmjournal.core.model import Role, other_role
from rmjournal.core.secret import Secret


class KeyOperations:
    """`Vault`'s key operations (`change_passphrase`, `add_slot`, `remove_slot`,
    `new_recovery_key`, `rekey`); the state and the write are the vault's."""

    role: Role
    test_kdf: bool
    joined: Signer | None = None
    """The signing key of the partner whose first slot `add_slot` made (both present), so that
    the caller pins both keys, each confirmed by the other (`signing.pin_partner`)."""
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
        self.joined = Signer(role, personal_key)
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
            self._open_partner(partner, gone.role)
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
