"""Rows an import writes are signed as one batch (`authorship.py`, schema 13): each verifies by
its own digest in a batch its author signed, and nothing else does."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
from mergekit import BASE, base_journal, cipher, copy_of, tick

from rmjournal.core import store
from rmjournal.core.clock import FixedClock
from rmjournal.core.interchange import export_json, import_document
from rmjournal.core.journal import Journal, authorship
from rmjournal.core.merge import merge_into

SIGNED = ("entries", "agenda_items")


def _key_for(role: str) -> bytes | None:
    return cipher(role).signer().public_key  # type: ignore[arg-type]


def _document(base: Journal | None = None) -> dict[str, Any]:
    """The mentor's export of a journal (a copy of `base`, else a new one) with pair and
    private entries and an agenda item."""
    src = base_journal() if base is None else copy_of(base.to_bytes(), "mentor", BASE)
    session = src.plan_next_session()
    src.add_agenda_item(session.id, "Stakeholders")
    for n in range(4):
        src.add_entry(session.id, f"words {n}", visibility="private" if n % 2 else "pair")
    doc: dict[str, Any] = json.loads(export_json(src))
    return doc


def _imported(db: Any = None, doc: dict[str, Any] | None = None) -> Journal:
    j = Journal(
        db if db is not None else store.new_database(),
        me="mentor",
        cipher=cipher("mentor"),
        clock=FixedClock(BASE),
    )
    import_document(j, doc or _document())
    return j


def _rows(j: Journal, table: str = "entries") -> list[dict[str, Any]]:
    return j.records.query(f"SELECT * FROM {table} ORDER BY id")


def _batches(j: Journal) -> authorship.Batches:
    return authorship.Batches(j.records.execute)


def test_an_import_signs_all_its_rows_with_one_signature_and_each_row_verifies() -> None:
    j = _imported()
    rows = [r for t in SIGNED for r in _rows(j, t)]
    assert len(rows) == 5
    assert all(r["signature"].startswith("mentor:@") for r in rows)
    assert {authorship.batch_of(r) for r in rows} == {
        j.records.execute("SELECT id FROM signature_batches").fetchone()[0]
    }
    for table in SIGNED:
        assert all(authorship.by_author(table, r, _key_for, _batches(j)) for r in _rows(j, table))
    # Without the batches a batch reference is no signature at all.
    assert not any(authorship.by_author("entries", r, _key_for) for r in _rows(j))


def test_a_row_changed_inside_a_batch_or_given_another_rows_place_does_not_verify() -> None:
    j = _imported()
    first, second, *_ = _rows(j)
    batches = _batches(j)
    changed = {**first, "text": first["text"] + " and more"}
    assert not authorship.by_author("entries", changed, _key_for, batches)
    moved = {**first, "signature": second["signature"]}
    assert not authorship.by_author("entries", moved, _key_for, batches)
    elsewhere = {**first, "signature": first["signature"].split("/")[0] + "/99"}
    assert not authorship.by_author("entries", elsewhere, _key_for, batches)
    as_mentee = {**first, "signature": first["signature"].replace("mentor:", "mentee:", 1)}
    assert authorship.signer_of("entries", as_mentee, _key_for, batches) is None


def test_a_batch_whose_digests_were_rewritten_verifies_no_row() -> None:
    j = _imported()
    first = _rows(j)[0]
    changed = {**first, "text": "words put in her mouth"}
    digests = bytearray(j.records.execute("SELECT digests FROM signature_batches").fetchone()[0])
    place = int(first["signature"].rsplit("/", 1)[1]) * authorship.DIGEST_SIZE
    digests[place : place + authorship.DIGEST_SIZE] = authorship.digest("entries", changed)
    j.records.execute("UPDATE signature_batches SET digests = ?", (bytes(digests),))
    batches = _batches(j)
    assert not authorship.by_author("entries", changed, _key_for, batches)
    assert not any(authorship.by_author("entries", r, _key_for, batches) for r in _rows(j))


def test_a_batch_signed_by_the_partners_key_does_not_verify_as_the_authors() -> None:
    j = _imported()
    row = _rows(j)[0]
    changed = {**row, "text": "words put in her mouth", "signature": "mentor:@forged/0"}
    data = authorship.batch_message("forged", authorship.digest("entries", changed))
    raw = cipher("mentee").signer().sign(authorship.BATCH_PURPOSE, data)
    j.records.execute(
        "INSERT INTO signature_batches VALUES ('forged', 'mentor', ?, ?)",
        (authorship.digest("entries", changed), base64.b64encode(raw).decode()),
    )
    assert not authorship.by_author("entries", changed, _key_for, _batches(j))


def test_importing_the_same_document_again_signs_nothing_anew() -> None:
    doc = _document()
    j = _imported(doc=doc)
    before = _rows(j)
    report = import_document(j, json.loads(json.dumps(doc)))
    assert report.added == 0 and report.updated == 0
    assert _rows(j) == before
    assert j.records.execute("SELECT count(*) FROM signature_batches").fetchone()[0] == 1


def test_an_edit_after_the_import_is_signed_alone_and_the_others_still_verify() -> None:
    j = _imported()
    first = _rows(j)[0]
    tick(j)
    j.edit_entry(first["id"], text="rewritten by her")
    rows = _rows(j)
    edited = next(r for r in rows if r["id"] == first["id"])
    assert "@" not in edited["signature"]
    assert all(authorship.by_author("entries", r, _key_for, _batches(j)) for r in rows)


def test_a_journal_before_schema_13_signs_each_imported_row_alone() -> None:
    j = _imported(store.new_database(12))
    rows = _rows(j)
    assert rows and not any("@" in r["signature"] for r in rows)
    assert all(authorship.by_author("entries", r, _key_for) for r in rows)


def test_a_batch_that_fails_is_rolled_back_whole_and_writing_goes_on_row_by_row() -> None:
    j = base_journal()
    session = j.plan_next_session()
    with pytest.raises(RuntimeError), j.records.signing_batch():
        j.add_entry(session.id, "never kept")
        raise RuntimeError
    assert _rows(j) == []
    assert j.records.execute("SELECT count(*) FROM signature_batches").fetchone()[0] == 0
    j.add_entry(session.id, "kept")
    (row,) = _rows(j)
    assert "@" not in row["signature"] and authorship.by_author("entries", row, _key_for)


def test_a_merge_brings_the_batch_with_its_rows_and_they_verify_there() -> None:
    here = base_journal()
    other = copy_of(here.to_bytes(), "mentor", BASE)
    import_document(other, _document(here))
    report = merge_into(here, other.to_bytes())
    assert not report.set_aside
    rows = _rows(here)
    assert len(rows) == 4 and all("@" in r["signature"] for r in rows)
    assert all(authorship.by_author("entries", r, _key_for, _batches(here)) for r in rows)
    again = merge_into(copy_of(other.to_bytes(), "mentor", BASE), here.to_bytes())
    assert not again.set_aside


def _batch_count(j: Journal) -> int:
    return int(j.records.execute("SELECT count(*) FROM signature_batches").fetchone()[0])


def _rewritten(doc: dict[str, Any], count: int, stamp: str, words: str) -> dict[str, Any]:
    """`doc` with the first `count` entries' words changed at `stamp`."""
    new = json.loads(json.dumps(doc))
    for entry in new["sessions"][0]["entries"][:count]:
        entry.update(text=entry["text"] + words, updated_at=stamp)
    return new


def test_a_batch_is_kept_while_a_row_names_it_and_dropped_when_none_does() -> None:
    doc = _document()
    j = _imported(doc=doc)
    april, may = "2026-04-01T09:00:00+00:00", "2026-05-01T09:00:00+00:00"
    import_document(j, _rewritten(doc, 3, april, ", again"))  # the 4th entry stays in batch 1
    assert _batch_count(j) == 2
    batches = _batches(j)
    assert all(authorship.by_author(t, r, _key_for, batches) for t in SIGNED for r in _rows(j, t))
    new = _rewritten(doc, 4, april, ", again")  # only the 4th entry changes now
    new["sessions"][0]["agenda"][0].update(topic="Stakeholders, mapped", updated_at=april)
    import_document(j, new)
    assert _batch_count(j) == 2  # batch 1 is gone; batch 2 signs three entries, batch 3 two rows
    import_document(j, _rewritten(doc, 4, may, ", once more"))
    assert _batch_count(j) == 2  # batch 2 is gone; batch 3 still signs the agenda item
    batches = _batches(j)
    assert all(authorship.by_author(t, r, _key_for, batches) for t in SIGNED for r in _rows(j, t))
