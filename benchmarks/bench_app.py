"""The app's waits a person notices: start to the unlock prompt, unlock to the dashboard's first
paint (issue #4), on a 10,000-entry journal; and inside the app (issue #20, `app_feel.py`):
a key typed while the journal is saved, Escape back to the sessions list, marking an action
done among 1,000, and the app's peak memory.

Each run is a fresh Python process (imports included), driving the real app headless through
Textual's `run_test()` with the test KDF, so key derivation costs a few milliseconds and the
second figure is essentially "excluding the KDF". Start is timed from just before the process is
spawned to the moment the UnlockScreen is the active screen; unlock from submitting the
passphrase to the DashboardScreen being active with its first refresh processed. Median of 5
(3 with --quick, on 1,000 entries).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks import rm_side
from benchmarks.app_feel import SAVES
from benchmarks.corpus import generate

START_TARGET = 1.0
UNLOCK_TARGET = 0.300
KEY_TARGET = 0.050
BACK_TARGET = 0.050
MARK_TARGET = 0.030
MEMORY_TARGET = 200.0

CHILD = r"""
import asyncio, sys, time
from pathlib import Path

path, data, passphrase_file = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])


async def main() -> None:
    from rmjournal.app import make_app
    from rmjournal.app.screens.dashboard import DashboardScreen
    from rmjournal.app.screens.unlock import UnlockScreen
    from textual.widgets import Input

    app = make_app(path, data_dir=data / "data", config_dir=data / "config", allow_test_kdf=True)
    # First paint: the first frame the app hands to its driver while the dashboard is the
    # screen with its panels filled in (headless, the driver then skips the terminal write;
    # the frame itself is fully rendered).
    first_frame: list[float] = []
    display = app._display

    def timed_display(screen, renderable):
        if (
            not first_frame
            and renderable is not None
            and isinstance(screen, DashboardScreen)
            and str(screen.query_one("#panel-learnings").render()).strip()  # filled in
        ):
            first_frame.append(time.perf_counter())
        return display(screen, renderable)

    app._display = timed_display
    async with app.run_test(size=(110, 34)) as pilot:
        while not isinstance(app.screen, UnlockScreen):
            await pilot.pause(0.002)
        await pilot.pause()
        prompt_at = time.time()
        app.screen.query_one("#secret", Input).value = passphrase_file.read_text().strip()
        started = time.perf_counter()
        await pilot.press("enter")
        while not isinstance(app.screen, DashboardScreen):
            await pilot.pause(0.002)
        await pilot.pause()  # the dashboard's first refresh
        settled = time.perf_counter() - started
        while not first_frame:
            await pilot.pause(0.002)
        painted = first_frame[0] - started
    print(f"{prompt_at:.6f} {painted:.6f} {settled:.6f}")


asyncio.run(main())
"""


def _one(journal: rm_side.RmJournal, scratch: Path) -> tuple[float, float, float]:
    env = {**journal.env}
    spawned = time.time()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(journal.path), str(scratch), str(journal.secret)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the app run failed: {done.stderr.strip()[-600:]}")
    prompt_at, painted, settled = (float(x) for x in done.stdout.split()[-3:])
    return prompt_at - spawned, painted, settled


def _feel(journal: rm_side.RmJournal, scratch: Path, mode: str) -> dict[str, float]:
    """One `app_feel` child run on `journal` (mode "journal" or "actions"): its figures."""
    argv = [str(journal.path), str(scratch), str(journal.secret), mode]
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.app_feel", *argv],
        capture_output=True,
        text=True,
        env={**journal.env, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the app run failed: {done.stderr.strip()[-600:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def feel_rows(quick: bool) -> list[dict]:
    """The in-app waits of issue #20 at 10,000 and 50,000 entries (1,000 with --quick)."""
    sizes = [1_000] if quick else [10_000, 50_000]
    rows: list[dict] = []
    folder = Path(tempfile.mkdtemp(prefix="rmj-bench-feel-"))
    try:
        for size in sizes:
            journal = rm_side.RmJournal(folder / f"journal{size}", rm_side.available())
            journal.create(generate(size))
            got = _feel(journal, folder / f"feel{size}", "journal")
            label = f"{size // 1000}k"
            load = os.getloadavg()[0]
            rows += [
                {
                    "name": f"app key press → frame during a save, p95 {label}",
                    "value": got["key_p95"],
                    "unit": "s",
                    "target": KEY_TARGET,
                    "note": f"{got['keys_during_saves']:.0f} keys over {SAVES} saves of "
                    f"{got['save']:.2f} s, slowest {got['key_max']:.3f} s; load {load:.1f}",
                },
                {
                    "name": f"app Escape back to the sessions list {label}",
                    "value": got["back_to_sessions"],
                    "unit": "s",
                    "target": BACK_TARGET,
                    "note": f"median of 5, to the first frame; load {load:.1f}",
                },
                {
                    "name": f"app peak memory {label}",
                    "value": got["peak_mib"],
                    "unit": "MiB",
                    "target": MEMORY_TARGET if size >= 50_000 else None,
                    "note": "peak resident memory of the app process (VmHWM), test KDF",
                },
            ]
            if size == sizes[0]:
                marked = _feel(journal, folder / f"actions{size}", "actions")
                rows.append(
                    {
                        "name": "app mark an action done among 1,000",
                        "value": marked["mark_done"],
                        "unit": "s",
                        "target": MARK_TARGET,
                        "note": f"median of 10, key → first frame; load {os.getloadavg()[0]:.1f}",
                    }
                )
            journal.remove()
    except (RuntimeError, subprocess.TimeoutExpired, KeyError, ValueError) as error:
        rows.append(
            {"name": "app feel figures", "value": float("nan"), "unit": "s", "note": str(error)}
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    for row in rows:
        if row.get("target") is None:
            row.pop("target", None)
    return rows


def run(quick: bool) -> list[dict]:
    """Start-to-prompt and unlock-to-dashboard on 10,000 entries, then the in-app waits."""
    return start_rows(quick) + feel_rows(quick)


def start_rows(quick: bool) -> list[dict]:
    """Start-to-prompt and unlock-to-dashboard, median of runs, on a 10,000-entry journal."""
    size, reps = (1_000, 3) if quick else (10_000, 5)
    folder = Path(tempfile.mkdtemp(prefix="rmj-bench-app-"))
    journal = rm_side.RmJournal(folder / "journal", rm_side.available())
    try:
        journal.create(generate(size))
        _one(journal, folder / "warm")  # warm the page cache and the bytecode cache
        starts, unlocks, settles = [], [], []
        for i in range(reps):
            start, unlock, settle = _one(journal, folder / f"run{i}")
            settles.append(settle)
            starts.append(start)
            unlocks.append(unlock)
    except (RuntimeError, subprocess.TimeoutExpired) as error:
        return [{"name": "app figures", "value": float("nan"), "unit": "s", "note": str(error)}]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    label = f"{size // 1000}k"
    load = os.getloadavg()[0]
    return [
        {
            "name": "app start to unlock prompt",
            "value": statistics.median(starts),
            "unit": "s",
            "target": START_TARGET,
            "note": f"median of {reps}, fresh process; load {load:.1f}",
        },
        {
            "name": f"app unlock to dashboard first paint {label}",
            "value": statistics.median(unlocks),
            "unit": "s",
            "target": UNLOCK_TARGET,
            "note": f"median of {reps}, first rendered frame, test KDF (a few ms); load {load:.1f}",
        },
        {
            "name": f"app unlock to dashboard settled {label}",
            "value": statistics.median(settles),
            "unit": "s",
            "note": f"median of {reps}, until the app is idle (footer and styles done)",
        },
    ]
