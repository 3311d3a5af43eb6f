"""The row checks' SQL for each kind of value: what passes and what is set aside.

Each value is checked by the SQL `checks` builds (the same text `failures` runs), so a cheaper
expression for a kind cannot quietly let a bad value through or set a good one aside.
"""

from __future__ import annotations

import sqlite3

import pytest

from rmjournal.core.fields import Field
from rmjournal.core.journal import checks


def _ok(kind: str, value: object, **extra: object) -> bool:
    conn = sqlite3.connect(":memory:")
    try:
        sql = checks._kind_ok(Field("v", kind, **extra), "?1")  # type: ignore[arg-type]
        return bool(conn.execute(f"SELECT coalesce({sql}, 0)", (value,)).fetchone()[0])
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
