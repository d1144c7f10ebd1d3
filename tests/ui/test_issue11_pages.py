"""Issue 11 on the pages: the date of conviction on the details page, and what a FINAL MHTR still needs named
on the assessment page (beside Next) and on the review page (beside Finalize)."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard

from cstr_desk.demo import DEMO_PASSPHRASE
from cstr_desk.ui.wizard import P_ASSESSMENT, P_DETAILS, P_REVIEW
from tests.ui.conftest import make_window, sign_in, type_text


def _open(window, case_id, page_id):
    window.open_wizard(window.desk.open_draft(case_id))
    wizard = window.wizard
    wizard.setStartId(page_id)
    wizard.restart()
    assert wizard.currentId() == page_id
    return wizard


def test_conviction_date_defaults_to_the_hearing_and_can_be_changed(qtbot, officer_window):
    window = officer_window
    wizard = _open(window, "demo-mhtr-only", P_DETAILS)
    page = wizard.currentPage()
    assert page.conviction_date.text() == "" and page.conviction_date.placeholderText() == "the hearing date"
    hearing = window.session.case.hearing.hearing_date
    after = date(hearing.year + 1, 1, 5).strftime("%d/%m/%Y")
    type_text(qtbot, page.conviction_date, after)
    qtbot.keyClick(page.conviction_date, Qt.Key.Key_Tab)  # errors show once the field is left
    shown = page.errors["hearing.conviction_date"].text()
    assert "after the hearing date" in shown or "in the future" in shown  # the demo's hearing is today
    wizard.button(QWizard.WizardButton.NextButton).click()
    assert wizard.currentId() == P_DETAILS and page.missing_panel.isVisible()
    page.conviction_date.clear()
    earlier = date(hearing.year, 1, 5) if hearing.month > 1 or hearing.day > 5 else hearing
    for offence_row in page.offence_rows:  # an offence cannot follow the conviction
        offence_row.date.clear()
        type_text(qtbot, offence_row.date, date(earlier.year - 1, 6, 1).strftime("%d/%m/%Y"))
    type_text(qtbot, page.conviction_date, earlier.strftime("%d/%m/%Y"))
    assert page.errors["hearing.conviction_date"].text() == ""
    window.session.flush()
    assert window.desk.open_draft("demo-mhtr-only").hearing.conviction_date == earlier
    page.conviction_date.clear()
    page.edited()  # clear() is not an edit by the user; the page copies itself into the case on edits
    window.session.flush()
    assert window.desk.open_draft("demo-mhtr-only").hearing.conviction_date is None


def test_assessment_names_what_a_final_mhtr_still_needs(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, "Priya Shah", DEMO_PASSPHRASE)
    qtbot.waitUntil(lambda: window.desk is not None and window.desk.actor.role == "assistant_psychologist")
    wizard = _open(window, "demo-mhtr-only", P_ASSESSMENT)
    page = wizard.currentPage()
    assert not page.final_note.isVisible()
    page.supervisor.clear()
    page.formulation.clear()
    page.edited()
    text = page.final_note.text()
    assert page.final_note.isVisible()
    assert "the supervising psychologist's name" in text and "the formulation" in text
    assert "when the supervising psychologist was consulted" not in text
    assert wizard.button(QWizard.WizardButton.NextButton).toolTip() == text
    type_text(qtbot, page.supervisor, "Dr A. Example")
    page.formulation.setFocus()
    type_text(qtbot, page.formulation, "Low mood and worry since losing his job.")
    assert not page.final_note.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).toolTip() == ""
    window.close()


def test_finalize_names_the_missing_supervisor(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, "Priya Shah", DEMO_PASSPHRASE)
    qtbot.waitUntil(lambda: window.desk is not None and window.desk.actor.role == "assistant_psychologist")
    wizard = _open(window, "demo-mhtr-only", P_ASSESSMENT)
    page = wizard.currentPage()
    page.supervisor.clear()
    page.edited()
    window.session.flush()
    window.close_case()
    window.sign_out()
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.desk is not None and window.desk.actor.role == "duty_officer")
    wizard = _open(window, "demo-mhtr-only", P_REVIEW)
    review = wizard.currentPage()
    assert "An MHTR cannot be made final without the supervising psychologist&#x27;s name." in review.problems.text() \
        or "An MHTR cannot be made final without the supervising psychologist's name." in review.problems.text()
    wizard.button(QWizard.WizardButton.CommitButton).click()
    assert wizard.currentId() == P_REVIEW, "Finalize stays and says what is missing"
    assert "supervising psychologist" in review.missing_panel.text()
    window.close()
