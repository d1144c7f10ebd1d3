"""`cstr-desk annex` and `cstr-desk sheet` as a user runs them."""

import json
import subprocess
import sys

from cstr_desk.paths import resources_dir
from tests.report.pdftext import pages

DEMO = resources_dir() / "demo"


def run(*args):
    return subprocess.run([sys.executable, "-m", "cstr_desk", *args], check=False, capture_output=True, text=True, timeout=120)


def test_annex_final_and_sheet_welsh(tmp_path):
    out = tmp_path / "annex.pdf"
    result = run("annex", str(DEMO / "mhtr_atr_womens_centre.json"), "--out", str(out), "--final", "--today", "2026-11-23")
    assert result.returncode == 0, result.stderr
    assert not any("DRAFT" in p for p in pages(out.read_bytes()))
    sheet = tmp_path / "sheet.pdf"
    result = run("sheet", str(DEMO / "mhtr_atr_womens_centre.json"), "--lang", "cy", "--out", str(sheet))
    assert result.returncode == 0, result.stderr
    assert "Tachwedd" in pages(sheet.read_bytes())[0]


def test_final_refused_while_case_has_problems(tmp_path):
    doc = json.loads((DEMO / "mhtr_only.json").read_text(encoding="utf-8"))
    doc["case"]["consents"] = [c for c in doc["case"]["consents"] if c["kind"] != "willingness"]
    path = tmp_path / "case.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = tmp_path / "annex.pdf"
    result = run("annex", str(path), "--out", str(out), "--final", "--today", "2026-11-23")
    assert result.returncode == 2 and "cannot render a FINAL annex" in result.stderr
    assert not out.exists()
    draft = run("annex", str(path), "--out", str(out), "--today", "2026-11-23")
    assert draft.returncode == 0 and "DRAFT" in pages(out.read_bytes())[0]


def test_bad_file_and_unwritable_output(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{}", encoding="utf-8")
    result = run("annex", str(bad), "--out", str(tmp_path / "a.pdf"))
    assert result.returncode == 2 and "not a valid case file" in result.stderr and "Traceback" not in result.stderr
    result = run("sheet", str(DEMO / "drr_only.json"), "--out", str(tmp_path / "missing" / "s.pdf"))
    assert result.returncode == 2 and "cannot write" in result.stderr


def test_sheet_large_print(tmp_path):
    out = tmp_path / "large.pdf"
    result = run("sheet", str(DEMO / "mhtr_atr_womens_centre.json"), "--lang", "en", "--large-print", "--out", str(out))
    assert result.returncode == 0, result.stderr
    text = pages(out.read_bytes())
    assert 1 <= len(text) <= 2 and "Large print" in text[0]
