"""Search as you type, results opened in their place, and user text shown literally everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest
from contentkit import (
    MARKUP,
    THEMES,
    keys_for,
    make_demo_journal,
    make_markup_journal,
    open_app,
    rendered_text,
    shown_text,
    snapshot_run,
)
from uikit import SIZE, settle

from rmjournal.app.screens.actions import ActionsScreen
from rmjournal.app.screens.record import RecordScreen
from rmjournal.app.screens.search import SearchScreen
from rmjournal.text import plain


@pytest.fixture
def demo_path(journal_dir: Path, clock) -> Path:
    return make_demo_journal(journal_dir / "demo.rmj", clock)


async def test_results_as_you_type_and_open_in_place(app_factory, demo_path) -> None:
    app = app_factory(demo_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_app(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await pilot.press(*keys_for("advert*"))  # letters are text here, not fixed keys
        assert isinstance(app.screen, SearchScreen)
        await pilot.pause(0.3)  # the search runs once typing stops
        kinds = [hit.kind for hit in screen.hits]
        assert "agenda" in kinds and "action" in kinds
        assert "Recruitment adverts" in shown_text(app)
        # The partner's private reflection mentions adverts too, but is not found.
        assert all("I felt defensive" not in hit.snippet for hit in screen.hits)
        agenda_hit = kinds.index("agenda")
        await pilot.press("down", *["down"] * agenda_hit, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordScreen)
        assert app.screen.session_id == screen.hits[agenda_hit].session_id
        assert app.screen.current_item().id == screen.hits[agenda_hit].id
        await pilot.press("slash")
        await settle(app, pilot)
        await pilot.press("ctrl+u", *keys_for("audit"))
        await pilot.pause(0.3)
        assert len(screen.hits) == 1 and "1 result ·" in shown_text(app)  # not "1 results"
        await pilot.press("enter")  # Enter opens the best hit
        await settle(app, pilot)
        assert isinstance(app.screen, ActionsScreen)
        assert app.screen.current_action().title.startswith("Audit the route")


async def test_user_text_is_literal_on_every_screen(app_factory, journal_dir, clock) -> None:
    app = app_factory(make_markup_journal(journal_dir / "markup.rmj", clock))
    shown_markup = plain(MARKUP)  # the ESC character shows as ␛
    async with app.run_test(size=(180, 40)) as pilot:
        await open_app(app, pilot)
        seen: dict[str, str] = {}
        for name, keys in (
            ("dashboard", ()),
            ("sessions", ("s",)),
            ("agenda", ("p",)),
            ("record", ("escape", "up", "enter")),
            ("actions", ("a",)),
            ("action", ("down", "down", "enter")),
        ):
            await pilot.press(*keys)
            await settle(app, pilot, rounds=1)
            seen[name] = rendered_text(app)
            assert "\x1b" not in seen[name], name
        assert f"M {shown_markup}" in seen["dashboard"]
        assert f"topic {shown_markup}" in seen["agenda"]
        assert "notes [bold red]not bold[/]" in seen["record"]  # soft-wrapped after this
        assert f"learning {shown_markup}" in seen["record"]
        assert f"action {shown_markup}" in seen["actions"]
        assert f"detail {shown_markup}" in seen["action"]
        assert f"follow {shown_markup}" in seen["action"]
        await pilot.press("slash", *keys_for("follow"))
        await pilot.pause(0.3)
        found = rendered_text(app)
        assert "follow [bold red]not bold[/] [link=https://x.test]x[/link]" in found
        assert "\x1b" not in found


@pytest.mark.parametrize("theme", THEMES)
def test_search_snapshot(snap_compare, app_factory, demo_path, theme: str) -> None:
    app = app_factory(demo_path)

    async def typed(pilot) -> None:
        await pilot.press(*keys_for("advert*"))
        await pilot.pause(0.3)

    run = snapshot_run(app, theme, "slash", then=typed)
    assert snap_compare(app, run_before=run, terminal_size=SIZE)
