"""The child process behind bench_app's "feel" rows: what a person waits for inside the app.

Run as `python -m benchmarks.app_feel PATH SCRATCH PASSPHRASE_FILE MODE` (MODE "journal" or
"actions"); prints one JSON object of figures. Every time is from the key press to the first
frame Textual renders with the change (the frame hook is the one bench_app's unlock row uses).

- journal: Escape from a session's record back to the sessions list (5 times, median); then,
  with a one-line dialog open, keys typed every 20 ms while the journal is saved (SAVES saves):
  each key's press → frame, p95 over the keys pressed while a save was running; peak memory.
  A key waits for the one before it, so a save of a few tenths of a second meets one to three
  keys: 40 saves give 40 or more, where 6 gave 6 and the "p95" was the slowest key.
- actions: a journal of 1,000 actions is made here; space marks the highlighted one done
  (10 times, median; `o` opens it again between) → the frame showing it.
"""

from __future__ import annotations

import asyncio
import faulthandler
import json
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

FRAMES: list[tuple[float, Any]] = []
SAVES = 40
"""Saves typed through for the key-press figure: 40 keys or more, so that the p95 is the
second slowest (with 20 it was the slowest, and one hiccup of the machine decided the row)."""


def _hook_frames(app: Any, probe: Any) -> None:
    """Record (time, probe(screen)) for every frame the app renders."""
    display = app._display

    def timed_display(screen: Any, renderable: Any) -> Any:
        if renderable is not None:
            FRAMES.append((time.perf_counter(), probe(screen)))
        return display(screen, renderable)

    app._display = timed_display


def _first_frame(after: float, ok: Any) -> float | None:
    for at, seen in FRAMES:
        if at >= after and ok(seen):
            return at
    return None


async def _until(pilot: Any, condition: Any, limit: float = 60.0) -> None:
    deadline = time.perf_counter() + limit
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app did not get there")
        await pilot.pause(0.002)


async def _open(app: Any, pilot: Any, passphrase: str) -> None:
    from textual.widgets import Input

    from rmjournal.app.screens.dashboard import DashboardScreen
    from rmjournal.app.screens.unlock import UnlockScreen

    await _until(pilot, lambda: isinstance(app.screen, UnlockScreen))
    await pilot.pause()
    app.screen.query_one("#secret", Input).value = passphrase
    await pilot.press("enter")
    await _until(pilot, lambda: isinstance(app.screen, DashboardScreen))
    await app.workers.wait_for_complete()
    await pilot.pause()


async def journal_figures(app: Any, pilot: Any) -> dict[str, Any]:
    from textual.widgets import Input

    from rmjournal.app.dialogs.form import AskDialog
    from rmjournal.app.screens.record import RecordScreen
    from rmjournal.app.screens.sessions import SessionsScreen

    backs = []
    await pilot.press("s")
    await _until(pilot, lambda: isinstance(app.screen, SessionsScreen))
    await pilot.pause()
    for _ in range(5):
        await pilot.press("enter")
        await _until(pilot, lambda: isinstance(app.screen, RecordScreen))
        await pilot.pause(0.05)
        started = time.perf_counter()
        await pilot.press("escape")
        await _until(pilot, lambda: isinstance(app.screen, SessionsScreen))
        await pilot.pause(0.05)
        shown = _first_frame(started, lambda s: s == "SessionsScreen")
        assert shown is not None
        backs.append(shown - started)

    app.push_screen(AskDialog("Typing", "Type here"))
    await _until(pilot, lambda: isinstance(app.screen, AskDialog))
    await pilot.pause(0.05)
    field = app.screen.query_one("#answer", Input)
    journal = app.journal_file.journal
    lags, saves = [], []
    for round_ in range(SAVES):
        journal.add_goal("mentor", f"Keep typing while saving, round {round_}")
        started = time.perf_counter()
        save = app.run_worker(app.save(), group="bench-save")
        while True:
            pressed = time.perf_counter()
            length = len(field.value) + 1
            saving = not save.is_finished
            await pilot.press("a")
            await _until(pilot, lambda n=length: len(field.value) >= n, 30)
            await pilot.pause(0.02)
            if saving:
                shown = _first_frame(pressed, lambda v, n=length: v >= n)
                assert shown is not None
                lags.append(shown - pressed)
            if save.is_finished:
                break
        assert app.save_state == "saved", app.save_state
        saves.append(time.perf_counter() - started)
        field.value = ""
        await pilot.pause(0.05)
    lags.sort()
    return {
        "back_to_sessions": statistics.median(backs),
        "key_p95": lags[min(len(lags) - 1, int(0.95 * len(lags)))],
        "keys_during_saves": len(lags),
        "key_max": lags[-1],
        "save": statistics.median(saves),
    }


def make_actions_journal(path: Path, passphrase: str, count: int = 1000) -> None:
    from rmjournal.core.journalfile import JournalFile
    from rmjournal.core.model import Person
    from rmjournal.core.secret import Secret

    jf, _ = JournalFile.create(
        path, passphrase=Secret.passphrase(passphrase), role="mentor", test_kdf=True
    )
    with jf:
        journal = jf.journal
        with journal.transaction():
            journal.start_pair(
                mentor=Person("Kwame Mensah", "Adviser", None),
                mentee=Person("Helen Brightwell", "Director General", None),
            )
            today = journal.today()
            for n in range(count):
                journal.agree_action(
                    f"Follow up on point {n} from the staff survey",
                    owner=("mentor", "mentee", "both")[n % 3],
                    due_on=today + timedelta(days=n % 40 - 10) if n % 4 else None,
                )
        jf.save()


async def actions_figures(app: Any, pilot: Any) -> dict[str, Any]:
    from rmjournal.app.screens.actions import ActionsScreen

    await pilot.press("a")
    await _until(pilot, lambda: isinstance(app.screen, ActionsScreen))
    await pilot.pause(0.05)
    marks = []
    for _ in range(10):
        action = app.screen.current_action()
        assert action is not None and action.status == "open"
        started = time.perf_counter()
        await pilot.press("space")
        await pilot.pause(0.05)
        shown = _first_frame(started, lambda done, a=action.id: a in done)
        assert shown is not None
        marks.append(shown - started)
        await pilot.press("o")  # open again, for the next round (the cursor stays on it)
        await _until(pilot, lambda a=action.id: app.screen.by_id[a].status == "open")
        await pilot.pause(0.05)
    return {"mark_done": statistics.median(marks), "actions": 1000}


def _probe(screen: Any) -> Any:
    """What a frame shows that the figures wait for."""
    from rmjournal.app.dialogs.form import AskDialog
    from rmjournal.app.screens.actions import ActionsScreen

    if isinstance(screen, AskDialog):
        return len(screen.query_one("#answer").value)
    if isinstance(screen, ActionsScreen):
        return {a.id for a in screen.by_id.values() if a.status == "done"}
    return type(screen).__name__


async def main(path: Path, scratch: Path, passphrase: str, mode: str) -> dict[str, Any]:
    from rmjournal.app import make_app

    if mode == "actions":
        path = scratch / "actions.rmj"
        scratch.mkdir(parents=True, exist_ok=True)
        make_actions_journal(path, passphrase)
    app = make_app(
        path,
        data_dir=scratch / "data",
        config_dir=scratch / "config",
        allow_test_kdf=True,
        autosave_delay=3600,  # the figures start their own saves
    )
    # A stuck run says where, before bench_app's timeout. Started only now: the app makes every
    # thread share one C heap as it is made (`autosave.share_one_arena`), and a thread started
    # before (this watchdog) gave the save thread an arena of its own, where each journal-sized
    # buffer is mapped afresh: 331 MiB at 50,000 entries instead of the app's own 214.
    faulthandler.dump_traceback_later(1500)
    _hook_frames(app, _probe)
    async with app.run_test(size=(110, 34)) as pilot:
        await _open(app, pilot, passphrase)
        if mode == "actions":
            figures = await actions_figures(app, pilot)
        else:
            figures = await journal_figures(app, pilot)
        figures["peak_mib"] = peak_mib()
    return figures


def peak_mib() -> float:
    """This process's peak resident memory, in MiB: Linux's VmHWM where there is one.

    `ru_maxrss` also counts the parent's memory at the fork: Linux keeps the larger of the two
    across `exec`, and bench_app's parent holds the corpus it generated. At 50,000 entries that
    read 203 MiB for an app that peaked at 170 MiB."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    where, scratch_dir, secret_file, which = sys.argv[1:5]
    result = asyncio.run(
        main(Path(where), Path(scratch_dir), Path(secret_file).read_text().strip(), which)
    )
    print(json.dumps(result))
