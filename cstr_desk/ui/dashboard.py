"""The monitoring dashboard: a period's counts, a funnel and a monthly trend per requirement, and the returns.

Charts are drawn with QPainter: PySide6-Essentials has no QtCharts, two grouped bar charts do not justify
pyqtgraph (and numpy) on the start-up path, and a painted chart renders the same offscreen (screenshots, tests).
Each chart also carries its numbers as text for screen readers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.domain.monitoring import (
    COUNT_LABELS,
    CUSTODY_AVERTED_METHOD,
    FUNNEL_SHORT,
    FUNNEL_STAGES,
    REQUIREMENTS,
    UNSUITABLE_GROUP_LABELS,
    MonitoringReport,
    last_calendar_month,
)

SERIES_COLOURS = {"MHTR": "#1d3557", "DRR": "#e76f51", "ATR": "#2a9d8f"}


class BarChart(QWidget):
    """Grouped bars: one group per category, one bar per series, the value written over each bar."""

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title = title
        self.categories: list[str] = []
        self.series: dict[str, list[int]] = {}
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.setAccessibleName(title)

    def set_data(self, categories: list[str], series: dict[str, list[int]]) -> None:
        self.categories, self.series = categories, series
        described = "; ".join(
            f"{cat}: " + ", ".join(f"{name} {values[i]}" for name, values in series.items())
            for i, cat in enumerate(categories))
        self.setAccessibleDescription(described or "no cases in this period")
        self.update()

    def paintEvent(self, _event: Any) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        metrics = p.fontMetrics()
        line = metrics.height()
        w, h = self.width(), self.height()
        bold = QFont(p.font())
        bold.setBold(True)
        p.setFont(bold)
        p.drawText(QRectF(0, 0, w, line + 4), Qt.AlignmentFlag.AlignLeft, self.title)
        p.setFont(QFont(self.font()))
        # legend at the top right
        x = w - 8
        for name in reversed(list(self.series)):
            text_w = metrics.horizontalAdvance(name)
            x -= text_w
            p.setPen(QColor("#111111"))
            p.drawText(int(x), line, name)
            x -= line
            p.fillRect(QRectF(x, 3, line - 4, line - 4), QColor(SERIES_COLOURS.get(name, "#888888")))
            x -= 12
        left, top, bottom = 8 + metrics.horizontalAdvance("0000"), line * 2 + 6, h - line * 1.8
        plot_w, plot_h = max(10.0, w - left - 8), max(10.0, bottom - top)
        p.setPen(QPen(QColor("#8a8a8a"), 1))
        p.drawLine(int(left), int(bottom), int(left + plot_w), int(bottom))
        if not self.categories:
            p.drawText(QRectF(left, top, plot_w, plot_h), Qt.AlignmentFlag.AlignCenter, "No cases in this period")
            p.end()
            return
        peak = max([v for values in self.series.values() for v in values] + [1])
        group_w = plot_w / len(self.categories)
        n = max(1, len(self.series))
        bar_w = max(2.0, (group_w - 10) / n)
        for i, category in enumerate(self.categories):
            gx = left + i * group_w + 5
            for j, (name, values) in enumerate(self.series.items()):
                value = values[i]
                bar_h = plot_h * 0.88 * value / peak
                rect = QRectF(gx + j * bar_w, bottom - bar_h, bar_w - 2, bar_h)
                p.fillRect(rect, QColor(SERIES_COLOURS.get(name, "#888888")))
                p.setPen(QColor("#111111"))
                p.drawText(QRectF(rect.x() - 6, rect.y() - line, rect.width() + 12, line),
                           Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignBottom, str(value))
            p.drawText(QRectF(left + i * group_w, bottom + 2, group_w, line * 1.6),
                       Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                       metrics.elidedText(category, Qt.TextElideMode.ElideRight, int(group_w) - 2))
        p.end()


def _qdate(d: date) -> QDate:
    return QDate(d.year, d.month, d.day)


def _pydate(q: QDate) -> date:
    return date(q.year(), q.month(), q.day())


class DashboardPage(QWidget):
    """What the programme achieved over a period, from this laptop's database; exact counts on screen,
    suppressed under 5 in the CSV and PDF returns."""

    closed = Signal()

    def __init__(self, desk: Any, today: date | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.today = today or date.today()
        self.report: MonitoringReport | None = None
        outer = QVBoxLayout(self)
        outer.addWidget(QLabel("<h2>Monitoring</h2>"))
        period = QHBoxLayout()
        self.start = QDateEdit()
        self.end = QDateEdit()
        for edit, name in ((self.start, "From"), (self.end, "To")):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("dd/MM/yyyy")
            edit.setAccessibleName(f"Period {name.lower()}")
            caption = QLabel(f"&{name}")
            caption.setBuddy(edit)
            period.addWidget(caption)
            period.addWidget(edit)
        self.last_month = QPushButton("Last &month")
        self.last_quarter = QPushButton("Last &3 months")
        self.last_year = QPushButton("Last 1&2 months")
        self.show_button = QPushButton("&Show")
        for b in (self.last_month, self.last_quarter, self.last_year, self.show_button):
            period.addWidget(b)
        period.addStretch(1)
        outer.addLayout(period)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        body = QWidget()
        column = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self.headline = QLabel()
        self.headline.setWordWrap(True)
        self.headline.setAccessibleName("Headline figures")
        column.addWidget(self.headline)
        charts = QGridLayout()
        self.funnel = BarChart("From screening to treatment, by requirement")
        self.trend = BarChart("Treatment requirements imposed, month by month")
        charts.addWidget(self.funnel, 0, 0)
        charts.addWidget(self.trend, 0, 1)
        column.addLayout(charts)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels(["Measure", "MHTR", "DRR", "ATR"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAccessibleName("Counts by requirement")
        self.table.setMinimumHeight(200)
        column.addWidget(self.table)
        self.others = QLabel()
        self.others.setWordWrap(True)
        self.others.setAccessibleName("Other counts")
        column.addWidget(self.others)
        method = QLabel(CUSTODY_AVERTED_METHOD)
        method.setWordWrap(True)
        method.setStyleSheet("color: #333333;")
        column.addWidget(method)
        buttons = QHBoxLayout()
        self.csv_button = QPushButton("Export &CSV return…")
        self.pdf_button = QPushButton("Export &PDF return…")
        self.back_button = QPushButton("&Back to the list")
        self.message = QLabel()
        buttons.addWidget(self.csv_button)
        buttons.addWidget(self.pdf_button)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.back_button)
        outer.addLayout(buttons)
        self.last_month.clicked.connect(lambda: self.choose_months(1))
        self.last_quarter.clicked.connect(lambda: self.choose_months(3))
        self.last_year.clicked.connect(lambda: self.choose_months(12))
        self.show_button.clicked.connect(self.reload)
        self.csv_button.clicked.connect(lambda: self.export("csv"))
        self.pdf_button.clicked.connect(lambda: self.export("pdf"))
        self.back_button.clicked.connect(self.closed.emit)
        self.choose_months(1)

    def choose_months(self, months: int) -> None:
        """The last `months` whole calendar months (default: last calendar month)."""
        start, end = last_calendar_month(self.today)
        for _ in range(months - 1):
            start = last_calendar_month(start)[0]
        self.start.setDate(_qdate(start))
        self.end.setDate(_qdate(end))
        self.reload()

    def period(self) -> tuple[date, date]:
        start, end = _pydate(self.start.date()), _pydate(self.end.date())
        return (start, end) if start <= end else (end, start)

    def reload(self) -> None:
        start, end = self.period()
        report = self.desk.monitoring(start, end)
        self.report = report
        t = report.totals
        c = t.counts
        self.headline.setText(
            f"<b>{c['cases']}</b> cases heard {start:%d/%m/%Y} to {end:%d/%m/%Y} · <b>{c['screened']}</b> screened · "
            f"<b>{c['mhtr_imposed'] + c['drr_imposed'] + c['atr_imposed']}</b> treatment requirements imposed · "
            f"custody averted: <b>{c['custody_averted']}</b> cases, <b>{t.custody_averted_weeks:g}</b> weeks")
        self.funnel.set_data(list(FUNNEL_SHORT.values()),
                             {r: [c[f"{r.lower()}_{s}"] for s in FUNNEL_STAGES] for r in REQUIREMENTS})
        months = list(report.by_month)
        labels = [date(int(m[:4]), int(m[5:]), 1).strftime("%b %Y") if m else "no date" for m in months]
        self.trend.set_data(labels, {r: [report.by_month[m].counts[f"{r.lower()}_imposed"] for m in months]
                                     for r in REQUIREMENTS})
        stages = [*FUNNEL_STAGES.items(), ("willingness_refused", "Willingness refused")]
        self.table.setRowCount(len(stages))
        for row, (stage, label) in enumerate(stages):
            self.table.setItem(row, 0, QTableWidgetItem(label))
            for col, r in enumerate(REQUIREMENTS, 1):
                item = QTableWidgetItem(str(c[f"{r.lower()}_{stage}"]))
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        general = ["combined_order", "eligible_unsuitable", "consent_refused", "woman", "womens_pathway",
                   "link_worker_referral", "outcome_recorded", "first_appointment_kept", "first_within_5_working_days"]
        groups = ", ".join(f"{label.lower()} {t.unsuitable_groups.get(g, 0)}"
                           for g, label in UNSUITABLE_GROUP_LABELS.items())
        self.others.setText(" · ".join(f"{COUNT_LABELS[k]}: {c[k]}" for k in general)
                            + f" · Unsuitable, by reason: {groups}")

    def export(self, kind: str) -> Path | None:
        start, end = self.period()
        suggested = f"cstr-return-{start.isoformat()}-to-{end.isoformat()}.{kind}"
        target, _ = QFileDialog.getSaveFileName(self, "Save the return", str(Path.home() / suggested),
                                                "CSV (*.csv)" if kind == "csv" else "PDF (*.pdf)")
        if not target:
            return None
        return self.export_to(Path(target), kind)

    def export_to(self, path: Path, kind: str) -> Path:
        """Write the return (counts under 5 suppressed, no names or identifiers), whole or not at all."""
        import os

        start, end = self.period()
        data = self.desk.monitoring_export(start, end, kind)
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data)
        os.replace(partial, path)
        self.message.setText(f"Saved {path.name}")
        return path

