"""The person's language on the wizard pages: recorded on the details page, consent and willingness texts shown
in Welsh, records carrying the language, and the officer's 'explained in ordinary language' tick in the annex."""

from __future__ import annotations

import io

from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWizard

from cstr_desk.domain.consent import current_consent
from cstr_desk.ui.wizard import P_CONSENT, P_DETAILS, P_MHTR


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def press_next(qtbot, wizard):
    before = wizard.currentId()
    button = wizard.button(QWizard.WizardButton.NextButton)
    assert button.isEnabled(), f"Next is blocked on page {before}"
    click(qtbot, button)
    qtbot.waitUntil(lambda: wizard.currentId() != before)


def test_welsh_interview_shows_welsh_texts_and_records_the_language(qtbot, officer_window):
    window = officer_window
    row = next(n for n, r in enumerate(window.model.rows) if r.person_name == "Dafydd Llŷr")
    window.table.selectRow(row)
    click(qtbot, window.open_button)
    qtbot.waitUntil(lambda: window.wizard is not None)
    wizard = window.wizard
    wizard.go_to(P_DETAILS)  # the case resumes on its review step; open the first step, as the step list does
    assert wizard.currentId() == P_DETAILS
    page = wizard.currentPage()
    page.interview_language.lineEdit().clear()
    page.interview_language.setFocus()
    qtbot.keyClicks(page.interview_language.lineEdit(), "Welsh")
    page.interpreter_used.setFocus()
    qtbot.keyClick(page.interpreter_used, Qt.Key.Key_Down)  # Not recorded -> Yes
    qtbot.keyClick(page.interpreter_used, Qt.Key.Key_Down)  # Yes -> No
    assert page.interpreter_used.currentData() is False
    press_next(qtbot, wizard)
    assert wizard.currentId() == P_CONSENT
    consent = wizard.currentPage()
    assert "Cytuno i sgrinio" in consent.assessment.title() and "Cymraeg" in consent.assessment.title()
    assert "Does dim rhaid i chi gytuno" in consent.assessment.body.text()
    assert "qualified Welsh translator" in consent.assessment.translation_note.text()
    assert "Y Gwasanaeth Prawf" in consent.sharing.partners["probation"].text()
    wizard.go_to(P_MHTR)
    block = wizard.currentPage().block
    assert "Gofyniad Triniaeth Iechyd Meddwl" in block.willing_box.title()
    assert "(in Welsh)" in block.explained.text()
    click(qtbot, block.explained)
    click(qtbot, block.unwilling)
    click(qtbot, block.willing)  # a corrected click during the visit replaces the record it just made
    window.session.flush()
    case = window.desk.open_draft(window.session.case.case_id)
    assert case.person.interview_language == "Welsh" and case.person.interpreter_used is False
    record = current_consent(case.consents, "willingness", "MHTR")
    assert (record.status, record.language, record.explained_in_ordinary_language, record.explained_language) == \
        ("given", "cy", True, "Welsh")
    pdf = window.desk.draft_annex(case, "opened")
    text = "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)
    for expected in ("Welsh;nointerpreterwasused", "explainedinordinarylanguage,inWelsh.",
                     "consenttextversion1.0.0,inWelsh."):
        assert expected in text, expected
    wizard.reject()
    QApplication.processEvents()
