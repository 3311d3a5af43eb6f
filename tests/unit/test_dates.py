"""The DATE forms of docs/cli.md, read by `core.dates.parse_date` for the CLI and the app."""

from __future__ import annotations

from datetime import date

import pytest

from rmjournal.core.dates import FORMS, DateProblem, example, parse_date
from rmjournal.core.errors import UsageError

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2027-01-31", date(2027, 1, 31)),
        ("31/01/2027", date(2027, 1, 31)),
        ("1/2/2027", date(2027, 2, 1)),  # UK order: day first
        ("today", TODAY),
        (" Today ", TODAY),
        ("tomorrow", date(2026, 12, 2)),
        ("+0", TODAY),
        ("+14", date(2026, 12, 15)),
        ("+2w", date(2026, 12, 15)),
        ("+1W", date(2026, 12, 8)),
        ("friday", date(2026, 12, 4)),
        ("Fri", date(2026, 12, 4)),
        ("next friday", date(2026, 12, 4)),
        ("tuesday", date(2026, 12, 8)),  # today is a Tuesday: the next one is a week on
        ("monday", date(2026, 12, 7)),
        ("sunday", date(2026, 12, 6)),
    ],
)
def test_each_form(text: str, expected: date) -> None:
    assert parse_date(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    ["soon", "", "31/02/2027", "2027-02-30", "2027-13-01", "+", "+-3", "+3d", "next", "fr",
     "01/01/27", "+99999999", "friday week", "2027-1-5", "\x1b[31m"],
)  # fmt: skip
def test_anything_else_is_one_sentence_naming_the_forms(text: str) -> None:
    with pytest.raises(DateProblem) as caught:
        parse_date(text, TODAY)
    message = str(caught.value)
    assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2
    assert FORMS in message and message.endswith(".")
    assert "\x1b" not in message
    assert message.count(". ") == 0  # one sentence


def test_a_century_ahead_is_refused_not_overflowed() -> None:
    assert parse_date("+36600", TODAY) == date(2127, 2, 15)
    with pytest.raises(DateProblem, match="century"):
        parse_date("+5300w", TODAY)


def test_the_hint_uses_todays_date() -> None:
    assert example(TODAY).startswith("2026-12-01, 01/12/2026")
