"""The layer rules: domain imports no Qt, no SQL, no ReportLab."""

import ast
from pathlib import Path

import cstr_desk

PACKAGE = Path(cstr_desk.__file__).parent
FORBIDDEN_IN_DOMAIN = ("PySide6", "sqlite3", "sqlite_utils", "sqlcipher3", "reportlab")


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
        if rel[0] != "storage":
            assert not names & {"sqlite3", "sqlite_utils", "sqlcipher3"}, f"{path} talks SQL"
        if rel[0] != "hub":
            assert "psycopg" not in names, f"{path} talks to PostgreSQL outside hub/"
