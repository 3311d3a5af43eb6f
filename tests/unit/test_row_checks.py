"""The row checks' SQL for each kind of value: what passes and what is set aside.

Each value is checked by the SQL `checks` builds (the same text `failures` runs), so a cheaper
expression for a kind cannot quietly let a bad value through or set a good one aside.
"""

from __future__ import annotations

import json
import sqlite3

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from rmjournal.core.fields import Field
from rmjournal.core.journal import checks


def _ok(kind: str, value: object, **extra: object) -> bool:
    conn = sqlite3.connect(":memory:")
    try:
        sql = checks._kind_ok(Field("v", kind, **extra), ":v")  # type: ignore[arg-type]
        return bool(conn.execute(f"SELECT coalesce({sql}, 0)", {"v": value}).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.parametrize("value", ["2026-02-28", "2024-02-29", "0001-01-01", "9999-12-31"])
def test_a_real_date_passes(value: str) -> None:
    assert _ok("date", value)


@pytest.mark.parametrize(
    "value",
    ["2026-02-30", "2026-02-29", "2026-13-01", "2026-04-31", "0000-12-31", "2026-2-3",
     "2026-02-28T10:00:00", "2460000.5", "not a date", "", 20260228, None],
)  # fmt: skip
def test_a_date_that_is_not_one_fails(value: object) -> None:
    assert not _ok("date", value)


@pytest.mark.parametrize(
    "value",
    ["2026-03-02T18:00:00+00:00", "2024-02-29T23:59:59.123456+05:30", "2026-12-31T00:00:00Z",
     "0001-01-01T00:00:00+00:00"],
)  # fmt: skip
def test_a_real_time_passes(value: str) -> None:
    assert _ok("stamp", value)


@pytest.mark.parametrize(
    "value",
    ["2026-02-30T10:00:00+00:00", "2026-02-29T10:00:00+00:00", "2026-13-01T10:00:00+00:00",
     "2026-03-02T25:00:00+00:00", "2026-03-02", "0000-12-31T10:00:00+00:00", "2460000.5",
     "yesterday", "", 1767225600, None],
)  # fmt: skip
def test_a_time_that_is_not_one_fails(value: object) -> None:
    assert not _ok("stamp", value)


def test_an_optional_value_may_be_missing() -> None:
    assert _ok("stamp", None, optional=True)
    assert _ok("date", None, optional=True)
    assert not _ok("date", "2026-02-30", optional=True)


# The rules as first written (a GLOB for a time's shape, IN for a word list): the cheaper SQL
# `_kind_ok` builds now must pass and fail exactly the same values.
_STAMP_AS_WRITTEN = (
    "typeof(:v) = 'text' AND :v GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]T*'"
    " AND julianday(:v) IS NOT NULL AND substr(:v, 1, 10) >= '0001-01-01'"
    " AND date(julianday(substr(:v, 1, 10))) IS substr(:v, 1, 10)"
)
_WORDS_AS_WRITTEN = "typeof(:v) = 'text' AND :v IN ('note', 'reflection', 'learning')"


def _as_written(sql: str, value: object) -> bool:
    conn = sqlite3.connect(":memory:")
    try:
        return bool(conn.execute(f"SELECT coalesce({sql}, 0)", {"v": value}).fetchone()[0])
    finally:
        conn.close()


@given(
    st.one_of(
        st.text(alphabet="0123456789-T:.+Z ", max_size=32),
        st.builds(
            lambda base, at, ch: base[:at] + ch + base[at + 1 :],
            st.sampled_from(
                ["2026-03-02T18:00:00+00:00", "2024-02-29T23:59:59.5Z", "0001-01-01T00:00"]
            ),
            st.integers(0, 26),
            st.sampled_from(list("0123456789-T:/ xZ+")),
        ),
        st.integers(-(2**63), 2**63 - 1),
        st.none(),
    )
)
@example("2026-03-02 18:00:00+00:00")  # a space for the T: SQLite reads it, the rule does not
@example("2026-3-02T18:00:00")
@example("+026-03-02T18:00:00")
@settings(max_examples=400, deadline=None)
def test_a_time_is_judged_as_the_rule_was_written(value: object) -> None:
    assert _ok("stamp", value) == _as_written(_STAMP_AS_WRITTEN, value)


@given(st.one_of(st.sampled_from(["note", "reflection", "learning", "Note", "note ", ""]),
                 st.text(max_size=12), st.integers(-(2**63), 2**63 - 1), st.none()))  # fmt: skip
@settings(max_examples=200, deadline=None)
def test_a_word_from_a_list_is_judged_as_the_rule_was_written(value: object) -> None:
    allowed = ("note", "reflection", "learning")
    assert _ok("enum", value, allowed=allowed) == _as_written(_WORDS_AS_WRITTEN, value)


@given(
    st.integers(1, 9999),
    st.integers(1, 12),
    st.integers(1, 31),
    st.sampled_from(["T00:00:00+00:00", "T23:59:59.999999Z", "T12:30", "T24:00:00", "T9:00"]),
)
@example(1900, 2, 29, "T00:00:00+00:00")  # a century: not a leap year
@example(2000, 2, 29, "T00:00:00+00:00")  # a fourth century: a leap year
@example(100, 2, 29, "T00:00:00+00:00")
@example(400, 2, 29, "T00:00:00+00:00")
@example(2026, 4, 31, "T00:00:00+00:00")
@example(2026, 12, 31, "T00:00:00+00:00")
@settings(max_examples=600, deadline=None)
def test_the_length_of_every_month_is_judged_as_the_rule_was_written(
    year: int, month: int, day: int, clock: str
) -> None:
    value = f"{year:04d}-{month:02d}-{day:02d}{clock}"
    assert _ok("stamp", value) == _as_written(_STAMP_AS_WRITTEN, value)


_TAGS_AS_WRITTEN = (
    "CASE WHEN typeof(:v) = 'text' AND json_valid(:v) THEN json_type(:v) = 'array'"
    " AND NOT EXISTS (SELECT 1 FROM json_each(:v) WHERE type != 'text') ELSE 0 END"
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False)
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
    ),
    max_leaves=6,
)


@given(
    st.one_of(
        _JSON.map(json.dumps),
        st.lists(st.text(max_size=6), max_size=3).map(json.dumps),
        st.text(alphabet='[]{}",: 1ab\\', max_size=12),
        st.integers(-3, 3),
        st.none(),
    )
)
@example('["a"')
@example("[1]")
@example('[["a"]]')
@example(' ["a"]')
@example('["a", 1]')
@settings(max_examples=600, deadline=None)
def test_a_list_of_tags_is_judged_as_the_rule_was_written(value: object) -> None:
    assert _ok("tags", value) == _as_written(_TAGS_AS_WRITTEN, value)
