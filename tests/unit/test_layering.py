"""The core never imports textual, and scripted CLI commands start without it."""

from __future__ import annotations

import subprocess
import sys

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
