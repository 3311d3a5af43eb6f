"""The app without colour or a mouse: placeholders as drawn, help, palette, keyboard toggles."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.color import Color
from textual.widgets import Input
from uikit import SIZE

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "unit"))
from test_contrast import MINIMUM, ratio


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
