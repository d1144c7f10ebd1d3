"""Custody in view in the annex's summary, and the monitoring PDF return read back."""

from __future__ import annotations

from datetime import date, datetime

from cstr_desk.domain.annex import build_annex
from cstr_desk.domain.case import CustodyInView
from cstr_desk.domain.monitoring import MonitoringRecord, MonitoringReport, count_by_month, count_records
from cstr_desk.report.annex_pdf import render_annex
from cstr_desk.report.monitoring_pdf import render_monitoring_return
from tests.report.pdftext import body_text, pages, squash


def test_custody_in_view_printed_in_the_annex_only_once_recorded(demo, forms):
    case = demo("drr_only")
    when = datetime(2026, 11, 23, 15)
    plain = squash(body_text(render_annex(build_annex(case, forms, final=False, generated_at=when))))
    assert squash("Custody in view") not in plain
    case.custody = CustodyInView("custody_indicated", 120)
    text = squash(body_text(render_annex(build_annex(case, forms, final=False, generated_at=when))))
    assert squash("Custody in view") in text
    assert squash("The court indicated custody; term indicated 120 days") in text


def test_monitoring_return_pdf_has_charts_counts_method_and_suppression():
    records = ([MonitoringRecord(month="2026-09", screened=True, mhtr_screened=True, mhtr_proposed=True,
                                 mhtr_imposed=True, custody_averted=True, custody_averted_days=84)] * 7
               + [MonitoringRecord(month="2026-10", screened=True, drr_imposed=True)] * 3)
    report = MonitoringReport(date(2026, 9, 1), date(2026, 10, 31), "Test site <&>", count_records(records),
                              count_by_month(records))
    pdf = render_monitoring_return(report, datetime(2026, 11, 1))
    assert render_monitoring_return(report, datetime(2026, 11, 1)) == pdf  # same input, same bytes
    assert 1 <= len(pages(pdf)) <= 2
    text = squash(body_text(pdf))
    assert squash("Test site <&>") in text
    assert squash("Custody averted: 7 cases, 84 weeks") in text
    assert squash("DRRImposedfewer than 5") in text and squash("MHTRImposed7") in text
    assert squash("How custody averted is counted") in text
    assert squash("From screening to treatment, by requirement") in text and squash("Sep 2026") in text
