"""Themes as data: the bundled dark, light and high-contrast files, and the user's own.

The bundled files live in the repository's top-level `themes/` folder and are installed as the
package data `rmjournal/themes/*.toml`, read with `importlib.resources` (so they are found in a
wheel, an editable install or a zip alike).

Each theme is a TOML file validated on load (known keys, colours that parse), so a broken user
theme is reported once by name instead of crashing the app or painting it unreadable.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable  # importlib.abc.Traversable goes in 3.14
from pathlib import Path
from typing import Any

from textual.color import Color, ColorParseError
from textual.theme import Theme

BUNDLED_PACKAGE = "rmjournal.themes"
BUNDLED_NAMES = ("dark", "light", "high-contrast")
FALLBACK_THEME = "dark"
COLOR_KEYS = (
    "primary",
    "secondary",
    "accent",
    "foreground",
    "background",
    "surface",
    "panel",
    "boost",
    "success",
    "warning",
    "error",
)
TOP_KEYS = {"name", "dark", "luminosity_spread", "text_alpha", "colors", "variables"}


class ThemeInvalid(ValueError):
    """A theme file that cannot be used; the message says why, in one line."""


def _check_color(where: str, value: Any) -> str:
    if not isinstance(value, str):
        raise ThemeInvalid(f"{where} must be a colour in quotes")
    try:
        Color.parse(value)
    except ColorParseError:
        raise ThemeInvalid(f"{where} = {value!r} is not a colour") from None
    return value


def theme_from_data(data: dict[str, Any]) -> Theme:
    """A Textual `Theme` from a parsed theme file, or `ThemeInvalid` saying what is wrong."""
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise ThemeInvalid(f"unknown key {unknown[0]!r}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ThemeInvalid("name must be a non-empty text")
    dark = data.get("dark", True)
    if not isinstance(dark, bool):
        raise ThemeInvalid("dark must be true or false")
    colors = data.get("colors")
    if not isinstance(colors, dict) or "primary" not in colors:
        raise ThemeInvalid("a [colors] table with at least primary is needed")
    bad = sorted(set(colors) - set(COLOR_KEYS))
    if bad:
        raise ThemeInvalid(f"unknown colour {bad[0]!r}")
    checked = {key: _check_color(key, value) for key, value in colors.items()}
    variables = data.get("variables", {})
    if not isinstance(variables, dict):
        raise ThemeInvalid("[variables] must be a table")
    for key, value in variables.items():
        if not isinstance(value, str):
            raise ThemeInvalid(f"variable {key!r} must be text")
    numbers: dict[str, float] = {}
    for key in ("luminosity_spread", "text_alpha"):
        if key in data:
            value = data[key]
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
                raise ThemeInvalid(f"{key} must be a number from 0 to 1")
            numbers[key] = float(value)
    theme = Theme(
        name=name.strip(), primary=checked["primary"], dark=dark, variables=dict(variables)
    )
    for key, color in checked.items():
        setattr(theme, key, color)
    for key, number in numbers.items():
        setattr(theme, key, number)
    return theme


def load_theme_file(path: Path | Traversable) -> Theme:
    """The theme in one TOML file; `ThemeInvalid` if it cannot be read or is wrong."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeInvalid(f"could not be read ({type(exc).__name__})") from None
    except tomllib.TOMLDecodeError as exc:
        raise ThemeInvalid(f"is not valid TOML ({exc})") from None
    return theme_from_data(data)


def bundled_themes() -> list[Theme]:
    """The three themes shipped with the app (a broken one is a bug, so it raises)."""
    folder = bundled_folder()
    return [load_theme_file(folder / f"{name}.toml") for name in BUNDLED_NAMES]


def bundled_folder() -> Traversable:
    """The installed `rmjournal/themes` package data, or the checkout's `themes/` folder when
    rmjournal runs from a source tree that is not installed (`python -m rmjournal` there)."""
    try:
        return resources.files(BUNDLED_PACKAGE)
    except ModuleNotFoundError:
        return Path(__file__).resolve().parents[2] / "themes"


@dataclass
class UserThemes:
    """The user's themes that loaded, and `file name: reason` for each that did not."""

    themes: list[Theme] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def load_user_themes(folder: Path) -> UserThemes:
    """Every `*.toml` theme in `folder` (sorted by name); a missing folder is no themes."""
    found = UserThemes()
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.toml")):
        try:
            found.themes.append(load_theme_file(path))
        except ThemeInvalid as exc:
            found.failures.append(f"{path.name}: {exc}")
    return found
