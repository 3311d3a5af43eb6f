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


def ok(*args: str | Path) -> str:
    """Run a command that must succeed (exit 0, no traceback); its standard output."""
    done = run(*args)
    assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr
    return done.stdout


def new_pair_journal(folder: Path, mentor_pw: str, mentee_pw: str) -> tuple[Path, dict[str, Path]]:
    """`folder/pair.rmj` made by the CLI (Ada the mentor, Bob the mentee) with both partners'
    passphrase slots; the journal and each role's passphrase file."""
    pw = {}
    for name, text in (("mentor", mentor_pw), ("mentee", mentee_pw)):
        pw[name] = folder / f"{name}.pw"
        pw[name].write_text(text + "\n")
    path = folder / "pair.rmj"
    ok("new", path, "--mentor", "Ada", "--mentee", "Bob", *secret_args(pw["mentor"])[:3])
    ok("slot", "add", path, "--role", "mentee", "--new-passphrase-file", pw["mentee"],
       *secret_args(pw["mentor"]))  # fmt: skip
    return path, pw
