"""Fuzzing the JSON importer: random and mutated documents raise only `InvalidImport` (never a
Python exception), change nothing when refused, stay within a deadline, and whatever is accepted
can be used afterwards (exported, saved, the next session prepared).

Regressions found by this file (fixed in `core/interchange/`): a number with thousands of
digits (ValueError from Python's int limit), numbers too big for SQLite (OverflowError), lone
surrogates from `\\ud800` escapes (UnicodeEncodeError when stored), a huge `version` quoted
whole in the message; and in `core/journal/`, planning the session after one dated 9999-12-31
(OverflowError in date arithmetic).
"""

from __future__ import annotations

import copy
import json
import os
import random
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from testkit import EXAMPLE_JSON

from rmjournal.core.clock import FixedClock
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.errors import InvalidImport, JournalError
from rmjournal.core.interchange import export_json, import_document, import_json
from rmjournal.core.journal import Journal

CLOCK = FixedClock(datetime(2026, 7, 20, 9, 0, tzinfo=UTC))
EXAMPLE: dict[str, Any] = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
EXAMPLE_BYTES = EXAMPLE_JSON.read_bytes()
FAST = settings(
    max_examples=60, deadline=3000, suppress_health_check=[HealthCheck.too_slow], database=None
)
SLOW = settings(
    max_examples=2000, deadline=3000, suppress_health_check=[HealthCheck.too_slow], database=None
)

NASTY: list[Any] = [
    None, True, False, 0, -1, 1.5, 2**63, 10**40, -(2**70), float("inf"), float("nan"),
    "", " ", "\x00", "a\x00b", "\ud800", "x\udfffy", "\u202e", "\x1b[31m", "9999-12-31",
    "9999-12-31T23:59:59-23:59", "0001-01-01", "2026-02-30", "not-a-uuid", "x" * 100_000,
    [], {}, [[[[[]]]]], {"a": {"b": {"c": {}}}}, ["\ud800"], [None] * 1000, list(range(100)),
    "mentor", "private", "shareable",
]  # fmt: skip


def _deep(depth: int) -> Any:
    value: Any = []
    for _ in range(depth):
        value = [value]
    return value


def _journal(me: str = "mentor") -> Journal:
    return Journal.new(me=me, cipher=PrivateCipher(me, os.urandom(32)), clock=CLOCK)  # type: ignore[arg-type]


def _paths(doc: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in `doc` a value sits (dict keys and list indexes)."""
    out = [prefix]
    if isinstance(doc, dict):
        for key, value in doc.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(doc, list):
        for i, value in enumerate(doc):
            out += _paths(value, (*prefix, i))
    return out


ALL_PATHS = _paths(EXAMPLE)


def _set(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    target = doc
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return doc


def _check(journal: Journal, run: Any) -> bool:
    """Run an import; only `InvalidImport` may escape, and a refusal changes nothing.

    Returns whether the import was accepted; if so, the journal is still usable.
    """
    before = journal.changes
    try:
        run()
    except InvalidImport as error:
        assert journal.changes == before, "a refused import changed the journal"
        text = str(error)
        assert text.startswith("The file was not imported")
        assert max(len(line) for line in text.splitlines()) < 400, "a message line is huge"
        return False
    # accepted: the journal still exports, saves and plans the next session
    export_json(journal)
    journal.to_bytes()
    journal.plan_next_session()
    return True


# ------------------------------------------------------------------------- regressions


@pytest.mark.parametrize(
    "raw",
    [
        b'{"version": ' + b"1" * 5000 + b"}",  # ValueError: int max str digits
        b"[" * 200_000 + b"]" * 200_000,  # RecursionError in the parser
        b'{"a":' * 100_000 + b"1" + b"}" * 100_000,
        b'{"format": "rmjournal-export", "version": "' + b"x" * 1_000_000 + b'"}',
        b"\xff\xfe{}",  # not UTF-8
        b'{"format": "rmjournal-export\x00"}',
        b"",
        b"NaN",
        b'"\\ud800"',
    ],
    ids=["digits", "deep-list", "deep-object", "huge-version", "bad-utf8", "nul", "empty", "nan",
         "surrogate"],
)  # fmt: skip
def test_unreadable_documents_are_invalid_imports(raw: bytes) -> None:
    journal = _journal()
    with pytest.raises(InvalidImport) as caught:
        import_json(journal, raw)
    assert len(str(caught.value)) < 400


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("pair", "cadence_days"), 10**30),  # OverflowError in SQLite
        (("pair", "planned_sessions"), 2**63),
        (("sessions", 0, "number"), 2**63),
        (("sessions", 0, "duration_minutes"), 2**64),
        (("pair", "title"), "\ud800"),  # UnicodeEncodeError when stored
        (("pair", "mentor", "name"), "a\udfffb"),
        (("sessions", 0, "entries", 0, "tags"), ["ok", "\udc80"]),
        (("version",), _deep(900)),  # repr of a deep value in the message
    ],
)
def test_values_that_crashed_the_importer(path: tuple[Any, ...], value: Any) -> None:
    journal = _journal(EXAMPLE["exported_by"])
    doc = _set(copy.deepcopy(EXAMPLE), path, value)
    assert not _check(journal, lambda: import_document(journal, doc))


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("sessions", -1, "date"), "9999-12-31"),  # planning the next one overflowed the date
        (("pair", "started_on"), "9999-12-31"),
        (("pair", "cadence_days"), 100_000),
        (("pair", "goals", 0, "updated_at"), "9999-12-31T23:59:59-23:59"),
    ],
)
def test_extreme_but_valid_values_leave_a_usable_journal(path: tuple[Any, ...], value: Any) -> None:
    journal = _journal(EXAMPLE["exported_by"])
    doc = _set(copy.deepcopy(EXAMPLE), path, value)
    assert _check(journal, lambda: import_document(journal, doc))


# ------------------------------------------------------------------------- fuzzing

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(st.characters(codec=None, min_codepoint=0), max_size=30)
    | st.sampled_from(NASTY),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.text(max_size=10), inner, max_size=5),
    max_leaves=30,
)  # fmt: skip


def _run_mutated(mutations: list[tuple[int, Any]], me: str) -> bool:
    journal = _journal(me)
    doc = copy.deepcopy(EXAMPLE)
    for index, value in mutations:
        paths = _paths(doc)
        doc = _set(doc, paths[index % len(paths)], copy.deepcopy(value))
    return _check(journal, lambda: import_document(journal, doc))


mutation_lists = st.lists(
    st.tuples(st.integers(0, len(ALL_PATHS) * 4), json_values | st.sampled_from(NASTY)),
    min_size=1,
    max_size=4,
)


@FAST
@given(mutation_lists, st.sampled_from(["mentor", "mentee"]))
def test_mutated_documents(mutations: list[tuple[int, Any]], me: str) -> None:
    _run_mutated(mutations, me)


@pytest.mark.slow
@SLOW
@given(mutation_lists, st.sampled_from(["mentor", "mentee"]))
def test_mutated_documents_many(mutations: list[tuple[int, Any]], me: str) -> None:
    _run_mutated(mutations, me)


@FAST
@given(json_values)
def test_random_documents(doc: Any) -> None:
    journal = _journal()
    _check(journal, lambda: import_document(journal, doc))


def _mutate_bytes(data: bytes, rng: random.Random, count: int) -> bytes:
    out = bytearray(data)
    for _ in range(count):
        choice = rng.randrange(5)
        at = rng.randrange(len(out) + 1)
        if choice == 0 and out:  # flip a bit
            at = min(at, len(out) - 1)
            out[at] ^= 1 << rng.randrange(8)
        elif choice == 1:  # truncate
            del out[at:]
        elif choice == 2:  # insert a hostile fragment
            out[at:at] = rng.choice([b"\x00", b"\xff", b"[" * 5000, b'"\\ud800"', b"9" * 5000,
                                     b"{", b",", b'"', b"\\", b"\xc3", b"1e999999"])  # fmt: skip
        elif choice == 3:  # splice a piece of the document elsewhere
            end = min(len(out), at + rng.randrange(200))
            piece = bytes(out[at:end])
            where = rng.randrange(len(out) + 1)
            out[where:where] = piece
        else:  # delete a span
            del out[at : at + rng.randrange(50)]
    return bytes(out)


def _run_bytes(seed: int, count: int) -> None:
    raw = _mutate_bytes(EXAMPLE_BYTES, random.Random(seed), count)
    journal = _journal(EXAMPLE["exported_by"])
    try:
        _check(journal, lambda: import_json(journal, raw))
    except JournalError as error:  # pragma: no cover - only InvalidImport is expected
        pytest.fail(f"unexpected {type(error).__name__}: {error}")


@FAST
@given(st.integers(0, 2**32), st.integers(1, 6))
def test_mutated_bytes(seed: int, count: int) -> None:
    _run_bytes(seed, count)


@pytest.mark.slow
@SLOW
@given(st.integers(0, 2**32), st.integers(1, 12))
def test_mutated_bytes_many(seed: int, count: int) -> None:
    _run_bytes(seed, count)


@FAST
@given(st.binary(max_size=2000))
def test_random_bytes(raw: bytes) -> None:
    journal = _journal()
    _check(journal, lambda: import_json(journal, raw))


@settings(max_examples=8, deadline=10_000, database=None)
@given(st.sampled_from(["list", "string", "tags", "deep"]), st.integers(1, 4))
def test_huge_documents_stay_bounded(kind: str, scale: int) -> None:
    doc = copy.deepcopy(EXAMPLE)
    n = 50_000 * scale
    if kind == "list":
        doc["sessions"] = [None] * n  # every one a problem; the message lists 200 at most
    elif kind == "string":
        doc["pair"]["agreement"] = "x" * (2_000_000 * scale)
    elif kind == "tags":
        doc["actions"][0]["tags"] = [1] * n
    else:
        doc["pair"]["agreement"] = _deep(500 * scale)
    journal = _journal(EXAMPLE["exported_by"])
    _check(journal, lambda: import_document(journal, doc))
