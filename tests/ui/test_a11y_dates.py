"""Dates in the app: every date field takes the CLI's DATE forms; hints give today's examples."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from uikit import ACTION_TITLE, SIZE, settle, unlock

from rmjournal.app.dialogs.form import AskDialog, FormProblem, parse_due
from rmjournal.app.widgets.dates import DateUnreadable, date_label, examples, parse_date

TODAY = date(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("typed", "meant"),
    [
        ("2027-01-31", date(2027, 1, 31)),
        ("31/01/2027", date(2027, 1, 31)),
        ("today", TODAY),
        ("Tomorrow", TODAY + timedelta(days=1)),
        ("+3", TODAY + timedelta(days=3)),
        ("+2w", TODAY + timedelta(days=14)),
        ("friday", date(2026, 12, 4)),
        ("tuesday", date(2026, 12, 8)),  # the next one, never today
        (" FRIDAY ", date(2026, 12, 4)),
    ],
)
def test_every_date_form(typed: str, meant: date) -> None:
    assert parse_date(typed, TODAY) == meant
    assert parse_due(typed, TODAY) == meant


@pytest.mark.parametrize("typed", ["31/02/2027", "2027-13-01", "soon", "+", "2027/01/31"])
def test_not_a_date_is_one_sentence_naming_the_forms(typed: str) -> None:
    with pytest.raises(DateUnreadable):
        parse_date(typed, TODAY)
    with pytest.raises(FormProblem) as problem:
        parse_due(typed, TODAY)
    assert "\n" not in str(problem.value)


def test_unknown_words_name_the_accepted_forms() -> None:
    with pytest.raises(DateUnreadable) as problem:
        parse_date("soon", TODAY)
    assert "YYYY-MM-DD" in str(problem.value) and "DD/MM/YYYY" in str(problem.value)
    assert parse_due("  ", TODAY) is None


def test_hints_are_worked_out_from_today() -> None:
    assert examples(TODAY) == "2026-12-08, 08/12/2026, +7, +2w or tuesday"
    later = TODAY + timedelta(days=400)
    assert (later + timedelta(days=7)).isoformat() in date_label("Due", later, optional=True)
    assert date_label("Due", TODAY, optional=True).endswith("or empty)")
    assert date_label("Date", TODAY) == f"Date ({examples(TODAY)})"
    assert date_label("Start", TODAY, short=True) == "Start (2026-12-08, +7 or tuesday)"


async def test_due_date_field_takes_uk_dates_and_weekdays(app_factory, journal_path: Path) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("a")
        await settle(app, pilot)
        journal = app.journal_file.journal
        action = next(a for a in journal.actions() if a.title == ACTION_TITLE)
        today = journal.today()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, AskDialog)
        assert (today + timedelta(days=7)).isoformat() in app.screen.label  # from today
        app.screen.query_one("#answer").value = "31/01/2027"
        await pilot.press("enter")
        await settle(app, pilot)
        assert journal.action(action.id).due_on == date(2027, 1, 31)
        await pilot.press("u")
        await pilot.pause()
        app.screen.query_one("#answer").value = "friday"
        await pilot.press("enter")
        await settle(app, pilot)
        due = journal.action(action.id).due_on
        assert due is not None and due.weekday() == 4 and 0 < (due - today).days <= 7
