"""The app asks before writing a summary that may name someone outside the pair (#14).

The same check as `rmjournal export --format markdown|html`: third parties' names, titles,
e-mail addresses, phone numbers and off-the-record words are listed in a dialog; "no" writes
nothing, "yes" writes the file.
"""

from __future__ import annotations

from pathlib import Path

from testkit import PASSPHRASE
from uikit import make_journal, settle, unlock

from rmjournal.app.dialogs.form import ConfirmDialog
from rmjournal.app.screens.export import ExportScreen

THIRD_PARTY = "Off the record, Mr Patel (raj.patel@example.org) backs the pilot."


async def test_the_export_screen_lists_what_it_found_and_asks(
    app_factory, tmp_path: Path, clock
) -> None:
    make_journal(tmp_path / "pair.rmj", clock)
    app = app_factory(tmp_path / "pair.rmj")
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        journal = app.journal_file.journal
        session = journal.plan_next_session()
        journal.add_entry(session.id, THIRD_PARTY, kind="learning", visibility="shareable")
        await pilot.press("e")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        out = tmp_path / "summary.md"
        screen.query_one("#out-path").value = str(out)
        screen.query_one("#preview-box").focus()
        await pilot.press("w")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = app.screen.question
        assert '"Mr Patel"' in question and '"raj.patel@example.org"' in question
        assert '"Off the record"' in question
        await pilot.press("n")
        await settle(app, pilot, 4)
        assert app.screen is screen and not out.exists()
        assert "Nothing was written" in str(screen.query_one("#write-message").render())
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.press("y")
        await settle(app, pilot, 4)
        assert "Mr Patel" in out.read_text(encoding="utf-8")
