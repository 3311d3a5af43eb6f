"""The `rmjournal` console script's entry point, kept apart so that nothing is imported first.

The cycle collector is switched off here, before the command line's modules are imported:
importing them builds tens of thousands of long-lived objects, and the collector would walk
them again and again while they were built, `rmjournal.cli`'s own imports included. This is the
one place it is switched off; `rmjournal.cli.main()` freezes what start-up built and switches
it back on before the command runs (`_restart_collector`), so cycles the command makes are
still collected.
"""

import gc


def run() -> None:  # never returns; `typing.NoReturn` would import typing before the pause
    """Pause the collector, then hand over to `rmjournal.cli.run()` (which exits)."""
    paused = gc.isenabled()
    gc.disable()
    from rmjournal.cli import run as run_command

    run_command(collector_paused=paused)
