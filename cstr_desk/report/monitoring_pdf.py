"""The monitoring return as a one- or two-page PDF, its charts drawn by ReportLab's own graphics."""

from __future__ import annotations

from datetime import datetime

from reportlab.graphics.charts.barcharts import VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, Spacer

from cstr_desk.domain.monitoring import (
    CUSTODY_AVERTED_METHOD,
    FUNNEL_SHORT,
    FUNNEL_STAGES,
    REQUIREMENTS,
    SUPPRESS_BELOW,
    SUPPRESSED,
    MonitoringReport,
    return_rows,
    suppressed_weeks,
)
from cstr_desk.report.fonts import register_fonts
from cstr_desk.report.layout import MARGIN, PAGE_WIDTH, TEXT_WIDTH, build_pdf, grid_table, safe, styles

SERIES_COLOURS = {"MHTR": colors.HexColor("#1d3557"), "DRR": colors.HexColor("#e76f51"),
                  "ATR": colors.HexColor("#2a9d8f")}


def _plotted(n: int) -> int:
    """A chart leaving the laptop must not show a small count either: it is drawn as an empty bar marked '<5'."""
    return n if n >= SUPPRESS_BELOW else 0


def _label(value: float) -> str:
    return f"<{SUPPRESS_BELOW}" if value < SUPPRESS_BELOW else f"{value:.0f}"


def _bar_chart(categories: list[str], series: dict[str, list[int]], title: str, height: float = 62 * mm) -> Drawing:
    regular, bold = register_fonts()
    drawing = Drawing(TEXT_WIDTH, height)
    drawing.add(String(0, height - 10, title, fontName=bold, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y = 28, 28
    chart.width, chart.height = TEXT_WIDTH - 110, height - 52
    chart.data = [[_plotted(v) for v in values] for values in series.values()]
    chart.categoryAxis.categoryNames = categories
    chart.categoryAxis.labels.fontName = regular
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = regular
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    top = max([v for values in chart.data for v in values] + [SUPPRESS_BELOW])
    chart.valueAxis.valueMax = top * 1.15
    chart.barLabelFormat = _label
    chart.barLabels.fontName = regular
    chart.barLabels.fontSize = 6
    chart.barLabels.nudge = 6
    chart.groupSpacing = 6
    for n, name in enumerate(series):
        chart.bars[n].fillColor = SERIES_COLOURS.get(name, colors.grey)
        chart.bars[n].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = TEXT_WIDTH - 70, height - 24
    legend.fontName = regular
    legend.fontSize = 8
    legend.alignment = "right"
    legend.colorNamePairs = [(SERIES_COLOURS.get(name, colors.grey), name) for name in series]
    drawing.add(legend)
    return drawing


def funnel_chart(report: MonitoringReport) -> Drawing:
    counts = report.totals.counts
    series = {r: [counts[f"{r.lower()}_{stage}"] for stage in FUNNEL_STAGES] for r in REQUIREMENTS}
    return _bar_chart(list(FUNNEL_SHORT.values()), series, "From screening to treatment, by requirement")


def trend_chart(report: MonitoringReport) -> Drawing:
    months = list(report.by_month)
    series = {r: [report.by_month[m].counts[f"{r.lower()}_imposed"] for m in months] for r in REQUIREMENTS}
    labels = [datetime.strptime(m, "%Y-%m").strftime("%b %Y") if m else "no date" for m in months]
    return _bar_chart(labels or ["(no cases)"], series if months else {r: [0] for r in REQUIREMENTS},
                      "Treatment requirements imposed, month by month", height=55 * mm)


def render_monitoring_return(report: MonitoringReport, generated_at: datetime | None = None) -> bytes:
    """The return: headline figures, funnel and trend charts, every count (suppressed under 5), and the method."""
    st = styles(9)
    when = generated_at or datetime.combine(report.end, datetime.min.time())
    period = f"{report.start:%d %B %Y} to {report.end:%d %B %Y}"
    t = report.totals
    averted_cases = t.counts["custody_averted"]
    headline = (f"Custody averted: {SUPPRESSED if averted_cases < SUPPRESS_BELOW else averted_cases} cases, "
                f"{suppressed_weeks(t)} weeks (method below).")
    flow: list[Flowable] = [
        Paragraph("CSTR monitoring return", st["title"]),
        Paragraph(safe(f"{report.site_name} · hearings from {period}"), st["body"]),
        Paragraph(safe(f"Pseudonymous counts: no names or identifiers. Counts under {SUPPRESS_BELOW} are shown as "
                       f"\u201c{SUPPRESSED}\u201d, and in the charts as an empty bar marked <{SUPPRESS_BELOW}."),
                  st["note"]),
        Paragraph(safe(headline), st["strong"]),
        Spacer(1, 2 * mm),
        funnel_chart(report),
        trend_chart(report),
        Paragraph("Counts", st["h2"]),
        grid_table(["Section", "Measure", "Count"], return_rows(report), (0.34, 0.46, 0.2), st),
        Paragraph("How custody averted is counted", st["h2"]),
        Paragraph(safe(CUSTODY_AVERTED_METHOD), st["note"]),
    ]

    def paint(canvas: Canvas, page: int, total: int) -> None:
        regular, _ = register_fonts()
        canvas.setFont(regular, 7.5)
        canvas.drawString(MARGIN, 12 * mm, f"CSTR Desk monitoring return · {period}")
        canvas.drawRightString(PAGE_WIDTH - MARGIN, 12 * mm, f"Page {page} of {total}")

    return build_pdf(flow, title="CSTR monitoring return", author=report.site_name, subject=period, when=when,
                     paint_page=paint)
