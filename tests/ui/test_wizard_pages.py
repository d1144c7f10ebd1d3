"""Each wizard page driven with real key and mouse events (offscreen)."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWizard

from cstr_desk.demo import DEMO_PASSPHRASE
from cstr_desk.ui.wizard import P_ALCOHOL, P_ASSESSMENT, P_AUDIT, P_CONSENT, P_DETAILS, P_DRUGS, P_NEEDS
from tests.ui.conftest import make_window, sign_in, type_text


def next_page(qtbot, wizard):
    """Enter on the focused field presses the wizard's default button (Next), as at a real keyboard."""
    focused = QApplication.focusWidget()
    assert focused is not None and wizard.isAncestorOf(focused)
    qtbot.keyClick(focused, Qt.Key.Key_Return)


def click(qtbot, widget):
    """Click where a person would: on the box or label at the left (a wide check box ignores its empty middle)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def test_wrong_passphrase_shows_message_and_stays_locked(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, passphrase="not the passphrase")
    assert window.stack.currentWidget() is window.signin
    assert window.signin.error.isVisible() and "do not match" in window.signin.error.text()
    assert window.desk is None
    window.close()


def test_case_list_and_search_as_you_type(qtbot, officer_window):
    window = officer_window
    assert window.model.rowCount() == 4
    type_text(qtbot, window.search, "luka")
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=2000)
    assert window.model.rows[0].person_name == "Tomasz Łukaszewski"
    window.search.clear()
    type_text(qtbot, window.search, "Siân")
    qtbot.waitUntil(lambda: [r.person_name for r in window.model.rows] == ["Siân O'Neill"], timeout=2000)
    assert "O'Neill" not in window.windowTitle() and "Siân" not in window.windowTitle()


def test_new_case_details_page_untouched_then_errors_when_left_or_next(qtbot, officer_window):
    window = officer_window
    qtbot.keyClick(window.home, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.wizard is not None)
    wizard = window.wizard
    page = wizard.currentPage()
    assert wizard.currentId() == P_DETAILS
    assert not any(e.isVisible() for e in page.errors.values()), "an untouched page shows no error"
    assert not page.missing_panel.isVisible()
    from cstr_desk.ui.pages.details import OffenceRow

    wizard.restart()  # loads the page again; no event loop in between
    shown = [r for r in page.body.findChildren(OffenceRow) if r.isVisible()]
    assert len(shown) == 1, "a new case shows one empty offence line, not leftovers from an earlier load"
    type_text(qtbot, page.given, "Zoe")
    type_text(qtbot, page.family, "Łukaszewska-O'Brien <b>&")
    type_text(qtbot, page.dob, "01/01/2015")
    assert not page.errors["person.date_of_birth"].isVisible(), "no error while the field is being typed"
    qtbot.keyClick(page.dob, Qt.Key.Key_Tab)
    assert page.errors["person.date_of_birth"].isVisible()
    assert "adults" in page.errors["person.date_of_birth"].text()
    assert page.errors["person.date_of_birth"].accessibleName().startswith("Error:")
    page.dob.clear()
    type_text(qtbot, page.dob, "31/02/1990")
    assert "does not exist" in page.errors["person.date_of_birth"].text()
    page.dob.clear()
    type_text(qtbot, page.dob, "14/03/1990")
    type_text(qtbot, page.crn, "12345")
    qtbot.keyClick(page.crn, Qt.Key.Key_Tab)
    assert "one letter followed by six digits" in page.errors["identifiers.crn"].text()

    # Next on an incomplete page stays, lists what is missing at the top, and each item moves focus to its field.
    next_button = wizard.button(QWizard.WizardButton.NextButton)
    assert next_button.isEnabled()
    click(qtbot, next_button)
    assert wizard.currentId() == P_DETAILS
    assert page.missing_panel.isVisible()
    listed = page.missing_panel.text()
    assert "Enter the court." in listed and "one letter followed by six digits" in listed
    assert page.errors["hearing.court"].isVisible(), "Next shows every error on the page"
    index = [m.message for m in page._missing].index("Enter the court.")
    page.missing_panel.linkActivated.emit(f"missing:{index}")
    assert QApplication.focusWidget() is page.court
    type_text(qtbot, page.court, "Leeds Magistrates Court")
    page.crn.clear()
    type_text(qtbot, page.crn, "L123456")
    type_text(qtbot, page.reference, "??")
    qtbot.keyClick(page.reference, Qt.Key.Key_Tab)
    warning = page.errors["hearing.case_reference"]
    assert "unusual" in warning.text() and warning.accessibleName().startswith("Warning:"), "an odd URN only warns"
    assert warning.palette().color(warning.foregroundRole()) != page.errors["hearing.court"].palette().color(
        warning.foregroundRole()), "a warning looks different"
    click(qtbot, next_button)
    assert wizard.currentId() == P_CONSENT
    window.session.flush()
    stored = window.desk.open_draft(window.session.case.case_id)
    assert stored.person.family_name == "Łukaszewska-O'Brien <b>&"
    assert stored.person.given_names == "Zoe"


def _open(window, case_id):
    window.open_wizard(window.desk.open_draft(case_id))
    return window.wizard


def test_consent_refused_skips_screening(qtbot, officer_window):
    window = officer_window
    wizard = _open(window, "demo-drr-only")
    wizard.setStartId(P_CONSENT)
    wizard.restart()
    page = wizard.currentPage()
    click(qtbot, page.assessment.refused)
    assert "skipped" in page.note.text()
    next_page(qtbot, wizard)
    assert wizard.currentId() == P_NEEDS
    window.session.flush()
    records = [c for c in window.desk.open_draft("demo-drr-only").consents if c.kind == "assessment"]
    assert [r.status for r in records] == ["given", "withdrawn"], "a change of mind is a new record"


def test_audit_c_branch_and_live_total(qtbot, officer_window):
    window = officer_window
    wizard = _open(window, "demo-drr-only")
    wizard.setStartId(P_ALCOHOL)
    wizard.restart()
    page = wizard.currentPage()
    q = page.questionnaires["audit_c"]
    for item_id, index in (("q1", 4), ("q2", 1), ("q3", 0)):
        click(qtbot, q.groups[item_id].button(index))
    assert "Total 5 of 12" in q.result_label.text() and "complete the full AUDIT" in q.result_label.text()
    next_page(qtbot, wizard)
    assert wizard.currentId() == P_AUDIT
    wizard.back()
    click(qtbot, q.groups["q1"].button(1))
    assert "Total 2 of 12" in q.result_label.text()
    next_page(qtbot, wizard)
    assert wizard.currentId() == P_DRUGS
    stored = window.desk.open_draft("demo-drr-only").latest_screening("audit_c")
    assert (stored.total, stored.instrument_version) == (2, "2.0.0")  # the version in force (issue 11: UK units)


def test_keyboard_answers_a_question(qtbot, officer_window):
    window = officer_window
    wizard = _open(window, "demo-drr-only")
    wizard.setStartId(P_DRUGS)
    wizard.restart()
    q = wizard.currentPage().questionnaires["dast10"]
    first = q.groups["q1"].button(0)
    first.setFocus()
    qtbot.keyClick(first, Qt.Key.Key_Right)
    assert q.answers()["q1"] == "yes"


def test_psychologist_page_read_only_for_officer_and_item9_needs_action(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.desk is not None)
    wizard = _open(window, "demo-mhtr-only")
    wizard.setStartId(P_ASSESSMENT)
    wizard.restart()
    page = wizard.currentPage()
    assert page.role_note.isVisible()
    button = page.questionnaires["phq9"].groups["q9"].button(2)
    assert button.isEnabled(), "read-only answers stay readable, not greyed out"
    before = button.isChecked()
    click(qtbot, button)
    assert button.isChecked() == before, "but a click does not change them"
    window.close_case()
    window.sign_out()
    sign_in(qtbot, window, "Priya Shah", DEMO_PASSPHRASE)
    qtbot.waitUntil(lambda: window.desk is not None and window.desk.actor.role == "assistant_psychologist")
    wizard = _open(window, "demo-mhtr-only")
    wizard.setStartId(P_ASSESSMENT)
    wizard.restart()
    page = wizard.currentPage()
    assert not page.role_note.isVisible()
    click(qtbot, page.questionnaires["phq9"].groups["q9"].button(2))
    assert page.safeguarding_box.isVisible()
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    assert wizard.currentId() == P_ASSESSMENT and "safeguarding" in page.missing_panel.text()
    type_text(qtbot, page.safeguarding_action, "Safety plan agreed with supervisor")
    assert not page.missing_panel.isVisible(), "the list clears as the problems are put right"
    window.session.flush()
    stored = window.desk.open_draft("demo-mhtr-only")
    assert stored.latest_screening("phq9").answers["q9"] == "2"
    assert any(a.flag == "phq9:safeguarding_item9" and a.action.startswith("Safety plan") for a in stored.safeguarding)
    window.close()


def test_idle_lock_hides_content_and_resumes_same_page(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder, idle_minutes=0.002)  # about 120 ms
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.desk is not None)
    wizard = _open(window, "demo-atr-only")
    wizard.setStartId(P_DRUGS)
    wizard.restart()
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert window.stack.currentWidget() is window.lock_form
    assert not wizard.isVisible() and not window.table.isVisible()
    shown = window.grab()
    assert not shown.isNull()
    type_text(qtbot, window.lock_form.passphrase, "wrong passphrase")
    qtbot.keyClick(window.lock_form.passphrase, Qt.Key.Key_Return)
    assert window.locked
    type_text(qtbot, window.lock_form.passphrase, DEMO_PASSPHRASE)
    qtbot.keyClick(window.lock_form.passphrase, Qt.Key.Key_Return)
    assert not window.locked
    assert window.stack.currentWidget() is wizard and wizard.currentId() == P_DRUGS
    window.close()


def test_administrator_sees_accounts_not_cases(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, "Alex Admin", DEMO_PASSPHRASE)
    qtbot.waitUntil(lambda: window.desk is not None)
    assert window.stack.currentWidget() is window.accounts
    assert window.model.rowCount() == 0
    assert window.accounts.list.count() == 4
    type_text(qtbot, window.accounts.name, "Sam Officer")
    type_text(qtbot, window.accounts.passphrase, "short")
    click(qtbot, window.accounts.add)
    assert "at least 12" in window.accounts.passphrase_error.text()  # beside the box
    window.accounts.passphrase.clear()
    type_text(qtbot, window.accounts.passphrase, "maple quarry lantern")
    type_text(qtbot, window.accounts.again, "maple quarry lantern")
    click(qtbot, window.accounts.add)
    assert window.accounts.list.count() == 5
    window.close()
