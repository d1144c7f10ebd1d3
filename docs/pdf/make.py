"""PNGs of every page of the four demo annexes (FINAL, as the court reads them) and the person's sheets (English,
Welsh, and the large-print English sheet), with an index, for reading the PDFs without the app.

Run:  .venv/bin/python docs/pdf/make.py
Renders through the same functions the app and `cstr-desk annex/sheet` use; pages become PNGs with pypdfium2.
The demo cases are the fictional ones in resources/demo, checked as on their hearing day.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pypdfium2 as pdfium

from cstr_desk.demo import DEMO_DAY
from cstr_desk.errors import CstrDeskError
from cstr_desk.paths import resources_dir
from cstr_desk.workflow import read_case_file, render_annex_pdf, render_sheet_pdf

OUT = Path(__file__).resolve().parent
DPI = 80
DEMOS = ("mhtr_only", "drr_only", "atr_only", "mhtr_atr_womens_centre")


def save_pages(pdf: bytes, stem: str) -> list[str]:
    document = pdfium.PdfDocument(pdf)
    names = []
    try:
        for number in range(len(document)):
            page = document[number]
            image = page.render(scale=DPI / 72).to_pil()
            name = f"{stem}-p{number + 1}.png"
            image.save(OUT / name, optimize=True)
            names.append(name)
            page.close()
    finally:
        document.close()
    return names


def main() -> int:
    for old in OUT.glob("*.png"):
        old.unlink()
    index = ["# The demo annexes and sheets, page by page", "",
             "Made by `docs/pdf/make.py` from `resources/demo/`; regenerate after changing the annex or the sheet.", ""]
    for demo in DEMOS:
        case = read_case_file(resources_dir() / "demo" / f"{demo}.json")
        try:
            annex, status = render_annex_pdf(case, final=True, today=DEMO_DAY), "FINAL"
        except CstrDeskError:  # a demo that cannot be finalised is shown as its draft
            annex, status = render_annex_pdf(case, today=DEMO_DAY), "DRAFT"
        index += [f"## {demo}", "", f"Annex ({status}):", ""]
        index += [f"![{name}]({name})" for name in save_pages(annex, f"{demo}-annex")]
        for lang, label in (("en", "English"), ("cy", "Welsh")):
            index += ["", f"Person's sheet ({label}):", ""]
            index += [f"![{name}]({name})" for name in save_pages(render_sheet_pdf(case, lang), f"{demo}-sheet-{lang}")]
        index.append("")
    case = read_case_file(resources_dir() / "demo" / "mhtr_atr_womens_centre.json")
    index += ["## Large print (16 pt)", ""]
    index += [f"![{name}]({name})" for name in
              save_pages(render_sheet_pdf(case, "en", large_print=True), "mhtr_atr_womens_centre-sheet-en-large")]
    (OUT / "README.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    print("\n".join(sorted(p.name for p in OUT.glob("*.png"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
