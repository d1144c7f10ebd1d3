"""The Outcome step, the 'outcome to record' filter, the dashboard and custody in view, driven with keys and clicks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from cstr_desk.demo import make_demo_folder
from cstr_desk.ui.dashboard import DashboardPage
from cstr_desk.ui.outcome_page import OutcomePage
from tests.ui.conftest import FAST_N, make_window, sign_in, type_text


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def choose(qtbot, combo, data):
    """Pick a combo entry with the keyboard, as a person would: focus, then arrow keys."""
    combo.setFocus()
    target = combo.findData(data)
    assert target >= 0
    while combo.currentIndex() != target:
        qtbot.keyClick(combo, Qt.Key.Key_Down if combo.currentIndex() < target else Qt.Key.Key_Up)


@pytest.fixture
def history_window(qtbot, tmp_path):
    folder = tmp_path / "data"
    make_demo_folder(folder, date.today(), scrypt_n=FAST_N, history=10)
    window = make_window(qtbot, folder)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    yield window
    window.close()


def test_outcome_to_record_filter_then_record_and_correct(qtbot, history_window):
    window = history_window
    desk = window.desk
    waiting = desk.count_outcomes_to_record(date.today())
    assert waiting >= 1 and f"({waiting})" in window.to_record.text()
    click(qtbot, window.to_record)
    assert {r.case_id for r in window.model.rows} == {s.case_id for s in desk.outcomes_to_record(date.today())}
    window.table.selectRow(0)
    row = window.selected()
    annex_before = desk.final_annex(row.case_id, row.latest_final)
    click(qtbot, window.outcome_button)
    page = window.stack.currentWidget()
    assert isinstance(page, OutcomePage) and page.save_button.text() == "&Record outcome"
    choose(qtbot, page.category, "probation_sentence")
    click(qtbot, page.as_proposed_button)
    assert "as proposed." in page.differences.text()
    imposed = [b for b in page.blocks.values() if b.imposed.isChecked()]
    assert [b.requirement for b in imposed] == window.desk.final_case(row.case_id, row.latest_final).proposal.proposed
    block = imposed[0]
    choose(qtbot, block.first_status, "kept")
    type_text(qtbot, block.first_on, (row.hearing_date + timedelta(days=2)).strftime("%d/%m/%Y"))
    click(qtbot, page.save_button)
    assert "Version 1" in page.history.text()
    stored = desk.latest_outcome(row.case_id)
    assert stored.category == "probation_sentence" and stored.appointment(block.requirement).status == "kept"
    assert desk.final_annex(row.case_id, row.latest_final) == annex_before
    assert page.sheet_en.isEnabled() and page.sheet_cy.isEnabled()

    # a correction needs its reason; without one nothing is stored and the message sits beside the field
    assert page.save_button.text() == "Record &correction" and page.correction_box.isVisible()
    block.length.setFocus()
    qtbot.keyClick(block.length, Qt.Key.Key_Down)
    assert "length (months)" in page.differences.text()
    click(qtbot, page.save_button)
    assert page.errors["correction_reason"].isVisible()
    assert len(desk.outcome_history(row.case_id)) == 1
    type_text(qtbot, page.reason, "Legal adviser read the order again")
    click(qtbot, page.save_button)
    history = desk.outcome_history(row.case_id)
    assert [o.version for o in history] == [1, 2] and history[1].correction_reason.startswith("Legal adviser")
    assert "Version 2" in page.history.text() and "Version 1" in page.history.text()
    click(qtbot, page.back_button)
    assert window.stack.currentWidget() is window.home
    assert f"({waiting - 1})" in window.to_record.text()
    assert row.case_id not in {r.case_id for r in window.model.rows}


def test_outcome_problems_shown_beside_fields(qtbot, history_window):
    window = history_window
    click(qtbot, window.to_record)
    window.table.selectRow(0)
    click(qtbot, window.outcome_button)
    page = window.stack.currentWidget()
    choose(qtbot, page.category, "adjourned")
    page.hearing_date.clear()
    type_text(qtbot, page.hearing_date, "31/02/2026")
    click(qtbot, page.save_button)
    assert "does not exist" in page.errors["hearing_date"].text()
    page.hearing_date.clear()
    type_text(qtbot, page.hearing_date, date.today().strftime("%d/%m/%Y"))
    click(qtbot, page.save_button)
    assert page.errors["new_hearing_date"].isVisible() and "new hearing date" in page.errors["new_hearing_date"].text()
    assert window.desk.outcome_history(page.case_id) == []


def test_dashboard_shows_the_counts_and_exports_a_return_without_names(qtbot, history_window, tmp_path):
    window = history_window
    click(qtbot, window.dashboard_button)
    page = window.stack.currentWidget()
    assert isinstance(page, DashboardPage)
    click(qtbot, page.last_year)
    start, end = page.period()
    report = window.desk.monitoring(start, end)
    heard = [r for r in window.desk.list_cases(limit=100) if start <= r.hearing_date <= end]
    assert report.totals.counts["cases"] == len(heard) >= 5
    assert page.table.item(4, 0).text() == "Imposed"
    assert [page.table.item(4, c).text() for c in (1, 2, 3)] == [
        str(report.totals.counts[f"{r}_imposed"]) for r in ("mhtr", "drr", "atr")]
    assert f"{len(heard)}</b> cases" in page.headline.text()
    assert f"Screened: MHTR {len(heard)}" in page.funnel.accessibleDescription()
    path = page.export_to(tmp_path / "return.csv", "csv")
    text = path.read_text(encoding="utf-8")
    names = [r.person_name.split()[-1] for r in window.desk.list_cases(limit=100)]
    assert "fewer than 5" in text and not any(n in text for n in names if len(n) > 3)
    image = page.grab()
    assert image.width() > 600
    click(qtbot, page.back_button)
    assert window.stack.currentWidget() is window.home


def test_custody_in_view_on_the_proposal_page(qtbot, officer_window):
    window = officer_window
    case = window.desk.open_draft("demo-drr-only")
    case.wizard_step = "together"
    window.open_wizard(case)
    page = window.wizard.currentPage()
    choose(qtbot, page.custody, "custody_indicated")
    page.custody_term.setFocus()
    page.custody_term.selectAll()
    qtbot.keyClicks(page.custody_term, "120")
    window.session.flush()
    stored = window.desk.open_draft("demo-drr-only")
    assert (stored.custody.likelihood, stored.custody.indicated_term_days) == ("custody_indicated", 120)
