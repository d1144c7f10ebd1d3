"""Render the person's plain-language sheet (English or Welsh): one page at 12 pt, or large print at 16 pt."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from cstr_desk.domain.sheet import PersonSheet
from cstr_desk.report.fonts import register_fonts
from cstr_desk.report.layout import MARGIN, PAGE_WIDTH, build_pdf, grid_table, safe, styles

BODY_PT = 12  # the smallest type on the sheet except its footer: readable without glasses
LARGE_PRINT_PT = 16


def _sheet_styles(size: float) -> dict[str, ParagraphStyle]:
    st = styles(size)
    body = ParagraphStyle("sheet-body", parent=st["body"], leading=size * 1.25, spaceAfter=size * 0.2)
    return {
        **st,
        "body": body,
        "title": ParagraphStyle("sheet-title", parent=st["title"], fontSize=size + 5, leading=(size + 5) * 1.2,
                                spaceAfter=size * 0.3),
        "h2": ParagraphStyle("sheet-h2", parent=st["h2"], fontSize=size + 2, leading=(size + 2) * 1.2,
                             spaceBefore=size * 0.5, spaceAfter=size * 0.15),
        # The header table uses body-size type, never the annex's smaller cell type.
        "cell": ParagraphStyle("sheet-cell", parent=body, spaceAfter=0),
        "cellhead": ParagraphStyle("sheet-cellhead", parent=st["cellhead"], fontSize=size, leading=size * 1.25),
    }


def render_person_sheet(sheet: PersonSheet, large_print: bool = False) -> bytes:
    """PDF bytes; the same sheet gives the same bytes."""
    size = LARGE_PRINT_PT if large_print else BODY_PT
    st = _sheet_styles(size)
    story: list[Flowable] = [Paragraph(safe(sheet.title), st["title"]), Paragraph(safe(sheet.intro), st["body"])]
    story.append(grid_table(None, sheet.header, (0.24, 0.76), st, label_column=True))
    story.append(Spacer(1, 2))
    for block in sheet.blocks:
        parts: list[Flowable] = [Paragraph(safe(block.heading), st["h2"])]
        parts += [Paragraph(safe(line), st["body"]) for line in block.lines]
        story.append(KeepTogether(parts))
    regular, _ = register_fonts()
    footer = sheet.footer + (f" · {sheet.large_print_note}" if large_print and sheet.large_print_note else "")

    def paint(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(regular, 10)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.drawString(MARGIN, 10 * mm, footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, f"{page} / {total}")
        canvas.restoreState()

    return build_pdf(story, title=sheet.title, author="CSTR Desk", subject=sheet.lang, when=sheet.generated_at,
                     paint_page=paint, top_margin=14 * mm, bottom_margin=16 * mm)
