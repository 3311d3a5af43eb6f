"""The benchmark corpus is deterministic and its interchange document has the documented shape.

The jrnl comparison is only fair if both tools get the same entries every run; a drifting corpus
would make figures from different days incomparable. No network and no jrnl install here.
"""

from __future__ import annotations

import json
import re
import sys
import uuid
from datetime import date, datetime
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from benchmarks import corpus


@pytest.fixture(scope="module")
def entries() -> list[corpus.CorpusEntry]:
    return corpus.generate(1_000)


def test_same_seed_gives_the_same_entries(entries: list[corpus.CorpusEntry]) -> None:
    again = corpus.generate(1_000)
    assert again == entries
    assert corpus.jrnl_text(again) == corpus.jrnl_text(entries)
    assert json.dumps(corpus.interchange_document(again)) == json.dumps(
        corpus.interchange_document(entries)
    )


def test_another_seed_gives_other_entries(entries: list[corpus.CorpusEntry]) -> None:
    assert corpus.generate(1_000, seed=9) != entries


def test_entries_are_realistic_and_ordered(entries: list[corpus.CorpusEntry]) -> None:
    assert len(entries) == 1_000
    moments = [e.written_at for e in entries]
    assert moments == sorted(moments)
    assert (moments[-1] - moments[0]).days > 60  # spread over months
    assert all(e.title.endswith(".") and e.body for e in entries)
    assert 0 < corpus.matching(entries) < len(entries) // 10  # the search word is selective
    assert {e.kind for e in entries} == set(corpus.KINDS)


def test_jrnl_text_holds_every_entry_with_its_tags(entries: list[corpus.CorpusEntry]) -> None:
    text = corpus.jrnl_text(entries)
    headers = re.findall(r"^\[(\d{4}-\d\d-\d\d \d\d:\d\d)\] ", text, flags=re.MULTILINE)
    assert len(headers) == len(entries)
    assert text.count(" @") == sum(len(e.tags) for e in entries)


def _timestamp(value: str) -> None:
    assert datetime.fromisoformat(value).utcoffset() is not None


def test_interchange_document_has_the_documented_shape(
    entries: list[corpus.CorpusEntry], example_doc: dict
) -> None:
    doc = corpus.interchange_document(entries)
    assert set(doc) == set(example_doc)
    assert (doc["format"], doc["version"]) == ("rmjournal-export", 1)
    assert doc["exported_by"] in ("mentor", "mentee")
    _timestamp(doc["exported_at"])
    assert set(doc["pair"]) <= set(example_doc["pair"])
    assert set(example_doc["pair"]) - set(doc["pair"]) <= {"network"}
    uuid.UUID(doc["pair"]["id"])

    session_keys = set(example_doc["sessions"][0])
    entry_keys = set(example_doc["sessions"][0]["entries"][0]) | {"prompt"}
    ids: set[str] = set()
    found = 0
    for number, session in enumerate(doc["sessions"], start=1):
        assert set(session) <= session_keys
        assert session["number"] == number
        assert session["status"] == "held"
        date.fromisoformat(session["date"])
        _timestamp(session["created_at"])
        assert 1 <= len(session["entries"]) <= corpus.ENTRIES_PER_SESSION
        for entry in session["entries"]:
            assert entry_keys - set(entry) == {"prompt"}
            assert entry["kind"] in ("note", "reflection", "learning")
            assert entry["author"] in ("mentor", "mentee")
            assert entry["visibility"] == "pair"
            assert all(isinstance(t, str) for t in entry["tags"])
            _timestamp(entry["created_at"])
            ids.add(str(uuid.UUID(entry["id"])))
            found += 1
    ids |= {session["id"] for session in doc["sessions"]}
    assert found == len(entries)
    assert len(ids) == len(entries) + len(doc["sessions"])  # every id unique
    assert doc["actions"] == [] and doc["prompts"] == []


def test_plaintext_files_are_private_and_complete(
    entries: list[corpus.CorpusEntry], tmp_path: Path
) -> None:
    document = corpus.write_interchange(entries[:50], tmp_path / "corpus.json")
    journal = corpus.write_jrnl_text(entries[:50], tmp_path / "journal.txt")
    for path in (document, journal):
        assert path.stat().st_mode & 0o077 == 0
    assert json.loads(document.read_text(encoding="utf-8")) == corpus.interchange_document(
        entries[:50]
    )
    assert journal.read_text(encoding="utf-8") == corpus.jrnl_text(entries[:50])


def test_the_summary_benchmark_runs_on_a_valid_document() -> None:
    """Its corpus must pass import validation (it once closed actions before they were
    agreed, and `make bench` lost every figure with it)."""
    from benchmarks import bench_summary

    rows = list(bench_summary.run(True))
    assert rows and all(r["value"] > 0 for r in rows)


def test_the_floor_probe_checks_a_real_journal_and_notices_damage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`benchmarks/floor.py` does the reading and checking a command must (so its time is a
    floor): on a real journal the trailer matches; one byte changed, it does not."""
    from datetime import UTC

    from benchmarks import floor
    from rmjournal.core.clock import FixedClock
    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.model import Person
    from rmjournal.core.secret import Secret

    path = tmp_path / "floor.rmj"
    made, _ = JournalFile.create(
        path, passphrase=Secret.passphrase("floor probe passphrase"), test_kdf=True,
        clock=FixedClock(datetime(2026, 3, 1, 9, tzinfo=UTC)),
        mentor=Person("Ama"), mentee=Person("Kofi"),
    )  # fmt: skip
    made.close()
    assert floor.main(str(path)) == 0
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 1
    path.write_bytes(bytes(data))
    assert floor.main(str(path)) == 1
    assert capsys.readouterr().out.splitlines() == ["trailer matches", "trailer does not match"]
