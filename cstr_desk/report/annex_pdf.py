"""Render the annex data tree to PDF bytes: A4, DRAFT on every page until final, page n of m, same input same bytes."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer

from cstr_desk.domain.annex import Annex, Fields, Table, Text
from cstr_desk.report.fonts import register_fonts
from cstr_desk.report.layout import MARGIN, PAGE_HEIGHT, PAGE_WIDTH, build_pdf, grid_table, safe, styles

FOOTER_LABEL_MAX = 90
SHORT_VALUE = 48


def _flowables(annex: Annex) -> list[Flowable]:
    st = styles(9)
    out: list[Flowable] = [Paragraph(safe(annex.title), st["title"])]
    out.append(Paragraph(safe(f"{annex.status} · version {annex.version} · {annex.case_label}"), st["note"]))
    for section in annex.sections:
        heading = Paragraph(safe(section.title), st["h2"])
        blocks: list[Flowable] = []
        for block in section.blocks:
            if isinstance(block, Text):
                blocks.append(Paragraph(safe(block.text), st.get(block.style, st["body"])))
            elif isinstance(block, Fields):
                blocks.append(_fields_table(block, st))
                blocks.append(Spacer(1, 3))
            elif isinstance(block, Table):
                blocks.append(grid_table(block.header, block.rows, block.widths, st))
                blocks.append(Spacer(1, 3))
        # Keep each heading with the start of its section; the rest flows and may split across pages.
        lead = 0
        while lead < len(blocks) and lead < 3 and _small(blocks[lead]):
            lead += 1
        out.append(KeepTogether([heading, *blocks[:lead]]))
        out.extend(blocks[lead:])
    return out


def _fields_table(block: Fields, st: dict[str, ParagraphStyle]) -> Flowable:
    """Label/value pairs; many short ones go side by side in two pairs of columns to save space."""
    pairs = block.pairs
    if len(pairs) >= 4 and all(len(v) <= SHORT_VALUE for _, v in pairs):
        half = (len(pairs) + 1) // 2
        left, right = pairs[:half], pairs[half:] + (("", ""),) * (half - len(pairs[half:]))
        rows = [(a, b, c, d) for (a, b), (c, d) in zip(left, right)]
        return grid_table(None, rows, (0.17, 0.33, 0.17, 0.33), st, label_column=True, label_columns=(0, 2))
    return grid_table(None, pairs, (0.3, 0.7), st, label_column=True)


def _small(flowable: Flowable) -> bool:
    _width, height = flowable.wrap(PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT)
    return bool(height < PAGE_HEIGHT / 3)


def _painter(annex: Annex):  # type: ignore[no-untyped-def]
    regular, bold = register_fonts()
    label = annex.case_label if len(annex.case_label) <= FOOTER_LABEL_MAX else annex.case_label[:FOOTER_LABEL_MAX - 1] + "…"

    def paint(canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(regular, 7.5)
        canvas.setFillColor(colors.HexColor("#333333"))
        y = 14 * mm
        canvas.drawString(MARGIN, y, label)
        canvas.drawRightString(PAGE_WIDTH - MARGIN, y, f"Page {page} of {total}")
        if annex.is_final:
            canvas.drawString(MARGIN, y - 9, f"FINAL · version {annex.version} · content SHA-256 {annex.content_sha256}")
        else:
            canvas.drawString(MARGIN, y - 9, f"DRAFT · version {annex.version} · not for the court until finalised")
        canvas.setStrokeColor(colors.HexColor("#8a8a8a"))
        canvas.line(MARGIN, y + 9, PAGE_WIDTH - MARGIN, y + 9)
        if not annex.is_final:
            canvas.setFont(bold, 9)
            canvas.setFillColor(colors.HexColor("#b00020"))
            canvas.drawRightString(PAGE_WIDTH - MARGIN, PAGE_HEIGHT - 10 * mm, "DRAFT")
            canvas.setFillColor(colors.Color(0.75, 0.1, 0.1, alpha=0.08))
            canvas.setFont(bold, 110)
            canvas.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            canvas.rotate(45)
            canvas.drawCentredString(0, -40, "DRAFT")
        canvas.restoreState()

    return paint


def render_annex(annex: Annex) -> bytes:
    """PDF bytes for an annex; identical annexes give identical bytes."""
    return build_pdf(
        _flowables(annex),
        title=annex.title,
        author=annex.author,
        subject=f"{annex.status} version {annex.version}",
        when=annex.generated_at,
        paint_page=_painter(annex),
        top_margin=MARGIN,
    )
