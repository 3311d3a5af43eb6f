"""Make the frozen format-v1 sample journal (`v1-sample.rmj`) and what a test expects of it.

Run once, when format v1 was made; the sample is committed and must never be regenerated: every
later rmjournal must still open the bytes written by the first one. Usage (from the repository):
`.venv/bin/python tests/data/make_v1_sample.py`
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault

HERE = Path(__file__).resolve().parent
MENTOR_PASSPHRASE = "frozen sample: mentor's passphrase"
MENTEE_PASSPHRASE = "frozen sample: mentée's passphrase"  # non-ASCII on purpose (NFC)
NOTES = ["First session: agreed how we work together.", "Second session: reading list shared."]


def sample_body() -> bytes:
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA temp_store=MEMORY")
    conn.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL)")
    conn.executemany("INSERT INTO notes (text) VALUES (?)", [(n,) for n in NOTES])
    conn.commit()
    return conn.serialize()


def main() -> None:
    path = HERE / "v1-sample.rmj"
    if path.exists():
        raise SystemExit(f"{path} exists: the v1 sample is frozen; do not regenerate it.")
    vault, mentor_rk = Vault.create(
        path, passphrase=Secret.passphrase(MENTOR_PASSPHRASE), body=b"", test_kdf=True
    )
    mentee_rk = vault.add_slot("mentee", Secret.passphrase(MENTEE_PASSPHRASE))
    vault.save(sample_body())
    file_id, generation = vault.file_id, vault.generation
    vault.close()
    path.with_name(path.name + ".lock").unlink()
    (HERE / "v1-sample.passphrase").write_text(MENTOR_PASSPHRASE + "\n", encoding="utf-8")
    expected = {
        "notes": NOTES,
        "file_id": file_id,
        "generation": generation,
        "slots": [
            ["mentor", "passphrase"],
            ["mentor", "recovery"],
            ["mentee", "passphrase"],
            ["mentee", "recovery"],
        ],
        "mentee_passphrase": MENTEE_PASSPHRASE,
        "recovery_keys": {"mentor": mentor_rk, "mentee": mentee_rk},
    }
    (HERE / "v1-sample.expected.json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    main()
