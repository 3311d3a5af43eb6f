"""A real terminal for the app's tests: one tmux session on a private socket."""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

from testkit import REPO

__all__ = ["REPO", "TMUX", "Tmux"]

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
