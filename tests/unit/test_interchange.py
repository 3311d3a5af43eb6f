# ruff: noqa: E501  (hand-laid test data reads better on long lines)
"""JSON interchange: lossless round trips, validation naming every problem, merge by id."""

from __future__ import annotations

import copy
import json
import os
import uuid
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testkit import as_imported

from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.errors import InvalidImport
from rmjournal.core.interchange import (
    dumps_document,
    export_document,
    export_json,
    import_document,
    import_json,
    validate_document,
)
from rmjournal.core.journal import Journal
from rmjournal.core.model import Person, Role


def new_journal(clock: FixedClock, me: Role = "mentor", key: bytes | None = None) -> Journal:
    return Journal.new(me=me, cipher=PrivateCipher(me, key or os.urandom(32)), clock=clock)


def normal(doc: Any) -> Any:
    """The document without null optional fields, exported_at and exported_by."""
    if isinstance(doc, dict):
        return {
            k: normal(v)
            for k, v in doc.items()
            if v is not None and k not in ("exported_at", "exported_by")
        }
    if isinstance(doc, list):
        return [normal(v) for v in doc]
    return doc


def problems_of(journal: Journal, doc: Any) -> list[str]:
    with pytest.raises(InvalidImport) as info:
        import_document(journal, doc)
    return [str(p) for p in info.value.problems]


# ---------------------------------------------------------------- round trips (acceptance 1)


def test_example_round_trips_exactly(example_doc: dict, clock: FixedClock) -> None:
    j = new_journal(clock)
    report = import_document(j, example_doc)
    assert (report.added, report.updated, report.left) == (36, 0, 0)
    out = export_document(j)
    assert normal(out) == normal(as_imported(example_doc))
    assert out["exported_by"] == "mentor" and out["exported_at"] == "2026-07-20T09:00:00+00:00"
    assert "network" not in out["pair"]["mentee"]  # optional fields omitted when null
    # export -> import into an empty journal -> export is stable
    j2 = new_journal(clock)
    import_document(j2, json.loads(export_json(j)))
    assert export_document(j2) == out


def test_reimport_leaves_everything(example_doc: dict, clock: FixedClock) -> None:
    j = new_journal(clock)
    import_document(j, example_doc)
    changes = j.changes
    report = import_document(j, example_doc)
    assert (report.added, report.updated, report.left) == (0, 0, 36)
    assert j.changes == changes


ODD_TEXTS = [
    "[bold]x[/bold] [link=https://evil]click[/link]",
    "\x1b[31mred\x1b[0m \x07 bell",
    "emoji 👩🏾‍💻 🏳️‍🌈",
    "עברית right-to-left \u202e reversed",
    "Mae hi'n bwrw glaw; diolch yn fawr, ŵ ŷ",
    "",
    "x" * 20_000,
    "line1\r\nline2\n\n  indented\t tab",
    "nul-free but quotes \" ' ` and \\ backslash",
]


@pytest.mark.parametrize("text", ODD_TEXTS)
def test_odd_text_survives_exactly(example_doc: dict, clock: FixedClock, text: str) -> None:
    doc = copy.deepcopy(example_doc)
    doc["pair"]["title"] = text
    doc["pair"]["agreement"] = text
    doc["sessions"][0]["entries"][0]["text"] = text  # the mentor's private reflection
    doc["sessions"][0]["entries"][1]["text"] = text
    doc["sessions"][0]["entries"][1]["tags"] = [text]
    doc["sessions"][1]["agenda"][0]["notes"] = text
    doc["actions"][0]["title"] = text
    doc["actions"][0]["follow_ups"][0]["note"] = text
    doc["prompts"][0]["pack"] = text
    j = new_journal(clock)
    import_document(j, doc)
    assert normal(export_document(j)) == normal(as_imported(doc))


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)
_stamp = st.datetimes(timezones=st.just(__import__("datetime").UTC)).map(lambda d: d.isoformat())
_uuid = st.uuids().map(str)


@st.composite
def documents(draw: st.DrawFn) -> dict:
    doc = {
        "format": "rmjournal-export", "version": 1, "exported_at": "2026-07-20T09:00:00+00:00", "exported_by": "mentor",
        "pair": {
            "id": draw(_uuid), "title": draw(_text),
            "mentor": {"name": "M" + draw(_text), "role": draw(_text)},
            "mentee": {"name": "E" + draw(_text), "role": draw(_text), "network": draw(_text)},
            "started_on": draw(st.dates()).isoformat(), "cadence_days": draw(st.integers(1, 90)),
            "planned_sessions": draw(st.integers(1, 12)), "review_on": draw(st.dates()).isoformat(),
            "agreement": draw(_text), "goals": [],
        },
        "sessions": [], "actions": [], "prompts": [],
    }  # fmt: skip
    vis = st.sampled_from(["pair", "shareable", "private"])
    for _ in range(draw(st.integers(0, 3))):
        s = {"id": draw(_uuid), "number": draw(st.integers(1, 50)), "date": draw(st.dates()).isoformat(),
             "status": draw(st.sampled_from(["planned", "held", "cancelled"])),
             "created_at": draw(_stamp), "updated_at": draw(_stamp), "agenda": [], "entries": []}  # fmt: skip
        if draw(st.booleans()):
            s["duration_minutes"] = draw(st.integers(0, 300))
        for _ in range(draw(st.integers(0, 3))):
            item = {"id": draw(_uuid), "topic": draw(_text), "raised_by": "mentor", "notes": draw(_text),
                    "outcome": draw(st.sampled_from(["open", "discussed", "carried_over", "dropped"])),
                    "visibility": draw(vis), "created_at": draw(_stamp), "updated_at": draw(_stamp)}  # fmt: skip
            if draw(st.booleans()):
                item["minutes"] = draw(st.integers(0, 120))
            s["agenda"].append(item)
        for _ in range(draw(st.integers(0, 3))):
            author = draw(st.sampled_from(["mentor", "mentee"]))
            e = {"id": draw(_uuid), "kind": draw(st.sampled_from(["note", "reflection", "learning"])),
                 "author": author, "text": draw(_text), "tags": draw(st.lists(_text, max_size=3)),
                 "visibility": draw(vis) if author == "mentor" else "pair",
                 "created_at": draw(_stamp), "updated_at": draw(_stamp)}  # fmt: skip
            if draw(st.booleans()):
                e["prompt"] = draw(_text)
            s["entries"].append(e)
        doc["sessions"].append(s)
    for _ in range(draw(st.integers(0, 3))):
        a = {"id": draw(_uuid), "title": draw(_text), "detail": draw(_text),
             "kind": draw(st.sampled_from(["action", "commitment"])),
             "owner": draw(st.sampled_from(["mentor", "mentee", "both"])),
             "status": draw(st.sampled_from(["open", "in_progress", "done", "dropped"])),
             "visibility": "pair", "tags": draw(st.lists(_text, max_size=2)),
             "created_at": draw(_stamp), "updated_at": draw(_stamp), "follow_ups": []}  # fmt: skip
        if draw(st.booleans()):
            a["due_on"] = draw(st.dates()).isoformat()
        for _ in range(draw(st.integers(0, 2))):
            a["follow_ups"].append({"id": draw(_uuid), "on": draw(st.dates()).isoformat(), "author": "mentee",
                                    "status": "in_progress", "note": draw(_text)})  # fmt: skip
        doc["actions"].append(a)
    return doc


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(doc=documents())
def test_any_valid_document_round_trips(doc: dict, clock: FixedClock) -> None:
    assert validate_document(doc) == []
    j = new_journal(clock)
    import_document(j, doc)
    out = export_document(j)
    assert normal(out) == normal(as_imported(doc))
    j2 = new_journal(clock)
    import_document(j2, out)
    assert export_document(j2) == out


# ---------------------------------------------------------------- validation (acceptance 2)


def test_bad_enum_names_its_path_and_changes_nothing(example_doc: dict, clock: FixedClock) -> None:
    j = new_journal(clock)
    import_document(j, copy.deepcopy(example_doc))
    before = j.to_bytes()
    doc = copy.deepcopy(example_doc)
    doc["sessions"][2]["agenda"][0]["outcome"] = "finished"
    doc["sessions"][2]["agenda"][0]["updated_at"] = "2030-01-01T00:00:00+00:00"
    doc["actions"].append(
        {**doc["actions"][0], "id": str(uuid.uuid4()), "follow_ups": []}
    )  # valid part
    assert problems_of(j, doc) == [
        "sessions[2].agenda[0].outcome: expected one of open, discussed, carried_over, dropped"
    ]
    assert j.to_bytes() == before


def test_every_problem_is_reported(example_doc: dict, clock: FixedClock) -> None:
    doc = copy.deepcopy(example_doc)
    doc["exported_at"] = "yesterday"
    doc["pair"]["started_on"] = "2026-02-30"
    doc["pair"]["cadence_days"] = "28"
    doc["pair"]["planned_sessions"] = True
    del doc["pair"]["mentor"]["name"]
    doc["pair"]["goals"][0]["visibility"] = "secret"
    doc["sessions"][0]["number"] = 1.5
    doc["sessions"][0]["date"] = "05/03/2026"
    doc["sessions"][1]["entries"][0]["tags"] = ["ok", 3]
    doc["sessions"][1]["entries"][1]["kind"] = None
    doc["sessions"][3]["agenda"] = "none"
    doc["sessions"][4]["id"] = "not-a-uuid"
    doc["actions"][0]["follow_ups"][0]["on"] = 20260402
    doc["actions"][1]["updated_at"] = "2026-04-02 18:30"
    doc["actions"][2]["id"] = doc["actions"][3]["id"]
    doc["actions"][4] = "an action"
    doc["prompts"][0]["for"] = "everyone"
    problems = problems_of(new_journal(clock), doc)
    assert sorted(problems) == sorted([
        "exported_at: expected a timestamp with its offset, like 2026-03-05T18:00:00+00:00",
        "pair.mentor.name: missing",
        "pair.started_on: expected a date like 2026-03-05",
        "pair.cadence_days: expected a whole number",
        "pair.planned_sessions: expected a whole number",
        "pair.goals[0].visibility: expected one of private, pair, shareable",
        "sessions[0].number: expected a whole number",
        "sessions[0].date: expected a date like 2026-03-05",
        "sessions[1].entries[0].tags[1]: expected text",
        "sessions[1].entries[1].kind: expected one of note, reflection, learning",
        "sessions[3].agenda: expected a list",
        "sessions[4].id: expected an id (a UUID like 4bc7344e-257b-5325-aee9-49831131e6b9)",
        "actions[1].updated_at: expected a timestamp with its offset, like 2026-03-05T18:00:00+00:00",
        "actions[3].id: the same id is used at actions[2].id",
        "actions[4]: expected an object",
        "actions[0].follow_ups[0].on: expected a date like 2026-03-05",
        "prompts[0].for: expected one of mentor, mentee, both",
    ])  # fmt: skip


@pytest.mark.parametrize(
    ("doc", "expected"),
    [
        (
            {**{"format": "rmjournal-export"}, "version": 2},
            "version: unknown version 2; this rmjournal reads version 1",
        ),
        (
            {"format": "rmjournal-export"},
            "version: unknown version None; this rmjournal reads version 1",
        ),
        ([1, 2], "expected a JSON object (an rmjournal export)"),
        ("text", "expected a JSON object (an rmjournal export)"),
        (
            {"format": "other", "version": 1},
            "format: expected 'rmjournal-export': this is not an rmjournal export",
        ),
    ],
)
def test_wrong_kind_of_document(doc: Any, expected: str, clock: FixedClock) -> None:
    assert expected in problems_of(new_journal(clock), doc)


def test_missing_sections(clock: FixedClock) -> None:
    problems = problems_of(new_journal(clock), {"format": "rmjournal-export", "version": 1})
    for path in ("exported_at", "exported_by", "pair", "sessions", "actions", "prompts"):
        assert f"{path}: missing" in problems


@pytest.mark.parametrize("text", ["", "{", "not json", '{"a": }', "\xff\xfe"])
def test_not_json_at_all(text: str, clock: FixedClock) -> None:
    with pytest.raises(InvalidImport) as info:
        import_json(new_journal(clock), text.encode("latin-1"))
    assert info.value.exit_code == 6
    assert "not" in str(info.value.problems[0])


# ---------------------------------------------------------------- merge (acceptance 3)


def test_newer_updates_older_leaves(example_doc: dict, clock: FixedClock) -> None:
    j = new_journal(clock)
    import_document(j, example_doc)
    newer = copy.deepcopy(example_doc)
    newer["actions"][3]["status"] = "done"
    newer["actions"][3]["closed_on"] = "2026-07-01"
    newer["actions"][3]["updated_at"] = "2026-07-01T10:00:00+01:00"
    newer["sessions"][0]["entries"][1]["text"] = "newer text"
    newer["sessions"][0]["entries"][1]["updated_at"] = (
        "2026-03-05T19:30:00+01:00"  # = 18:30Z: not newer
    )
    newer["sessions"][1]["entries"][0]["text"] = "older text"
    newer["sessions"][1]["entries"][0]["updated_at"] = "2026-01-01T00:00:00+00:00"
    report = import_document(j, newer)
    assert (report.added, report.updated, report.left) == (0, 1, 35)
    assert j.action(newer["actions"][3]["id"]).status == "done"
    assert j.entry(newer["sessions"][0]["entries"][1]["id"]).text != "newer text"
    assert j.entry(newer["sessions"][1]["entries"][0]["id"]).text != "older text"


def test_import_never_deletes_and_adds_new(example_doc: dict, clock: FixedClock) -> None:
    j = new_journal(clock)
    import_document(j, example_doc)
    partial = copy.deepcopy(example_doc)
    partial["sessions"] = partial["sessions"][:1]
    partial["actions"] = []
    partial["sessions"][0]["entries"].append(
        {"id": str(uuid.uuid4()), "kind": "note", "author": "mentee", "text": "new", "visibility": "pair",
         "tags": [], "created_at": "2026-07-01T00:00:00+00:00", "updated_at": "2026-07-01T00:00:00+00:00"}
    )  # fmt: skip
    report = import_document(j, partial)
    assert report.added == 1 and report.updated == 0
    assert len(j.sessions()) == 5 and len(j.actions()) == 6


def test_a_tombstoned_item_comes_back_only_if_newer(example_doc: dict, clock: FixedClock) -> None:
    j = new_journal(clock)
    import_document(j, example_doc)
    entry_id = example_doc["sessions"][1]["entries"][0]["id"]
    j.delete(entry_id)
    assert import_document(j, example_doc).updated == 0
    assert entry_id not in {e.id for e in j.entries()}


def test_pair_adopted_then_other_pair_refused(example_doc: dict, clock: FixedClock) -> None:
    j = new_journal(clock)
    j.start_pair(mentor=Person("Someone"), mentee=Person("Else"))
    import_document(j, example_doc)
    pair = j.pair()
    assert (
        pair is not None
        and pair.id == example_doc["pair"]["id"]
        and pair.mentor.name == "Kwame Mensah"
    )
    other = copy.deepcopy(example_doc)
    other["pair"]["id"] = str(uuid.uuid4())
    problems = problems_of(j, other)
    assert problems[0].startswith("pair.id: ")


def test_partners_private_item_is_refused(example_doc: dict, clock: FixedClock) -> None:
    # the example holds the mentor's private reflection: the mentee may not import it
    mentee = new_journal(clock, "mentee")
    assert problems_of(mentee, example_doc) == [
        "sessions[0].entries[0]: a private item of the mentor cannot be imported by the mentee: "
        "it could not be kept private to its author"
    ]
    doc = copy.deepcopy(example_doc)
    doc["sessions"][0]["entries"][0]["visibility"] = "pair"
    doc["actions"][5]["visibility"] = "private"  # owner both: its author is the exporter (mentor)
    assert problems_of(mentee, doc) == [
        "actions[5]: a private item of the mentor cannot be imported by the mentee: it could not be kept private to its author"
    ]


def test_exports_hold_own_private_items_never_the_partners(
    example_doc: dict, clock: FixedClock
) -> None:
    key = os.urandom(32)
    mentor = new_journal(clock, "mentor", key)
    import_document(mentor, example_doc)
    private_id = example_doc["sessions"][0]["entries"][0]["id"]
    assert private_id in json.dumps(export_document(mentor))
    mentee = Journal.from_bytes(
        mentor.to_bytes(), me="mentee", cipher=PrivateCipher("mentee", os.urandom(32)), clock=clock
    )
    out = export_document(mentee)
    assert private_id not in json.dumps(out)
    assert "Nervous for the first ten minutes" not in json.dumps(out)
    assert out["exported_by"] == "mentee"
    # the partner's export imports cleanly back into the mentor's journal
    assert import_document(mentor, out).added == 0


def test_partners_private_item_in_the_journal_cannot_be_overwritten(
    example_doc: dict, clock: FixedClock
) -> None:
    mentor = new_journal(clock, "mentor")
    import_document(mentor, example_doc)
    mentee = Journal.from_bytes(
        mentor.to_bytes(), me="mentee", cipher=PrivateCipher("mentee", os.urandom(32)), clock=clock
    )
    doc = copy.deepcopy(example_doc)
    entry = doc["sessions"][0]["entries"][0]
    entry.update(visibility="pair", author="mentee", updated_at="2030-01-01T00:00:00+00:00")
    assert problems_of(mentee, doc) == [
        "sessions[0].entries[0].id: this id belongs to your partner's private item in the journal"
    ]


@pytest.mark.parametrize("reader", ["mentor", "mentee"])
def test_json_export_is_the_document_encoded(reader: Role, clock: FixedClock) -> None:
    """`export_json` writes shared entries with SQLite's JSON functions: byte for byte what
    encoding the dict gives, whatever the text holds."""
    key = os.urandom(32)
    j = new_journal(clock, key=key)
    j.start_pair(mentor=Person("A"), mentee=Person("B"))
    s = j.plan_next_session()
    odd = 'odd "q" \\ \n\t\x00\x7f é 😀 \u2028 , "entries": [] ,"entries":[] end'
    j.add_entry(s.id, odd, tags=["é", 'x"y', "a\\b"], prompt="p?\n")
    j.add_entry(s.id, "private one", visibility="private", tags=["t"], prompt="secret prompt")
    j.add_entry(s.id, "private, no prompt", visibility="private")
    j.add_agenda_item(s.id, 'topic , "entries": [] ,"entries":[] x')
    j.add_entry(j.plan_next_session().id, "second", kind="learning")
    them = (
        j
        if reader == "mentor"
        else Journal.from_bytes(
            j.to_bytes(), me=reader, cipher=PrivateCipher(reader, os.urandom(32)), clock=clock
        )
    )
    assert export_json(them) == dumps_document(export_document(them))
