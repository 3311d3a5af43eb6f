"""Start-up: the cycle collector is paused while a command's modules are imported and running
again, with start-up's objects frozen, before the command itself runs."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from importlib.metadata import entry_points

import pytest

import rmjournal.cli as cli


@pytest.fixture
def collector() -> Iterator[None]:
    """Whatever a test does to the collector is undone afterwards."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
    gc.enable()


def test_the_console_script_is_the_start_module() -> None:
    (script,) = (e for e in entry_points(group="console_scripts") if e.name == "rmjournal")
    assert script.value == "rmjournal.start:run"


def test_the_start_module_imports_nothing_before_the_pause() -> None:
    code = (
        "import sys; before = set(sys.modules); import rmjournal.start; "
        "print(sorted(set(sys.modules) - before))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "['gc', 'rmjournal', 'rmjournal.start']", done.stderr


def test_the_collector_is_off_until_the_command_line_is_read() -> None:
    code = (
        "import gc, sys, rmjournal.cli as cli\n"
        "cli.main = lambda argv, collector_paused: print(gc.isenabled(), collector_paused) or 0\n"
        "sys.argv = ['rmjournal', 'templates']\n"
        "import rmjournal.start\n"
        "rmjournal.start.run()\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout.split()) == (0, ["False", "True"]), done.stderr


@pytest.mark.usefixtures("collector")
def test_a_scripted_command_runs_with_the_collector_on_and_start_up_frozen(
    capsys: pytest.CaptureFixture[str],
) -> None:
    gc.disable()
    assert cli.main(["templates"], collector_paused=True) == 0
    assert "first-meeting" in capsys.readouterr().out
    assert gc.isenabled()
    assert gc.get_freeze_count() > 1000  # the modules imported so far
    assert gc.get_threshold()[0] == cli.SCRIPTED_GEN0_THRESHOLD


@pytest.mark.usefixtures("collector")
def test_main_called_by_another_program_leaves_the_collector_alone(
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = gc.get_threshold()
    assert cli.main(["templates"]) == 0
    capsys.readouterr()
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.get_threshold() == before
