"""Helpers shared by the app's tests: the test passphrase, a test-KDF journal, terminal size."""

from __future__ import annotations

from pathlib import Path

from rmjournal.core.clock import FixedClock
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.model import Person
from rmjournal.core.secret import Secret

PASSPHRASE = "correct horse battery staple"
SIZE = (100, 34)
ACTION_TITLE = "Read the staff survey on bullying"


def make_journal(
    path: Path, clock: FixedClock, *, mentor: str = "Amara Okafor", mentee: str = "Sir David Reed"
) -> None:
    """A closed test-KDF journal at `path` with a pair, one goal each and one open action."""
    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), role="mentor", test_kdf=True, clock=clock
    )
    with jf:
        jf.journal.start_pair(
            mentor=Person(mentor, "Policy adviser", "Race equality network"),
            mentee=Person(mentee, "Director General", None),
        )
        jf.journal.agree_action(ACTION_TITLE, owner="mentee")
        jf.save()
