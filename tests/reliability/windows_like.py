"""Run rmjournal as on Windows, as far as Linux allows: the POSIX-only modules cannot be imported
and the POSIX-only `os` attributes are gone, so any unguarded use in rmjournal fails here.

`python windows_like.py cli ARGS…` runs the CLI; `python windows_like.py unlock PATH PASSPHRASE`
starts the app headless (Textual's pilot) and unlocks PATH. Third-party libraries that choose
their platform's module themselves are imported before the modules are blocked (portalocker:
`msvcrt` on Windows, `fcntl` here; platformdirs: its Windows or Unix part; Textual: its
driver), since only rmjournal's own code is on trial.
"""

from __future__ import annotations

import asyncio
import importlib.abc
import os
import sys

import platformdirs  # noqa: F401  (picks its Windows or Unix part itself)
import portalocker  # noqa: F401  (takes its locking module before it is blocked)
import textual.drivers.linux_driver  # noqa: F401  (Textual picks its own driver by platform)

BLOCKED = {"fcntl", "termios", "tty", "pty", "resource", "pwd", "grp", "posix"}
REMOVED = (
    "getuid", "geteuid", "getgid", "getegid", "fchmod", "fchown", "chown", "lchown",
    "O_CLOEXEC", "O_DIRECTORY", "O_NOFOLLOW", "O_NOCTTY", "getpgid", "setsid", "killpg",
    "sync", "fdatasync", "mkfifo",
)  # fmt: skip
# Not removed, though Windows lacks them: `sched_getaffinity`, which Python 3.13's own
# `os.process_cpu_count` (thread pools) calls on Linux; the simulation must not break the stdlib.


class BlockPosixModules(importlib.abc.MetaPathFinder):
    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (as on Windows)", name=name)


def go_windows_like() -> None:
    for name in BLOCKED:
        sys.modules.pop(name, None)
    sys.meta_path.insert(0, BlockPosixModules())
    for attr in REMOVED:
        if hasattr(os, attr):
            delattr(os, attr)


async def unlock(path: str, passphrase: str) -> int:
    from pathlib import Path

    from rmjournal.app import make_app
    from rmjournal.app.screens.dashboard import DashboardScreen

    folder = Path(path).parent
    app = make_app(Path(path), allow_test_kdf=True, data_dir=folder, config_dir=folder / "cfg")
    async with app.run_test(size=(100, 34)) as pilot:
        await pilot.pause()
        for char in passphrase:
            await pilot.press("space" if char == " " else char)
        await pilot.press("enter")
        for _ in range(200):
            await pilot.pause(0.05)
            if isinstance(app.screen, DashboardScreen):
                print("unlocked:", type(app.screen).__name__)
                return 0
    print("not unlocked:", type(app.screen).__name__, file=sys.stderr)
    return 1


def main() -> int:
    go_windows_like()
    mode, *rest = sys.argv[1:]
    if mode == "unlock":
        return asyncio.run(unlock(*rest))
    from rmjournal.start import run

    sys.argv = ["rmjournal", *rest]
    run()  # exits
    return 0


if __name__ == "__main__":
    sys.exit(main())
