"""The layer rules: domain imports no Qt, no SQL, no ReportLab; only storage (and the hub) runs SQL.

Import cycles: tests/unit/test_import_cycles.py."""

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
