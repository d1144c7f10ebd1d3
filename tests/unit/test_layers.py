"""The layer rules: domain imports no Qt, no SQL, no ReportLab; only storage runs SQL; no import cycle."""

import ast
import re
from pathlib import Path

import cstr_desk

PACKAGE = Path(cstr_desk.__file__).parent
FORBIDDEN_IN_DOMAIN = ("PySide6", "sqlite3", "sqlite_utils", "sqlcipher3", "reportlab")
SQL_PACKAGES = {"storage", "hub"}  # hub/ talks to the PostgreSQL site hub
SQL = re.compile(r"^\s*(SELECT\s|INSERT\s+INTO\s|UPDATE\s+\w+\s+SET\s|DELETE\s+FROM\s|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW)\s"
                 r"|DROP\s+(TABLE|INDEX|TRIGGER|VIEW)\s|ALTER\s+TABLE\s|PRAGMA\s)")


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_domain_imports_no_qt_sql_or_reportlab():
    files = list((PACKAGE / "domain").rglob("*.py"))
    assert files
    for path in files:
        bad = _imports(path) & set(FORBIDDEN_IN_DOMAIN)
        assert not bad, f"{path.name} imports {bad}"


def test_only_ui_imports_qt_and_only_report_imports_reportlab():
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).parts
        names = _imports(path)
        if rel[0] != "ui" and path.name != "app.py":
            assert "PySide6" not in names, f"{path} imports Qt"
        if rel[0] != "report":
            assert "reportlab" not in names, f"{path} imports ReportLab"
        if rel[0] not in SQL_PACKAGES:
            assert not names & {"sqlite3", "sqlite_utils", "sqlcipher3", "psycopg"}, f"{path} talks SQL"


def test_nothing_outside_storage_runs_or_builds_sql():
    for path in PACKAGE.rglob("*.py"):
        if path.relative_to(PACKAGE).parts[0] in SQL_PACKAGES:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in ("execute", "executemany", "executescript"), (
                    f"{path}:{node.lineno} runs SQL; ask the Desk, which asks storage")
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                assert not SQL.match(node.value), f"{path}:{node.lineno} builds SQL outside storage"


def _module_imports(path: Path) -> set[str]:
    """cstr_desk modules imported at module level (not inside functions or TYPE_CHECKING blocks)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.Import):
                found.update(a.name for a in node.names if a.name.startswith("cstr_desk"))
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0 and node.module.startswith("cstr_desk"):
                found.add(node.module)
                found.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.If | ast.Try):
                visit(node.body)
                visit(node.orelse)

    visit(tree.body)
    return found


def test_no_import_cycle_in_the_package():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph = {name: {m for m in _module_imports(path) if m in modules and m != name} for name, path in modules.items()}
    state: dict[str, int] = {}
    stack: list[str] = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycle = stack[stack.index(nxt):] + [nxt]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            walk(name)
