"""The real command line in a subprocess, for the CLI's end-to-end tests."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

NOW = "2026-07-20T09:00:00+00:00"
"""`RMJOURNAL_NOW` for every command run here: the example journal's export moment."""


def run(
    *args: str | Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "RMJOURNAL_NOW": NOW, **(env or {})}
    full_env.pop("RMJOURNAL_ALLOW_TEST_KDF", None)
    return subprocess.run(
        [sys.executable, "-m", "rmjournal", *map(str, args)],
        capture_output=True, text=True, env=full_env, input=stdin, timeout=60,
    )  # fmt: skip


def secret_args(pw: Path, role: str | None = None) -> list[str | Path]:
    extra: list[str | Path] = ["--role", role] if role else []
    return ["--passphrase-file", pw, "--insecure-test-kdf", *extra]
