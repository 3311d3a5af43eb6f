# ruff: noqa: E501  (a table of vectors reads better on long lines)
"""Make the journal-file test vectors in this folder (in the style of age's test vectors).

Each vector is a small journal file `NAME.rmj` and its expectation `NAME.txt`:

    expect: opens | damaged | tampered | wrong-secret | bad-recovery-key | test-kdf-refused
    secret: passphrase:TEXT | recovery:TEXT
    switch: yes | no        (the test-KDF switch given to the reader)
    kdf: none | any          (none: the reader must refuse before any key derivation)
    role: mentor | mentee    (opens: who it opens as)
    body-sha256: HEX         (opens: the body's hash)
    comment: what was done to the file, and which reader rule it exercises

The files are committed: they freeze what the reader does with each of them, whatever later
versions of the writer do. Run `python tests/vectors/make_vectors.py` only to add vectors; the
randomness is seeded, so existing files come out byte-identical.
"""

from __future__ import annotations

import hashlib
import os
import random
import struct
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))

from rmjournal.core import crypto, fileformat, opening, recovery  # noqa: E402
from rmjournal.core.crypto import Argon2Params  # noqa: E402
from rmjournal.core.secret import Secret  # noqa: E402

MENTOR_PW = "vector mentor passphrase"
MENTEE_PW = "vector mentee words"
BODY = b"rmjournal test vector body: the reader stores any bytes\n" * 4
NORMAL = Argon2Params(64 * 1024, 2, 1)  # the cheapest parameters a real journal may have


class Seeded:
    """Replaces `os.urandom` with a seeded generator while the vectors are made."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def __call__(self, n: int) -> bytes:
        return self.rng.randbytes(n)


def journal(
    *, test_kdf: bool = True, generation: int = 3, params: Argon2Params | None = None
) -> tuple[bytes, str, bytes, bytes]:
    """A file with slots [mentor passphrase, mentor recovery, mentee passphrase], its mentor
    recovery key text, its pair key and file id."""
    params = params or (crypto.TEST_ARGON2 if test_kdf else NORMAL)
    file_id = os.urandom(fileformat.FILE_ID_BYTES)
    pair_key, p_mentor, p_mentee = os.urandom(32), os.urandom(32), os.urandom(32)

    def pw_slot(role: str, pw: str, personal: bytes) -> fileformat.Slot:
        salt = os.urandom(fileformat.SALT_BYTES)
        kek = fileformat.passphrase_kek(Secret.passphrase(pw), salt, params)
        return fileformat.make_slot(
            file_id, role=role, kind="passphrase", params=params, salt=salt,  # type: ignore[arg-type]
            kek=kek, pair_key=pair_key, personal_key=personal,
        )  # fmt: skip

    key = os.urandom(32)
    text = recovery.encode(key)
    salt = os.urandom(fileformat.SALT_BYTES)
    rescue = fileformat.make_slot(
        file_id, role="mentor", kind="recovery", params=None, salt=salt,
        kek=fileformat.recovery_kek(key, salt), pair_key=pair_key, personal_key=p_mentor,
    )  # fmt: skip
    slots = (pw_slot("mentor", MENTOR_PW, p_mentor), rescue, pw_slot("mentee", MENTEE_PW, p_mentee))
    data, _ = fileformat.encode(
        flags=fileformat.FLAG_TEST_KDF if test_kdf else 0, file_id=file_id,
        generation=generation, slots=slots, pair_key=pair_key, body=BODY,
    )  # fmt: skip
    return bytes(data), text, pair_key, file_id


def fix(data: bytes | bytearray) -> bytes:
    """The trailer recomputed, as a deliberate tamperer would."""
    body = bytes(data[: -fileformat.TRAILER_BYTES])
    return body + hashlib.sha256(body).digest()


def slot_at(i: int) -> int:
    return fileformat.PREFIX.size + i * fileformat.SLOT.size


def header_len(data: bytes) -> int:
    return fileformat.PREFIX.size + data[36] * fileformat.SLOT.size + fileformat.BODY_INFO.size


def edit(data: bytes, change: Callable[[bytearray], None], *, fixed: bool = True) -> bytes:
    out = bytearray(data)
    change(out)
    return fix(out) if fixed else bytes(out)


def put(offset: int, fmt: str, value: int) -> Callable[[bytearray], None]:
    return lambda b: struct.pack_into(fmt, b, offset, value)


def flip(offset: int, bit: int = 0) -> Callable[[bytearray], None]:
    def change(b: bytearray) -> None:
        b[offset] ^= 1 << bit

    return change


def slot_params(i: int, memory: int, passes: int, lanes: int) -> Callable[[bytearray], None]:
    return lambda b: struct.pack_into(">III", b, slot_at(i) + 4, memory, passes, lanes)


def main() -> None:
    import os as _os

    _os.urandom = Seeded(20260720)  # type: ignore[assignment]
    a, a_key, _, _ = journal()
    b, b_key, _, _ = journal()
    a_next, _, _, _ = journal()  # never used: keeps the seed sequence stable for additions
    n, _, _, _ = journal(test_kdf=False)

    # another save of `a`: same keys and slots, new generation, fresh body salt and nonce
    header_a = fileformat.parse(a, "a", allow_test_kdf=True)
    pk = opening.unlock(a, Secret.passphrase(MENTOR_PW), "a", role_hint=None, allow_test_kdf=True)[
        1
    ].pair_key
    a4 = bytes(
        fileformat.encode(
            flags=header_a.flags, file_id=header_a.file_id, generation=4,
            slots=header_a.slots, pair_key=pk, body=BODY,
        )[0]
    )  # fmt: skip
    low, _, _, _ = journal(params=fileformat.TEST_MIN)  # the lowest test-KDF cost allowed

    hl = header_len(a)
    info = hl - fileformat.BODY_INFO.size  # body salt, nonce, length
    pw, mentee_pw = f"passphrase:{MENTOR_PW}", f"passphrase:{MENTEE_PW}"
    rk = f"recovery:{a_key}"
    vectors: list[tuple[str, bytes, str, str, str, bool, str]] = []

    def v(
        name: str, data: bytes, expect: str, comment: str, *,
        secret: str = pw, switch: bool = True, kdf: str = "any",
    ) -> None:  # fmt: skip
        vectors.append((name, data, expect, comment, secret, switch, kdf))

    # --- files that open
    v("opens-mentor", a, "opens", "a sound test-KDF journal, mentor passphrase")
    v("opens-mentee", a, "opens", "the mentee's passphrase opens the mentee's slot",
      secret=mentee_pw)  # fmt: skip
    v("opens-recovery", a, "opens", "the mentor's recovery key", secret=rk)
    v("opens-recovery-lowercase-lookalikes", a, "opens",
      "the recovery key typed in lower case, without dashes, O/I/B as 0/1/8",
      secret="recovery:" + a_key.replace("-", " ").lower().replace("o", "0").replace("i", "1"))  # fmt: skip
    v("opens-normal-kdf", n, "opens",
      "a real journal at the lowest real cost (64 MiB, 2 passes), no switch", switch=False)  # fmt: skip
    v("opens-test-kdf-minimum", low, "opens", "test-KDF journal at the lowest test cost (8 KiB)")
    v("opens-later-save", a4, "opens", "another save of the same journal (generation 4)")

    # --- wrong secrets
    v("wrong-passphrase", a, "wrong-secret", "a passphrase no slot takes",
      secret="passphrase:not the passphrase")  # fmt: skip
    v("wrong-recovery-other-file", a, "wrong-secret",
      "a well-formed recovery key of another journal", secret=f"recovery:{b_key}")  # fmt: skip
    typo = a_key[:-1] + ("A" if a_key[-1] != "A" else "B")
    v("recovery-typo", a, "bad-recovery-key", "one character of the recovery key changed",
      secret=f"recovery:{typo}", kdf="none")  # fmt: skip
    v("recovery-too-short", a, "bad-recovery-key", "a group of the recovery key missing",
      secret=f"recovery:{a_key[:-5]}", kdf="none")  # fmt: skip
    v("recovery-bad-characters", a, "bad-recovery-key", "characters never in a recovery key",
      secret="recovery:" + a_key.replace(a_key[0], "!", 1), kdf="none")  # fmt: skip

    # --- the test-KDF switch (rule 6)
    v("test-kdf-without-switch", a, "test-kdf-refused", "test-KDF flag, reader without the switch",
      switch=False, kdf="none")  # fmt: skip

    # --- format: damaged, before anything else (rules 1-4)
    v("empty", b"", "damaged", "an empty file", kdf="none")
    v("not-a-journal", b"SQLite format 3\x00" + bytes(300), "damaged", "another kind of file",
      kdf="none")  # fmt: skip
    v("magic-only", b"RMJOURNL", "damaged", "the magic and nothing else", kdf="none")
    v("bad-magic", edit(a, flip(0)), "damaged", "first byte of the magic flipped", kdf="none")
    v("below-minimum-size", a[:200], "damaged", "cut below the smallest possible journal",
      kdf="none")  # fmt: skip
    v("version-0", edit(a, put(8, ">H", 0)), "damaged", "format version 0", kdf="none")
    v("version-2", edit(a, put(8, ">H", 2)), "damaged", "a newer format version", kdf="none")
    v("version-ffff", edit(a, put(8, ">H", 0xFFFF)), "damaged", "version 65535", kdf="none")
    v("trailer-flipped", edit(a, flip(len(a) - 1), fixed=False), "damaged",
      "a bit of the checksum flipped", kdf="none")  # fmt: skip
    v("body-flipped-no-fix", edit(a, flip(hl + 5), fixed=False), "damaged",
      "a body bit flipped, checksum not recomputed (accidental damage)", kdf="none")  # fmt: skip
    v("truncated-by-one", a[:-1], "damaged", "last byte missing", kdf="none")
    v("truncated-half", a[: len(a) // 2], "damaged", "second half missing", kdf="none")
    v("appended-byte", a + b"\x00", "damaged", "one byte appended", kdf="none")
    v("appended-copy", a + a, "damaged", "the file twice over", kdf="none")

    # --- flags (rule 5)
    v("flags-unknown-bit", edit(a, put(10, ">H", 0x0003)), "tampered",
      "an unknown flag bit set, checksum recomputed", kdf="none")  # fmt: skip
    v("flags-high-bit", edit(a, put(10, ">H", 0x8001)), "tampered", "flag bit 15 set", kdf="none")
    v("flags-test-bit-cleared", edit(a, put(10, ">H", 0)), "tampered",
      "test flag removed from a test-KDF file: its cost is below the real minimum", kdf="none")  # fmt: skip
    v("flags-test-bit-added", edit(n, put(10, ">H", 1)), "tampered",
      "test flag added to a real file: the slot opens but the body's tag binds the flags")  # fmt: skip

    # --- slot count and exact lengths (rules 7-8)
    for count in (0, 9, 255):
        v(f"slot-count-{count}", edit(a, put(36, ">B", count)), "tampered",
          f"slot count {count}", kdf="none")  # fmt: skip
    v("slot-count-4-of-3", edit(a, put(36, ">B", 4)), "tampered",
      "count says 4 slots, 3 present: lengths do not add up", kdf="none")  # fmt: skip
    v("slot-count-2-of-3", edit(a, put(36, ">B", 2)), "tampered",
      "count says 2, the third slot is read as body info: lengths do not add up", kdf="none")  # fmt: skip
    v("truncated-slot", fix(a[: slot_at(2) + 70] + bytes(32)), "tampered",
      "cut in the middle of the third slot, checksum recomputed", kdf="none")  # fmt: skip
    v("body-length-plus-one", edit(a, put(info + 44, ">Q", len(a) - hl - 32 + 1)), "tampered",
      "body length one more than the file holds", kdf="none")  # fmt: skip
    v("body-length-huge", edit(a, put(info + 44, ">Q", 2**64 - 1)), "tampered",
      "body length 2^64-1", kdf="none")  # fmt: skip
    short = bytearray(a[:hl]) + bytes(15)
    struct.pack_into(">Q", short, info + 44, 15)
    v("body-length-below-tag", fix(short + bytes(32)), "tampered",
      "a body shorter than its tag", kdf="none")  # fmt: skip

    # --- slot structure (rule 7)
    s0, s1 = slot_at(0), slot_at(1)
    v("slot-role-0", edit(a, put(s0, ">B", 0)), "tampered", "role code 0", kdf="none")
    v("slot-role-3", edit(a, put(s0, ">B", 3)), "tampered", "role code 3", kdf="none")
    v("slot-kind-0", edit(a, put(s0 + 1, ">B", 0)), "tampered", "kind code 0", kdf="none")
    v("slot-kind-3", edit(a, put(s0 + 1, ">B", 3)), "tampered", "kind code 3", kdf="none")
    v("slot-reserved", edit(a, put(s0 + 3, ">B", 1)), "tampered", "reserved byte not 0",
      kdf="none")  # fmt: skip
    v("slot-passphrase-with-hkdf", edit(a, put(s0 + 2, ">B", 2)), "tampered",
      "a passphrase slot naming HKDF", kdf="none")  # fmt: skip
    v("slot-recovery-with-argon2", edit(a, put(s1 + 2, ">B", 1)), "tampered",
      "a recovery slot naming Argon2id", kdf="none")  # fmt: skip
    v("slot-recovery-with-params", edit(a, slot_params(1, 64, 1, 1)), "tampered",
      "a recovery slot with Argon2 parameters", kdf="none")  # fmt: skip
    v("slot-passphrase-as-recovery", edit(a, put(s0 + 1, ">B", 2)), "tampered",
      "a passphrase slot relabelled as a recovery slot", kdf="none")  # fmt: skip

    # --- KDF bounds, checked before any derivation (rule 7)
    gib = 1024 * 1024
    bounds = [
        ("memory-below-test-minimum", (7, 1, 1), "test file: 7 KiB"),
        ("memory-above-maximum", (gib + 1, 1, 1), "1 GiB + 1 KiB"),
        ("memory-4-gib", (4 * gib, 1, 1), "4 GiB"),
        ("passes-0", (64, 0, 1), "0 passes"),
        ("passes-17", (64, 17, 1), "17 passes"),
        ("passes-max-int", (64, 2**32 - 1, 1), "4294967295 passes"),
        ("lanes-0", (64, 1, 0), "0 lanes"),
        ("lanes-17", (1024, 1, 17), "17 lanes"),
        ("memory-below-8-per-lane", (64, 1, 9), "64 KiB for 9 lanes"),
        ("work-above-maximum", (gib, 5, 1), "1 GiB x 5 passes: above 4 GiB of work"),
    ]
    for name, (memory, passes, lanes), what in bounds:
        v(f"kdf-{name}", edit(a, slot_params(0, memory, passes, lanes)), "tampered",
          f"Argon2id cost out of bounds: {what}", kdf="none")  # fmt: skip
    v("kdf-mentee-slot-out-of-bounds", edit(a, slot_params(2, gib * 2, 1, 1)), "tampered",
      "the bounds apply to every slot, not just the one tried", kdf="none")  # fmt: skip
    v("kdf-normal-below-memory", edit(n, slot_params(0, 64 * 1024 - 1, 2, 1)), "tampered",
      "real file: 1 KiB under 64 MiB", switch=False, kdf="none")  # fmt: skip
    v("kdf-normal-one-pass", edit(n, slot_params(0, 64 * 1024, 1, 1)), "tampered",
      "real file: 1 pass", switch=False, kdf="none")  # fmt: skip

    # --- AAD-bound fields altered with the checksum recomputed (rules 9-11)
    v("slot-role-relabelled", edit(a, put(s0, ">B", 2)), "wrong-secret",
      "the mentor's slot relabelled mentee: its seal binds the role")  # fmt: skip
    v("slot-params-in-bounds", edit(a, slot_params(0, 72, 1, 1)), "wrong-secret",
      "the slot's cost changed within bounds: its seal binds the parameters")  # fmt: skip
    v("slot-salt-flipped", edit(a, flip(s0 + 16)), "wrong-secret", "a bit of the slot's salt")
    v("slot-nonce-flipped", edit(a, flip(s0 + 48)), "wrong-secret", "a bit of the slot's nonce")
    v("slot-sealed-flipped", edit(a, flip(s0 + 60)), "wrong-secret", "a bit of the sealed keys")
    v("slot-tag-flipped", edit(a, flip(s0 + 139)), "wrong-secret", "a bit of the slot's tag")
    v("slot-from-other-file", edit(a, lambda x: x.__setitem__(slice(s0, s0 + 140), b[s0 : s0 + 140])),
      "wrong-secret", "slot 0 of another journal (same passphrase): its seal binds the file id")  # fmt: skip
    v("file-id-altered", edit(a, flip(12)), "wrong-secret",
      "a bit of the file id: every slot's seal binds it")  # fmt: skip
    v("recovery-slot-relabelled", edit(a, put(s1, ">B", 2)), "wrong-secret",
      "the recovery slot relabelled mentee", secret=rk)  # fmt: skip

    def swap(i: int, j: int) -> Callable[[bytearray], None]:
        def change(x: bytearray) -> None:
            si, sj = slot_at(i), slot_at(j)
            x[si : si + 140], x[sj : sj + 140] = a[sj : sj + 140], a[si : si + 140]

        return change

    v("slots-swapped", edit(a, swap(0, 2)), "tampered",
      "mentor and mentee slots swapped: the body's tag binds their order")  # fmt: skip
    v("slots-duplicated", edit(a, lambda x: x.__setitem__(slice(slot_at(2), slot_at(2) + 140), a[s0 : s0 + 140])),
      "tampered", "the mentor's slot copied over the mentee's: the body binds every slot")  # fmt: skip
    removed = bytearray(a[: slot_at(2)] + a[slot_at(3) :])
    removed[36] = 2
    v("slot-removed", fix(removed), "tampered", "the mentee's slot cut out, count fixed")
    v("generation-altered", edit(a, put(28, ">Q", 2)), "tampered", "generation 3 -> 2")
    v("body-salt-flipped", edit(a, flip(info)), "tampered", "a bit of the body salt")
    v("body-nonce-flipped", edit(a, flip(info + 32)), "tampered", "a bit of the body nonce")
    v("body-ciphertext-flipped", edit(a, flip(hl + 10, 3)), "tampered",
      "a bit of the body, checksum recomputed")  # fmt: skip
    v("body-tag-flipped", edit(a, flip(len(a) - 33)), "tampered", "a bit of the body's tag")
    v("body-from-other-file", fix(a[:hl] + b[hl:-32] + bytes(32)), "tampered",
      "this header with another journal's body (same length)")  # fmt: skip
    v("body-from-other-save", fix(a[:hl] + a4[hl:-32] + bytes(32)), "tampered",
      "this save's header with the next save's body (same file, same pair key)")  # fmt: skip
    v("header-from-other-save", fix(a4[:hl] + a[hl:-32] + bytes(32)), "tampered",
      "the next save's header with this save's body")  # fmt: skip
    del a_next

    for old in HERE.glob("*.rmj"):
        old.unlink()
    for old in HERE.glob("*.txt"):
        old.unlink()
    names = set()
    for name, data, expect, comment, secret, switch, kdf in vectors:
        assert name not in names, name
        names.add(name)
        (HERE / f"{name}.rmj").write_bytes(data)
        lines = [f"expect: {expect}", f"secret: {secret}", f"switch: {'yes' if switch else 'no'}",
                 f"kdf: {kdf}"]  # fmt: skip
        if expect == "opens":
            lines.append(f"role: {'mentee' if secret == mentee_pw else 'mentor'}")
            lines.append(f"body-sha256: {hashlib.sha256(BODY).hexdigest()}")
        lines.append(f"comment: {comment}")
        (HERE / f"{name}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(vectors)} vectors in {HERE}")


if __name__ == "__main__":
    main()
