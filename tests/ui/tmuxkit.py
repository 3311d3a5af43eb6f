"""A real terminal for the app's tests: one tmux session on a private socket."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from testkit import REPO

__all__ = ["REPO", "TMUX", "Tmux", "start_app"]

TMUX = shutil.which("tmux")
"""The tmux binary, or None where it is not installed (those tests are skipped)."""


class Tmux:
    """One detached tmux session on a private socket, driven by keys and read by capture-pane."""

    def __init__(self, socket: Path, env: dict[str, str]) -> None:
        self.socket, self.env = socket, env

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [TMUX or "tmux", "-S", str(self.socket), *args],
            capture_output=True,
            text=True,
            check=check,
            env=self.env,
            timeout=20,
        )

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "rmj", check=False).stdout

    def alive(self) -> bool:
        return self.run("has-session", "-t", "rmj", check=False).returncode == 0

    def wait_for(self, test: Callable[[str], bool], what: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.screen()
            if test(text):
                return text
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; screen was:\n{self.screen()}")


def start_app(tmp_path: Path, journal: Path, now: str, size: tuple[int, int]) -> Tmux:
    """The app on `journal` in a fresh tmux session of `size` columns × rows, private folders.

    TEXTUAL*/TMUX* variables are dropped, and COLUMNS/LINES, which would override the size.
    """
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TEXTUAL", "TMUX")) and k not in ("COLUMNS", "LINES")
    }
    env.update(
        TERM="xterm-256color",
        HOME=str(tmp_path),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        RMJOURNAL_NOW=now,
    )
    tmux = Tmux(tmp_path / "tmux.sock", env)
    command = f"{sys.executable} -m rmjournal {journal} --insecure-test-kdf"
    columns, rows = (str(n) for n in size)
    tmux.run("-f", "/dev/null", "new-session", "-d", "-s", "rmj", "-x", columns, "-y", rows,
             "-c", str(REPO), command)  # fmt: skip
    return tmux
