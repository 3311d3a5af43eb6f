"""The encrypted file's costs: open (without the KDF) and save of a large body, and calibration.

Targets: opening and saving a 20 MB journal each under 100 ms (the app autosaves often and opens
on every unlock); Argon2id calibration landing between 0.3 and 1.0 s on this machine.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

from rmjournal.core import calibration
from rmjournal.core.secret import Secret
from rmjournal.core.seen import Seen
from rmjournal.core.vault import Vault

PASSPHRASE = "benchmark passphrase"


def _best_of(runs: int, action) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times) if runs < 3 else statistics.median(times)


def run(quick: bool) -> list[dict]:
    size_mb = 2 if quick else 20
    body = os.urandom(size_mb * 1024 * 1024)
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="rmj-bench-") as folder:
        path = Path(folder) / "bench.rmj"
        here = Seen(Path(folder) / "state")  # never the user's state folder
        vault, _ = Vault.create(
            path, passphrase=Secret.passphrase(PASSPHRASE), body=body, test_kdf=True, seen=here
        )
        save = _best_of(5, lambda: vault.save(body))
        vault.close()

        def open_and_close() -> None:
            Vault.open(path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, seen=here).close()

        opened = _best_of(5, open_and_close)
    rows.append(
        {"name": f"vault open {size_mb} MB (excl. KDF)", "value": opened * 1000, "unit": "ms",
         "target": 100.0,
         "note": "fstat, header, checksum in chunks, slot, body read once and decrypted in place"}
    )  # fmt: skip
    rows.append(
        {"name": f"vault save {size_mb} MB", "value": save * 1000, "unit": "ms", "target": 100.0,
         "note": "seal, temp file, fsync, read back, replace, fsync folder"}
    )  # fmt: skip
    started = time.perf_counter()
    params, seconds = calibration.calibrate_argon2()
    took = time.perf_counter() - started
    rows.append(
        {"name": "Argon2id unlock cost (calibrated)", "value": seconds, "unit": "s",
         "target": 1.0, "note": f"must be 0.3–1.0 s; {params.describe()}; calibrating took "
         f"{took:.2f} s"}
    )  # fmt: skip
    return rows
