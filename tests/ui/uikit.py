"""Helpers shared by the app's tests: the test passphrase, a test-KDF journal, terminal size."""

from __future__ import annotations

from pathlib import Path

from testkit import PASSPHRASE

from rmjournal.core.clock import FixedClock
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.model import Person
from rmjournal.core.secret import Secret

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


def screen_text(app) -> str:
    """Every Static/Label's text on the current screen, joined (what a person reads)."""
    from textual.widgets import Label, Static

    parts = [str(w.render()) for w in app.screen.query(Static)]
    parts += [str(w.render()) for w in app.screen.query(Label)]
    return "\n".join(parts)


async def unlock(app, pilot, secret: str) -> None:
    """Put `secret` in the focused field (typing each key is slow) and press Enter."""
    app.focused.value = secret
    await pilot.press("enter")
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def settle(app, pilot, rounds: int = 2) -> None:
    """Let workers finish and the messages they post be handled."""
    await app.workers.wait_for_complete()
    for _ in range(rounds):
        await pilot.pause()


async def step(pilot) -> None:
    """Let a key's dialog open or close (not `settle`: it waits for the workers, and a worker
    that asks through a dialog finishes only once the dialog is answered)."""
    for _ in range(4):
        await pilot.pause()
