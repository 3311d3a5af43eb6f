"""The core never imports textual, and scripted CLI commands start without it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from testkit import EXAMPLE_JSON

CHECK = """
import sys, importlib, pkgutil
import rmjournal.core as core
for m in pkgutil.walk_packages(core.__path__, 'rmjournal.core.'):
    importlib.import_module(m.name)
import rmjournal.cli
rmjournal.cli.build_parser()
bad = sorted(n for n in sys.modules if n == 'textual' or n.startswith('textual.'))
print(','.join(bad))
"""


def test_core_and_cli_do_not_import_textual() -> None:
    out = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "", f"textual imported by core/CLI: {out.stdout}"


# What every scripted command would pay for at start-up and does not need (docs/performance.md):
# dataclasses with inspect (~45 ms a command with the classes it builds), hashlib (the system's
# second OpenSSL), shutil (argparse's terminal width), secrets/random, textual.
HEAVY = ("dataclasses", "inspect", "hashlib", "shutil", "secrets", "random", "textual")

RUN_AND_LIST = """
import sys
from rmjournal.cli import main
code = main(sys.argv[1:])
heavy = sorted(m for m in {heavy!r} if m in sys.modules)
sys.stderr.write("\\nIMPORTED " + ",".join(heavy) + "\\n")
sys.exit(code)
"""


def test_scripted_commands_start_without_heavy_modules(tmp_path: Path) -> None:
    pw = tmp_path / "pw"
    pw.write_text("correct horse battery staple\n")
    path = tmp_path / "pair.rmj"
    note = tmp_path / "note.txt"
    note.write_text("A note.\n")
    unlock = ["--passphrase-file", str(pw), "--insecure-test-kdf"]
    env = {**os.environ, "RMJOURNAL_NOW": "2026-07-20T09:00:00+00:00"}
    script = RUN_AND_LIST.format(heavy=HEAVY)
    commands = [
        ["new", str(path), "--mentor", "Kwame", "--mentee", "Helen", *unlock],
        ["import", str(path), "--from", str(EXAMPLE_JSON), *unlock],
        ["export", str(path), "--format", "json", *unlock],
        ["search", str(path), "sponsor", *unlock],
        ["recent", str(path), "-n", "3", *unlock],
        ["add", str(path), "--text-file", str(note), *unlock],
        ["actions", str(path), *unlock],
        ["info", str(path)],
    ]
    heavy = {}
    for argv in commands:
        done = subprocess.run(
            [sys.executable, "-c", script, *argv], capture_output=True, text=True, env=env
        )
        assert done.returncode == 0, (argv[0], done.stderr)
        heavy[argv[0]] = done.stderr.rsplit("IMPORTED ", 1)[1].strip()
    # `new` builds the schema with sqlite-utils and calibrates Argon2id: seconds, once a journal.
    del heavy["new"]
    assert heavy == dict.fromkeys(heavy, "")


def test_a_merge_reads_the_other_copy_without_sqlite_utils_or_hashlib(tmp_path: Path) -> None:
    """sqlite-utils (with click, dateutil and pluggy) and hashlib (a second OpenSSL) cost a
    merge ~10 MiB at its peak, when both copies' databases are in memory (docs/performance.md);
    reading the other copy needs neither."""
    import shutil

    pw = tmp_path / "pw"
    pw.write_text("correct horse battery staple\n")
    path, copy = tmp_path / "pair.rmj", tmp_path / "copy.rmj"
    unlock = ["--passphrase-file", str(pw), "--insecure-test-kdf"]
    env = {**os.environ, "RMJOURNAL_NOW": "2026-07-20T09:00:00+00:00"}
    made = [
        ["new", str(path), "--mentor", "Kwame", "--mentee", "Helen", *unlock],
        ["import", str(path), "--from", str(EXAMPLE_JSON), *unlock],
    ]
    for argv in made:
        subprocess.run([sys.executable, "-m", "rmjournal", *argv], check=True, env=env)
    shutil.copy(path, copy)
    note = tmp_path / "note.txt"
    note.write_text("Only in the copy.\n")
    subprocess.run(
        [sys.executable, "-m", "rmjournal", "add", str(copy), "--text-file", str(note), *unlock],
        check=True,
        env=env,
    )
    script = RUN_AND_LIST.format(heavy=("sqlite_utils", "click", "hashlib", "shutil", "textual"))
    done = subprocess.run(
        [sys.executable, "-c", script, "merge", str(path), str(copy), *unlock],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    assert "1 added" in done.stdout
    assert done.stderr.rsplit("IMPORTED ", 1)[1].strip() == ""
