"""rmjournal's side of the jrnl comparison: whole `rmjournal` commands, as a user runs them.

Each command is the installed `rmjournal` script in a fresh process, unlocked with
`--passphrase-file` and the test KDF (`--insecure-test-kdf`), as tracker issue #8 asks. Which
commands exist is read from our own argument parser, so a command that has not landed yet is
reported as missing instead of guessed at.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from benchmarks.corpus import CorpusEntry, write_interchange

EXECUTABLE = Path(sys.executable).parent / "rmjournal"
PYCACHE = Path(__file__).resolve().parent / ".work" / "pycache"
PROPOSED_ADD = (
    "rmjournal add PATH [--session N] [--kind note|reflection|learning] [--tag T]... "
    "[--visibility private|pair|shareable] [--text-file F]  (text from stdin without --text-file; "
    "author = the unlocking role; session defaults to the latest)"
)
PROPOSED_LATEST = "rmjournal recent PATH [-n N]  (the N newest items, one per line, newest first)"


def available() -> dict[str, set[str]]:
    """Each rmjournal sub-command that exists now, with its option strings."""
    from rmjournal.cli import build_parser

    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return {
                name: {opt for a in sub._actions for opt in a.option_strings}
                for name, sub in action.choices.items()
            }
    return {}


class RmJournal:
    """One rmjournal journal in a private folder under benchmarks/.work."""

    passphrase = "correct horse battery staple"

    def __init__(self, folder: Path, commands: dict[str, set[str]]) -> None:
        self.folder = folder
        self.path = folder / "bench.rmj"
        self.secret = folder / "passphrase.txt"
        self.commands = commands
        env = {k: v for k, v in os.environ.items() if not k.startswith("RMJOURNAL_")}
        # Bytecode as an installed rmjournal has it (pip compiles on install, as it did jrnl's):
        # a development shell with PYTHONDONTWRITEBYTECODE=1 would otherwise make every run
        # compile our sources again (~0.05-0.1 s). Kept under benchmarks/.work, not the tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
        self.env = {**env, "NO_COLOR": "1", "TERM": "dumb", "XDG_STATE_HOME": str(folder / "state")}

    def create(self, entries: list[CorpusEntry]) -> None:
        """`rmjournal new` with the test KDF, then `rmjournal import` of the corpus document."""
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, mode=0o700)
        self.secret.write_text(self.passphrase + "\n", encoding="utf-8")
        self.secret.chmod(0o600)
        new_opts = self.commands["new"]
        secret_opt = (
            "--new-passphrase-file" if "--new-passphrase-file" in new_opts else "--passphrase-file"
        )
        self.run(
            [
                "new",
                str(self.path),
                "--mentor",
                "Kwame Mensah",
                "--mentee",
                "Helen Brightwell",
                "--title",
                "Kwame & Helen — benchmark corpus",
                secret_opt,
                str(self.secret),
                "--insecure-test-kdf",
            ],
        )
        document = self.folder / "corpus.json"
        try:
            write_interchange(entries, document)
            self.run(self.unlocked("import", "--from", str(document)))
        finally:
            document.unlink(missing_ok=True)  # never leave the plaintext document behind

    def unlocked(self, command: str, *args: str) -> list[str]:
        """argv for one command on this journal, unlocked by the passphrase file."""
        return [
            command,
            str(self.path),
            *args,
            "--passphrase-file",
            str(self.secret),
            "--insecure-test-kdf",
        ]

    def run(self, args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
        """Run one rmjournal command; raise with its message if it fails."""
        done = subprocess.run(
            [str(EXECUTABLE), *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(
                f"rmjournal {args[0]} exited {done.returncode}: {done.stderr.strip()[-400:]}"
            )
        return done

    def add_command(self, text: str, session: int) -> tuple[list[str], str | None]:
        """argv and stdin for adding one note, using the options `rmjournal add` offers."""
        opts = self.commands["add"]
        extra: list[str] = []
        stdin: str | None = text
        if "--session" in opts:
            extra += ["--session", str(session)]
        if "--kind" in opts:
            extra += ["--kind", "note"]
        if "--tag" in opts:
            extra += ["--tag", "data"]
        if "--text-file" in opts:
            note = self.folder / "entry.txt"
            note.write_text(text, encoding="utf-8")
            extra += ["--text-file", str(note)]
            stdin = None
        elif "--text" in opts:
            extra += ["--text", text]
            stdin = None
        return self.unlocked("add", *extra), stdin

    def peak_memory_mb(self, args: list[str], stdin: str | None = None) -> float:
        """The peak resident memory (ru_maxrss) of one run of the command, in MB."""
        wrapper = (
            "import resource, subprocess, sys; "
            "done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
            "sys.exit(done.returncode)"
        )
        done = subprocess.run(
            [sys.executable, "-c", wrapper, str(EXECUTABLE), *args],
            input=stdin if stdin is not None else "",
            capture_output=True,
            text=True,
            env=self.env,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"rmjournal {args[0]} exited {done.returncode}: {done.stderr}")
        return int(done.stdout.split()[-1]) / 1024  # Linux reports KiB

    def remove(self) -> None:
        """Delete the folder: journal, passphrase file, anything left behind."""
        shutil.rmtree(self.folder, ignore_errors=True)
