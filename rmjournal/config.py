"""The settings in `config.toml`: where journals live, which theme, when to lock, key remapping.

Read once at start from the config folder (`rmjournal.paths.config_dir()`); a bad file never
stops the app or a command, it gives one clear notification and the defaults, because a typo
must not lock people out. Plain Python (no textual), so the CLI reads the same settings the app
does: `rmjournal demo` and the picker agree on `data_dir`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rmjournal import paths

DEFAULT_THEME = "dark"
DEFAULT_LOCK_MINUTES = 10.0
CONFIG_FILE = "config.toml"


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
        return LoadedConfig(Config(), [f"it is not valid TOML ({exc})"])
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


def load_user_config() -> LoadedConfig:
    """The settings in this user's config folder (the defaults when there is no file)."""
    return load_config(paths.config_dir() / CONFIG_FILE)


def journals_dir(loaded: LoadedConfig | None = None) -> Path:
    """Where journals live: `data_dir` from config.toml, else the system's data folder."""
    config = (loaded or load_user_config()).config
    return config.data_dir or paths.data_dir()
