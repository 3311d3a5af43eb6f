"""Acceptance of #13: two note-takers on two copies lose no word, whatever the merge order."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from uikit import PASSPHRASE, SIZE, make_journal, settle, unlock

from rmjournal.app.screens.record import RecordScreen
from rmjournal.core.clock import FixedClock
from rmjournal.core.interchange import export_json
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.merge import merge_file
from rmjournal.core.secret import Secret

MENTEE_PASS = "mentee passphrase for tests"
WORDS = {
    "mentor": "mentor-laptop quokka scheme excludes part-timers",
    "mentee": "mentee-phone narwhal rota gaps block training",
    "mentor-desktop": "mentor-desktop ocelot second machine words",
}


def _open(path: Path, role: str, clock: FixedClock) -> JournalFile:
    secret = Secret.passphrase(PASSPHRASE if role == "mentor" else MENTEE_PASS)
    return JournalFile.open(path, secret, allow_test_kdf=True, clock=clock)


def _copies(tmp: Path, clock: FixedClock) -> tuple[Path, Path, Path, str, str]:
    """Three copies of one journal (mentor's laptop, mentee's, mentor's desktop), each with
    notes written on the same agenda item; the session and item ids."""
    base = tmp / "base.rmj"
    make_journal(base, clock)
    with _open(base, "mentor", clock) as jf:
        jf.vault.add_slot("mentee", Secret.passphrase(MENTEE_PASS))
        session = jf.journal.plan_next_session()
        item = jf.journal.add_agenda_item(session.id, "Talent scheme")
        jf.save()
    paths = []
    for name, role, minutes in (
        ("laptop", "mentor", 5),
        ("phone", "mentee", 6),
        ("desk", "mentor", 7),
    ):
        path = tmp / f"{name}.rmj"
        shutil.copy(base, path)
        copy_clock = FixedClock(clock.now())
        copy_clock.advance(minutes=minutes)
        with _open(path, role, copy_clock) as jf:
            key = "mentor-desktop" if name == "desk" else role
            jf.journal.record_notes(item.id, WORDS[key])
            jf.save()
        paths.append(path)
    return paths[0], paths[1], paths[2], session.id, item.id


@pytest.mark.parametrize("order", ["laptop-first", "phone-first"])
async def test_every_word_of_both_copies_survives_merge(
    tmp_path: Path, clock: FixedClock, app_factory, order: str
) -> None:
    laptop, phone, desk, session_id, item_id = _copies(tmp_path, clock)
    into, others = (laptop, [phone, desk]) if order == "laptop-first" else (phone, [laptop, desk])
    role = "mentor" if into == laptop else "mentee"
    for _twice in range(2):
        for other in others:
            with _open(into, role, clock) as jf:
                merge_file(jf, other)
                jf.save()
    # The other direction too: each other copy takes the merged one in, and ends up the same.
    for other in others:
        with _open(other, "mentor" if other != phone else "mentee", clock) as jf:
            merge_file(jf, into)
            jf.save()
            text = export_json(jf.journal)
            for words in WORDS.values():
                assert words in text, (other.name, words)
    with _open(into, role, clock) as jf:
        doc = json.loads(export_json(jf.journal))
    flat = json.dumps(doc, ensure_ascii=False)
    for words in WORDS.values():
        assert words in flat
    app = app_factory(into)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE if role == "mentor" else MENTEE_PASS)
        await settle(app, pilot)
        app.push_screen(RecordScreen(app.journal_file.journal, session_id, item_id))
        await settle(app, pilot)
        from textual.widgets import Static, TextArea

        shown = "\n".join(str(w.render()) for w in app.screen.query(Static))
        shown += "\n" + app.screen.query_one("#notes", TextArea).text
        for words in WORDS.values():
            assert words in shown.replace("\n", " ") or words in shown, words
