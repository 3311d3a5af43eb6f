"""jrnl, the peer we are compared with, in its own virtual environment and its own temp HOME.

jrnl is installed from PyPI into `benchmarks/.work/jrnl-venv` on first use and is never a
dependency of ours. Every run gets a private HOME and XDG folders and an explicit
`--config-file`, so the user's real jrnl config and keyring are never read or written.

The password is fed the way a script can with jrnl as shipped: jrnl has no password option, it
asks through `getpass`. We start jrnl in a new session (no controlling terminal), so `getpass`
cannot open /dev/tty and falls back to reading the first line of stdin; the keyring is switched
off with `PYTHON_KEYRING_BACKEND=keyring.backends.fail.Keyring` so jrnl neither finds nor stores
a password there. Entry text for "add" goes in argv (`jrnl TEXT`), the usual way to add.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

from benchmarks.corpus import JRNL_TIMEFORMAT, CorpusEntry, write_jrnl_text

WORK = Path(__file__).resolve().parent / ".work"
VENV = WORK / "jrnl-venv"
JRNL_VERSION = "4.6"
"""The newest jrnl on PyPI; it installs and runs on Python 3.11 (it needs >=3.10)."""


class JrnlUnavailable(RuntimeError):
    """jrnl could not be installed or run here (e.g. no network for pip)."""


def jrnl_executable() -> Path:
    """The jrnl command in its own venv, installing jrnl==JRNL_VERSION there when missing."""
    exe = VENV / "bin" / "jrnl"
    stamp = VENV / f".installed-jrnl-{JRNL_VERSION}"
    if stamp.exists() and exe.exists():
        return exe
    WORK.mkdir(parents=True, exist_ok=True)
    if not (VENV / "bin" / "python").exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    print(f"  installing jrnl=={JRNL_VERSION} into {VENV}", file=sys.stderr, flush=True)
    done = subprocess.run(
        [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet", f"jrnl=={JRNL_VERSION}"],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0 or not exe.exists():
        raise JrnlUnavailable(f"pip could not install jrnl=={JRNL_VERSION}: {done.stderr[-400:]}")
    stamp.touch()
    return exe


def _config_yaml(journal: Path, encrypt: bool) -> str:
    return (
        "colors: {body: none, date: none, tags: none, title: none}\n"
        "default_hour: 9\ndefault_minute: 0\neditor: ''\n"
        f"encrypt: {'true' if encrypt else 'false'}\n"
        "highlight: false\nindent_character: '|'\n"
        f"journals:\n  default:\n    journal: {journal}\n"
        f"    encrypt: {'true' if encrypt else 'false'}\n"
        "linewrap: 79\ntagsymbols: '#@'\ntemplate: false\n"
        f"timeformat: '{JRNL_TIMEFORMAT}'\nversion: v{JRNL_VERSION}\n"
    )


class JrnlJournal:
    """One encrypted jrnl journal in a private folder under benchmarks/.work."""

    password = "correct horse battery staple"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.journal = folder / "journal.txt"
        self.config = folder / "jrnl.yaml"
        self.exe = jrnl_executable()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(folder / "home"),
            "XDG_CONFIG_HOME": str(folder / "config"),
            "XDG_DATA_HOME": str(folder / "data"),
            "XDG_CACHE_HOME": str(folder / "cache"),
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
            "NO_COLOR": "1",
            "LANG": "C.UTF-8",
            "TERM": "dumb",
        }

    def create(self, entries: list[CorpusEntry]) -> None:
        """Write the entries in jrnl's plain-text format, then encrypt with `jrnl --encrypt`."""
        if self.folder.exists():
            shutil.rmtree(self.folder)
        self.folder.mkdir(parents=True, mode=0o700)
        for sub in ("home", "config", "data", "cache"):
            (self.folder / sub).mkdir(mode=0o700)
        self.config.write_text(_config_yaml(self.journal, encrypt=False), encoding="utf-8")
        try:
            write_jrnl_text(entries, self.journal)
            pw = self.password
            # create_password asks twice, then "store in keychain? [Y/n]": answer no.
            self._run(["--encrypt"], stdin=f"{pw}\n{pw}\nn\n", check=True)
        finally:
            if self.journal.exists() and not self.is_encrypted():
                self.journal.unlink()  # never leave the plaintext journal behind
        if not self.is_encrypted():
            raise JrnlUnavailable("jrnl --encrypt did not produce an encrypted journal")

    def is_encrypted(self) -> bool:
        """jrnl 4 writes encrypted journals with a `JRNLv` header; plaintext starts with `[`."""
        with self.journal.open("rb") as f:
            return f.read(5) == b"JRNLv"

    def _run(self, args: list[str], stdin: str, check: bool) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [str(self.exe), "--config-file", str(self.config), *args],
            input=stdin,
            capture_output=True,
            text=True,
            env=self.env,
            start_new_session=True,  # no controlling tty: getpass reads stdin
            check=False,
        )
        if check and done.returncode != 0:
            raise JrnlUnavailable(f"jrnl {' '.join(args)} failed: {done.stderr[-400:]}")
        return done

    def run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        """Run one jrnl command with the password on stdin; raise if it fails."""
        return self._run(args, stdin=f"{self.password}\n", check=True)

    def remove(self) -> None:
        """Delete the folder: journal, config, any export left behind."""
        shutil.rmtree(self.folder, ignore_errors=True)


# The commands we time, as jrnl spells them (the add text is a title sentence and a body).
def search_args(word: str) -> list[str]:
    """Entries containing `word` anywhere (case-insensitive), printed in full."""
    return ["-contains", word]


def export_args() -> list[str]:
    """The whole journal as JSON on stdout."""
    return ["--format", "json"]


def latest_args(count: int = 10) -> list[str]:
    """The `count` most recent entries."""
    return ["-n", str(count)]


def add_args(text: str) -> list[str]:
    """Add one entry now, its text in argv."""
    return [text]
