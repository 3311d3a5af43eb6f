"""WCAG contrast, for the tests that hold every theme's text to it."""

from __future__ import annotations

from textual.color import Color

MINIMUM = {"high-contrast": 7.0, "dark": 4.5, "light": 4.5}
"""The least contrast each bundled theme's text must have (WCAG AAA for high contrast, AA else)."""


def luminance(color: Color) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def ratio(a: Color, b: Color) -> float:
    """WCAG contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)
