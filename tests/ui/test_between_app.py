"""Between the sessions in the app: a pack's prompts in the picker and its templates in planning,
the calendar export and its warning, and the dashboard saying what `rmjournal due` says."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import icalendar
import pytest
from contentkit import make_demo_journal, open_app, shown_text
from testkit import PASSPHRASE
from uikit import SIZE, settle

from rmjournal.app.dialogs.between import CalendarDialog, PromptDialog, TemplatePicker
from rmjournal.app.dialogs.form import ConfirmDialog
from rmjournal.app.dialogs.prompt_picker import PromptPicker
from rmjournal.app.screens.agenda import AgendaScreen
from rmjournal.app.screens.dashboard import DashboardScreen
from rmjournal.core import template_store
from rmjournal.core.crypto import PrivateCipher
from rmjournal.core.due import due_items
from rmjournal.core.journal import Journal
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.model import Person
from rmjournal.core.packs import export_pack, import_pack
from rmjournal.core.secret import Secret

PACK_PROMPT = "Which voice from the network did you carry in today?"
PACK_TEMPLATE = {
    "id": "5f0c3a52-8a51-4bb8-9a3c-2f0e7d9b1c11",
    "name": "Network listening session",
    "description": "Three voices from the network, then what goes upstairs.",
    "topics": [
        {"topic": "Three voices from the network", "minutes": 30},
        {"topic": "What the mentee will take upstairs", "minutes": 15},
    ],
}


@pytest.fixture
def demo_path(journal_dir: Path, clock) -> Path:
    return make_demo_journal(journal_dir / "demo.rmj", clock)


@pytest.fixture
def packed_path(demo_path: Path, clock) -> Path:
    """The demo journal with a pack imported that another pair exported."""
    other = Journal.new(me="mentee", cipher=PrivateCipher("mentee", os.urandom(32)), clock=clock)
    other.start_pair(mentor=Person("Someone Else"), mentee=Person("Another Person"))
    other.add_prompt(PACK_PROMPT, phase="before", for_="mentor")
    template_store.put_session_template(other, PACK_TEMPLATE, pack="custom")
    doc = export_pack(other, name="Scheme pack")
    with JournalFile.open(
        demo_path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock
    ) as jf:
        report = import_pack(jf.journal, doc)
        assert report.added == 2
        jf.save()
    return demo_path


def _options(screen, selector: str) -> list[str]:
    """The lines an option list shows, as plain text."""
    from textual.widgets import OptionList

    options = screen.query_one(selector, OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def _planned_agenda(app, pilot) -> AgendaScreen:
    await pilot.press("s")
    await settle(app, pilot)
    await pilot.press("p")  # the highlighted row is the planned session
    await settle(app, pilot)
    assert isinstance(app.screen, AgendaScreen)
    return app.screen


async def test_a_packs_prompts_are_in_the_picker_and_its_templates_in_planning(
    app_factory, packed_path: Path
) -> None:
    app = app_factory(packed_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        agenda = await _planned_agenda(app, pilot)
        journal = app.journal_file.journal
        await pilot.press("p")
        picker = app.screen
        assert isinstance(picker, PromptPicker)
        shown = [(p.text, p.pack) for p in picker.shown]
        assert (PACK_PROMPT, "Scheme pack") in shown
        assert any(PACK_PROMPT in line for line in _options(picker, "#prompt-list"))
        await pilot.press("escape")
        await pilot.pause()
        before = len(journal.agenda(agenda.session_id))
        await pilot.press("f")
        await pilot.pause()
        chooser = app.screen
        assert isinstance(chooser, TemplatePicker)
        names = [t.name for t in chooser.templates]
        assert names[:2] == ["First meeting", "Regular session"]
        assert names[-1] == "Network listening session"
        assert "Scheme pack" in _options(chooser, "#template-list")[-1]
        await pilot.press("end", "enter")
        await settle(app, pilot)
        assert app.screen is agenda
        topics = [i.topic for i in journal.agenda(agenda.session_id)]
        assert len(topics) == before + 2
        assert topics[-2:] == [
            "Three voices from the network",
            "What the mentee will take upstairs",
        ]
        assert "Three voices from the" in shown_text(app)  # the table cuts long topics


async def test_a_prompt_of_your_own_added_in_the_picker_is_listed_at_once(
    app_factory, demo_path: Path
) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await _planned_agenda(app, pilot)
        await pilot.press("p")
        picker = app.screen
        assert isinstance(picker, PromptPicker)
        await pilot.press("plus")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("enter")  # empty: the dialog says so and stays
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog) and "Type the prompt" in shown_text(app)
        app.screen.query_one("#prompt-text").value = "What did I not say?"
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is picker
        assert ("What did I not say?", "custom") in [(p.text, p.pack) for p in picker.shown]
        mine = app.journal_file.journal.custom_prompts()
        assert [(p.phase, p.for_) for p in mine if p.text == "What did I not say?"] == [
            ("before", "mentor")
        ]


async def test_calendar_export_warns_before_it_writes_topics(
    app_factory, demo_path: Path, tmp_path: Path
) -> None:
    app = app_factory(demo_path)
    out = tmp_path / "pair.ics"
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        journal = app.journal_file.journal
        await app.run_action("calendar_export")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, CalendarDialog)
        assert dialog.query_one("#calendar-path").value == str(demo_path.with_suffix(".ics"))
        dialog.query_one("#calendar-path").value = str(out)
        await pilot.press("enter")
        await settle(app, pilot)
        plain = out.read_bytes()
        assert b"Priya" not in plain and b"Martin" not in plain
        assert out.stat().st_mode & 0o077 == 0
        await app.run_action("calendar_export")
        await pilot.pause()
        app.screen.query_one("#calendar-path").value = str(out)
        app.screen.query_one("#calendar-topics").focus()
        await pilot.press("right")  # "add names, places, topics, titles"
        await pilot.pause()
        assert "synced to servers" in shown_text(app)  # said before anything is written
        app.screen.query_one("#calendar-path").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert out.read_bytes() == plain  # not yet
        await pilot.press("y")
        await settle(app, pilot)
        cal = icalendar.Calendar.from_ical(out.read_bytes())
        topics = " ".join(str(e.get("DESCRIPTION", "")) for e in cal.walk("VEVENT"))
        planned = journal.next_session()
        assert planned is not None
        first = next(i for i in journal.agenda(planned.id) if i.visibility != "private")
        assert first.topic in topics


async def test_the_dashboard_says_what_due_says(app_factory, journal_path: Path, clock) -> None:
    today = clock.today()
    with JournalFile.open(
        journal_path, Secret.passphrase(PASSPHRASE), allow_test_kdf=True, clock=clock
    ) as jf:
        journal = jf.journal
        journal.agree_action("Send the panel figures", due_on=today - timedelta(days=3))
        journal.add_session(today + timedelta(days=2))
        jf.save()
        lines = [i.line() for i in due_items(journal)]
        words = [i.words for i in due_items(journal)]
    assert lines[0].startswith("! OVERDUE") and "(3d late)" in lines[0]
    assert lines[-1].startswith("» due") and "(in 2 days)" in lines[-1]
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        text = shown_text(app)
        assert words[-1] in text  # "Session 1 · Wed 22 Jul 2026 (in 2 days)"
        assert "! OVERDUE" in text and "3d late" in text


async def test_a_session_gets_a_time_of_day_and_a_length(app_factory, demo_path: Path) -> None:
    from rmjournal.app.dialogs.session_forms import SessionDialog

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        journal = app.journal_file.journal
        planned = journal.next_session()
        await pilot.press("s")
        await settle(app, pilot)
        await pilot.press("m")  # the highlighted row is the planned session
        dialog = app.screen
        assert isinstance(dialog, SessionDialog)
        dialog.query_one("#session-time").value = "half past two"
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog and "like 14:30" in shown_text(app)
        dialog.query_one("#session-time").value = "14:30"
        dialog.query_one("#session-minutes").value = "45"
        await pilot.press("enter")
        await pilot.pause()
        moved = journal.session(planned.id)
        assert (moved.time, moved.duration_minutes, moved.date) == ("14:30", 45, planned.date)
        await pilot.press("p")
        await settle(app, pilot)
        assert "14:30 · 45 min" in shown_text(app)
