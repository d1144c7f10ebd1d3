"""Accounts in the app, driven by key and mouse events: the first passphrase typed twice and changed at first
sign-in, changing one's own passphrase from the case list, and deleting a draft started by mistake."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from cstr_desk.demo import DEMO_PASSPHRASE
from cstr_desk.storage.users import Keyring, WrongPassphrase
from cstr_desk.ui.wizard import P_DETAILS, P_MH_SCREEN, P_NEEDS
from cstr_desk.workflow import Desk
from tests.ui.conftest import FAST_N, choose_own_passphrase, make_window, sign_in, type_text

NEW = ("Sam Okafor", "copper meadow lantern")  # the passphrase the administrator chose
OWN = "violet harbour thunder"


def click(qtbot, widget):
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def audit(folder, who=("Jo Adeyemi", DEMO_PASSPHRASE)):
    desk = Desk.sign_in(folder, *who, scrypt_n=FAST_N)
    try:
        return [tuple(r) for r in desk._store.db.execute("SELECT actor, event, case_id, detail FROM audit")]
    finally:
        desk.close(backup=False)


def select_row(qtbot, window, case_id):
    row = next(n for n, r in enumerate(window.model.rows) if r.case_id == case_id)
    rect = window.table.visualRect(window.model.index(row, 0))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.selected().case_id == case_id


@pytest.fixture
def folder_with_new_officer(demo_folder):
    admin = Desk.sign_in(demo_folder, "Alex Admin", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    admin.add_account(NEW[0], "duty_officer", NEW[1])
    admin.close(backup=False)
    return demo_folder


def test_first_sign_in_must_choose_own_passphrase_before_the_case_list(qtbot, folder_with_new_officer):
    folder = folder_with_new_officer
    window = make_window(qtbot, folder)
    sign_in(qtbot, window, *NEW)
    qtbot.waitUntil(lambda: window.first_passphrase is not None
                    and window.stack.currentWidget() is window.first_passphrase)
    page = window.first_passphrase
    qtbot.keyClick(page.form.new, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N: no new case here
    assert window.wizard is None and window.stack.currentWidget() is page

    # The two boxes differ: said beside the second one, and nothing changes.
    type_text(qtbot, page.form.new, OWN)
    type_text(qtbot, page.form.again, OWN + "s")
    qtbot.keyClick(page.form.again, Qt.Key.Key_Return)
    assert page.form.again_error.isVisible() and "not the same" in page.form.again_error.text()
    assert window.stack.currentWidget() is page

    # Keeping the administrator's passphrase is not choosing one's own.
    page.form.new.clear()
    type_text(qtbot, page.form.new, NEW[1])
    type_text(qtbot, page.form.again, NEW[1])
    click(qtbot, page.form.button)
    assert "different" in page.form.new_error.text() and window.stack.currentWidget() is page
    assert Keyring(folder, FAST_N).must_change(NEW[0])

    page.form.new.clear()
    page.form.again.clear()
    type_text(qtbot, page.form.new, OWN)
    type_text(qtbot, page.form.again, OWN)
    click(qtbot, page.form.button)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    assert window.first_passphrase is None and window.model.rows, "now the case list"

    click(qtbot, window.signout_button)
    sign_in(qtbot, window, *NEW)
    assert window.stack.currentWidget() is window.signin and "do not match" in window.signin.error.text()
    sign_in(qtbot, window, NEW[0], OWN)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    assert not Keyring(folder, FAST_N).must_change(NEW[0])
    window.close()
    assert ("Sam Okafor", "passphrase_changed", None, "own") in audit(folder)


def test_first_sign_in_can_only_sign_out_instead(qtbot, folder_with_new_officer):
    window = make_window(qtbot, folder_with_new_officer)
    sign_in(qtbot, window, *NEW)
    qtbot.waitUntil(lambda: window.first_passphrase is not None)
    click(qtbot, window.first_passphrase.sign_out)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.signin)
    assert window.desk is None and window.first_passphrase is None
    sign_in(qtbot, window, *NEW)
    qtbot.waitUntil(lambda: window.first_passphrase is not None)  # asked again at the next sign-in
    window.close()


def test_accounts_page_refuses_a_mismatched_first_passphrase(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, "Alex Admin", DEMO_PASSPHRASE)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.accounts)
    page = window.accounts
    before = page.list.count()
    type_text(qtbot, page.name, "Rosa Lindqvist")
    page.role.setFocus()
    qtbot.keyClicks(page.role, "Sup")  # the drop-down finds "Support worker" by typing
    assert page.role.currentData() == "support_worker"
    type_text(qtbot, page.passphrase, "harbour pine cobalt")
    type_text(qtbot, page.again, "harbour pine cobalr")
    click(qtbot, page.add)
    assert page.again_error.isVisible() and "not the same" in page.again_error.text()
    assert page.list.count() == before and not Keyring(demo_folder, FAST_N).accounts().count(
        ("Rosa Lindqvist", "support_worker"))
    type_text(qtbot, page.again, "harbour pine cobalt")
    click(qtbot, page.add)
    assert page.list.count() == before + 1 and not page.again_error.isVisible()
    assert any(page.list.item(n).text() == "Rosa Lindqvist (Support worker)" for n in range(page.list.count()))
    keyring = Keyring(demo_folder, FAST_N)
    assert ("Rosa Lindqvist", "support_worker") in keyring.accounts() and keyring.must_change("Rosa Lindqvist")
    window.close()


def test_change_own_passphrase_from_the_case_list(qtbot, officer_window, demo_folder):
    window = officer_window
    click(qtbot, window.passphrase_button)
    qtbot.waitUntil(lambda: window.passphrase_dialog is not None and window.passphrase_dialog.isVisible())
    form = window.passphrase_dialog.form
    type_text(qtbot, form.current, "not my passphrase")
    type_text(qtbot, form.new, OWN)
    type_text(qtbot, form.again, OWN)
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    assert "do not match" in form.current_error.text() and window.passphrase_dialog.isVisible()
    type_text(qtbot, form.current, DEMO_PASSPHRASE)
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.passphrase_dialog is None)
    keyring = Keyring(demo_folder, FAST_N)
    assert keyring.sign_in("Jo Adeyemi", OWN).actor.name == "Jo Adeyemi"
    with pytest.raises(WrongPassphrase):
        keyring.sign_in("Jo Adeyemi", DEMO_PASSPHRASE)
    window.close()
    log = audit(demo_folder, ("Jo Adeyemi", OWN))
    assert ("Jo Adeyemi", "passphrase_changed", None, "own") in log
    assert ("Jo Adeyemi", "sign_in_failed") in [r[:2] for r in log], "the wrong current passphrase is logged"


def test_delete_draft_with_a_reason_audited_refused_for_final_and_others(qtbot, officer_window, demo_folder):
    window = officer_window
    desk = window.desk
    drafts = [r for r in window.model.rows if r.status == "draft"]
    final_id, mistake_id, others_id = drafts[0].case_id, drafts[1].case_id, drafts[2].case_id
    desk.finalize(desk.open_draft(final_id), date.today())
    others = desk.open_draft(others_id)
    others.author.name = "Sam Okafor"
    desk.delete_draft(others_id, "re-imported as another officer's case")
    desk.import_case(others)
    window.reload_cases()

    select_row(qtbot, window, final_id)
    assert not window.delete_button.isEnabled(), "a final cannot be deleted"

    select_row(qtbot, window, others_id)
    click(qtbot, window.delete_button)
    dialog = window.delete_dialog
    qtbot.waitUntil(dialog.isVisible)
    type_text(qtbot, dialog.reason, "not mine")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    assert "Only the officer who started" in dialog.reason_error.text() and dialog.isVisible()
    click(qtbot, dialog.cancel)

    select_row(qtbot, window, mistake_id)
    click(qtbot, window.delete_button)
    dialog = window.delete_dialog
    qtbot.waitUntil(dialog.isVisible)
    click(qtbot, dialog.delete_button)
    assert "why" in dialog.reason_error.text() and dialog.isVisible(), "a reason is required"
    type_text(qtbot, dialog.reason, "Started for the wrong person")
    qtbot.keyClick(dialog.reason, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.delete_dialog is None)
    ids = {r.case_id for r in window.model.rows}
    assert mistake_id not in ids and {final_id, others_id} <= ids
    window.close()
    deletes = [r for r in audit(demo_folder) if r[1] == "delete"]
    assert [(r[0], r[2]) for r in deletes] == [("Jo Adeyemi", others_id), ("Jo Adeyemi", mistake_id)]
    assert all("wrong person" not in r[3] for r in deletes), "the reason stays out of the audit log"


def test_support_worker_opens_a_draft_header_only_and_the_rest_survives(qtbot, demo_folder):
    admin = Desk.sign_in(demo_folder, "Alex Admin", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    admin.add_account("Rosa Lindqvist", "support_worker", "harbour pine cobalt")
    admin.close(backup=False)
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, "Rosa Lindqvist", "harbour pine cobalt")
    choose_own_passphrase(qtbot, window, OWN)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    assert not window.new_button.isEnabled() and not window.delete_button.isEnabled()
    assert not window.save_copy_button.isEnabled() and not window.amend_button.isEnabled()
    row = next(r for r in window.model.rows if r.status == "draft")
    select_row(qtbot, window, row.case_id)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: window.wizard is not None)
    seen = window.session.case
    assert seen.person.full_name == row.person_name and seen.offences == [] and seen.consents == []
    wizard = window.wizard
    assert not wizard.available(P_DETAILS) and wizard.available(P_MH_SCREEN) and wizard.available(P_NEEDS)
    wizard.go_to(P_NEEDS)
    page = wizard.currentPage()
    assert not page.read_only, "the needs step is the support worker's own"
    page.notes.clear()
    type_text(qtbot, page.notes, "Rent arrears: referred to the link worker.")
    qtbot.keyClick(window.wizard, Qt.Key.Key_Escape)  # save and close
    qtbot.waitUntil(lambda: window.wizard is None)
    window.close()
    officer = Desk.sign_in(demo_folder, "Jo Adeyemi", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    try:
        stored = officer.open_draft(row.case_id)
    finally:
        officer.close(backup=False)
    assert stored.needs.notes == "Rent arrears: referred to the link worker."
    assert stored.offences and stored.consents, "the support worker's save kept what they could not see"


def test_administrator_resets_a_passphrase_which_must_then_be_changed(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, "Alex Admin", DEMO_PASSPHRASE)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.accounts)
    page = window.accounts
    row = next(n for n in range(page.list.count()) if page.list.item(n).text().startswith("Jo Adeyemi"))
    rect = page.list.visualItemRect(page.list.item(row))
    qtbot.mouseClick(page.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    type_text(qtbot, page.passphrase, "temporary reset words")
    type_text(qtbot, page.again, "temporary reset words")
    click(qtbot, page.reset)
    assert not page.error.isVisible() and page.passphrase.text() == ""
    keyring = Keyring(demo_folder, FAST_N)
    assert keyring.must_change("Jo Adeyemi") and keyring.sign_in("Jo Adeyemi", "temporary reset words")
    window.close()
