"""No import cycle inside cstr_desk: module-level imports form a graph without loops (imports inside functions
and under `if TYPE_CHECKING:` are deliberate late imports and do not count)."""

from __future__ import annotations

import ast
from pathlib import Path

import cstr_desk

PACKAGE = Path(cstr_desk.__file__).parent


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _module_level_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Imports run when the module is imported: top level, and inside top-level if/try blocks."""
    found: list[ast.Import | ast.ImportFrom] = []
    pending: list[ast.stmt] = list(tree.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                pending.extend(node.body)
            pending.extend(node.orelse)
        elif isinstance(node, ast.Try):
            pending.extend(node.body + node.orelse + node.finalbody)
            for handler in node.handlers:
                pending.extend(handler.body)
    return found


def import_graph(root: Path) -> dict[str, set[str]]:
    """module -> the modules of the same package it imports at module level."""
    top = root.name
    modules = {_module_name(root, p): p for p in root.rglob("*.py")}
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _module_level_imports(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join(anchor + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            for target in targets:
                if target.split(".")[0] != top:
                    continue
                # `import a.b.c` runs a, a.b and a.b.c; an edge to each that is a module of ours
                parts = target.split(".")
                for n in range(1, len(parts) + 1):
                    candidate = ".".join(parts[:n])
                    if candidate in modules and candidate != name and not name.startswith(candidate + "."):
                        graph[name].add(candidate)
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted, for the message."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return cycles


def test_no_import_cycle_in_cstr_desk():
    graph = import_graph(PACKAGE)
    assert "cstr_desk.domain.case" in graph and graph["cstr_desk.domain.eligibility"], "the walk found the modules"
    assert find_cycles(graph) == []


def _write(root: Path, rel: str, text: str) -> None:
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_the_cycle_finder_finds_a_cycle_through_from_imports_and_relative_imports(tmp_path):
    root = tmp_path / "pkg"
    _write(root, "__init__.py", "")
    _write(root, "sub/__init__.py", "")
    _write(root, "sub/a.py", "from pkg.sub.b import thing\n")
    _write(root, "sub/b.py", "from . import c\n")
    _write(root, "sub/c.py", "if True:\n    import pkg.sub.a\n")
    _write(root, "late.py", "def f():\n    import pkg.sub.a\n")  # inside a function: not module level
    _write(root, "typed.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import late\n")
    _write(root, "sub/d.py", "from pkg import typed\n")
    assert find_cycles(import_graph(root)) == [["pkg.sub.a", "pkg.sub.b", "pkg.sub.c"]]


def test_late_and_type_checking_imports_do_not_count(tmp_path):
    root = tmp_path / "pkg"
    _write(root, "__init__.py", "")
    _write(root, "a.py", "from pkg import b\n")
    _write(root, "b.py", "def f():\n    from pkg import a\n")
    _write(root, "c.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import d\n")
    _write(root, "d.py", "import pkg.c\n")
    assert find_cycles(import_graph(root)) == []
