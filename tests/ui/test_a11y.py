"""The app without colour or a mouse: placeholders as drawn, help, palette, keyboard toggles."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from textual.color import Color
from textual.command import CommandList, CommandPalette
from textual.widgets import Input
from uikit import SIZE, settle, unlock

from rmjournal.app.screens.help import HelpScreen, product_classes

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from contrastkit import MINIMUM, ratio


@pytest.mark.parametrize("theme", sorted(MINIMUM))
async def test_placeholder_as_drawn_meets_the_theme_minimum(
    app_factory, journal_path: Path, theme: str
) -> None:
    """The unlock field's placeholder, read from the rendered line, blurred and with the cursor."""
    app = app_factory(journal_path)
    async with app.run_test(size=SIZE) as pilot:
        app.use_theme(theme, quiet=True)
        await pilot.pause()
        field = app.screen.query_one("#secret", Input)
        field.value = ""
        for focused in (True, False):
            if focused:
                field.focus()
            else:
                app.screen.set_focus(None)
            await pilot.pause()
            line = field.render_line(0)
            parts = [s for s in line if s.text.strip() and s.text.strip() in field.placeholder]
            assert parts, f"no placeholder drawn: {[s.text for s in line]}"
            for segment in parts:
                style = segment.style
                assert style is not None and style.color and style.bgcolor
                fg = Color.from_rich_color(style.color)
                bg = Color.from_rich_color(style.bgcolor)
                got = ratio(fg, bg)
                assert got >= MINIMUM[theme], f"{theme}: placeholder {got:.2f}:1 ({focused=})"


# ---------------------------------------------------------------------------- help

TEXTUAL_INTERNALS = ("Copy selected text", "Cursor left", "Focus Next", "Focus Previous")


async def test_help_is_the_product_keys_by_screen_in_pages_that_fit_80x24(
    app_factory, journal_path: Path
) -> None:
    app = app_factory(journal_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("e")
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        pages = help_screen.pages
        # Opens on the page of the screen it was called from.
        title = str(help_screen.query_one("#help-title").render())
        assert title.startswith("Keys: Export — page ") and f"of {len(pages)}" in title
        # Only the product's keys: each can be remapped by its id; none of Textual's internals.
        for row in help_screen.rows:
            assert row.binding_id or row.description.startswith("Command palette"), row
            assert row.description not in TEXTUAL_INTERNALS, row
        # Grouped by screen: every class that binds product keys has its page.
        covered = {owner for page in pages for owner in page.owners}
        assert set(product_classes()) <= covered
        titles = [page.title for page in pages]
        for name in ("Everywhere", "Dashboard", "Sessions", "Actions", "Review", "Export"):
            assert name in titles
        # Each page fits: nothing to scroll, whichever page is shown.
        box = help_screen.query_one("#help-keys-box")
        start, seen = help_screen.page, set()
        for _ in pages:
            await pilot.press("right")
            await pilot.pause()
            seen.add(str(help_screen.query_one("#help-title").render()))
            assert box.max_scroll_y == 0, f"a help page scrolls: {seen}"
        assert len(seen) == len(pages) and help_screen.page == start
        await pilot.press("left")
        assert help_screen.page == (start - 1) % len(pages)
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


# ---------------------------------------------------------------------------- palette


async def _palette(app, pilot, query: str = "") -> list[str]:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(app.screen, CommandPalette)
    app.screen.query_one("CommandInput").value = query
    await pilot.pause(0.3)
    results = app.screen.query_one(CommandList)
    titles = [str(results.get_option_at_index(i).prompt) for i in range(results.option_count)]
    await pilot.press("escape")
    await pilot.pause()
    return [t.splitlines()[0] for t in titles]


JOBS = (
    "Merge another copy",
    "Back up now",
    "Export the journal as JSON",
    "Import a JSON document",
    "New recovery key",
    "Approve the summary",
    "Partner's passphrase",
)


async def test_palette_holds_the_products_commands_and_themes_only(
    app_factory, journal_path: Path, tmp_path: Path
) -> None:
    themes = tmp_path / "cfg" / "themes"
    themes.mkdir(parents=True)
    (themes / "ours.toml").write_text('name = "ours"\n[colors]\nprimary = "#123456"\n')
    app = app_factory(journal_path, config_dir=tmp_path / "cfg")
    async with app.run_test(size=SIZE) as pilot:
        await unlock(app, pilot, PASSPHRASE)
        await pilot.press("e")
        await settle(app, pilot)
        titles = await _palette(app, pilot)
        assert titles, "the palette lists its commands before anything is typed"
        themes_offered = {t.removeprefix("Theme: ") for t in titles if t.startswith("Theme: ")}
        assert themes_offered == {"dark", "light", "high-contrast", "ours"}
        for job in JOBS:
            assert job in titles, f"{job!r} is not in the palette"
        for title in titles:
            assert not any(word in title for word in TEXTUAL_INTERNALS), title
            assert title not in {"Keys", "Maximize", "Minimize", "Bell", "Screenshot", "Theme"}
        for typed, unwanted in (("focus", "Focus Next"), ("textual", "Theme: textual-dark")):
            assert not any(unwanted in t for t in await _palette(app, pilot, typed))
