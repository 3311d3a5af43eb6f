"""Unlocking with the real key derivation: who waits how long, and how much memory a command takes.

Two figures from issue #20, both with Argon2id at the cost `rmjournal new` calibrates here:

- **mentee unlock / mentor unlock**: each person unlocks the same pair journal on their own
  computer (their own state folder), alternating (who goes first changes each round), median of
  8 each after one first unlock each. The first unlock of a mentee on a new computer tries the
  mentor's slot first; it is shown as a figure only. Target ≤ 1.1.
- **peak memory of a command at 50,000 entries** (`ru_maxrss` of the whole process): `recent`,
  `search`, `export --format json`, `verify`, `backup`, `add` and `merge` (of a copy one note
  ahead) on a real-KDF journal made by `new` and `import` from the benchmark corpus. Target
  ≤ 200 MiB for each. A merge holds both copies' databases and, while the other copy is read
  into its own, its decrypted body: three journals' worth at its peak.

Every journal, state folder and the corpus document live in a temp folder removed at the end;
the corpus document (plaintext) is deleted as soon as it is imported.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.corpus import generate, write_interchange
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret
from rmjournal.core.seen import Seen

MENTOR = "benchmark mentor passphrase"
MENTEE = "benchmark mentee passphrase"
EXECUTABLE = Path(sys.executable).parent / "rmjournal"


def _open(path: Path, passphrase: str, seen: Seen) -> float:
    from rmjournal.core.vault import Vault

    started = time.perf_counter()
    Vault.open(path, Secret.passphrase(passphrase), seen=seen).close()
    return time.perf_counter() - started


def _ratio_rows(folder: Path, runs: int) -> list[dict]:
    path = folder / "pair.rmj"
    jf, _ = JournalFile.create(path, passphrase=Secret.passphrase(MENTOR))
    jf.vault.add_slot("mentee", Secret.passphrase(MENTEE))
    params = jf.vault.slots()[0].kdf
    jf.close()
    mentors, mentees = Seen(folder / "mentor-state"), Seen(folder / "mentee-state")
    first_mentee = _open(path, MENTEE, mentees)  # a new computer: the mentor's slot first
    _open(path, MENTOR, mentors)
    mentor_times, mentee_times = [], []
    for run in range(runs):
        # Who goes first changes each round, so a drift of the machine (or the cost of the
        # second 256 MiB allocation in a row) does not always fall on the same person.
        if run % 2:
            mentee_times.append(_open(path, MENTEE, mentees))
            mentor_times.append(_open(path, MENTOR, mentors))
        else:
            mentor_times.append(_open(path, MENTOR, mentors))
            mentee_times.append(_open(path, MENTEE, mentees))
    mentor, mentee = statistics.median(mentor_times), statistics.median(mentee_times)
    return [
        {"name": "mentee unlock / mentor unlock, real KDF", "value": mentee / mentor,
         "unit": "×", "target": 1.1,
         "note": f"medians of {runs}: mentee {mentee:.3f} s, mentor {mentor:.3f} s; {params}"},
        {"name": "mentee's first unlock on a computer / mentor", "value": first_mentee / mentor,
         "unit": "×", "note": "nothing remembered yet: the mentor's slot is tried first"},
    ]  # fmt: skip


def _peak_mib(args: list[str], env: dict[str, str]) -> float:
    wrapper = (
        "import resource, subprocess, sys; "
        "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
        "sys.exit(done.returncode)"
    )
    done = subprocess.run(
        [sys.executable, "-c", wrapper, str(EXECUTABLE), *args],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"rmjournal {args[0]} exited {done.returncode}: {done.stderr[-400:]}")
    return int(done.stdout.split()[-1]) / 1024  # Linux reports KiB


def _memory_rows(folder: Path, size: int) -> list[dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMJOURNAL_")}
    env.update(XDG_STATE_HOME=str(folder / "state"), NO_COLOR="1", TERM="dumb")
    path, secret = folder / "big.rmj", folder / "passphrase.txt"
    secret.write_text(MENTOR + "\n", encoding="utf-8")
    secret.chmod(0o600)
    unlock = ["--passphrase-file", str(secret)]

    def run(*args: str) -> None:
        done = subprocess.run([str(EXECUTABLE), *args], capture_output=True, text=True, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"rmjournal {args[0]}: {done.stderr[-400:]}")

    run("new", str(path), "--mentor", "Kwame Mensah", "--mentee", "Helen Brightwell", *unlock)
    document = folder / "corpus.json"
    try:
        write_interchange(generate(size), document)
        run("import", str(path), "--from", str(document), *unlock)
    finally:
        document.unlink(missing_ok=True)
    note = folder / "note.txt"
    note.write_text("One more note about sponsorship.\n", encoding="utf-8")
    copy = folder / "copy.rmj"  # the partner's copy, one note ahead, for `merge`
    shutil.copyfile(path, copy)
    run("add", str(copy), "--kind", "note", "--text-file", str(note), *unlock)
    commands = {
        "recent": ["recent", str(path), "-n", "10", *unlock],
        "search": ["search", str(path), "sponsorship", "--limit", "100000", *unlock],
        "export json": ["export", str(path), "--format", "json", *unlock],
        "verify": ["verify", str(path), *unlock],
        "backup": ["backup", str(path), "--out", str(folder / "backup.rmj"), *unlock],
        "add": ["add", str(path), "--kind", "note", "--text-file", str(note), *unlock],
        "merge": ["merge", str(path), str(copy), *unlock],
    }
    from rmjournal.core.vault import inspect

    cost = inspect(path).slots[0].kdf  # what `new` calibrated in this run
    peaks = {name: _peak_mib(args, env) for name, args in commands.items()}
    worst = max(peaks, key=peaks.__getitem__)
    listed = ", ".join(f"{name} {mib:.0f}" for name, mib in peaks.items())
    return [
        {"name": f"peak memory of a command at {size:,}, real KDF", "value": peaks[worst],
         "unit": "MiB", "target": 200.0,
         "note": f"highest: {worst}; MiB each: {listed}; {cost}"},
    ]  # fmt: skip


def run(quick: bool) -> list[dict]:
    sizes = os.environ.get("RMJOURNAL_BENCH_SIZES", "")
    size = 1000 if quick else max(int(s) for s in sizes.split(",")) if sizes else 50_000
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="rmj-bench-kdf-") as name:
        folder = Path(name)
        before = os.environ.get("XDG_STATE_HOME")
        os.environ["XDG_STATE_HOME"] = str(folder / "state")  # never the user's state folder
        try:
            rows += _ratio_rows(folder, 3 if quick else 8)
            rows += _memory_rows(folder, size)
        finally:
            if before is None:
                del os.environ["XDG_STATE_HOME"]
            else:
                os.environ["XDG_STATE_HOME"] = before
    return rows
