"""Small cryptographic building blocks shared by the file format and the database.

`PrivateCipher` seals the text fields of a *private* item with its author's personal key, so the
partner, who holds the same pair key and so can read the whole database, still cannot read it.
The associated data binds each sealed field to its item id and field name: a sealed text moved
to another item or field fails to open.
"""

from __future__ import annotations

import base64
import os
import sys
import time
from collections.abc import Callable
from typing import NamedTuple

from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from rmjournal.core.errors import Tampered

KEY_BYTES = 32
_PRIVATE_PREFIX = "p1:"
"""Tokens sealed before padding (still opened): the plaintext is the text itself."""
_PADDED_PREFIX = "p2:"
"""Tokens sealed with padding: the plaintext is `pad(text)` (see `pad`)."""
_PRIVATE_AAD = b"rmjournal private field v1\x00"
_PADDED_AAD = b"rmjournal private field v2\x00"
_SIGNING_INFO = b"rmjournal v1 signing key\x00"
_SIGNATURE_DOMAIN = b"rmjournal signature v1\x00"

PAD_MIN_BYTES = 256
"""The smallest padded plaintext: every text up to this size (every built-in prompt, every
short answer) seals to the same length."""


def pad(text: bytes) -> bytes:
    """`text` framed by its 4-byte length and zero-padded to a bucket: `PAD_MIN_BYTES`, or the
    next power of two above it, so the sealed length tells only a coarse size class."""
    framed = len(text).to_bytes(4, "big") + text
    size = PAD_MIN_BYTES
    while size < len(framed):
        size *= 2
    return framed + bytes(size - len(framed))


def unpad(padded: bytes) -> bytes:
    """The text `pad` framed (`ValueError` if the frame is inconsistent)."""
    if len(padded) < 4:
        raise ValueError("padded text too short")
    n = int.from_bytes(padded[:4], "big")
    if n > len(padded) - 4:
        raise ValueError("padded text length out of range")
    return padded[4 : 4 + n]


def signing_seed(personal_key: bytes, role: str) -> bytes:
    """The Ed25519 seed of `role`'s signing key, derived from their personal key.

    The personal key is sealed only in that person's own slots (passphrase and recovery), so
    only their secret yields the signing key; the partner, who holds the pair key, cannot."""
    return HKDF(
        algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
        info=_SIGNING_INFO + role.encode("ascii"),
    ).derive(personal_key)  # fmt: skip


def signed_message(purpose: str, data: bytes) -> bytes:
    """What a signature covers: a fixed domain, the purpose (so a signature made for one use
    never verifies for another), then the data."""
    return _SIGNATURE_DOMAIN + purpose.encode("utf-8") + b"\x00" + data


def verify_signature(public_key: bytes, purpose: str, data: bytes, signature: bytes) -> bool:
    """Whether `signature` is the holder of `public_key`'s over (`purpose`, `data`)."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature, signed_message(purpose, data)
        )
    except (InvalidSignature, ValueError):
        return False
    return True


class Signer:
    """One person's Ed25519 signing key (derived from their personal key): signs as `role`."""

    def __init__(self, role: str, personal_key: bytes) -> None:
        if len(personal_key) != KEY_BYTES:
            raise ValueError("a personal key is 32 bytes")
        self.role = role
        self._key = Ed25519PrivateKey.from_private_bytes(signing_seed(personal_key, role))
        self.public_key: bytes = self._key.public_key().public_bytes_raw()

    def __repr__(self) -> str:
        return f"<Signer {self.role}>"

    def sign(self, purpose: str, data: bytes) -> bytes:
        """The 64-byte signature over (`purpose`, `data`)."""
        return self._key.sign(signed_message(purpose, data))


def random_key() -> bytes:
    """A fresh random 256-bit key."""
    return os.urandom(KEY_BYTES)


class PrivateCipher:
    """Seals and opens the private text fields of one person (the unlocking role)."""

    def __init__(self, role: str, personal_key: bytes) -> None:
        if len(personal_key) != KEY_BYTES:
            raise ValueError("a personal key is 32 bytes")
        self.role = role
        self._aead = AESGCM(personal_key)
        self._personal_key = personal_key
        self._signer: Signer | None = None

    def __repr__(self) -> str:
        return f"<PrivateCipher {self.role}>"

    def signer(self) -> Signer:
        """This person's signing key (`Signer`), derived once from the same personal key."""
        if self._signer is None:
            self._signer = Signer(self.role, self._personal_key)
        return self._signer

    @staticmethod
    def _aad(item_id: str, field: str) -> bytes:
        return _PRIVATE_AAD + item_id.encode() + b"\x00" + field.encode()

    def seal(self, item_id: str, field: str, text: str) -> str:
        """`text` encrypted for this person only, as ASCII safe to store in a TEXT column.

        The plaintext is padded (`pad`) so that the token's length tells only a size class,
        never which prompt was answered or how long a short answer is."""
        nonce = os.urandom(12)
        aad = _PADDED_AAD + self._aad(item_id, field)
        sealed = self._aead.encrypt(nonce, pad(text.encode("utf-8")), aad)
        return _PADDED_PREFIX + base64.b64encode(nonce + sealed).decode("ascii")

    def open(self, item_id: str, field: str, token: str) -> str:
        """The text sealed by `seal()` (or by a version before padding, `p1:` tokens);
        `Tampered` if it is not this person's or was altered."""
        padded = token.startswith(_PADDED_PREFIX)
        if not padded and not token.startswith(_PRIVATE_PREFIX):
            raise Tampered("A private item is damaged: its text is not sealed as expected.")
        try:
            raw = base64.b64decode(token[3:], validate=True)
            if padded:
                aad = _PADDED_AAD + self._aad(item_id, field)
                plain = unpad(self._aead.decrypt(raw[:12], raw[12:], aad))
            else:
                plain = self._aead.decrypt(raw[:12], raw[12:], self._aad(item_id, field))
        except (InvalidTag, ValueError) as exc:
            raise Tampered(
                "A private item could not be opened with your key: it was altered or is not yours."
            ) from exc
        return plain.decode("utf-8")

    @staticmethod
    def is_sealed(value: str) -> bool:
        """Whether a stored value is sealed text rather than plain text."""
        return value.startswith((_PADDED_PREFIX, _PRIVATE_PREFIX))


# --- Key derivation and sealing for the journal file (used by `core/fileformat.py`) ---------

NONCE_BYTES = 12
TAG_BYTES = 16

MIN_MEMORY_KIB = 64 * 1024
"""Argon2id memory floor for real journals (64 MiB): below it a GPU guesses cheaply."""
PREFERRED_MEMORY_KIB = 128 * 1024
"""Where calibration starts, and the most memory it asks for: 128 MiB, four lanes.

The time target is then reached with passes (about four on two cores) rather than with more
memory: the cost of a guess grows with memory × passes either way, well above RFC 9106's
64 MiB, t = 3 recommendation, while an unlock stays within the 200 MiB a command may use on a
managed laptop. Journals made with 256 MiB keep it: the reader takes any cost within bounds."""
MIN_ITERATIONS = 2
CALIBRATION_LANES = 4
MAX_CALIBRATED_ITERATIONS = 16


class Argon2Params(NamedTuple):
    """The cost of one Argon2id derivation: memory in KiB, passes, lanes (parallelism)."""

    memory_kib: int
    iterations: int
    lanes: int

    def describe(self) -> str:
        """The cost in words, for `rmjournal info`."""
        memory = (
            f"{self.memory_kib // 1024} MiB"
            if self.memory_kib % 1024 == 0
            else f"{self.memory_kib} KiB"
        )
        passes = "pass" if self.iterations == 1 else "passes"
        lanes = "lane" if self.lanes == 1 else "lanes"
        return f"Argon2id, {memory}, {self.iterations} {passes}, {self.lanes} {lanes}"


TEST_ARGON2 = Argon2Params(memory_kib=64, iterations=1, lanes=1)
"""The insecure test cost (about a millisecond); only ever used behind the test-KDF flag."""


def argon2id(secret: bytes, salt: bytes, params: Argon2Params) -> bytes:
    """A 256-bit key from a passphrase with Argon2id at `params`.

    The vault calls this through the module (`crypto.argon2id`) so tests can count calls with a
    wrapper that still does the real work.
    """
    kdf = Argon2id(
        salt=salt,
        length=KEY_BYTES,
        iterations=params.iterations,
        lanes=params.lanes,
        memory_cost=params.memory_kib,
    )
    return kdf.derive(secret)


STEP_BYTES = 1 << 20
"""How much a thread other than the main one encrypts or hashes before letting others run.

`cryptography` holds the GIL for a whole call: sealing or hashing a large journal in the app's
save worker in one call would stop the app's own thread (typing, drawing) for as long. In 1 MiB
steps with a yield between them, the app's thread waits for one step at most. On the main
thread (the CLI) nothing else is waiting, and one call is fastest."""


def _on_main_thread() -> bool:
    # A process that never imported `threading` (a CLI command) runs on its main thread.
    threading = sys.modules.get("threading")
    return threading is None or threading.current_thread() is threading.main_thread()


def sha256(data: bytes | bytearray | memoryview) -> bytes:
    """The SHA-256 digest of `data`, by the OpenSSL inside `cryptography`.

    Not `hashlib`: importing it loads the system's second OpenSSL, 4 ms of every command's
    start-up, for the same digest at the same speed.
    """
    digest = hashes.Hash(hashes.SHA256())
    if len(data) <= STEP_BYTES or _on_main_thread():
        digest.update(data)
    else:
        view = memoryview(data)
        for start in range(0, len(view), STEP_BYTES):
            digest.update(view[start : start + STEP_BYTES])
            time.sleep(0)  # let the app's thread run (see STEP_BYTES)
    return digest.finalize()


class Sha256:
    """SHA-256 fed in parts (a large file hashed in chunks, never held whole)."""

    def __init__(self) -> None:
        self._digest = hashes.Hash(hashes.SHA256())

    def update(self, data: bytes | bytearray | memoryview) -> None:
        """Add the next part."""
        self._digest.update(data)

    def finalize(self) -> bytes:
        """The digest of every part added."""
        return self._digest.finalize()


class ReadBackCheck:
    """Whether bytes read back from a disk are the bytes written: GMAC (AES-256-GCM over
    associated data only) under a key and nonce made at random for this one check.

    Not a digest anyone can recompute, and none is needed: nobody chooses the damage a disk
    does, and without the key nobody could aim it. GHASH is a universal hash, so two different
    contents of n blocks pass one check with a chance of at most n / 2^128. It runs at AES-NI
    and carry-less-multiply speed, many times faster than SHA-256, which a save already spends
    once on the file's trailer. Fed in parts, like `Sha256`; `twin()` is a fresh check with the
    same key, for the bytes read back.
    """

    def __init__(self, key: bytes | None = None, nonce: bytes | None = None) -> None:
        self._key = key or os.urandom(KEY_BYTES)
        self._nonce = nonce or os.urandom(NONCE_BYTES)
        self._mac = Cipher(algorithms.AES(self._key), modes.GCM(self._nonce)).encryptor()
        self._tag: bytes | None = None

    def twin(self) -> ReadBackCheck:
        """A new check with this one's key and nonce, fed nothing yet."""
        return ReadBackCheck(self._key, self._nonce)

    def update(self, data: bytes | bytearray | memoryview) -> None:
        """Add the next part."""
        self._mac.authenticate_additional_data(data)

    def finalize(self) -> bytes:
        """The 16-byte tag of every part added (the same again if asked twice)."""
        if self._tag is None:
            self._mac.finalize()
            self._tag = self._mac.tag
        return self._tag


def hkdf_sha256(key: bytes, *, salt: bytes, info: bytes) -> bytes:
    """A 256-bit key derived from a strong key with HKDF-SHA256 (no stretching needed)."""
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=salt, info=info).derive(key)


def seal(key: bytes, nonce: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """AES-256-GCM encryption of `plaintext` bound to `aad` (ciphertext followed by the tag)."""
    return AESGCM(key).encrypt(nonce, plaintext, aad)


def seal_into(
    key: bytes, nonce: bytes, plaintext: bytes | memoryview, aad: bytes, out: memoryview
) -> None:
    """`seal()` written straight into `out` (len(plaintext) + 16 bytes): no copy of a big body.

    Off the main thread a large body is encrypted in steps (the same AES-256-GCM output), so
    the app's thread runs between them instead of waiting for the whole body (STEP_BYTES)."""
    if len(plaintext) <= STEP_BYTES or _on_main_thread():
        AESGCM(key).encrypt_into(nonce, plaintext, aad, out)
        return
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    source = memoryview(plaintext)
    length = len(source)
    for start in range(0, length, STEP_BYTES):
        end = min(length, start + STEP_BYTES)
        encryptor.update_into(source[start:end], out[start:end])
        time.sleep(0)  # let the app's thread run
    encryptor.finalize()
    out[length : length + TAG_BYTES] = encryptor.tag


def seal_parts(
    key: bytes,
    nonce: bytes,
    plaintext: bytes | memoryview,
    aad: bytes,
    emit: Callable[[memoryview], None],
) -> bytes:
    """`seal()` handed to `emit` in pieces of at most STEP_BYTES (one reused buffer), then the
    16-byte tag returned: the same AES-256-GCM output, never held whole.

    For a save that writes the sealed body straight into its file: no buffer the size of the
    journal. `emit` must use the piece before returning (the buffer is overwritten). Off the
    main thread the app's thread runs between the pieces (STEP_BYTES)."""
    encryptor = Cipher(algorithms.AES(key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(aad)
    source = memoryview(plaintext)
    out = bytearray(min(len(source), STEP_BYTES) + 16)  # update_into wants a block's slack
    view = memoryview(out)
    yielding = len(source) > STEP_BYTES and not _on_main_thread()
    try:
        for start in range(0, len(source), STEP_BYTES):
            done = encryptor.update_into(source[start : start + STEP_BYTES], out)
            emit(view[:done])
            if yielding:
                time.sleep(0)  # let the app's thread run
        encryptor.finalize()
        return encryptor.tag
    finally:
        view.release()


def unseal(
    key: bytes, nonce: bytes, sealed: bytes | bytearray | memoryview, aad: bytes
) -> bytes | None:
    """The plaintext of `seal()`, or None when its tag does not verify."""
    try:
        return AESGCM(key).decrypt(nonce, sealed, aad)
    except InvalidTag:
        return None


def unseal_into(
    key: bytes, nonce: bytes, sealed: bytes | bytearray | memoryview, aad: bytes, out: memoryview
) -> bool:
    """`unseal()` written into `out` (len(sealed) - 16 bytes), which may be `sealed` itself
    (decryption in place: one buffer for a large body); whether the tag verified."""
    try:
        AESGCM(key).decrypt_into(nonce, sealed, aad, out)
    except InvalidTag:
        return False
    return True
