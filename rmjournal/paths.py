"""Where rmjournal keeps things on this computer: settings, journals, backups and state.

One module answers for the CLI, the app and the core alike, so that a script, the app and
`rmjournal demo` always agree on the folders. `platformdirs` gives each system its own
convention (XDG on Linux, `~/Library/Application Support` on macOS, `%APPDATA%` on Windows);
`XDG_*` variables are honoured on Linux as the XDG specification says.

The state folder holds facts about files, never secrets or journal text: which slot opened a
file last and the highest save generation seen (see `rmjournal.core.seen`).
"""

from __future__ import annotations

from pathlib import Path

APP_NAME = "rmjournal"
JOURNAL_SUFFIX = ".rmj"
"""The suffix given to journals created in the data folder."""
BACKUPS = "backups"
"""The sub-folder of the data folder that `rmjournal backup` writes to without `--out`."""


def config_dir() -> Path:
    """The folder of `config.toml` and `themes/` (Linux: `$XDG_CONFIG_HOME/rmjournal`)."""
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False, roaming=True))


def data_dir() -> Path:
    """The journals' default home (Linux: `$XDG_DATA_HOME/rmjournal`), before `data_dir` in
    `config.toml` is taken into account."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False, roaming=False))


def state_dir() -> Path:
    """Per-user facts about journals seen on this computer (Linux: `$XDG_STATE_HOME/rmjournal`)."""
    import platformdirs

    return Path(platformdirs.user_state_dir(APP_NAME, appauthor=False, roaming=False))


def backups_dir(journals: Path) -> Path:
    """Where backups go by default: beside the journals, never among them."""
    return journals / BACKUPS
