"""Issue 15 (D3): the first-run screen shows the recovery key once and the window carries on only after the
administrator confirms it was written down. Real window, real key and mouse events, a real keyring and database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cstr_desk.storage.users import Keyring
from tests.ui.conftest import make_window

FAST_N = 2**10


def test_d3_first_run_shows_the_recovery_key_once_and_it_works(qtbot, tmp_path):
    # D3: a lost keyring or forgotten passphrases made the database unrecoverable; now a recovery key is shown.
    folder = tmp_path / "data"
    window = make_window(qtbot, folder)
    window.keyring.scrypt_n = FAST_N
    form = window.signin
    qtbot.keyClicks(form.name, "Alex Admin")
    qtbot.keyClicks(form.passphrase, "amber kettle sunrise")
    qtbot.keyClicks(form.again, "amber kettle sunrise")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert window.desk is not None
    assert window.stack.currentWidget() is form and form.recovery.isVisible()
    shown = form.recovery_key.text()
    assert len(shown.replace("-", "")) >= 40
    assert not form.carry_on.isEnabled()
    qtbot.mouseClick(form.carry_on, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is form
    qtbot.keyClick(form.written_down, Qt.Key.Key_Space)
    assert form.carry_on.isEnabled()
    qtbot.mouseClick(form.carry_on, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget() is window.accounts
    assert form.recovery_key.text() == "" and window.desk.take_recovery_key() is None
    key = window.desk._signed.key
    window.desk.close(backup=False)
    window.desk = None
    # The key on the screen opens the database: recover() gives the administrator a new passphrase.
    assert Keyring(folder, FAST_N).recover(shown, "Alex Admin", "violet orchard tram ride").key == key


def test_d3_first_run_refused_beside_an_existing_database(qtbot, tmp_path, monkeypatch):
    # D3: with the accounts file gone, the first-run screen made a new key beside the old database.
    from PySide6.QtWidgets import QMessageBox

    folder = tmp_path / "data"
    Keyring(folder, FAST_N).create_first_administrator("Alex Admin", "amber kettle sunrise")
    (folder / "keyring.json").unlink()
    before = (folder / "cstr-desk.db").read_bytes()
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    window = make_window(qtbot, folder)
    form = window.signin
    qtbot.keyClicks(form.name, "Sam New")
    qtbot.keyClicks(form.passphrase, "violet orchard tram ride")
    qtbot.keyClicks(form.again, "violet orchard tram ride")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert said and "recovery key" in said[0] and window.desk is None
    assert not (folder / "keyring.json").exists() and (folder / "cstr-desk.db").read_bytes() == before
