"""The app's settings: where journals live, which theme, when to lock, key remapping.

Read once at start from `$XDG_CONFIG_HOME/rmjournal/config.toml`; a bad file never stops the app,
it gives one clear notification and the defaults, because a typo must not lock people out.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "rmjournal"
DEFAULT_THEME = "dark"
DEFAULT_LOCK_MINUTES = 10.0
JOURNAL_SUFFIX = ".rmj"
"""The suffix given to journals created from the app in the data folder."""


def config_dir(environ: dict[str, str] | None = None) -> Path:
    """`$XDG_CONFIG_HOME/rmjournal`, or `~/.config/rmjournal`."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / APP_NAME


def data_dir(environ: dict[str, str] | None = None) -> Path:
    """`$XDG_DATA_HOME/rmjournal`, or `~/.local/share/rmjournal`: the journals' default home."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / APP_NAME


@dataclass
class Config:
    """Settings as the app uses them, every one with a safe default."""

    theme: str = DEFAULT_THEME
    lock_timeout_minutes: float = DEFAULT_LOCK_MINUTES
    data_dir: Path | None = None
    keys: dict[str, str] = field(default_factory=dict)
    """Binding id → key(s), e.g. `{"go.dashboard": "f2"}`; applied with `App.set_keymap`."""


@dataclass
class LoadedConfig:
    """A config and the problems found reading it (shown once as a notification)."""

    config: Config
    problems: list[str] = field(default_factory=list)


def parse_config(text: str) -> LoadedConfig:
    """Settings from TOML text; unknown or wrong values are reported and left at their default."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return LoadedConfig(Config(), [f"it is not valid TOML ({exc}); using the defaults"])
    config = Config()
    problems: list[str] = []
    for key, value in raw.items():
        if key == "theme":
            if isinstance(value, str) and value.strip():
                config.theme = value.strip()
            else:
                problems.append("theme must be a theme name in quotes")
        elif key == "lock_timeout_minutes":
            if isinstance(value, int | float) and not isinstance(value, bool) and value > 0:
                config.lock_timeout_minutes = float(value)
            else:
                problems.append("lock_timeout_minutes must be a number above 0")
        elif key == "data_dir":
            if isinstance(value, str) and value.strip():
                config.data_dir = Path(value).expanduser()
            else:
                problems.append("data_dir must be a folder path in quotes")
        elif key == "keys":
            if isinstance(value, dict) and all(
                isinstance(k, str) and isinstance(v, str) for k, v in value.items()
            ):
                config.keys = dict(value)
            else:
                problems.append('keys must be a table of binding id = "key"')
        else:
            problems.append(f"unknown setting {key!r}")
    return LoadedConfig(config, problems)


def load_config(path: Path) -> LoadedConfig:
    """The config at `path`; a missing file is the defaults without a complaint."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedConfig(Config())
    except (OSError, UnicodeDecodeError) as exc:
        return LoadedConfig(Config(), [f"it could not be read ({type(exc).__name__})"])
    return parse_config(text)
