"""The "new pair journal" flow by keyboard alone, and the recovery key shown exactly once."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static
from uikit import SIZE, screen_text, settle

from rmjournal.app.dialogs.recovery import RecoveryKeyScreen
from rmjournal.app.screens.create import CreateScreen
from rmjournal.app.screens.dashboard import DashboardScreen
from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret

NEW_PASSPHRASE = "nine amber kettles sing"


async def _fill_form_by_keyboard(pilot) -> None:
    """Every field reached with Enter/Tab and typed into; no mouse, no direct value setting."""
    await pilot.press("A", "enter", "X", "enter", "enter")  # mentor, title, network
    await pilot.press("D", "enter", "G", "enter", "enter")  # mentee, title, network
    await pilot.press("down", "enter")  # "I am the mentee" in the radio set
    await pilot.press("tab", "tab", "tab", "tab")  # keep the plan's defaults
    await pilot.press("tab")  # keep the agreement template
    await pilot.press("tab", "L", "tab", "M")  # goals: leave agreement, mentor, mentee
    await pilot.press("tab", *NEW_PASSPHRASE, "enter", *NEW_PASSPHRASE, "enter")


async def test_create_journal_by_keyboard_alone(app_factory, journal_dir: Path) -> None:
    target = journal_dir / "new.rmj"
    app = app_factory(target)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CreateScreen)
        assert app.focused is not None and app.focused.id == "mentor-name"
        await _fill_form_by_keyboard(pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, RecoveryKeyScreen), screen_text(app)
        key = str(app.screen.query_one("#recovery-key", Static).render())
        await pilot.press("ctrl+s")  # not yet confirmed: stays
        assert isinstance(app.screen, RecoveryKeyScreen)
        await pilot.press("space")  # tick "I have saved the recovery key"
        await pilot.press("enter")  # Continue
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        journal = app.journal_file.journal
        pair = journal.pair()
        assert (pair.mentor.name, pair.mentee.name, pair.mentor.role) == ("A", "D", "X")
        assert journal.me == "mentee"
        assert pair.cadence_days == 30 and pair.planned_sessions == 6
        assert "confidential" in pair.agreement.lower() or "Confidentiality" in pair.agreement
        assert [g.text for g in journal.goals("mentor")] == ["L"]
        assert [g.text for g in journal.goals("mentee")] == ["M"]
        # The recovery key is on no screen any more, in any mode.
        for stack in app._screen_stacks.values():
            for screen in stack:
                assert not isinstance(screen, RecoveryKeyScreen)
                for widget in screen.query(Static):
                    assert key not in str(widget.render())
        await pilot.press("q")
        await pilot.pause()
    # The details were saved on the way out, and the key shown opens the file.
    with JournalFile.open(target, Secret.recovery(key), allow_test_kdf=True) as jf:
        assert jf.journal.pair().mentee.name == "D"


async def test_form_problems_are_named_and_focused(app_factory, journal_dir: Path) -> None:
    app = app_factory(journal_dir / "new.rmj")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+s")
        assert "mentor's name" in screen_text(app)
        assert app.focused.id == "mentor-name"
        app.screen.query_one("#mentor-name").value = "A"
        app.screen.query_one("#mentee-name").value = "B"
        app.screen.query_one("#passphrase").value = "short"
        await pilot.press("ctrl+s")
        assert "Too easy to guess" in screen_text(app)
        assert app.focused.id == "passphrase"
        # The policy of the CLI: "password" was accepted with a hint before.
        app.screen.query_one("#passphrase").value = "password"
        app.screen.query_one("#passphrase-again").value = "password"
        await pilot.press("ctrl+s")
        assert "top-10 common password" in screen_text(app)
        assert not (journal_dir / "new.rmj").exists()
        app.screen.query_one("#passphrase").value = NEW_PASSPHRASE
        app.screen.query_one("#passphrase-again").value = NEW_PASSPHRASE + "x"
        await pilot.press("ctrl+s")
        assert "differ" in screen_text(app)
        assert not (journal_dir / "new.rmj").exists()


async def test_strength_hint_uses_words_and_symbols(app_factory, journal_dir: Path) -> None:
    app = app_factory(journal_dir / "new.rmj")
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#passphrase").value = "correct horse battery staple"
        await pilot.pause()
        hint = str(app.screen.query_one("#strength", Static).render())
        assert "Strong" in hint and "■■■■" in hint
        app.screen.query_one("#passphrase").value = "password"
        await pilot.pause()
        hint = str(app.screen.query_one("#strength", Static).render())
        assert "□□□□" in hint and "top-10 common password" in hint


async def test_names_autotyped_field_by_field_land_in_each_field(app_factory, journal_dir) -> None:
    """Enter moved on only once the field had seen it: "Priya⏎Content designer⏎" arriving in
    one read put both in the mentor's name."""
    from textual import events
    from textual.widgets import Input

    app = app_factory(journal_dir / "new.rmj")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CreateScreen)
        for value in ("Priya", "Content designer"):
            for char in value:
                app.post_message(events.Key("space" if char == " " else char, char))
            app.post_message(events.Key("enter", "\r"))
        await settle(app, pilot)
        value = {i.id: i.value for i in app.screen.query(Input)}
        assert (value["mentor-name"], value["mentor-role"]) == ("Priya", "Content designer")
        assert app.focused is not None and app.focused.id == "mentor-network"
