"""Contrast of every text-on-background pair the app draws, from each theme's resolved variables.

Ratios are WCAG 2 contrast from relative luminance. The bundled high-contrast theme must reach 7:1
(AAA) and the others 4.5:1 (AA) for all text, placeholders and disabled text included. Values are
Textual's own resolution of each theme (`ColorSystem.generate()`), so a default that Textual
derives (such as `text-muted`, "auto 60%") is measured as the app shows it.
"""

from __future__ import annotations

import re

import pytest
from contrastkit import MINIMUM, ratio
from textual.color import Color

from rmjournal.app.themes import bundled_themes

PLAIN_BACKGROUNDS = ("background", "surface", "panel")

TEXT_ON_PLAIN = (
    "foreground",  # labels, status line, toasts
    "text",  # body text
    "text-muted",  # hints, filters, search status
    "text-disabled",  # placeholders in every field, disabled widgets
    "text-primary",
    "text-warning",  # the export warning
    "text-error",  # form problems
    "text-success",  # the tick of a checked box
    "text-accent",
    "primary",  # screen titles and headings
)
"""Text colours drawn straight on the screen's, a panel's or a field's background."""

PAIRS = (
    ("footer-key-foreground", "footer-background"),  # footer keys
    ("footer-description-foreground", "footer-background"),
    ("footer-foreground", "footer-background"),
    ("block-cursor-foreground", "block-cursor-background"),  # the selected row, focused toggle
    ("block-cursor-blurred-foreground", "block-cursor-blurred-background"),  # unfocused selection
    ("button-foreground", "surface"),
    ("button-color-foreground", "primary"),  # the primary button
    ("input-cursor-foreground", "input-cursor-background"),
    ("input-selection-foreground", "input-selection-background"),
    ("foreground", "panel-lighten-1"),  # toasts
    ("text-error", "panel-lighten-1"),
    ("text-warning", "panel-lighten-1"),
    ("text-success", "panel-lighten-1"),
    ("foreground", "error 30% on panel"),  # the status line when saving failed
    ("foreground", "warning 15% on panel"),  # the status line with unsaved changes
    ("foreground", "boost"),  # a choice (Cycle)
    ("foreground", "foreground 5% on surface"),  # a field with the cursor
    ("text-disabled", "foreground 5% on surface"),  # its placeholder
)
"""Other pairs: a foreground variable on a background variable (or a tint of one over another)."""


def test_ratio_matches_known_values() -> None:
    white, black = Color.parse("#ffffff"), Color.parse("#000000")
    assert ratio(white, black) == pytest.approx(21.0)
    assert ratio(black, black) == pytest.approx(1.0)
    assert ratio(Color.parse("#767676"), white) == pytest.approx(4.54, abs=0.01)


def resolve(variables: dict[str, str], value: str, under: Color) -> Color:
    """A variable's value as the opaque colour seen over `under` (alpha and "auto" applied)."""
    value = value.strip()
    if value.startswith("$"):
        value = variables[value[1:]]
    if value in ("transparent", "initial", "ansi_default"):
        return under
    match = re.fullmatch(r"(\S+)\s+(\d+(?:\.\d+)?)%", value)
    alpha = 1.0
    if match:
        value, alpha = match.group(1), float(match.group(2)) / 100
    if value == "auto":
        color = under.get_contrast_text(alpha)
    else:
        color = Color.parse(variables.get(value, value)).multiply_alpha(alpha)
    return under + color if color.a < 1 else color


def background(variables: dict[str, str], name: str) -> Color:
    """A background variable, or "tint N% on base" as the colour it paints."""
    match = re.fullmatch(r"(\S+) (\d+)% on (\S+)", name)
    if match:
        base = background(variables, match.group(3))
        return resolve(variables, f"{variables[match.group(1)]} {match.group(2)}%", base)
    screen = Color.parse(variables["background"])
    return resolve(variables, variables[name], screen)


def theme_pairs() -> list[tuple[str, str, str]]:
    pairs = [(fg, bg) for fg in TEXT_ON_PLAIN for bg in PLAIN_BACKGROUNDS] + list(PAIRS)
    return [(name, fg, bg) for name in MINIMUM for fg, bg in pairs]


def measured(theme_name: str, fg: str, bg: str) -> float:
    theme = next(t for t in bundled_themes() if t.name == theme_name)
    variables = theme.to_color_system().generate()
    under = background(variables, bg)
    return ratio(resolve(variables, variables[fg], under), under)


@pytest.mark.parametrize(("theme", "fg", "bg"), theme_pairs())
def test_text_contrast(theme: str, fg: str, bg: str) -> None:
    got = measured(theme, fg, bg)
    assert got >= MINIMUM[theme], f"{theme}: {fg} on {bg} is {got:.2f}:1"


def test_every_bundled_theme_is_measured() -> None:
    assert {t.name for t in bundled_themes()} == set(MINIMUM)
