"""UI fixtures: a demo data folder with cheap key derivation, and a main window to drive with real events."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication

from cstr_desk.demo import DEMO_PASSPHRASE, make_demo_folder
from cstr_desk.domain.forms import load_forms
from cstr_desk.paths import forms_dir
from cstr_desk.storage.users import Keyring
from cstr_desk.ui.main_window import MainWindow

FAST_N = 2**10
FORMS = load_forms(forms_dir())


@pytest.fixture
def demo_folder(tmp_path):
    folder = tmp_path / "data"
    make_demo_folder(folder, date.today(), scrypt_n=FAST_N)
    return folder


def make_window(qtbot, folder, idle_minutes=5.0):
    window = MainWindow(folder, FORMS, demo=True, idle_minutes=idle_minutes, keyring=Keyring(folder, FAST_N))
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)  # (qtbot.waitActive without `with` returns at once)
    return window


def type_text(qtbot, widget, text):
    """Type like a person: key clicks for ASCII; an input-method commit for other letters (QTest aborts on them)."""
    widget.setFocus()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        event = QInputMethodEvent("", [])
        event.setCommitString(text)
        QApplication.sendEvent(widget, event)


def sign_in(qtbot, window, name="Jo Adeyemi", passphrase=DEMO_PASSPHRASE):
    form = window.signin
    form.name.clear()
    type_text(qtbot, form.name, name)
    type_text(qtbot, form.passphrase, passphrase)
    qtbot.keyClick(form.passphrase, Qt.Key.Key_Return)


@pytest.fixture
def officer_window(qtbot, demo_folder):
    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    yield window
    window.close()


def first_passphrase(passphrase):
    """The first passphrase an administrator gives an account, which its owner then replaces with `passphrase`."""
    return f"first {passphrase} from the administrator"


def choose_own_passphrase(qtbot, window, passphrase):
    """At a first sign-in with the administrator's passphrase: type one's own twice and carry on."""
    qtbot.waitUntil(lambda: window.first_passphrase is not None
                    and window.stack.currentWidget() is window.first_passphrase)
    form = window.first_passphrase.form
    type_text(qtbot, form.new, passphrase)
    type_text(qtbot, form.again, passphrase)
    qtbot.keyClick(form.again, Qt.Key.Key_Return)
