"""The table of sub-commands in `rmjournal.cli` matches what the command modules register."""

from __future__ import annotations

import argparse
import subprocess
import sys

import pytest

from rmjournal.cli import COMMANDS, build_parser


def _choices(parser: argparse.ArgumentParser) -> list[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return list(action.choices)
    return []


def test_the_table_lists_every_command_in_help_order() -> None:
    assert _choices(build_parser()) == list(COMMANDS)


@pytest.mark.parametrize("command", list(COMMANDS))
def test_each_command_builds_from_its_own_module(command: str) -> None:
    parser = build_parser(command)
    assert command in _choices(parser)
    sub = next(
        a.choices[command] for a in parser._actions if isinstance(a, argparse._SubParsersAction)
    )
    default = sub.get_default("handler")
    if default is not None:  # `slot` keeps its handlers on its own sub-commands
        assert default.__module__ == COMMANDS[command]


def test_a_command_imports_only_its_own_module() -> None:
    code = (
        "import sys, rmjournal.cli as c; c.build_parser('recent'); "
        "print(sorted(m for m in sys.modules if m.startswith('rmjournal.cli.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['rmjournal.cli.common', 'rmjournal.cli.entries']"
