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


def _every_parser() -> list[tuple[str, argparse.ArgumentParser]]:
    found = []
    for name, sub in next(
        a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)
    ).choices.items():
        found.append((name, sub))
        for action in sub._actions:
            if isinstance(action, argparse._SubParsersAction):
                found += [(f"{name} {n}", s) for n, s in action.choices.items()]
    return found


def test_docs_cli_names_every_command_and_flag() -> None:
    """docs/cli.md is the contract: a command or flag it does not name is not done."""
    from testkit import REPO

    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert "../shared" not in doc and "/work/" not in doc
    missing = []
    for name, parser in _every_parser():
        if f"`{name} " not in doc and f"`{name}`" not in doc and f"rmjournal {name}" not in doc:
            missing.append(name)
        for action in parser._actions:
            if action.help == argparse.SUPPRESS or isinstance(action, argparse._HelpAction):
                continue
            missing += [f"{name} {flag}" for flag in action.option_strings if flag not in doc]
    assert missing == []
    for code in range(7):
        assert f"| {code} |" in doc


def test_help_ends_with_the_exit_codes() -> None:
    from rmjournal.cli import EXIT_CODES

    for name, parser in [("rmjournal", build_parser()), *_every_parser()]:
        assert parser.format_help().rstrip().endswith(EXIT_CODES.splitlines()[-1]), name
