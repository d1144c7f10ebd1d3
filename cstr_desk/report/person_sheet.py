"""Render the person's plain-language sheet (English or Welsh) as a one-page PDF in large, clear type."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from cstr_desk.domain.sheet import PersonSheet
from cstr_desk.report.fonts import register_fonts
from cstr_desk.report.layout import MARGIN, PAGE_WIDTH, build_pdf, grid_table, safe, styles


def render_person_sheet(sheet: PersonSheet) -> bytes:
    st = styles(11)
    story: list[Flowable] = [Paragraph(safe(sheet.title), st["title"]), Paragraph(safe(sheet.intro), st["body"])]
    story.append(grid_table(None, sheet.header, (0.22, 0.78), st, label_column=True))
    story.append(Spacer(1, 4))
    for block in sheet.blocks:
        parts: list[Flowable] = [Paragraph(safe(block.heading), st["h2"])]
        parts += [Paragraph(safe(line), st["body"]) for line in block.lines]
        story.append(KeepTogether(parts))
    regular, _ = register_fonts()

    def paint(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(regular, 8)
        canvas.setFillColor(colors.HexColor("#333333"))
        canvas.drawString(MARGIN, 12 * mm, sheet.footer)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 12 * mm, f"{page} / {total}")
        canvas.restoreState()

    return build_pdf(story, title=sheet.title, author="CSTR Desk", subject=sheet.lang, when=sheet.generated_at,
                     paint_page=paint, bottom_margin=20 * mm)
