"""What a copy of a journal file tells someone who has no passphrase and no recovery key.

`reveal()` reads a journal file the way an outsider would: its bytes and what the file system
says of it, with nothing but docs/format.md. The tests pin the list, so docs/security.md ("What
a copy reveals") stays measured: if the format starts to show more, a test here fails. Run with
`-s` to print the figures the page quotes.
"""

from __future__ import annotations

import os
import shutil
import struct
from pathlib import Path
from typing import Any

from testkit import PASSPHRASE

from rmjournal.core.clock import FixedClock
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.model import Person
from rmjournal.core.secret import Secret

ROLES = {1: "mentor", 2: "mentee"}
KINDS = {1: "passphrase", 2: "recovery"}
SLOT = 140


def reveal(path: Path) -> dict[str, Any]:
    """Everything readable from `path` without a secret, by docs/format.md's layout."""
    data = path.read_bytes()
    facts = os.stat(path)
    version, flags = struct.unpack(">HH", data[8:12])
    generation = struct.unpack(">Q", data[28:36])[0]
    count = data[36]
    slots = []
    for i in range(count):
        slot = data[37 + SLOT * i : 37 + SLOT * (i + 1)]
        memory, passes, lanes = struct.unpack(">III", slot[4:16])
        slots.append((ROLES[slot[0]], KINDS[slot[1]], memory, passes, lanes))
    header = 89 + SLOT * count
    body_length = struct.unpack(">Q", data[header - 8 : header])[0]
    return {
        "magic": data[:8],
        "version": version,
        "test_kdf": bool(flags & 1),
        "file_id": data[12:28].hex(),
        "generation": generation,
        "slots": slots,
        "plaintext_length": body_length - 16,
        "size": len(data),
        "modified": facts.st_mtime,
    }


def _journal(path: Path, clock: FixedClock) -> None:
    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), role="mentor", test_kdf=True, clock=clock
    )
    with jf:
        jf.journal.start_pair(mentor=Person("Kwame Mensah"), mentee=Person("Helen Brightwell"))
        jf.save()


def _add(path: Path, clock: FixedClock, text: str, *, times: int = 1) -> None:
    with JournalFile.open(
        path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock
    ) as jf:
        session = jf.journal.plan_next_session()
        for _ in range(times):
            jf.journal.add_entry(session.id, text, visibility="private")
        jf.save()


def test_a_copy_shows_its_header_and_its_size_and_nothing_of_its_text(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "pair.rmj"
    _journal(path, clock)
    first = reveal(path)
    assert first["magic"] == b"RMJOURNL" and first["version"] == 1 and first["test_kdf"]
    assert first["slots"] == [("mentor", "passphrase", 64, 1, 1), ("mentor", "recovery", 0, 0, 0)]
    assert first["size"] == 89 + 2 * SLOT + first["plaintext_length"] + 16 + 32
    # The plaintext is a whole number of SQLite pages: sizes move in 4 KiB steps.
    assert first["plaintext_length"] % 4096 == 0
    sizes = [("new journal", first["size"], first["generation"])]
    _add(path, clock, "a short private note")
    after_one = reveal(path)
    sizes.append(("one short entry", after_one["size"], after_one["generation"]))
    _add(path, clock, "word " * 2000)
    after_long = reveal(path)
    sizes.append(("one 10,000-character entry", after_long["size"], after_long["generation"]))
    _add(path, clock, "a note of about forty characters, no more", times=200)
    after_many = reveal(path)
    sizes.append(("200 more short entries", after_many["size"], after_many["generation"]))
    # Each save counts: the generation is the number of writes since creation.
    assert [g for _, _, g in sizes] == [first["generation"] + n for n in range(4)]
    # The file id never changes, and a copy (or backup) carries the same one.
    copy = tmp_path / "copy.rmj"
    shutil.copy2(path, copy)
    assert reveal(copy)["file_id"] == first["file_id"] == after_many["file_id"]
    assert after_long["size"] > after_one["size"] + 8000  # a long text shows in the size
    # No word, name or marker of the text appears in the bytes.
    data = path.read_bytes()
    for word in (b"Kwame", b"Helen", b"private note", b"forty", "Mensah".encode("utf-16-le")):
        assert word not in data
    print()
    for label, size, generation in sizes:
        print(f"{label:<30} {size:>8} bytes  generation {generation}")


def test_slots_show_who_has_joined_and_with_what(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "pair.rmj"
    _journal(path, clock)
    with JournalFile.open(
        path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock
    ) as jf:
        jf.vault.add_slot("mentee", Secret.passphrase("mentee compass for the winter"))
        jf.save()
    roles = [(role, kind) for role, kind, *_ in reveal(path)["slots"]]
    assert roles == [
        ("mentor", "passphrase"),
        ("mentor", "recovery"),
        ("mentee", "passphrase"),
        ("mentee", "recovery"),
    ]


def test_the_frozen_sample_reveals_the_same_kind_of_facts() -> None:
    sample = Path(__file__).parents[1] / "data" / "v1-sample.rmj"
    facts = reveal(sample)
    assert facts["version"] == 1 and len(facts["file_id"]) == 32
    assert facts["size"] == len(sample.read_bytes())
