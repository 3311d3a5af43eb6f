"""The built wheel, installed in a fresh venv outside the repository, has everything a user
needs: the three bundled themes (package data from the top-level `themes/` folder), the
licence and the project's metadata, and a working `rmjournal` command.

The fresh venv gets the wheel alone; its dependencies come from this test run's own
site-packages through a `.pth` line (no download), which adds the folder but not its `.pth`
files, so the repository's editable install is not seen there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(the fresh venv's python, the wheel) with only the wheel installed in that venv."""
    folder = tmp_path_factory.mktemp("wheel")
    source = folder / "source"  # a clean copy: no stale build/ or egg-info from the checkout
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("rmjournal", "themes"):
        shutil.copytree(REPO / name, source / name, ignore=skip)
    for name in ("pyproject.toml", "setup.py", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, source / name)
    wheels = folder / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
         "-q", "-w", str(wheels)],
        capture_output=True, text=True, timeout=300, cwd=folder,
    )  # fmt: skip
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("rmjournal-*.whl")
    fresh = folder / "venv"
    venv.create(fresh, with_pip=False)
    python = fresh / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    (Path(site) / "_deps_from_test_run.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
         "--no-index", "-q", str(wheel)],
        capture_output=True, text=True, timeout=300, cwd=folder,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return python, wheel


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RMJOURNAL_", "PYTHON"))}
    env.update(XDG_CONFIG_HOME=str(home / "cfg"), XDG_DATA_HOME=str(home / "data"))
    return env


def test_the_wheel_ships_the_themes_licence_and_metadata(installed: tuple[Path, Path]) -> None:
    _python, wheel = installed
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        meta_name = next(n for n in names if n.endswith(".dist-info/METADATA"))
        meta = archive.read(meta_name).decode()
    for theme in ("dark", "light", "high-contrast"):
        assert f"rmjournal/themes/{theme}.toml" in names
    assert "rmjournal/app/app.tcss" in names and "rmjournal/core/prompts.json" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert "License-Expression: MIT" in meta and "Operating System :: Microsoft :: Windows" in meta
    assert "core/templates.json" in " ".join(names)  # data files of every core module ship
    assert not any(n.startswith(("tests/", "themes/", "benchmarks/")) for n in names)


def test_the_installed_wheel_finds_its_three_themes_outside_the_repo(
    installed: tuple[Path, Path], tmp_path: Path
) -> None:
    python, _wheel = installed
    code = (
        "import rmjournal, json\n"
        "from rmjournal.app.themes import bundled_folder, bundled_themes\n"
        "print(json.dumps([rmjournal.__file__, str(bundled_folder()),"
        " [t.name for t in bundled_themes()]]))\n"
    )
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, cwd=tmp_path,
        env=_clean_env(tmp_path), timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    module, folder, names = json.loads(done.stdout)
    venv_root = str(python.parent.parent)
    assert module.startswith(venv_root) and venv_root in folder, (module, folder)
    assert names == ["dark", "light", "high-contrast"]


def test_the_installed_command_runs(installed: tuple[Path, Path], tmp_path: Path) -> None:
    python, _wheel = installed
    command = python.parent / ("rmjournal.exe" if os.name == "nt" else "rmjournal")
    env = _clean_env(tmp_path)
    shown = subprocess.run(
        [str(command), "--help"], capture_output=True, text=True, cwd=tmp_path, env=env,
        timeout=60,
    )  # fmt: skip
    assert shown.returncode == 0 and "demo" in shown.stdout, shown.stderr
    demo = subprocess.run(
        [str(command), "demo", "--no-open", "--insecure-test-kdf"], capture_output=True,
        text=True, cwd=tmp_path, env=env, timeout=120,
    )  # fmt: skip
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "data" / "rmjournal" / "demo.rmj").exists()
