"""Dates as people type them, in every date field of the app: the same forms as the CLI's DATE.

`YYYY-MM-DD`, `DD/MM/YYYY` (UK order), `today`, `tomorrow`, `+N` days, `+Nw` weeks, and a
weekday name (`friday` = the next Friday, never today). The rules live in
`rmjournal.core.dates.parse_date(text, today)` when that module is present, so the app and the
CLI cannot disagree; until then the same rules are applied here. Hints show examples worked
out from today, so they never go stale.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from datetime import date, timedelta

from rmjournal.core.errors import JournalError

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

FORMS = "YYYY-MM-DD, DD/MM/YYYY, today, tomorrow, +N days, +Nw weeks or a weekday name"


class DateUnreadable(ValueError):
    """The text is not one of the accepted date forms; the message names them."""


def _local_parse(text: str, today: date) -> date:
    """The CLI's DATE forms (see the module docstring); `DateUnreadable` otherwise."""
    word = text.strip().lower()
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", word):
            return date.fromisoformat(word)
        uk = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", word)
        if uk:
            return date(int(uk.group(3)), int(uk.group(2)), int(uk.group(1)))
        if word == "today":
            return today
        if word == "tomorrow":
            return today + timedelta(days=1)
        ahead = re.fullmatch(r"\+(\d{1,5})(w?)", word)
        if ahead:
            n = int(ahead.group(1))
            return today + timedelta(days=n * 7 if ahead.group(2) else n)
        if word in WEEKDAYS:
            days = (WEEKDAYS.index(word) - today.weekday()) % 7 or 7
            return today + timedelta(days=days)
    except (ValueError, OverflowError):
        raise DateUnreadable(f"{text.strip()} is not a date on the calendar.") from None
    raise DateUnreadable(f"Type a date as {FORMS}.")


def _parser() -> Callable[[str, date], date]:
    try:
        module = importlib.import_module("rmjournal.core.dates")
    except ModuleNotFoundError as exc:
        if exc.name != "rmjournal.core.dates":
            raise
        return _local_parse
    parse: Callable[[str, date], date] = module.parse_date
    return parse


def parse_date(text: str, today: date) -> date:
    """A date from any of the accepted forms, or `DateUnreadable` naming them."""
    try:
        return _parser()(text, today)
    except DateUnreadable:
        raise
    except (ValueError, JournalError) as error:  # the core parser's own (a UsageError)
        raise DateUnreadable(str(error)) from None


def examples(today: date) -> str:
    """Worked examples from today: "2026-12-08, 08/12/2026, +7, +2w or tuesday"."""
    week = today + timedelta(days=7)
    return f"{week.isoformat()}, {week:%d/%m/%Y}, +7, +2w or {WEEKDAYS[week.weekday()]}"


def date_label(what: str, today: date, *, optional: bool = False, short: bool = False) -> str:
    """A date field's label with examples from today, e.g. "Due (2026-12-08, …, +2w or empty)".

    `short` gives one example and the weekday form, for narrow columns.
    """
    week = today + timedelta(days=7)
    if short:
        shown = f"{week.isoformat()}, +7 or {WEEKDAYS[week.weekday()]}"
    else:
        shown = f"{week.isoformat()}, {week:%d/%m/%Y}, +7, +2w, {WEEKDAYS[week.weekday()]}"
        shown += " or empty" if optional else ""
        if not optional:
            shown = examples(today)
    return f"{what} ({shown})"
