"""Search: ranked FTS5 over what the reader may read, safe with any query, plain snippets."""

from __future__ import annotations

import os
import re
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from testkit import cipher_of

from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.journal import Journal, fts_query
from rmjournal.core.model import Person


@pytest.fixture
def journal(clock: FixedClock) -> Journal:
    j = Journal.new(me="mentor", cipher=PrivateCipher("mentor", os.urandom(32)), clock=clock)
    j.start_pair(mentor=Person("Ama"), mentee=Person("Richard"))
    s = j.add_session(date(2026, 3, 5), status="held")
    j.add_entry(
        s.id, "Panels had no minority ethnic member. Panels panels panels.", kind="learning"
    )
    j.add_entry(s.id, "One mention of panels among many other words about induction and buildings")
    j.add_entry(s.id, "Private thoughts about panels [bold]x[/bold]", visibility="private")
    j.add_agenda_item(s.id, "Panel composition in recruitment", notes="Ran out of time")
    a = j.agree_action("Propose a panel rule", detail="to ExCo", tags=["recruitment"])
    j.follow_up(a.id, "Paper drafted for the café meeting")
    j.add_goal("mentee", "Change one recruitment practice")
    return j


def test_ranked_hits_of_every_kind(journal: Journal) -> None:
    hits = journal.search("panels")
    assert hits[0].snippet.startswith("Panels had no minority")  # most matches ranks first
    assert {h.kind for h in journal.search("recruitment")} == {"agenda", "action", "goal"}
    follow = journal.search("drafted")
    assert follow[0].kind == "follow_up" and follow[0].title == "Follow-up: Propose a panel rule"
    assert journal.search("cafe")[0].kind == "follow_up"  # diacritics folded
    assert journal.search("recruit*")
    hit = journal.search("induction")[0]
    assert hit.when == date(2026, 3, 5) and hit.session_id


def test_a_snippet_never_just_repeats_the_title(journal: Journal) -> None:
    s = journal.sessions()[0]
    journal.add_agenda_item(s.id, "Mentoring circles for new managers")  # no notes
    [hit] = journal.search("circles")
    assert (hit.title, hit.snippet) == ("Agenda: Mentoring circles for new managers", "")
    listed = next(h for h in journal.recent(20) if h.id == hit.id)
    assert listed.snippet == ""
    [noted] = journal.search("composition")  # with notes, the notes are shown
    assert noted.snippet == "Ran out of time"


def test_a_private_item_matched_by_its_title_shows_its_notes(journal: Journal) -> None:
    """The reader's own private items live in a second index: the same rule holds there."""
    s = journal.sessions()[0]
    journal.add_agenda_item(s.id, "Lantern rota", visibility="private", notes="Only I know why")
    journal.add_agenda_item(s.id, "Lantern budget", visibility="private")
    journal.add_agenda_item(s.id, "Lantern window", notes="Shared reasons")
    found = {h.title: h.snippet for h in journal.search("lantern")}
    assert found == {
        "Agenda: Lantern rota": "Only I know why",
        "Agenda: Lantern budget": "",
        "Agenda: Lantern window": "Shared reasons",
    }


def test_snippets_are_plain_text(journal: Journal) -> None:
    hit = next(h for h in journal.search("thoughts"))
    assert "[bold]x[/bold]" in hit.snippet
    assert "<" not in hit.snippet and "\n" not in hit.snippet


@pytest.mark.parametrize(
    "query",
    ['"', "AND", "panels OR", "NOT panels", "(panels", "panels)", "pan*els", "*", "col:panels",
     "NEAR(panels induction)", "^panels", "'", "--", "", "   ", "panels\x00", "🙂", "a\"b"],
)  # fmt: skip
def test_fts_syntax_never_errors(journal: Journal, query: str) -> None:
    assert isinstance(journal.search(query), list)


_shared: list[Journal] = []


def _small_journal() -> Journal:
    if not _shared:
        j = Journal.new(me="mentee", cipher=PrivateCipher("mentee", os.urandom(32)))
        j.start_pair(mentor=Person("A"), mentee=Person("B"))
        s = j.add_session(date(2026, 1, 1))
        j.add_entry(s.id, "some words here")
        j.add_entry(s.id, "private words", visibility="private")
        _shared.append(j)
    return _shared[0]


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_query_is_safe(query: str) -> None:
    assert isinstance(_small_journal().search(query), list)
    # The query is a sequence of quoted terms (each maybe a prefix), nothing else, so no
    # operator or stray quote a person types can reach FTS5's parser.
    assert re.fullmatch(r'(?:"[^"]+"\*?(?: (?="))?)*', fts_query(query))


def test_private_only_for_its_author(journal: Journal) -> None:
    assert [h.kind for h in journal.search("thoughts")] == ["entry"]
    partner = Journal.from_bytes(
        journal.to_bytes(), me="mentee", cipher=PrivateCipher("mentee", os.urandom(32))
    )
    assert partner.search("thoughts") == []
    assert len(partner.search("panels")) == len(journal.search("panels")) - 1


def test_limit_and_edits_reindex(journal: Journal) -> None:
    assert len(journal.search("panels", limit=1)) == 1
    entry = journal.search("induction")[0]
    journal.edit_entry(entry.id, text="Now about onboarding")
    assert journal.search("induction") == []
    assert journal.search("onboarding")[0].id == entry.id


def test_text_made_private_leaves_the_saved_database(journal: Journal) -> None:
    """Both partners can read the saved database: once an item is private, its old words and
    its old plain text must be gone from it, index segments and freed pages included."""
    session = journal.sessions()[0]
    words = ["QUOKKAPLAINWORD", "first draft naming the director QUOKKAPLAINWORD"]
    entry = journal.add_entry(session.id, words[1], visibility="pair")
    for i in range(30):  # more index segments, as a lived-in journal has
        journal.add_entry(session.id, f"filler entry {i} about sponsorship", visibility="pair")
    assert words[0].encode() in journal.to_bytes(), "sanity: shared text is in the database"
    journal.set_visibility(entry.id, "private")
    saved = journal.to_bytes()
    for word in (words[0], words[0].lower()):
        assert word.encode() not in saved
    assert [h.id for h in journal.search("quokkaplainword")] == [entry.id], "still found by me"


def test_deleted_content_is_zeroed_in_every_connection(journal: Journal) -> None:
    """Freed pages are saved too; `secure_delete` zeroes them on new and loaded journals."""
    loaded = Journal.from_bytes(journal.to_bytes(), me="mentor", cipher=cipher_of(journal))
    for j in (journal, loaded):
        assert j.records.execute("PRAGMA secure_delete").fetchone()[0] == 1
        assert j.records.execute("PRAGMA temp_store").fetchone()[0] == 2  # MEMORY
