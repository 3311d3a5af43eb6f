"""The scheme return in the app: what it holds, shown before approval, from Export or palette."""

from __future__ import annotations

from pathlib import Path

import pytest
from contentkit import make_demo_journal, open_app, shown_text
from uikit import settle

from rmjournal.app.screens.scheme_return import ReturnScreen, return_lines
from rmjournal.core.scheme.consent import approved_roles, pair_figures

SIZE = (120, 40)


@pytest.fixture
def demo_path(journal_dir: Path, clock) -> Path:
    return make_demo_journal(journal_dir / "demo.rmj", clock)


async def test_the_return_screen_shows_every_figure_and_approves(
    app_factory, demo_path: Path
) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("t")
        await settle(app, pilot)
        assert isinstance(app.screen, ReturnScreen)
        journal = app.journal_file.journal
        figures = pair_figures(journal)
        text = shown_text(app)
        for label, value in return_lines(figures):
            assert f"{label}: {value}" in text
        assert len(return_lines(figures)) == len(figures) - 1  # check_in_held shares a line
        assert "no names, titles, notes, tags or dates" in text
        pair = journal.pair()
        assert pair is not None and pair.mentor.name not in text and pair.title not in text
        assert "✗ not approved (or withdrawn by a change): the mentor (you)" in text
        await pilot.press("p")
        await settle(app, pilot)
        assert approved_roles(journal) == {"mentor": True, "mentee": False}
        assert "✓ approved: the mentor (you)" in shown_text(app)
        await pilot.press("escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, ReturnScreen)


async def test_the_palette_opens_the_return(app_factory, demo_path: Path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await app.run_action("screen_action('export', 'scheme_return')")
        await settle(app, pilot)
        assert isinstance(app.screen, ReturnScreen)
        assert "Months since the start" in shown_text(app)
