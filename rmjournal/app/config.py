"""The app's view of the settings: `rmjournal.config` (plain Python, shared with the CLI) and
the folders of `rmjournal.paths`, under the names the app's modules import."""

from __future__ import annotations

from rmjournal.config import (
    CONFIG_FILE,
    DEFAULT_LOCK_MINUTES,
    DEFAULT_THEME,
    Config,
    LoadedConfig,
    journals_dir,
    load_config,
    load_user_config,
    parse_config,
)
from rmjournal.paths import APP_NAME, JOURNAL_SUFFIX, config_dir, data_dir

__all__ = [
    "APP_NAME",
    "CONFIG_FILE",
    "DEFAULT_LOCK_MINUTES",
    "DEFAULT_THEME",
    "JOURNAL_SUFFIX",
    "Config",
    "LoadedConfig",
    "config_dir",
    "data_dir",
    "journals_dir",
    "load_config",
    "load_user_config",
    "parse_config",
]
