"""Constants shared by tests: paths, the leak marker, the fixed moment.

Kept out of `conftest.py` so test modules can import them by a unique name (`testkit`);
`tests/ui/conftest.py` would otherwise shadow `conftest` on the import path.
"""

from __future__ import annotations

import contextlib
import copy
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rmjournal.core.clock import Clock, FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import Journal
from rmjournal.core.model import Role

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
EXAMPLE_JSON = DATA / "example-journal.json"

PASSPHRASE = "correct horse battery staple"
"""The passphrase of every test journal's first person (the mentor unless a test says)."""
MENTEE_PASSPHRASE = "mentee passphrase for tests"
"""The partner's passphrase in tests that add a second slot."""

MARKER = "ZEBRA-PLAINTEXT-MARKER-7f3a"
"""A string written into journals by leak tests; it must never be found in any file on disk."""

FIXED_NOW = datetime(2026, 7, 20, 9, 0, tzinfo=UTC)
"""The example journal was exported at this moment; tests that look at dates use it."""


@contextlib.contextmanager
def chromium_tmpdir() -> Iterator[Path]:
    """A short-named private folder for chromium's TMPDIR, removed afterwards.

    Chromium makes a singleton folder with a Unix socket in TMPDIR; left at /tmp, each run leaves
    one behind. It cannot live under pytest's basetemp either: a socket's path is limited to 107
    bytes, which a deep basetemp (CI's `/tmp/tmp.XXXX/popen-gw0/test_…0/`) exceeds, and chromium
    then aborts. So: a fresh folder straight under the system's temp folder, removed at the end.
    """
    folder = Path(tempfile.mkdtemp(prefix="rmj-chromium-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# White-box helpers: a test moves a journal's fixed clock on, or opens the same database as the
# partner. The journal keeps its clock, cipher and connection private (its records layer owns
# them), so tests reach them here, in one place.


def clock_of(journal: Journal) -> FixedClock:
    """The fixed clock a test journal was made with."""
    clock = journal.records._clock
    assert isinstance(clock, FixedClock), "the journal was not made with a FixedClock"
    return clock


def cipher_of(journal: Journal) -> PrivateCipher:
    """The reader's private cipher (to reopen a copy as the same person)."""
    return journal.records._cipher


def same_database(
    journal: Journal, *, me: Role, cipher: PrivateCipher, clock: Clock | None = None
) -> Journal:
    """The very database `journal` has open, as another reader (`me`) sees it."""
    return Journal(journal.records._conn, me=me, cipher=cipher, clock=clock)


def as_imported(doc: dict[str, Any]) -> dict[str, Any]:
    """`doc` with what an import fills in when the document leaves it out (the second round's
    fields), which the export then holds: each action's `agreed_on` (its session's date, else
    the day it was written), each goal's status `open` and no links."""
    dates = {s["id"]: s["date"] for s in doc["sessions"]}
    out = copy.deepcopy(doc)
    for g in out["pair"]["goals"]:
        g.setdefault("status", "open")
        g.setdefault("links", [])
    for a in out["actions"]:
        if a.get("agreed_on") is None:
            a["agreed_on"] = dates.get(a.get("agreed_in"), a["created_at"][:10])
    return out


def start_old_pair(old: Journal, **pair: Any) -> None:
    """Give `old` (a journal on an earlier schema) its pair row as the code of that schema wrote
    it: today's `start_pair` on a fresh journal, keeping only the columns the old table has.

    Today's `start_pair` writes columns later schemas added (the relationship's phase, its
    decision…), which an old table cannot take; a journal is migrated before anything is
    written, so only tests that build old journals need this."""
    fresh = Journal.new(
        me=old.me, cipher=cipher_of(old), clock=FixedClock(datetime(2026, 3, 1, 9, tzinfo=UTC))
    )
    fresh.start_pair(**pair)
    (row,) = fresh.records.execute("SELECT * FROM pair").fetchall()
    names = [d[0] for d in fresh.records.execute("SELECT * FROM pair").description]
    have = {r[1] for r in old.records.execute("PRAGMA table_info(pair)")}
    kept = {n: v for n, v in zip(names, row, strict=True) if n in have}
    old.records.execute(
        f"INSERT INTO pair ({', '.join(kept)}) VALUES ({', '.join('?' * len(kept))})",
        list(kept.values()),
    )
    old.records.count_changes()
