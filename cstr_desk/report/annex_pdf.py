"""Render the annex data tree to PDF bytes: A4, DRAFT on every page until final, page n of m, same input same bytes."""

from __future__ import annotations

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Paragraph, Spacer
from reportlab.platypus import Table as RLTable

from cstr_desk.domain.annex import Annex, Block, Fields, Section, Table, Text
from cstr_desk.report.fonts import register_fonts
from cstr_desk.report.layout import (
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    TEXT_WIDTH,
    build_pdf,
    grid_table,
    safe,
    styles,
    summary_table,
)

FOOTER_LABEL_MAX = 90
SHORT_VALUE = 48
FRAME_HEIGHT = PAGE_HEIGHT - MARGIN - 24 * mm
SMALL_TABLE = FRAME_HEIGHT / 5


def _block(block: Block, st: dict[str, ParagraphStyle]) -> Flowable:
    if isinstance(block, Text):
        return Paragraph(safe(block.text), st.get(block.style, st["body"]))
    if isinstance(block, Fields):
        return _fields_table(block, st)
    return grid_table(block.header, block.rows, block.widths, st)


def _lead_height(flowable: Flowable) -> float:
    """The height of the first part of a flowable that must sit on the same page as the heading above it:
    a short table whole, a longer table's header and first row, a paragraph's first two lines."""
    _w, height = flowable.wrap(TEXT_WIDTH, FRAME_HEIGHT)
    if isinstance(flowable, RLTable) and height <= SMALL_TABLE:
        return float(height)  # a short table is not split at all
    if isinstance(flowable, RLTable):
        rows = list(flowable._rowHeights)  # measured by wrap
        keep = 1 + getattr(flowable, "repeatRows", 0)
        return float(sum(rows[:keep]))
    if isinstance(flowable, Paragraph):
        return float(min(height, 2 * flowable.style.leading + flowable.style.spaceBefore))
    return float(height)


def _height(flowable: Flowable) -> float:
    _w, height = flowable.wrap(TEXT_WIDTH, FRAME_HEIGHT)
    return float(height + flowable.getSpaceBefore() + flowable.getSpaceAfter())


def _section_flowables(section: Section, st: dict[str, ParagraphStyle]) -> list[Flowable]:
    """A section's flowables; every heading and sub-heading is preceded by a conditional page break that keeps
    it on the same page as the first rows of what follows it (no heading ever ends a page)."""
    heading = Paragraph(safe(section.title), st["h2"])
    if section.boxed:
        pairs = [pair for b in section.blocks if isinstance(b, Fields) for pair in b.pairs]
        box = summary_table(pairs, st)
        return [KeepTogether([heading, box])] if _height(box) < FRAME_HEIGHT * 0.8 else [heading, box]
    out: list[Flowable] = []
    pending: list[Flowable] = [heading]
    for block in section.blocks:
        flowable = _block(block, st)
        if isinstance(block, Text) and block.style == "strong":
            pending.append(flowable)
            continue
        if pending:
            need = sum(_height(p) for p in pending) + _lead_height(flowable) + 6
            out.append(CondPageBreak(need))
            out.extend(pending)
            pending = []
        out.append(flowable)
        if isinstance(block, (Fields, Table)):
            out.append(Spacer(1, 3))
    if pending:  # a heading with nothing after it: keep it with the section's last flowable instead
        out.extend(pending)
    return out


def _flowables(annex: Annex) -> list[Flowable]:
    st = styles(9)
    out: list[Flowable] = [Paragraph(safe(annex.title), st["title"])]
    out.append(Paragraph(safe(f"{annex.status} · version {annex.version} · {annex.case_label}"), st["note"]))
    sections = list(annex.sections)
    last = sections.pop() if sections and sections[-1].title == "Sign-off" else None
    for section in sections:
        out.extend(_section_flowables(section, st))
    if last is not None:
        out.extend(_with_tail(out, _section_flowables(last, st)))
    return out


def _with_tail(out: list[Flowable], sign_off: list[Flowable]) -> list[Flowable]:
    """The sign-off never stands alone on a page: it is kept with the end of the section before it. Takes that
    end off `out` (the group after the last heading when it is small, else the last block unless a heading is
    right above it) and returns what to append."""
    sign_off = [f for f in sign_off if not isinstance(f, CondPageBreak)]
    while out and isinstance(out[-1], Spacer):
        out.pop()
    start = max((n for n, f in enumerate(out) if isinstance(f, CondPageBreak)), default=-1) + 1
    group = out[start:]
    if group and sum(_height(f) for f in group) <= FRAME_HEIGHT / 3:
        del out[start:]
        return [KeepTogether([*group, *sign_off])]
    blocks = [n for n, f in enumerate(group) if not isinstance(f, Spacer)]
    first_block = next((n for n in blocks if not _is_heading(group[n])), None)
    if blocks and blocks[-1] != first_block and _height(group[blocks[-1]]) <= FRAME_HEIGHT / 3:
        tail = out[start + blocks[-1]:]
        del out[start + blocks[-1]:]
        return [KeepTogether([*tail, *sign_off])]
    return [CondPageBreak(sum(_height(f) for f in sign_off)), *sign_off]


def _is_heading(flowable: Flowable) -> bool:
    return isinstance(flowable, Paragraph) and flowable.style.name in ("h2", "strong")


def _fields_table(block: Fields, st: dict[str, ParagraphStyle]) -> Flowable:
    """Label/value pairs; many short ones go side by side in two pairs of columns to save space."""
    pairs = block.pairs
    if len(pairs) >= 4 and all(len(v) <= SHORT_VALUE for _, v in pairs):
        half = (len(pairs) + 1) // 2
        left, right = pairs[:half], pairs[half:] + (("", ""),) * (half - len(pairs[half:]))
        rows = [(a, b, c, d) for (a, b), (c, d) in zip(left, right)]
        return grid_table(None, rows, (0.17, 0.33, 0.17, 0.33), st, label_column=True, label_columns=(0, 2))
    return grid_table(None, pairs, (0.3, 0.7), st, label_column=True)


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
            if annex.audit_head:
                canvas.drawString(MARGIN, y - 18, f"Audit log chain head at finalizing: {annex.audit_head}")
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
