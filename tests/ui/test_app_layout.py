"""The app's rooms: modal dialogs under `app/dialogs/`, one name per meaning, one helper each."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

from textual.screen import ModalScreen

import rmjournal.app

APP = Path(rmjournal.app.__file__).parent


def _modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages([str(APP)], prefix="rmjournal.app.")
        if not info.ispkg
    ]


def _defined(name: str) -> list[Path]:
    """The app modules that define a class or function called `name`."""
    found = []
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef | ast.FunctionDef) and node.name == name:
                found.append(path)
    return found


def test_every_modal_screen_lives_in_dialogs() -> None:
    # help.py's HelpScreen is the one exception: the help overlay belongs with the keys it lists.
    misplaced = []
    for name in _modules():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, ModalScreen)
                and value.__module__ == name
                and not name.startswith("rmjournal.app.dialogs.")
                and name != "rmjournal.app.screens.help"
            ):
                misplaced.append(f"{name}.{value.__name__}")
    assert misplaced == []


def test_no_module_is_called_keys() -> None:
    # Passphrases, key bindings and key slots are three rooms; none may be just "keys".
    assert [m for m in _modules() if m.rsplit(".", 1)[-1] in {"keys", "action_keys"}] == []


def test_one_form_problem_and_no_private_copies_of_the_text_helpers() -> None:
    assert _defined("FormProblem") == [APP / "dialogs" / "form.py"]
    assert _defined("plain") == []  # the one is rmjournal/text.py, shared with the CLI
    assert _defined("one_line") == []


TEXTUAL_INTERNALS = {
    "_merge_bindings",
    "_handle_exception",
    "_return_code",
    "_exception",
    "_exception_event",
    "_exit_renderables",
    "_close_messages_no_wait",
    "_fatal_error",
    "_print_error_renderables",
    "_css_update_count",
    "_replace_screen",
    "_closing",
}
"""The Textual internals the app uses (crash output, the help's key list, a new mode's screen
marked as styled under the current CSS: `RmJournalApp._styled_now`, and the watchers of a
removed screen's widgets dropped: `RmJournalApp._replace_screen`), nothing else."""


def test_textual_is_pinned_exactly_and_its_internals_are_the_known_few() -> None:
    import re
    from importlib.metadata import version

    import textual.app

    pyproject = (APP.parent.parent / "pyproject.toml").read_text(encoding="utf-8")
    # One release only, written as a range so CI's lowest-versions run can read the minimum.
    pinned = re.search(r'"textual>=([0-9]+)\.([0-9]+)\.([0-9]+),<([0-9.]+)"', pyproject)
    assert pinned is not None, "pin Textual to one release while the app uses its internals"
    major, minor, patch, below = pinned.groups()
    assert below == f"{major}.{minor}.{int(patch) + 1}"
    assert version("textual") == f"{major}.{minor}.{patch}"
    # Private names of Textual's own App that app/ touches: exactly the list above.
    app = textual.app.App()
    ours = set()
    for path in APP.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = [n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)]
        names += [  # methods that override a private one
            f.name
            for c in ast.walk(tree)
            if isinstance(c, ast.ClassDef)
            for f in c.body
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        ours |= {n for n in names if n.startswith("_") and not n.startswith("__")}
    ours = {name for name in ours if hasattr(app, name)}
    assert ours == TEXTUAL_INTERNALS
