"""Shared PDF layout: styles, safe text, page frame with footer, 'page n of m', DRAFT marks, fixed dates."""

from __future__ import annotations

import calendar
import io
import time
import unicodedata
from collections.abc import Callable, Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import TimeStamp
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from cstr_desk.report.fonts import register_fonts

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
TEXT_WIDTH = PAGE_WIDTH - 2 * MARGIN
GRID = colors.HexColor("#8a8a8a")
SHADE = colors.HexColor("#e8eef4")
INK = colors.HexColor("#111111")


def safe(text: str) -> str:
    """Case text as Paragraph markup that prints literally: escaped, control characters dropped, lines kept."""
    cleaned = "".join(
        ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn")
    )
    lines = escape(cleaned.replace("\t", " "), {'"': "&quot;"}).split("\n")
    return "<br/>".join(lines)


def styles(base_size: float = 9.5) -> dict[str, ParagraphStyle]:
    regular, bold = register_fonts()
    body = ParagraphStyle("body", fontName=regular, fontSize=base_size, leading=base_size * 1.3, alignment=TA_LEFT,
                          textColor=INK, spaceAfter=3, splitLongWords=1)
    return {
        "title": ParagraphStyle("title", parent=body, fontName=bold, fontSize=base_size + 6, leading=(base_size + 6) * 1.25,
                                spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=body, fontName=bold, fontSize=base_size + 2.5, leading=(base_size + 2.5) * 1.3,
                             spaceBefore=8, spaceAfter=4, textColor=colors.HexColor("#1d3557")),
        "strong": ParagraphStyle("strong", parent=body, fontName=bold, spaceBefore=4),
        "body": body,
        "note": ParagraphStyle("note", parent=body, fontSize=base_size - 1, leading=(base_size - 1) * 1.3,
                               textColor=colors.HexColor("#333333")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=base_size - 1, leading=(base_size - 1) * 1.25, spaceAfter=0),
        "cellhead": ParagraphStyle("cellhead", parent=body, fontName=bold, fontSize=base_size - 1,
                                   leading=(base_size - 1) * 1.25, spaceAfter=0),
        "banner": ParagraphStyle("banner", parent=body, fontName=bold, fontSize=base_size + 1, textColor=colors.white),
    }


class MeasuredTable(Table):
    """A Table that remembers its measurements for a width: the annex measures tables to keep headings with their
    first rows, and the frame measures them again; the cell paragraphs' heights do not depend on the height
    available, so the second measurement would repeat the first."""

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:
        if getattr(self, "_measured_for", None) == availWidth:
            self.availWidth = availWidth
            return self._width, self._height
        width, height = super().wrap(availWidth, availHeight)
        self._measured_for = availWidth
        return width, height


def _tallest_row(rows: Sequence[Sequence[str]], col_widths: Sequence[float], style: ParagraphStyle) -> float:
    """A generous estimate of the tallest row's height (a wide average glyph), without laying anything out."""
    glyph = style.fontSize * 0.62
    tallest = 0.0
    for row in rows:
        for text, width in zip(row, col_widths):
            per_line = max(1, int((width - 6) / glyph))
            lines = sum(1 + len(part) // per_line for part in text.split("\n"))
            tallest = max(tallest, lines * style.leading + 5)
    return tallest


def grid_table(header: Sequence[str] | None, rows: Sequence[Sequence[str]], widths: Sequence[float],
               st: dict[str, ParagraphStyle], label_column: bool = False,
               label_columns: Sequence[int] = (0,)) -> Table:
    """A table whose every cell is a wrapped Paragraph; it splits across pages between rows, with its header
    repeated, and inside a row only when some row may be too tall to move whole to the next page."""
    data: list[list[Flowable]] = []
    if header:
        data.append([Paragraph(safe(h), st["cellhead"]) for h in header])
    for row in rows:
        data.append([Paragraph(safe(cell), st["cellhead"] if (label_column and n in label_columns) else st["cell"])
                     for n, cell in enumerate(row)])
    col_widths = [w * TEXT_WIDTH for w in widths]
    table = MeasuredTable(data, colWidths=col_widths, repeatRows=1 if header else 0,
                          splitInRow=int(_tallest_row(rows, col_widths, st["cell"]) > PAGE_HEIGHT / 4), hAlign="LEFT")
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.4, GRID),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        commands.append(("BACKGROUND", (0, 0), (-1, 0), SHADE))
    if label_column:
        for col in label_columns:
            commands.append(("BACKGROUND", (col, 0), (col, -1), SHADE))
    table.setStyle(TableStyle(commands))
    return table


def summary_table(pairs: Sequence[tuple[str, str]], st: dict[str, ParagraphStyle]) -> Table:
    """The page-1 summary: label/value rows inside a heavy box, values in body-size type."""
    data = [[Paragraph(safe(k), st["cellhead"]), Paragraph(safe(v), st["body"])] for k, v in pairs]
    table = Table(data, colWidths=[0.24 * TEXT_WIDTH, 0.76 * TEXT_WIDTH], splitInRow=1, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("BOX", (0, 0), (-1, -1), 1.2, colors.HexColor("#1d3557")),
        ("LINEBELOW", (0, 0), (-1, -2), 0.4, GRID),
        ("BACKGROUND", (0, 0), (0, -1), SHADE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
    ]))
    return table


def fixed_timestamp(when: datetime) -> TimeStamp:
    """A ReportLab timestamp for a given moment, so the same input gives the same bytes."""
    stamp = TimeStamp(invariant=1)
    epoch = calendar.timegm(when.timetuple())
    stamp.t = epoch
    stamp.lt = time.gmtime(epoch)
    stamp.YMDhms = tuple(stamp.lt)[:6]
    return stamp


FooterPainter = Callable[[Canvas, int, int], None]


def build_pdf(flowables: list[Flowable], *, title: str, author: str, subject: str, when: datetime,
              paint_page: FooterPainter, top_margin: float = MARGIN, bottom_margin: float = 24 * mm) -> bytes:
    """Render flowables on A4; paint_page(canvas, page, page_count) draws footers and marks on every page."""
    buffer = io.BytesIO()

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._doc._timeStamp = fixed_timestamp(when)
            self._saved: list[dict[str, object]] = []

        def showPage(self) -> None:
            self._saved.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved)
            for number, state in enumerate(self._saved, 1):
                self.__dict__.update(state)
                paint_page(self, number, total)
                super().showPage()
            super().save()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=top_margin, bottomMargin=bottom_margin,
        title=title, author=author, subject=subject, creator="CSTR Desk", producer="CSTR Desk", invariant=1,
    )
    doc.build(flowables, canvasmaker=NumberedCanvas)
    return buffer.getvalue()
