"""Once a journal is unlocked the process makes no core dump (RLIMIT_CORE 0, not dumpable on
Linux), through the core, the CLI and the app alike; no secret is ever in argv or the environment.

Each check runs in a child process, since hardening is one-way for the process that does it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from testkit import PASSPHRASE
from vault_helpers import make_journal

REPO = Path(__file__).resolve().parent.parent.parent


def _child(code: str, cwd: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RMJOURNAL_")}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True, text=True, timeout=60, cwd=cwd, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


REPORT = """
import json, resource, sys
from rmjournal.core.hardening import is_dumpable
def report(**more):
    print(json.dumps({"core": resource.getrlimit(resource.RLIMIT_CORE),
                      "dumpable": is_dumpable(), **more}))
"""


@pytest.fixture
def journal(journal_dir: Path) -> Path:
    path = journal_dir / "pair.rmj"
    vault, _ = make_journal(path, "a note")
    vault.close()
    (journal_dir / "pw").write_text(PASSPHRASE + "\n")
    return path


def test_a_fresh_process_is_dumpable_so_the_checks_below_mean_something(journal: Path) -> None:
    before = _child(REPORT + "report()", journal.parent)
    assert before["dumpable"] in (True, None)  # a fresh interpreter is dumpable


def test_core_unlock_disables_core_dumps(journal: Path) -> None:
    got = _child(
        REPORT
        + f"""
from rmjournal.core.secret import Secret
from rmjournal.core.vault import Vault
with Vault.open({str(journal)!r}, Secret.passphrase({PASSPHRASE!r}), allow_test_kdf=True):
    report()
""",
        journal.parent,
    )
    assert got["core"] == [0, 0]
    if sys.platform.startswith("linux"):
        assert got["dumpable"] is False


def test_cli_command_disables_core_dumps_and_keeps_secrets_out_of_argv_and_environ(
    journal: Path,
) -> None:
    got = _child(
        REPORT
        + f"""
import os
from rmjournal.cli import main
rc = main(["verify", {str(journal)!r}, "--passphrase-file", "pw", "--insecure-test-kdf"])
try:
    environ = open("/proc/self/environ", "rb").read().decode(errors="replace")
    cmdline = open("/proc/self/cmdline", "rb").read().decode(errors="replace")
except OSError:
    environ = "\\0".join(f"{{k}}={{v}}" for k, v in os.environ.items())
    cmdline = "\\0".join(sys.argv)
report(rc=rc, environ=environ, cmdline=cmdline,
       env_now="\\0".join(f"{{k}}={{v}}" for k, v in os.environ.items()))
""",
        journal.parent,
    )
    assert got["rc"] == 0
    assert got["core"] == [0, 0]
    for where in ("environ", "cmdline", "env_now"):
        assert PASSPHRASE not in got[where]


def test_new_journal_disables_core_dumps(journal_dir: Path) -> None:
    (journal_dir / "pw").write_text(PASSPHRASE + "\n")
    got = _child(
        REPORT
        + """
from rmjournal.cli import main
rc = main(["new", "fresh.rmj", "--mentor", "A", "--mentee", "B", "--passphrase-file", "pw",
           "--insecure-test-kdf"])
report(rc=rc)
""",
        journal_dir,
    )
    assert got["rc"] == 0 and got["core"] == [0, 0]
