"""Private means private (trust.md point 5, the index half): after any path that makes text
private or edits it away, none of its words is left in the body the partner decrypts, the
FTS5 shadow tables and free pages included. Each path writes a marker word, takes it away, and
the saved body's bytes are scanned for it."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from mergekit import BASE, base_journal, copy_of, tick
from testkit import clock_of

from rmjournal.core.clock import Clock
from rmjournal.core.interchange import export_json, import_json
from rmjournal.core.journal import Journal
from rmjournal.core.merge import merge_into

WORD = "Quetzalcoatlmarker"
FILLER = " ".join(f"shared{i} words of the pair" for i in range(40))


def _body_has(journal: Journal, word: str) -> bool:
    body = journal.to_bytes()
    return word.encode() in body or word.lower()[-9:].encode() in body


def _more_writes(j: Journal, session_id: str) -> None:
    """Sixty more entries, one save each: FTS5's automerge moves the marker's words into an
    older segment, which the next few writes leave alone (as in a journal in use)."""
    for i in range(60):
        j.add_entry(session_id, f"other note {i} {FILLER}")
    tick(j)


def _journal_with_entry(text: str) -> tuple[Journal, str]:
    j = base_journal()
    session = j.plan_next_session()
    entry = j.add_entry(session.id, text)
    _more_writes(j, session.id)
    return j, entry.id


@pytest.fixture
def before() -> None:
    """The marker is found while it is shared (so the scans below can fail)."""
    j, _ = _journal_with_entry(f"a pair note with {WORD} in it")
    assert _body_has(j, WORD)


def test_made_private_in_the_app(before: None) -> None:
    j, entry_id = _journal_with_entry(f"a pair note with {WORD} in it")
    j.set_visibility(entry_id, "private")
    assert not _body_has(j, WORD)


def test_edited_away_in_the_app(before: None) -> None:
    j, entry_id = _journal_with_entry(f"a pair note with {WORD} in it")
    j.edit_entry(entry_id, text="a pair note without it")
    assert not _body_has(j, WORD)
    assert j.search("without")  # the index still finds what is there


def test_agenda_notes_and_action_edited_away(before: None) -> None:
    j = base_journal()
    session = j.plan_next_session()
    item = j.add_agenda_item(session.id, f"topic {WORD}")
    action = j.agree_action(f"do {WORD}", owner="mentee")
    _more_writes(j, session.id)
    assert _body_has(j, WORD)
    j.edit_agenda_item(item.id, topic="a plain topic")
    j.edit_action(action.id, title="do it")
    assert not _body_has(j, WORD)


def test_made_private_or_edited_away_by_import(before: None) -> None:
    j, entry_id = _journal_with_entry(f"a pair note with {WORD} in it")
    for change in ({"text": "edited away by import"}, {"visibility": "private"}):
        doc = json.loads(export_json(j))
        for s in doc["sessions"]:
            for e in s["entries"]:
                if e["id"] == entry_id:
                    e.update(change)
                    e["updated_at"] = (BASE + timedelta(days=1)).isoformat()
        k = copy_of(j.to_bytes(), "mentor", BASE)
        assert _body_has(k, WORD)
        import_json(k, json.dumps(doc))
        assert not _body_has(k, WORD), change


def test_made_private_or_edited_away_by_merge(before: None) -> None:
    j, entry_id = _journal_with_entry(f"a pair note with {WORD} in it")
    for change in ("edit", "private"):
        mine = copy_of(j.to_bytes(), "mentor", BASE)
        theirs = copy_of(j.to_bytes(), "mentor", BASE + timedelta(hours=1))
        if change == "edit":
            theirs.edit_entry(entry_id, text="edited away on the other copy")
        else:
            theirs.set_visibility(entry_id, "private")
        assert _body_has(mine, WORD)
        merge_into(mine, theirs.to_bytes())
        assert not _body_has(mine, WORD), change


def test_deleted(before: None) -> None:
    j, entry_id = _journal_with_entry(f"a pair note with {WORD} in it")
    j.delete(entry_id)
    body = j.to_bytes()
    # The tombstone keeps its row (copies merge by id), but the shared index forgets it.
    assert body.count(WORD.lower().encode()) == 0
    assert clock_of(j) is not None


def test_the_saved_file_decrypts_to_a_body_without_the_words(tmp_path: Path, clock: Clock) -> None:
    """What the app and every command save (`JournalFile.save`), decrypted as the partner
    would with the pair key, after the privacy toggle and an edit."""
    from testkit import PASSPHRASE

    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.model import Person
    from rmjournal.core.secret import Secret
    from rmjournal.core.vault import Vault

    path = tmp_path / "pair.rmj"

    def saved_has(word: str) -> bool:
        with Vault.open(path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True) as vault:
            return word.lower()[-9:].encode() in vault.read_body()

    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(PASSPHRASE), role="mentor", test_kdf=True, clock=clock
    )
    with jf:
        j = jf.journal
        j.start_pair(mentor=Person("Ama", "Director"), mentee=Person("Kofi", "Graduate"))
        session = j.plan_next_session()
        for change in ("private", "edit"):
            word = WORD if change == "private" else WORD[::-1]
            entry = j.add_entry(session.id, f"a note with {word}")
            _more_writes(j, session.id)
            jf.save()
            jf.vault.close()
            assert saved_has(word)
            jf = JournalFile.open(path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True,
                                  clock=clock)  # fmt: skip
            j = jf.journal
            if change == "private":
                j.set_visibility(entry.id, "private")
            else:
                j.edit_entry(entry.id, text="a note")
            jf.save()
            jf.vault.close()
            assert not saved_has(word), change
            jf = JournalFile.open(path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True,
                                  clock=clock)  # fmt: skip
            j = jf.journal
        jf.close()
