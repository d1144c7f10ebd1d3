"""Time to render the combined-order demo annex, against a one-page one-paragraph ReportLab document.

Both are measured in the same run, after imports and font registration, and printed as a ratio.
Run: .venv/bin/python bench/annex.py
"""

from __future__ import annotations

import io
import statistics
import time

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.platypus import Paragraph, SimpleDocTemplate

from cstr_desk.domain.annex import build_annex
from cstr_desk.domain.casefile import case_from_json
from cstr_desk.domain.forms import load_forms
from cstr_desk.paths import forms_dir, resources_dir
from cstr_desk.report.annex_pdf import render_annex
from cstr_desk.report.fonts import register_fonts

RUNS = 30


def one_paragraph() -> bytes:
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build([Paragraph("Hello, court.", getSampleStyleSheet()["Normal"])])
    return buf.getvalue()


def combined_annex(case, forms) -> bytes:  # type: ignore[no-untyped-def]
    return render_annex(build_annex(case, forms, final=True))


def timed(fn, *args) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn(*args)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    forms = load_forms(forms_dir())
    case = case_from_json((resources_dir() / "demo" / "mhtr_atr_womens_centre.json").read_text(encoding="utf-8"))
    register_fonts()
    one_paragraph(), combined_annex(case, forms)  # warm up
    base = timed(one_paragraph)
    annex = timed(combined_annex, case, forms)
    print(f"one-paragraph page: {base * 1000:.1f} ms (median of {RUNS})")
    print(f"combined annex:     {annex * 1000:.1f} ms (median of {RUNS})")
    print(f"annex render {annex / base:.1f}x a one-paragraph ReportLab page")


if __name__ == "__main__":
    main()
