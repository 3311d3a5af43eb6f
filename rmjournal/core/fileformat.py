"""The journal file's bytes (format version 1): header, key slots, sealed body, checksum.

Kept apart from `vault.py` so the format can be read as one piece next to `docs/format.md`,
which describes the same layout in words; every rule a reader enforces lives here (the order
they run in while a file is read, `unlock_source`, is in `opening.py`).
"""

from __future__ import annotations

import os
import struct
import unicodedata
from collections.abc import Callable
from typing import Literal, NamedTuple

from rmjournal.core import calibration, crypto
from rmjournal.core.crypto import KEY_BYTES, NONCE_BYTES, TAG_BYTES, Argon2Params
from rmjournal.core.errors import FileDamaged, Tampered, TestKdfRefused
from rmjournal.core.model import Role
from rmjournal.core.secret import Secret

SlotKind = Literal["passphrase", "recovery"]

MAGIC = b"RMJOURNL"
VERSION = 1
FLAG_TEST_KDF = 0x0001
KNOWN_FLAGS = FLAG_TEST_KDF
MAX_SLOTS = 8
FILE_ID_BYTES = 16
SALT_BYTES = 32
TRAILER_BYTES = 32

PREFIX = struct.Struct(">8sHH16sQB")  # magic, version, flags, file id, generation, slot count
SLOT = struct.Struct(">BBBBIII32s12s80s")  # role, kind, kdf, 0, memory, passes, lanes, salt, ...
SLOT_FIELDS_BYTES = 4 + 12 + SALT_BYTES  # the part of a slot bound as associated data
BODY_INFO = struct.Struct(">32s12sQ")  # body salt, body nonce, body ciphertext length
WRAPPED_BYTES = 2 * KEY_BYTES + TAG_BYTES
MIN_FILE_BYTES = PREFIX.size + SLOT.size + BODY_INFO.size + TAG_BYTES + TRAILER_BYTES
MAX_HEADER_BYTES = PREFIX.size + MAX_SLOTS * SLOT.size + BODY_INFO.size
MAX_FILE_BYTES = 2 * 1024**3
"""The largest file a reader opens (2 GiB); anything larger is refused from its size alone."""

ROLE_CODES: dict[Role, int] = {"mentor": 1, "mentee": 2}
KIND_CODES: dict[SlotKind, int] = {"passphrase": 1, "recovery": 2}
KDF_ARGON2ID = 1
KDF_HKDF = 2

# Reader bounds on Argon2id, checked before any derivation runs. Real journals: 64 MiB to 1 GiB,
# 2 to 16 passes, at most 4 GiB·passes of work in all. Test-KDF journals (flag and switch both
# present) may go down to the tiniest cost Argon2 allows, never above the real maximums.
MAX_MEMORY_KIB = 1024 * 1024
MAX_ITERATIONS = 16
MAX_LANES = 16
MAX_WORK_KIB = 4 * 1024 * 1024
MAX_TRIED_WORK_KIB = 2 * MAX_WORK_KIB
"""Argon2id work (memory × passes, summed) one unlock may spend trying slots: 8 GiB·passes."""
NORMAL_MIN = Argon2Params(crypto.MIN_MEMORY_KIB, crypto.MIN_ITERATIONS, 1)
TEST_MIN = Argon2Params(8, 1, 1)

_SLOT_AAD = b"rmjournal v1 slot\x00"
_BODY_INFO_LABEL = b"rmjournal v1 body key\x00"
_RECOVERY_INFO = b"rmjournal v1 recovery slot key\x00"


class Slot(NamedTuple):
    """One key slot: who it is for, how its key-encryption key is made, and `K ‖ P_role` sealed."""

    role: Role
    kind: SlotKind
    params: Argon2Params | None  # None for a recovery slot (its key needs no stretching)
    salt: bytes
    nonce: bytes
    wrapped: bytes

    def fields(self) -> bytes:
        """Role, kind, KDF and its parameters and salt: the slot bytes its seal is bound to."""
        return self.pack()[:SLOT_FIELDS_BYTES]

    def pack(self) -> bytes:
        """The slot's bytes in the header."""
        p = self.params or Argon2Params(0, 0, 0)
        kdf = KDF_ARGON2ID if self.kind == "passphrase" else KDF_HKDF
        return SLOT.pack(
            ROLE_CODES[self.role], KIND_CODES[self.kind], kdf, 0,
            p.memory_kib, p.iterations, p.lanes, self.salt, self.nonce, self.wrapped,
        )  # fmt: skip


class Header(NamedTuple):
    """Everything before the sealed body; `raw` is its exact bytes (the body's associated data)."""

    flags: int
    file_id: bytes
    generation: int
    slots: tuple[Slot, ...]
    body_salt: bytes
    body_nonce: bytes
    body_length: int
    raw: bytes

    @property
    def test_kdf(self) -> bool:
        """Whether the file was made with the insecure test KDF."""
        return bool(self.flags & FLAG_TEST_KDF)


class Unlocked(NamedTuple):
    """What a secret opened: the slot it opened, its key-encryption key, K, P and the body."""

    slot: Slot
    kek: bytes
    pair_key: bytes
    personal_key: bytes
    body: bytes | memoryview  # a view of the one decrypted buffer when read from a file


def slot_aad(file_id: bytes, slot: Slot) -> bytes:
    """Associated data of a slot's seal: format version, file id and the slot's own fields.

    The slot's position is deliberately not bound (removing a slot moves the ones after it, and
    their seals cannot be redone without their secrets); the body's associated data, the whole
    header, binds the order instead.
    """
    return _SLOT_AAD + MAGIC + VERSION.to_bytes(2, "big") + file_id + slot.fields()


def passphrase_kek(secret: Secret, salt: bytes, params: Argon2Params) -> bytes:
    """The key-encryption key of a passphrase slot: Argon2id of the NFC passphrase."""
    text = unicodedata.normalize("NFC", secret.value)
    return crypto.argon2id(text.encode("utf-8"), salt, params)


def calibrated_kek(secret: Secret, salt: bytes) -> tuple[Argon2Params, bytes]:
    """A new slot's cost, calibrated on this machine, and its key from the accepted run."""
    text = unicodedata.normalize("NFC", secret.value)
    params, kek = calibration.calibrated_key(text.encode("utf-8"), salt)
    return params, kek


def recovery_kek(recovery_key: bytes, salt: bytes) -> bytes:
    """The key-encryption key of a recovery slot: HKDF of the 256-bit recovery key."""
    return crypto.hkdf_sha256(recovery_key, salt=salt, info=_RECOVERY_INFO)


def make_slot(
    file_id: bytes,
    *,
    role: Role,
    kind: SlotKind,
    params: Argon2Params | None,
    salt: bytes,
    kek: bytes,
    pair_key: bytes,
    personal_key: bytes,
) -> Slot:
    """A slot sealing `K ‖ P_role` under `kek` with a fresh nonce."""
    draft = Slot(role, kind, params, salt, b"\x00" * NONCE_BYTES, b"\x00" * WRAPPED_BYTES)
    nonce = os.urandom(NONCE_BYTES)
    wrapped = crypto.seal(kek, nonce, pair_key + personal_key, slot_aad(file_id, draft))
    return Slot(role, kind, params, salt, nonce, wrapped)


def body_key(pair_key: bytes, file_id: bytes, body_salt: bytes) -> bytes:
    """This save's body key: HKDF of the pair key with the save's fresh salt."""
    return crypto.hkdf_sha256(pair_key, salt=body_salt, info=_BODY_INFO_LABEL + file_id)


def encode(
    *,
    flags: int,
    file_id: bytes,
    generation: int,
    slots: tuple[Slot, ...],
    pair_key: bytes,
    body: bytes | memoryview,
) -> tuple[bytearray, Header]:
    """The whole file for one save (fresh body salt and nonce) and its parsed header.

    The body is sealed straight into the file's buffer, so a large journal is copied once.
    """
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise ValueError("a journal has 1 to 8 slots")
    body_salt = os.urandom(SALT_BYTES)
    body_nonce = os.urandom(NONCE_BYTES)
    length = len(body) + TAG_BYTES
    raw = b"".join(
        [
            PREFIX.pack(MAGIC, VERSION, flags, file_id, generation, len(slots)),
            *(slot.pack() for slot in slots),
            BODY_INFO.pack(body_salt, body_nonce, length),
        ]
    )
    data = bytearray(len(raw) + length + TRAILER_BYTES)
    view = memoryview(data)
    view[: len(raw)] = raw
    key = body_key(pair_key, file_id, body_salt)
    crypto.seal_into(key, body_nonce, body, raw, view[len(raw) : len(raw) + length])
    view[-TRAILER_BYTES:] = crypto.sha256(view[:-TRAILER_BYTES])
    view.release()
    header = Header(flags, file_id, generation, slots, body_salt, body_nonce, length, raw)
    return data, header


def encode_to(
    write: Callable[[bytes | memoryview], None],
    *,
    flags: int,
    file_id: bytes,
    generation: int,
    slots: tuple[Slot, ...],
    pair_key: bytes,
    body: bytes | memoryview,
) -> tuple[Header, bytes]:
    """`encode()` written part by part through `write` (header, sealed body in steps, tag,
    trailer) instead of into one buffer: the parsed header and the trailer written.

    The same bytes as `encode()` for the same salt and nonce. A save in the app then holds no
    file-sized buffer beside the body (its peak memory), and never zero-fills or copies one
    while holding the GIL (the app's thread waited for that)."""
    if not 1 <= len(slots) <= MAX_SLOTS:
        raise ValueError("a journal has 1 to 8 slots")
    body_salt = os.urandom(SALT_BYTES)
    body_nonce = os.urandom(NONCE_BYTES)
    length = len(body) + TAG_BYTES
    raw = b"".join(
        [
            PREFIX.pack(MAGIC, VERSION, flags, file_id, generation, len(slots)),
            *(slot.pack() for slot in slots),
            BODY_INFO.pack(body_salt, body_nonce, length),
        ]
    )
    digest = crypto.Sha256()

    def put(part: bytes | memoryview) -> None:
        digest.update(part)
        write(part)

    put(raw)
    key = body_key(pair_key, file_id, body_salt)
    put(crypto.seal_parts(key, body_nonce, body, raw, put))
    trailer = digest.finalize()
    write(trailer)
    header = Header(flags, file_id, generation, slots, body_salt, body_nonce, length, raw)
    return header, trailer


def _altered(name: str, what: str) -> Tampered:
    return Tampered(
        f"{name} was altered after it was written ({what}). Do not trust this copy; "
        "open a backup or your partner's copy instead."
    )


def parse(data: bytes | bytearray | memoryview, name: str, *, allow_test_kdf: bool) -> Header:
    """The header of a whole file in memory, after every check that needs no secret."""
    view = memoryview(data)
    return parse_parts(
        bytes(view[:MAX_HEADER_BYTES]), len(view), name, allow_test_kdf=allow_test_kdf,
        checksum_ok=lambda: crypto.sha256(view[:-TRAILER_BYTES]) == view[-TRAILER_BYTES:],
    )  # fmt: skip


def parse_parts(
    head: bytes, size: int, name: str, *, allow_test_kdf: bool, checksum_ok: Callable[[], bool]
) -> Header:
    """The header from the file's first bytes (`head`, up to `MAX_HEADER_BYTES`) and its size.

    Order: magic, version, checksum (damage; `checksum_ok` hashes the file, in memory or read
    in chunks), test-KDF switch, then exact structure and KDF bounds, so that no key derivation
    ever starts on parameters out of range. The body itself is not needed.
    """
    if not head.startswith(MAGIC):
        raise FileDamaged(f"{name} is not an rmjournal journal (or its first bytes are damaged).")
    if size < MIN_FILE_BYTES:
        raise FileDamaged(f"{name} is damaged: it is cut short. Restore it from a backup.")
    _, version, flags, file_id, generation, count = PREFIX.unpack_from(head)
    if version > VERSION:
        raise FileDamaged(
            f"{name} was written by a newer rmjournal (format {version}); "
            "update rmjournal to open it."
        )
    if version != VERSION:
        raise FileDamaged(f"{name} has an unknown format version ({version}); it cannot be opened.")
    if not checksum_ok():
        raise FileDamaged(
            f"{name} is damaged: its checksum does not match (cut short, extended or corrupted). "
            "Restore it from a backup or your partner's copy."
        )
    if flags & ~KNOWN_FLAGS:
        raise _altered(name, "unknown flags")
    test_kdf = bool(flags & FLAG_TEST_KDF)
    if test_kdf and not allow_test_kdf:
        raise TestKdfRefused(
            f"{name} was made with the insecure test key derivation, for automated tests only, "
            "and is refused. Real journals are never made that way (test runs pass "
            "--insecure-test-kdf)."
        )
    if not 1 <= count <= MAX_SLOTS:
        raise _altered(name, "impossible number of key slots")
    header_length = PREFIX.size + count * SLOT.size + BODY_INFO.size
    if size < header_length + TAG_BYTES + TRAILER_BYTES:
        raise _altered(name, "lengths do not add up")
    slots = tuple(
        _parse_slot(head, PREFIX.size + i * SLOT.size, name, test_kdf) for i in range(count)
    )
    body_salt, body_nonce, length = BODY_INFO.unpack_from(head, header_length - BODY_INFO.size)
    if length < TAG_BYTES or header_length + length + TRAILER_BYTES != size:
        raise _altered(name, "lengths do not add up")
    raw = head[:header_length]
    return Header(flags, file_id, generation, slots, body_salt, body_nonce, length, raw)


def _parse_slot(data: bytes, offset: int, name: str, test_kdf: bool) -> Slot:
    fields = SLOT.unpack_from(data, offset)
    role_code, kind_code, kdf, zero, memory, passes, lanes, salt, nonce, wrapped = fields
    roles = {v: k for k, v in ROLE_CODES.items()}
    kinds = {v: k for k, v in KIND_CODES.items()}
    if role_code not in roles or kind_code not in kinds or zero != 0:
        raise _altered(name, "a key slot is malformed")
    kind = kinds[kind_code]
    params: Argon2Params | None = None
    if kind == "recovery":
        if kdf != KDF_HKDF or (memory, passes, lanes) != (0, 0, 0):
            raise _altered(name, "a recovery slot names a key derivation it never uses")
    else:
        params = Argon2Params(memory, passes, lanes)
        if kdf != KDF_ARGON2ID or not kdf_in_bounds(params, test_kdf=test_kdf):
            raise _altered(name, "a key slot's key-derivation cost is out of bounds")
    return Slot(roles[role_code], kind, params, salt, nonce, wrapped)


def kdf_in_bounds(params: Argon2Params, *, test_kdf: bool) -> bool:
    """Whether a reader may run Argon2id at `params` (the test floor only with the test flag)."""
    low = TEST_MIN if test_kdf else NORMAL_MIN
    return (
        low.memory_kib <= params.memory_kib <= MAX_MEMORY_KIB
        and low.iterations <= params.iterations <= MAX_ITERATIONS
        and 1 <= params.lanes <= MAX_LANES
        and params.memory_kib >= 8 * params.lanes
        and params.memory_kib * params.iterations <= MAX_WORK_KIB
    )


def open_slot(header: Header, slot: Slot, kek: bytes) -> tuple[bytes, bytes] | None:
    """`(K, P_role)` from a slot if `kek` opens it (tag verified), else None."""
    plain = crypto.unseal(kek, slot.nonce, slot.wrapped, slot_aad(header.file_id, slot))
    if plain is None or len(plain) != 2 * KEY_BYTES:
        return None
    return plain[:KEY_BYTES], plain[KEY_BYTES:]


def open_body(
    header: Header, data: bytes | bytearray | memoryview, pair_key: bytes, name: str
) -> bytes:
    """The body's plaintext, its tag verified against the whole header; `Tampered` otherwise."""
    start = len(header.raw)
    sealed = memoryview(data)[start : start + header.body_length]
    key = body_key(pair_key, header.file_id, header.body_salt)
    plain = crypto.unseal(key, header.body_nonce, sealed, header.raw)
    if plain is None:
        raise _altered(name, "its contents fail authentication")
    return plain


def open_body_in_place(
    header: Header, sealed: bytearray | memoryview, pair_key: bytes, name: str
) -> memoryview:
    """Decrypt the sealed body (`body_length` bytes) in its own buffer; the plaintext's view.

    No second copy of a large body: AES-GCM writes each plaintext block over its ciphertext.
    On a bad tag the buffer holds unauthenticated bytes and is wiped before `Tampered`.
    """
    view = memoryview(sealed)
    plain = view[: header.body_length - TAG_BYTES]
    key = body_key(pair_key, header.file_id, header.body_salt)
    if not crypto.unseal_into(key, header.body_nonce, view, header.raw, plain):
        plain.release()
        view[:] = bytes(len(view))
        view.release()
        raise _altered(name, "its contents fail authentication")
    return plain


def candidate_slots(header: Header, kind: SlotKind, role_hint: Role | None) -> list[Slot]:
    """The slots a secret of `kind` may open: those of `role_hint` first, then the others."""
    slots = [s for s in header.slots if s.kind == kind]
    return sorted(slots, key=lambda s: s.role != role_hint)


def slot_order(
    header: Header,
    kind: SlotKind,
    role_hint: Role | None,
    first: tuple[int, str | None] | None = None,
) -> list[Slot]:
    """`candidate_slots`, with slot `first` (index and role of the one that opened the file
    last here) in front when it still is of that role, of `kind` and of the hinted role (a
    hint always wins over the memory)."""
    order = candidate_slots(header, kind, role_hint)
    if first is not None and 0 <= first[0] < len(header.slots):
        slot = header.slots[first[0]]
        if slot.kind == kind and slot.role == first[1] and role_hint in (None, slot.role):
            order.remove(slot)
            order.insert(0, slot)
    return order


def within_budget(slots: list[Slot]) -> list[Slot]:
    """The leading slots whose Argon2id work adds up to at most `MAX_TRIED_WORK_KIB`.

    Every slot is within the per-slot bounds, but eight at the maximum would make one wrong
    guess cost eight maximal derivations; past the budget, the remaining slots are not tried.
    Recovery slots (HKDF) cost nothing here. The first slot is always tried.
    """
    kept: list[Slot] = []
    spent = 0
    for slot in slots:
        cost = slot.params.memory_kib * slot.params.iterations if slot.params else 0
        if kept and spent + cost > MAX_TRIED_WORK_KIB:
            break
        spent += cost
        kept.append(slot)
    return kept
