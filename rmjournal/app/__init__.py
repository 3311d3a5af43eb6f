"""The Textual face of rmjournal: `make_app()` builds it, `run_app()` runs it.

One factory serves the CLI and the tests alike (paths, clock, config and the test-KDF switch
are all arguments), so what the tests drive is exactly what people run. Textual is imported
only inside these functions, keeping `import rmjournal.app` cheap for the CLI.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from rmjournal.core.errors import UsageError

if TYPE_CHECKING:
    from rmjournal.app.app import RMJournalApp
    from rmjournal.config import LoadedConfig
    from rmjournal.core.clock import Clock


class UnsafeEnvironment(UsageError):
    """Textual logging or devtools are switched on: they would stream journal text out."""


def unsafe_environment(environ: Mapping[str, str] | None = None) -> str | None:
    """Why the app must not start here, or None: every Textual switch that writes the screen
    or a log (TEXTUAL_LOG, TEXTUAL_SCREENSHOT and its location/file name, devtools, debug)."""
    env = os.environ if environ is None else environ
    if env.get("TEXTUAL_LOG"):
        return (
            "TEXTUAL_LOG is set: Textual would copy everything on screen, journal text included, "
            "into that log file. Unset TEXTUAL_LOG and start rmjournal again."
        )
    for name in (
        "TEXTUAL_SCREENSHOT",
        "TEXTUAL_SCREENSHOT_LOCATION",
        "TEXTUAL_SCREENSHOT_FILENAME",
    ):
        if env.get(name, "").strip() not in ("", "-1"):
            return (
                f"{name} is set: Textual would write the screen, journal text included, to an "
                f"SVG file. Unset {name} and start rmjournal again."
            )
    features = {part.strip().lower() for part in env.get("TEXTUAL", "").split(",")}
    if features & {"devtools", "debug"} or env.get("TEXTUAL_DEBUG") == "1":
        name = "TEXTUAL" if features & {"devtools", "debug"} else "TEXTUAL_DEBUG"
        return (
            f"{name} asks for devtools or debug: they would stream journal text to a console "
            f"or print it on errors. Unset {name} and start rmjournal again."
        )
    return None


def make_app(
    path: Path | None = None,
    *,
    clock: Clock | None = None,
    data_dir: Path | None = None,
    config_dir: Path | None = None,
    config: LoadedConfig | None = None,
    allow_test_kdf: bool = False,
    unlock_hint: str = "",
    autosave_delay: float = 2.0,
    tick_seconds: float = 0.25,
    monotonic: Callable[[], float] | None = None,
    environ: Mapping[str, str] | None = None,
) -> RMJournalApp:
    """The app, ready to run; refuses (`UnsafeEnvironment`) where it would leak journal text."""
    reason = unsafe_environment(environ)
    if reason:
        raise UnsafeEnvironment(reason)
    from rmjournal import config as settings
    from rmjournal import paths
    from rmjournal.core.hardening import harden_process

    harden_process()  # before the unlock or create screen can hold a passphrase: no core dumps
    from rmjournal.app.app import AppOptions, RMJournalApp
    from rmjournal.app.themes import load_user_themes

    folder = config_dir if config_dir is not None else paths.config_dir()
    loaded = config if config is not None else settings.load_config(folder / settings.CONFIG_FILE)
    journals = data_dir or settings.journals_dir(loaded)
    options = AppOptions(
        path=path,
        data_dir=journals,
        config_dir=folder,
        loaded_config=loaded,
        user_themes=load_user_themes(folder / "themes"),
        clock=clock,
        allow_test_kdf=allow_test_kdf,
        unlock_hint=unlock_hint,
        autosave_delay=autosave_delay,
        tick_seconds=tick_seconds,
    )
    if monotonic is not None:
        options.monotonic = monotonic
    return RMJournalApp(options)


def run_app(path: Path | None = None, **options: object) -> int:
    """Run the app in this terminal until it quits; the exit code (1 after a crash)."""
    app = make_app(path, **options)  # type: ignore[arg-type]
    app.run()
    return app.return_code or 0
