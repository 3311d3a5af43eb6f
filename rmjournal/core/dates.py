"""The DATE forms people type, in one place for the command line and the app.

Accepted: `YYYY-MM-DD`, `DD/MM/YYYY` (UK order: our users are in the UK civil service),
`today`, `tomorrow`, `+N` (days from today), `+Nw` (weeks from today), and a weekday name
(`friday`, `fri`, `next friday`), meaning the next such day after today. Anything else is a
`DateProblem` whose one sentence names the accepted forms, so a person can fix it at once.
No textual import: the command line uses this on every date it reads.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from rmjournal.core.errors import UsageError

FORMS = (
    "YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, +N (days), +Nw (weeks) or a weekday name "
    "such as friday"
)
"""The accepted forms, in words, for messages and hints."""

MAX_DAYS_AHEAD = 100 * 366
"""`+N` and `+Nw` reach at most about a century ahead: a bigger number is a typo, not a plan."""

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

_UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")
_RELATIVE = re.compile(r"\+(\d{1,7})(w?)")


class DateProblem(UsageError):
    """A date that none of the accepted forms reads (exit 2 on the command line)."""


def _problem(text: str) -> DateProblem:
    shown = " ".join(text.split())[:40]
    shown = "".join(ch if ch.isprintable() else "?" for ch in shown)
    return DateProblem(f"“{shown}” is not a date; type {FORMS}.")


def _weekday(word: str) -> int | None:
    word = word.removeprefix("next ").strip()
    if len(word) < 3:
        return None
    for number, name in enumerate(WEEKDAYS):
        if name.startswith(word):
            return number
    return None


def parse_date(text: str, today: date) -> date:
    """The date `text` names, counting relative forms from `today`; `DateProblem` if none."""
    word = " ".join(text.strip().lower().split())
    try:
        if _ISO.fullmatch(word):
            return date.fromisoformat(word)
        uk = _UK.fullmatch(word)
        if uk:
            day, month, year = (int(g) for g in uk.groups())
            return date(year, month, day)
    except ValueError:  # 2027-02-30, 31/04/2027: the right shape, but no such day
        raise _problem(text) from None
    if word == "today":
        return today
    if word == "tomorrow":
        return today + timedelta(days=1)
    relative = _RELATIVE.fullmatch(word)
    if relative:
        days = int(relative.group(1)) * (7 if relative.group(2) else 1)
        if days > MAX_DAYS_AHEAD:
            raise DateProblem(f"{text.strip()} is more than a century ahead; type {FORMS}.")
        return today + timedelta(days=days)
    weekday = _weekday(word)
    if weekday is not None:
        ahead = (weekday - today.weekday()) % 7 or 7
        return today + timedelta(days=ahead)
    raise _problem(text)


def example(today: date) -> str:
    """A hint with today's own example, e.g. "2026-12-01, 01/12/2026, +7, +2w or friday"."""
    return f"{today.isoformat()}, {today:%d/%m/%Y}, tomorrow, +7, +2w or friday"
