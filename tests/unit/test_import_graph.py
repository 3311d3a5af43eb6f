"""The core's shape: no import circles, and one module alone touches the journal's database.

The import graph is read from the source (every `import`, at module level or in a function, and
those only for type checking too), so a circle hidden behind a late import still counts.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from testkit import REPO

PACKAGE = REPO / "rmjournal"


def module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _runtime_nodes(tree: ast.AST) -> list[ast.AST]:
    """Every node of `tree` but those under `if TYPE_CHECKING:` (type-only imports never run)."""
    nodes: list[ast.AST] = []
    todo = [tree]
    while todo:
        node = todo.pop()
        nodes.append(node)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and "TYPE_CHECKING" in ast.unparse(child.test):
                todo.extend(child.orelse)
                continue
            todo.append(child)
    return nodes


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module → the rmjournal modules it imports (`from pkg import sub` names `pkg.sub`)."""
    modules = {module_name(p, root.parent): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in _runtime_nodes(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = name.split(".")
                    anchor = anchor if is_package else anchor[:-1]
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                subs = [f"{base}.{alias.name}" for alias in node.names]
                found = [s for s in subs if s in modules]
                targets = found if len(found) == len(subs) else [base, *found]
            for target in targets:
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_type_only_imports_make_no_circle(tmp_path: Path) -> None:
    pkg = tmp_path / "rmjournal"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from rmjournal import b\n")
    (pkg / "b.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from rmjournal import a\n"
    )
    assert cycles(import_graph(pkg)) == []
    (pkg / "b.py").write_text("def f():\n    from rmjournal import a\n")
    assert cycles(import_graph(pkg)) == [["rmjournal.a", "rmjournal.b"]]


def test_the_checker_finds_a_circle(tmp_path: Path) -> None:
    pkg = tmp_path / "rmjournal"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("from rmjournal.sub import b\n")
    (pkg / "a.py").write_text("def f():\n    from rmjournal.sub.b import g\n")
    (pkg / "sub" / "b.py").write_text("from .. import a\n")
    assert cycles(import_graph(pkg)) == [["rmjournal.a", "rmjournal.sub.b"]]


def test_no_import_circles_anywhere() -> None:
    assert cycles(import_graph()) == []


def test_core_has_no_import_circles() -> None:
    graph = import_graph()
    core = {k: {t for t in v if t.startswith("rmjournal.core")} for k, v in graph.items()}
    core = {k: v for k, v in core.items() if k.startswith("rmjournal.core")}
    assert cycles(core) == []


CORE_MAX_LINES = 450
"""A core module stays short enough to read whole; merge.py, one algorithm, is the exception."""


def test_no_core_module_is_over_450_lines_but_merge() -> None:
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in sorted((PACKAGE / "core").rglob("*.py"))
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > CORE_MAX_LINES
    }
    assert set(long) <= {"core/merge.py"}, long


ONE_OWNER = ("_conn", "_cipher", "_clock", "_changes", "_private_index")


def test_only_the_records_layer_holds_the_database_cipher_clock_and_counter() -> None:
    package = PACKAGE / "core" / "journal"
    records = package / "records.py"
    assert all(f"self.{name}" in records.read_text(encoding="utf-8") for name in ONE_OWNER)
    for path in sorted(package.glob("*.py")):
        if path != records:
            text = path.read_text(encoding="utf-8")
            assert not [n for n in ONE_OWNER if re.search(rf"\b{n}\b", text)], path.name


def test_the_journal_shows_no_connection_cipher_or_clock() -> None:
    from rmjournal.core.crypto import PrivateCipher
    from rmjournal.core.journal import Journal

    journal = Journal.new(me="mentor", cipher=PrivateCipher("mentor", bytes(32)))
    for name in ("conn", "cipher", "clock", "db"):
        assert not hasattr(journal, name), name
        assert not hasattr(journal.records, name), name
    changes = journal.changes
    journal.add_goal("mentor", "Learn to listen")
    assert journal.changes == changes + 1
