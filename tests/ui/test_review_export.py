"""The Review and Export screens: figures at a glance, preview, approvals by both, writing a file.

Driven through the keyboard on the demo pair journal (the mentor unlocks; the mentee approves at
the same keyboard with their own passphrase). Snapshots in the dark and high-contrast themes.
"""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from contentkit import make_demo_journal, open_app, shown_text
from testkit import MENTEE_PASSPHRASE
from uikit import settle, step

from rmjournal.app.dialogs.form import ConfirmDialog
from rmjournal.app.screens.export import ExportScreen
from rmjournal.app.screens.review import ReviewScreen, bars
from rmjournal.core.review import MonthCount, review_figures
from rmjournal.core.summary import DRAFT_MARKER

SIZE = (120, 40)


@pytest.fixture
def demo_path(journal_dir: Path, clock) -> Path:
    return make_demo_journal(journal_dir / "demo.rmj", clock)


def preview(app) -> str:
    return str(app.screen.query_one("#preview").render())


async def test_review_screen_shows_the_figures(app_factory, demo_path: Path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        figures = review_figures(app.journal_file.journal)
        text = shown_text(app)
        held = f"{figures.sessions_held} of {figures.sessions_planned}"
        assert held in text and "planned sessions held" in text
        assert f"Commitments kept: {figures.commitments_kept} of {figures.commitments_made}" in text
        assert f"Overdue now: {figures.overdue}" in text
        assert "██ agreed" in text and "░░ closed" in text  # series told apart without colour
        assert "Goals revisited" in text and "Learnings over time" in text
        for entry in figures.learnings:
            assert " ".join(entry.text.split()) in text
        assert app.focused is not None and app.focused.id == "review"  # scrolls by keyboard
        await pilot.press("f5", "down", "end")
        assert isinstance(app.screen, ReviewScreen)


async def test_the_decision_is_taken_from_the_review_screen(app_factory, demo_path: Path) -> None:
    """The review is where a pair decides: `x` there asks close, extend or a part two, and the
    answer is recorded (on the relationship screen, where the stage it leads to shows)."""
    from rmjournal.app.dialogs.form import ChoiceDialog

    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        journal = app.journal_file.journal
        before = journal.pair().phase
        await pilot.press("x")
        await step(pilot)  # not `settle`: the worker asking waits for the answer
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("p")
        await settle(app, pilot, rounds=4)
        assert journal.pair().phase == before + 1
        assert not isinstance(app.screen, ChoiceDialog)


async def test_every_review_panel_title_shows_whole_at_80_columns(app_factory, demo_path) -> None:
    """ "Actions agreed and closed per month" showed as "Actions agreed and closed per m…"."""
    from contentkit import rendered_text

    app = app_factory(demo_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_app(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewScreen)
        drawn = rendered_text(app)
        titles = [str(panel.border_title) for panel in app.screen.query(".panel")]
        shown = [t for t in titles if t in drawn]
        top = ["Sessions and cadence", "Actions and commitments", "Sessions held per month"]
        assert set(top) <= set(shown) and any("per month" in t and "Actions" in t for t in shown)


def test_bars_carry_numbers_and_a_character_per_series() -> None:
    out = bars(
        [
            ("agreed", "█", [MonthCount("2026-03", 4), MonthCount("2026-04", 0)]),
            ("closed", "░", [MonthCount("2026-03", 1), MonthCount("2026-04", 2)]),
        ]
    ).plain
    lines = out.splitlines()
    assert lines[0] == "██ agreed   ░░ closed"
    assert lines[1].startswith("Mar 26 " + "█" * 16 + " 4") and "░░░░ 1" in lines[1]
    assert lines[2].startswith("Apr 26  0") and "░" * 8 + " 2" in lines[2]


async def test_export_preview_approvals_by_both_and_writing(
    app_factory, demo_path: Path, tmp_path: Path
) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert DRAFT_MARKER in preview(app)
        text = shown_text(app)
        assert "private — private items never leave the journal" in text
        assert "pair-only — only items marked shareable" in text
        assert "plaintext by nature" in text
        # The mentor approves with one key: still a draft.
        await pilot.press("p")
        await settle(app, pilot)
        status = str(screen.query_one("#approval-status").render())
        assert "✓ the mentor (you): approved on 2026-07-20" in status
        assert "✗ the mentee: not approved yet" in status
        assert DRAFT_MARKER in preview(app)
        # A wrong passphrase for the mentee approves nothing.
        await pilot.press("o")
        assert app.focused is screen.query_one("#partner-secret")
        app.focused.value = "not the mentee's"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "✗" in str(screen.query_one("#partner-message").render())
        assert "✗ the mentee" in str(screen.query_one("#approval-status").render())
        # The mentee types their own passphrase: both approved, no longer a draft.
        field = screen.query_one("#partner-secret")
        field.focus()
        field.value = MENTEE_PASSPHRASE
        await pilot.press("enter")
        await settle(app, pilot, 4)
        status = str(screen.query_one("#approval-status").render())
        assert "FINAL" in status and "✓ the mentee: approved" in status
        assert DRAFT_MARKER not in preview(app)
        assert "Approved by both partners" in preview(app)
        assert field.value == ""
        # Anonymise: the preview follows.
        screen.query_one("#preview-box").focus()
        await pilot.press("n")
        await settle(app, pilot)
        pair = app.journal_file.journal.pair()
        for name in (pair.mentor.name, pair.mentee.name):
            for part in name.split():
                assert part.lower() not in preview(app).lower()
        # The anonymised summary is its own variant: approving the named one did not approve it.
        status = str(screen.query_one("#approval-status").render())
        assert "DRAFT" in status and "✗ the mentor (you): not approved yet" in status
        assert DRAFT_MARKER in preview(app)
        await pilot.press("p")
        await settle(app, pilot)
        field.focus()
        field.value = MENTEE_PASSPHRASE
        await pilot.press("enter")
        await settle(app, pilot, 4)
        status = str(screen.query_one("#approval-status").render())
        assert "FINAL" in status and "anonymised version" in status
        assert DRAFT_MARKER not in preview(app)
        # A folder that does not exist is reported, nothing is made.
        screen.query_one("#out-path").value = str(tmp_path / "nowhere" / "s.md")
        screen.query_one("#preview-box").focus()
        await pilot.press("w")
        await settle(app, pilot)
        if isinstance(app.screen, ConfirmDialog):  # the demo's text names a third party
            await pilot.press("y")
        await settle(app, pilot, 4)
        message = str(screen.query_one("#write-message").render())
        assert "✗" in message and "does not exist" in message
        assert not (tmp_path / "nowhere").exists()
        # Write HTML to a chosen path: atomic, 0600.
        out = tmp_path / "exports" / "summary.md"
        out.parent.mkdir()
        screen.query_one("#out-path").value = str(out)
        screen.query_one("#format-html").value = True
        await settle(app, pilot)
        written = out.with_suffix(".html")
        assert screen.query_one("#out-path").value == str(written)
        screen.query_one("#preview-box").focus()
        await pilot.press("w")
        await settle(app, pilot)
        if isinstance(app.screen, ConfirmDialog):  # the demo's text names a third party
            await pilot.press("y")
        await settle(app, pilot, 4)
        assert "✓ Wrote" in str(screen.query_one("#write-message").render())
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        html = written.read_text(encoding="utf-8")
        assert html.startswith("<!DOCTYPE html>") and "DRAFT" not in html
        assert pair.mentee.name.split()[0] not in html
        assert app.journal_file.journal.changes > 0  # approvals are saved with the journal


def _snapshot(app_factory, demo_path: Path, key: str, theme: str):
    app = app_factory(demo_path)

    async def run_before(pilot) -> None:
        await open_app(app, pilot)
        app.use_theme(theme, quiet=True)
        await pilot.press(key)
        await settle(app, pilot)

    return app, run_before


@pytest.mark.parametrize("theme", ["dark", "high-contrast"])
def test_review_snapshot(snap_compare, app_factory, demo_path: Path, theme: str) -> None:
    app, run_before = _snapshot(app_factory, demo_path, "r", theme)
    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)


@pytest.mark.parametrize("theme", ["dark", "high-contrast"])
def test_export_snapshot(snap_compare, app_factory, demo_path: Path, theme: str) -> None:
    app, run_before = _snapshot(app_factory, demo_path, "e", theme)
    assert snap_compare(app, run_before=run_before, terminal_size=SIZE)
