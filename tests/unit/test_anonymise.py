"""Anonymising holds against other spellings of a name, and the check lists what it cannot catch.

Each partner's names are written the ways people (and a partner who wants to unmask a summary)
write them: other cases, without or with decomposed accents, possessives with each apostrophe,
inside e-mail addresses and handles, across a line break. None may survive, and the text around
them stays as written.
"""

from __future__ import annotations

import unicodedata

import pytest
from testkit import FIXED_NOW

from rmjournal.core.anonymise import Anonymiser, findings, fold, folded
from rmjournal.core.model import Pair, Person

MENTOR = "Zoë Ångström-Núñez"
MENTEE = "Siobhán O'Connor"


def spellings(first: str, last: str) -> list[str]:
    """Ten or more ways to write a person's names in free text."""
    bare = "".join(c for c in unicodedata.normalize("NFD", first) if not unicodedata.combining(c))
    last_bare = "".join(
        c for c in unicodedata.normalize("NFD", last) if not unicodedata.combining(c)
    )
    email_local = f"{bare}.{last_bare}".lower().replace("'", "")
    joined = last_bare.lower().replace("'", "")
    return [
        first,
        first.upper(),
        first.lower(),
        bare,  # no accents
        unicodedata.normalize("NFD", first),  # decomposed accents
        f"{first}'s",
        f"{first}’s",  # typographic apostrophe
        f"{bare}ʼs",  # modifier letter apostrophe
        last,
        last.replace("'", "’"),
        last_bare.upper(),
        f"{first}\n{last}",  # across a line break
        f"{first}  {last}",
        f"{email_local}@example.org",
        f"<{bare.lower()}{joined}@mail.example.com>",
        f"@{bare.lower()}_{last_bare[0].lower()}",  # a handle
        f"{bare.lower()}_{joined}",
    ]


@pytest.fixture
def anon() -> Anonymiser:
    day = FIXED_NOW.date()
    return Anonymiser(Pair("id", "t", Person(MENTOR), Person(MENTEE), day, 28, 6, day))


def _pieces(name: str) -> list[str]:
    """The folded parts that must not be left in an anonymised text."""
    return [p for p in folded(name).replace("-", " ").replace("'", " ").split() if len(p) > 2]


@pytest.mark.parametrize("role,name", [("mentor", MENTOR), ("mentee", MENTEE)])
def test_no_spelling_of_a_partners_name_survives(anon: Anonymiser, role: str, name: str) -> None:
    first, last = name.split(" ", 1)
    forms = spellings(first, last)
    assert len(forms) >= 9
    for form in forms:
        out = anon(f"We spoke to {form} about it.")
        flat = folded(out)
        left = [p for p in _pieces(name) if p in flat]
        assert left == [], (form, out)
        assert f"the {role}" in out, (form, out)
        assert out.startswith("We spoke to ") and out.endswith(" about it."), out


def test_possessives_keep_their_own_apostrophe(anon: Anonymiser) -> None:
    assert anon("Zoë’s point") == "The mentor’s point"
    assert anon("it was Siobhánʼs idea") == "it was the menteeʼs idea"
    assert anon("ask O’Connor") == "ask the mentee"
    assert anon("mail zoe.angstrom@example.org now") == "mail the mentor's e-mail address now"


def test_other_words_and_other_people_are_left_as_written(anon: Anonymiser) -> None:
    text = "Zoey, Ángel and oconnorville met Sarah (sarah@example.org, @sarahj)."
    assert anon(text) == text
    nfd = unicodedata.normalize("NFD", "Ángel said so")
    assert anon(nfd) == unicodedata.normalize("NFC", nfd)


def test_fold_maps_every_character_back() -> None:
    flat, where = fold("Straße Ø")
    assert flat == "strasse o"
    assert [where[i] for i in (0, 4, 5, 6, 8)] == [0, 4, 4, 5, 7]


def test_findings_list_third_parties_and_confidences() -> None:
    day = FIXED_NOW.date()
    pair = Pair("id", "t", Person("Kwame Mensah"), Person("Helen Brightwell"), day, 28, 6, day)
    texts = [
        "Kwame and Helen met Mr Patel and Dr. Okafor on Monday.",
        "This is off the record: Helen's deputy, Sarah Jones, is leaving.",
        "Call 020 7946 0958 or +44 7700 900123, or write to jo.bloggs@example.org.",
        "Between you and me, the budget is gone. Review on 2026-09-02.",
        "Helen Brightwell and Kwame spoke; I agreed in London.",
    ]
    found = [(f.kind, f.text) for f in findings(texts, pair)]
    assert ("a title and a name", "Mr Patel") in found
    assert ("a title and a name", "Dr. Okafor") in found
    assert ("words meant to stay in the room", "off the record") in found
    assert ("words meant to stay in the room", "Between you and me") in found
    assert ("a capitalised name", "Sarah") in found and ("a capitalised name", "Jones") in found
    assert ("an e-mail address", "jo.bloggs@example.org") in found
    phones = [t for k, t in found if k == "a phone number"]
    assert phones == ["020 7946 0958", "+44 7700 900123"]
    shown = " ".join(t for _, t in found)
    for own in ("Kwame", "Helen", "Brightwell", "Monday", "London", "2026-09-02"):
        assert own not in shown.split(), own
    assert findings(["We agreed three actions. The mentor will write."], pair) == []
