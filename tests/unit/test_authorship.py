"""Authorship signatures in the records layer: who wrote the words, kept across other writes."""

from __future__ import annotations

import pytest
from mergekit import base_journal, cipher, tick
from testkit import same_database

from rmjournal.core.errors import JournalError
from rmjournal.core.journal import authorship


def _key_for(role: str) -> bytes | None:
    return cipher(role).signer().public_key  # type: ignore[arg-type]


def test_words_are_signed_by_their_writer_and_kept_across_other_writes() -> None:
    j = base_journal()
    session = j.plan_next_session()
    item = j.add_agenda_item(session.id, "Stakeholders")
    row = j.records.raw("agenda_items", item.id)
    assert row is not None and authorship.signer_of("agenda_items", row, _key_for) == "mentor"
    tick(j)
    j.edit_agenda_item(item.id, minutes=10)  # not words: the signature stays the mentor's
    assert j.records.raw("agenda_items", item.id)["signature"] == row["signature"]
    mentee = same_database(j, me="mentee", cipher=cipher("mentee"))
    mentee.edit_agenda_item(item.id, topic="Stakeholders, mapped")  # words: the mentee signs
    after = j.records.raw("agenda_items", item.id)
    assert authorship.signer_of("agenda_items", after, _key_for) == "mentee"
    assert not authorship.by_author("agenda_items", after, _key_for)


def test_the_partner_cannot_delete_a_session_holding_the_others_private_entry() -> None:
    j = base_journal()
    session = j.plan_next_session()
    j.add_entry(session.id, "mine alone", visibility="private")
    mentee = same_database(j, me="mentee", cipher=cipher("mentee"))
    with pytest.raises(JournalError, match="only they can delete those"):
        mentee.delete(session.id)
    assert [s.id for s in j.sessions()] == [session.id]
