"""Two at once: CLI writers racing, a command against an open journal, a second app instance, and
a lock holder killed with kill -9 (the kernel drops its lock: the next opener gets in).
"""

from __future__ import annotations

import copy
import json
import os
import signal
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from testkit import EXAMPLE_JSON

from rmjournal.core.journalfile import JournalFile
from rmjournal.core.secret import Secret

PW = "concurrency passphrase"
REPO = Path(__file__).resolve().parent.parent.parent
LOCKED = "is open in another rmjournal window or command"


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RMJOURNAL_", "TEXTUAL"))}
    env["PYTHONPATH"] = str(REPO)
    return env


def _cli(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "rmjournal", *args, "--passphrase-file", "pw",
         "--insecure-test-kdf"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd, env=_env(),
    )  # fmt: skip


@pytest.fixture
def journal(journal_dir: Path) -> Path:
    path = journal_dir / "pair.rmj"
    jf, _ = JournalFile.create(path, passphrase=Secret.passphrase(PW), test_kdf=True)
    jf.close()
    (journal_dir / "pw").write_text(PW + "\n")
    return path


def _holder(path: Path, *, app: bool = False) -> subprocess.Popen[str]:
    """A child holding the journal open (core, or the app unlocked) until killed."""
    if app:
        code = f"""
        import asyncio, sys
        from pathlib import Path
        from rmjournal.app import make_app
        async def main():
            folder = Path({str(path.parent)!r})
            app = make_app(folder / {path.name!r}, allow_test_kdf=True, data_dir=folder,
                           config_dir=folder / "config")
            async with app.run_test(size=(100, 34)) as pilot:
                app.focused.value = {PW!r}
                await pilot.press("enter")
                await app.workers.wait_for_complete()
                await pilot.pause()
                print("unlocked" if app.journal_file is not None else "failed", flush=True)
                await asyncio.sleep(3600)
        asyncio.run(main())
        """
    else:
        code = f"""
        import time
        from rmjournal.core.journalfile import JournalFile
        from rmjournal.core.secret import Secret
        jf = JournalFile.open({str(path)!r}, Secret.passphrase({PW!r}), allow_test_kdf=True)
        print("unlocked", flush=True)
        time.sleep(3600)
        """
    child = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)], stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, cwd=path.parent, env=_env(),
    )  # fmt: skip
    assert child.stdout is not None
    line = child.stdout.readline().strip()
    if line != "unlocked":
        child.kill()
        pytest.fail(
            f"the holder did not unlock: {line} {child.stderr.read() if child.stderr else ''}"
        )
    return child


def _kill(child: subprocess.Popen[str]) -> None:
    os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=10)


def _docs(count: int) -> list[dict]:
    """The example document, each copy with one extra prompt of its own."""
    base = json.loads(EXAMPLE_JSON.read_text(encoding="utf-8"))
    docs = []
    for i in range(count):
        doc = copy.deepcopy(base)
        doc["prompts"].append(
            {"id": str(uuid.UUID(int=i + 1)), "phase": "before", "for": "both",
             "text": f"prompt of writer {i}", "pack": "custom"}
        )  # fmt: skip
        docs.append(doc)
    return docs


def test_two_cli_writers_at_once(journal: Path) -> None:
    folder = journal.parent
    docs = _docs(6)
    for i, doc in enumerate(docs):
        (folder / f"doc{i}.json").write_text(json.dumps(doc))
    results = []
    for round_ in range(3):  # two writers started together, three times
        pair = [
            _cli(
                "import",
                str(journal),
                "--from",
                str(folder / f"doc{2 * round_ + k}.json"),
                cwd=folder,
            )
            for k in range(2)
        ]
        for k, proc in enumerate(pair):
            out, err = proc.communicate(timeout=60)
            assert proc.returncode in (0, 5), err
            if proc.returncode == 5:
                assert err.startswith(f"rmjournal: {journal.name} {LOCKED}") and out == ""
            assert "Traceback" not in err
            results.append((2 * round_ + k, proc.returncode))
    with JournalFile.open(journal, Secret.passphrase(PW), allow_test_kdf=True) as jf:
        ids = jf.journal.record_ids()
    for i, code in results:  # every writer that said it imported, did: none overwrote another
        assert (str(uuid.UUID(int=i + 1)) in ids) == (code == 0)
    assert any(code == 0 for _, code in results)
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_command_against_an_open_journal_gets_exit_5(journal: Path) -> None:
    holder = _holder(journal)
    try:
        before = journal.read_bytes()
        for args in (("verify", str(journal)), ("search", str(journal), "anything")):
            proc = _cli(*args, cwd=journal.parent)
            out, err = proc.communicate(timeout=60)
            assert proc.returncode == 5, err
            assert err == (
                f"rmjournal: {journal.name} {LOCKED}. Close it there (or wait for it to "
                "finish), then try again.\n"
            )
            assert out == ""
        assert journal.read_bytes() == before
    finally:
        _kill(holder)
    proc = _cli("verify", str(journal), cwd=journal.parent)  # killed: the lock went with it
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err


async def test_second_app_instance_sees_the_lock_and_gets_in_after_a_kill_9(
    journal: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from textual.widgets import Static

    from rmjournal.app import make_app

    monkeypatch.delenv("TEXTUAL_LOG", raising=False)
    monkeypatch.delenv("TEXTUAL", raising=False)
    holder = _holder(journal, app=True)  # the first app instance, unlocked, in another process
    try:
        app = make_app(journal, allow_test_kdf=True, data_dir=journal.parent,
                       config_dir=tmp_path / "config")  # fmt: skip
        async with app.run_test(size=(100, 34)) as pilot:
            app.focused.value = PW
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            await pilot.pause()
            text = "\n".join(str(w.render()) for w in app.screen.query(Static))
            assert app.journal_file is None
            assert LOCKED in text, text
            _kill(holder)  # the first instance dies holding the lock
            app.focused.value = PW
            await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.journal_file is not None  # the kernel released the dead holder's lock
    finally:
        if holder.poll() is None:
            _kill(holder)
