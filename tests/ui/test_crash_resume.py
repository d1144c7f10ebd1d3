"""Kill the app mid-wizard (SIGKILL on a child process), start again, and resume with nothing lost but the field being typed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from PySide6.QtCore import Qt

from cstr_desk.demo import DEMO_PASSPHRASE
from cstr_desk.domain.roles import Actor
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import open_database
from cstr_desk.storage.users import Keyring
from cstr_desk.ui.wizard import P_CONSENT, P_DETAILS
from tests.ui.conftest import make_window, sign_in

ROOT = Path(__file__).resolve().parents[2]

CHILD = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from pathlib import Path
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from PySide6.QtTest import QTest
from cstr_desk.domain.forms import load_forms
from cstr_desk.paths import forms_dir
from cstr_desk.storage.users import Keyring
from cstr_desk.ui.main_window import MainWindow

app = QApplication([])
folder = Path(sys.argv[1])
window = MainWindow(folder, load_forms(forms_dir()), keyring=Keyring(folder, 2**10))
window.show()
QTest.keyClicks(window.signin.name, "Jo Adeyemi")
QTest.keyClicks(window.signin.passphrase, sys.argv[2])
QTest.keyClick(window.signin.passphrase, Qt.Key.Key_Return)
deadline = time.monotonic() + 30
while window.desk is None and time.monotonic() < deadline:  # the database opens off the UI thread
    app.processEvents()
    time.sleep(0.01)
window.new_button.click()
page = window.wizard.currentPage()
saves = []
window.session.saved.connect(saves.append)

def settle():
    deadline = time.monotonic() + 2
    before = len(saves)
    while time.monotonic() < deadline and (window.session.dirty or len(saves) == before):
        app.processEvents()
        time.sleep(0.01)

for widget, text in ((page.given, "Marta"), (page.family, "Kowalczyk"), (page.dob, "02/03/1988"),
                     (page.court, "Leeds Magistrates Court"), (page.crn, "K765432")):
    QTest.keyClicks(widget, text)
    settle()
print("settled", flush=True)
QTest.keyClicks(page.reference, "13LE05")   # the field being typed when the power goes
print("typing", flush=True)
while True:
    app.processEvents()
    time.sleep(0.01)
"""


def test_sigkill_mid_wizard_then_resume(qtbot, demo_folder):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(demo_folder), DEMO_PASSPHRASE], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = []
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        line = proc.stdout.readline().strip()
        if not line:
            break
        lines.append(line)
        if line == "typing":
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert lines == ["settled", "typing"], proc.stderr.read()

    signed = Keyring(demo_folder, 2**10).sign_in("Jo Adeyemi", DEMO_PASSPHRASE)
    database = open_database(demo_folder, signed.key)  # the lock died with the process
    assert database.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    store = CaseStore(database, Actor("Jo Adeyemi", "duty_officer"))
    (row,) = [r for r in store.list_cases() if r.person_name == "Marta Kowalczyk"]
    case = store.load_draft(row.case_id)
    assert (case.person.given_names, case.person.family_name) == ("Marta", "Kowalczyk")
    assert case.person.date_of_birth.isoformat() == "1988-03-02"
    assert case.hearing.court == "Leeds Magistrates Court" and case.identifiers.crn == "K765432"
    assert case.hearing.case_reference in ("", "13LE05"), "at most the field being typed is lost"
    assert case.wizard_step == "details"
    database.close(backup=False)

    # Start again: the same person signs in and carries on where they were.
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    index = next(n for n, r in enumerate(window.model.rows) if r.case_id == row.case_id)
    window.table.selectRow(index)
    qtbot.keyClick(window.table, Qt.Key.Key_Return)
    wizard = window.wizard
    assert wizard.currentId() == P_DETAILS
    page = wizard.currentPage()
    assert page.family.text() == "Kowalczyk" and page.crn.text() == "K765432"
    page.reference.setFocus()
    page.reference.selectAll()
    qtbot.keyClicks(page.reference, "13LE0512345")
    qtbot.keyClick(page.reference, Qt.Key.Key_Return)
    assert wizard.currentId() == P_CONSENT
    window.close()
