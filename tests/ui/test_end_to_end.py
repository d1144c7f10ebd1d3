"""One court day from an empty database to a stored final annex: a combined MHTR + ATR for a woman."""

from __future__ import annotations

import io
import tempfile
from datetime import date, timedelta
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QWizard

from cstr_desk.domain.roles import Actor
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import open_database
from cstr_desk.storage.users import Keyring
from cstr_desk.ui import documents
from cstr_desk.ui.wizard import (
    P_ALCOHOL,
    P_ASSESSMENT,
    P_AUDIT,
    P_CONSENT,
    P_DETAILS,
    P_DONE,
    P_DRUGS,
    P_ATR,
    P_DRR,
    P_MH_SCREEN,
    P_MHTR,
    P_NEEDS,
    P_REVIEW,
    P_TOGETHER,
)
from tests.ui.conftest import FAST_N, choose_own_passphrase, first_passphrase, make_window, sign_in, type_text

ADMIN = ("Alex Admin", "granite willow compass")
OFFICER = ("Jo Adeyemi", "green lantern harbour")
PSYCH = ("Priya Shah", "quiet river meadow")
NAME = ("Siân", "Nowak-O'Neill")


def click(qtbot, widget):
    """Click where a person would: on the box or label at the left (a wide check box ignores its empty middle)."""
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(8, widget.height() // 2))


def press_next(qtbot, wizard, expected):
    button = wizard.button(QWizard.WizardButton.CommitButton if wizard.currentId() == P_REVIEW
                           else QWizard.WizardButton.NextButton)
    problems = getattr(wizard.currentPage(), "problems", None)
    assert button.isEnabled(), f"Next is blocked on page {wizard.currentId()}: {problems() if callable(problems) else ''}"
    click(qtbot, button)
    qtbot.waitUntil(lambda: wizard.currentId() == expected)  # Finalize runs off the UI thread


def answer(qtbot, questionnaire, codes):
    for item, code in zip(questionnaire.instrument.items, codes.split(",")):
        index = [o.code for o in item.options].index(code)
        click(qtbot, questionnaire.groups[item.id].button(index))


def test_court_day_from_empty_database_to_final_annex(qtbot, tmp_path, monkeypatch):
    opened: list[Path] = []
    monkeypatch.setattr(documents.QDesktopServices, "openUrl", lambda url: opened.append(Path(url.toLocalFile())))
    folder = tmp_path / "data"
    today = date.today()

    # First start: the administrator is created, then adds an officer and a psychologist.
    window = make_window(qtbot, folder)
    window.keyring.scrypt_n = FAST_N
    first = window.signin
    type_text(qtbot, first.name, ADMIN[0])
    type_text(qtbot, first.passphrase, ADMIN[1])
    type_text(qtbot, first.again, ADMIN[1])
    qtbot.keyClick(first.again, Qt.Key.Key_Return)
    # The recovery key is shown once; carrying on needs the confirmation that it was written down (issue 15, D3).
    assert first.recovery_key.text()
    qtbot.keyClick(first.written_down, Qt.Key.Key_Space)
    click(qtbot, first.carry_on)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.accounts)
    accounts = window.accounts
    for name, passphrase, role in ((*OFFICER, "duty_officer"), (*PSYCH, "assistant_psychologist")):
        type_text(qtbot, accounts.name, name)
        accounts.role.setCurrentIndex(accounts.role.findData(role))
        type_text(qtbot, accounts.passphrase, first_passphrase(passphrase))
        type_text(qtbot, accounts.again, first_passphrase(passphrase))
        click(qtbot, accounts.add)
    assert accounts.list.count() == 3
    click(qtbot, window.signout_button) if window.signout_button.isVisible() else window.sign_out()

    # The duty officer starts the case (first choosing their own passphrase).
    sign_in(qtbot, window, OFFICER[0], first_passphrase(OFFICER[1]))
    choose_own_passphrase(qtbot, window, OFFICER[1])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    click(qtbot, window.new_button)
    wizard = window.wizard
    page = wizard.currentPage()
    assert wizard.currentId() == P_DETAILS
    type_text(qtbot, page.given, NAME[0])
    type_text(qtbot, page.family, NAME[1])
    type_text(qtbot, page.dob, "30/06/1995")
    page.gender.setCurrentIndex(page.gender.findData("female"))
    type_text(qtbot, page.court, "Milton Keynes Magistrates' Court")
    type_text(qtbot, page.reference, "44GH9988726")
    type_text(qtbot, page.crn, "W112233")
    type_text(qtbot, page.offence_rows[0].description, "Assault by beating")
    page.offence_rows[0].imprisonable.setCurrentIndex(page.offence_rows[0].imprisonable.findData(True))
    page.order_type.setCurrentIndex(page.order_type.findData("community_order"))
    page.co_months.setFocus()
    qtbot.keyClick(page.co_months, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(page.co_months, "12")
    press_next(qtbot, wizard, P_CONSENT)
    page = wizard.currentPage()
    click(qtbot, page.assessment.given)
    click(qtbot, page.sharing.given)
    press_next(qtbot, wizard, P_ALCOHOL)
    answer(qtbot, wizard.currentPage().questionnaires["audit_c"], "4,2,3")
    press_next(qtbot, wizard, P_AUDIT)
    page = wizard.currentPage()
    answer(qtbot, page.questionnaires["audit"], "4,2,3,2,2,2,3,2,0,4")
    # AUDIT 24 is evidence of possible dependence, not the finding: the officer records A1 (issue 11).
    a1 = page.judgement_widgets[0]
    a1.finding.setCurrentIndex(a1.finding.findData("met"))
    type_text(qtbot, a1.reason, "Morning drinking and failed attempts to cut down; the service confirms dependence")
    a2 = page.judgement_widgets[1]
    a2.finding.setCurrentIndex(a2.finding.findData("met"))
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    assert wizard.currentId() == P_AUDIT, "a finding without a reason stops Next"
    assert a2.error.isVisible() and "reason" in page.missing_panel.text(), "and says so, at the top and beside it"
    type_text(qtbot, a2.reason, "Daily drinking, wants help; the service can start this week")
    press_next(qtbot, wizard, P_DRUGS)
    answer(qtbot, wizard.currentPage().questionnaires["dast10"], "no,no,yes,no,no,no,no,no,no,no")
    press_next(qtbot, wizard, P_MH_SCREEN)
    page = wizard.currentPage()
    answer(qtbot, page.questionnaires["mh_screen"], "yes,yes,no,yes,no,no,yes,2,3,2,3")
    assert page.safeguarding_box.isVisible()
    type_text(qtbot, page.safeguarding_action, "Referred to the assistant psychologist this morning")
    press_next(qtbot, wizard, P_ASSESSMENT)
    assert wizard.currentPage().role_note.isVisible(), "the officer can read but not write the assessment"
    click(qtbot, wizard.button(QWizard.WizardButton.CancelButton))  # Save and close
    qtbot.waitUntil(lambda: window.wizard is None)
    case_id = window.model.rows[0].case_id
    window.sign_out()

    # The assistant psychologist completes the assessment.
    sign_in(qtbot, window, PSYCH[0], first_passphrase(PSYCH[1]))
    choose_own_passphrase(qtbot, window, PSYCH[1])
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    assert not window.new_button.isEnabled()
    window.table.selectRow(0)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    wizard = window.wizard
    assert wizard.currentId() == P_ASSESSMENT, "resumes where the case was left"
    page = wizard.currentPage()
    answer(qtbot, page.questionnaires["phq9"], "2,3,2,2,2,2,2,1,1")
    answer(qtbot, page.questionnaires["gad7"], "2,3,2,2,2,2,2")
    assert page.safeguarding_box.isVisible()
    click(qtbot, wizard.button(QWizard.WizardButton.NextButton))
    assert wizard.currentId() == P_ASSESSMENT, "Next on an incomplete page stays, and says what is missing"
    assert page.missing_panel.isVisible() and "safeguarding" in page.missing_panel.text()
    type_text(qtbot, page.safeguarding_action, "No plan or intent; GP informed; crisis numbers given")
    page.hospital.setCurrentIndex(page.hospital.findData(False))
    type_text(qtbot, page.supervisor, "Dr B. Example")
    type_text(qtbot, page.consulted_date, today.strftime("%d/%m/%Y"))
    type_text(qtbot, page.consulted_time, "11:50")
    type_text(qtbot, page.formulation, "Low mood and anxiety after domestic abuse; drinking to cope.")
    # PHQ-9 17 and GAD-7 15 suggest M1; the finding is the psychologist's (issue 11).
    m1 = page.judgement_widgets[0]
    m1.finding.setCurrentIndex(m1.finding.findData("met"))
    type_text(qtbot, m1.reason, "Depression and anxiety below secondary care; agreed with the supervisor")
    press_next(qtbot, wizard, P_NEEDS)
    click(qtbot, wizard.button(QWizard.WizardButton.CancelButton))
    qtbot.waitUntil(lambda: window.wizard is None)
    window.sign_out()

    # The officer proposes and finalizes.
    sign_in(qtbot, window, *OFFICER)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    window.table.selectRow(0)
    click(qtbot, window.open_button)
    wizard = window.wizard
    assert wizard.currentId() == P_NEEDS
    page = wizard.currentPage()
    click(qtbot, page.checks["housing"])
    click(qtbot, page.referral)
    press_next(qtbot, wizard, P_MHTR)
    appointment_day = today + timedelta(days=4)
    while appointment_day.weekday() >= 5:
        appointment_day += timedelta(days=1)
    appointment = appointment_day.strftime("%d/%m/%Y")
    for req, page_id, following in (("MHTR", P_MHTR, P_DRR), ("ATR", P_ATR, P_TOGETHER)):
        if wizard.currentId() != page_id:
            press_next(qtbot, wizard, page_id)
        page = wizard.currentPage()
        assert "settled by the proposal" in page.tests.text(), "tests that need a proposal say so where it is made"
        block = page.block
        click(qtbot, block.propose)
        assert block.provider.currentData() == "mk_womens_centre", "women's pathway by default"
        assert block.length.value() == 6
        click(qtbot, block.capacity)
        type_text(qtbot, block.first_date, appointment)
        type_text(qtbot, block.first_time, "10:00")
        click(qtbot, block.willing)
        press_next(qtbot, wizard, following)
    page = wizard.currentPage()
    page.sequencing.setCurrentIndex(page.sequencing.findData("concurrent"))
    assert "can go to the court" in page.problem_list.text()
    press_next(qtbot, wizard, P_REVIEW)
    page = wizard.currentPage()
    assert page.problems.text() == "Ready to finalize."
    qtbot.waitUntil(lambda: "Nowak-O&#x27;Neill" in page.preview.text() or "Nowak-O'Neill" in page.preview.text())
    press_next(qtbot, wizard, P_DONE)
    done = wizard.currentPage()
    click(qtbot, done.open_button)
    assert opened and opened[-1].name == "annex-v1.pdf", "the file name carries no personal data"
    click(qtbot, wizard.button(QWizard.WizardButton.FinishButton))
    qtbot.waitUntil(lambda: window.wizard is None)
    assert window.model.rows[0].status == "final"
    window.close()
    QApplication.processEvents()

    # What was stored.
    signed = Keyring(folder).sign_in(*OFFICER)
    store = CaseStore(open_database(folder, signed.key), Actor(*OFFICER[:1], "duty_officer"))
    (record,) = store.final_versions(case_id)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(store.final_pdf(case_id, 1))).pages)
    squashed = "".join(text.split())
    for expected in ("SiânNowak-O'Neill", "(MHTR):Eligible", "(ATR):Eligible", "(DRR):Noteligible",
                     "Dualdiagnosis:MHTRandATRareproposedtogether", "Women'sCentre", "PHQ-9(v1.0.0)", "FINAL"):
        assert expected in squashed, expected
    assert "DRAFT" not in text
    case = store.final_case(case_id, 1)
    assert case.mental_health.assessor == PSYCH[0] and case.latest_screening("phq9").administered_by == PSYCH[0]
    assert case.latest_screening("audit").administered_by == OFFICER[0]
    events = [r[0] for r in store.db.execute("SELECT event FROM audit ORDER BY id")]
    assert events.count("finalize") == 1 and "create" in events and events.count("unlock") >= 3
    assert "export" in events and "user_added" in events
    assert store.verify_audit().ok
    store.database.close(backup=False)

    # Nothing of the case outside the encrypted database: data folder, temp files (opened PDFs are gone).
    documents.clean_temp_folder()
    assert not any(p.exists() for p in opened)
    secrets = [NAME[1].encode(), b"Nowak", b"W112233", b"Assault by beating", b"domestic abuse"]
    searched = [p for p in folder.rglob("*") if p.is_file()]
    searched += [p for p in Path(tempfile.gettempdir()).glob("cstr-desk-*/**/*") if p.is_file()]
    for path in searched:
        data = path.read_bytes()
        for secret in secrets:
            assert secret not in data, f"{secret!r} found in {path}"
