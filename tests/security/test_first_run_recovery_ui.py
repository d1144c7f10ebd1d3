"""Issue 15 (D3): the first-run screen shows the recovery key once and carries on only after the administrator
confirms it was written down. Real widgets, real key and mouse events, a real keyring and database."""

from __future__ import annotations

from PySide6.QtCore import Qt

from cstr_desk.storage.users import Keyring
from cstr_desk.ui.signin import FirstRunForm

FAST_N = 2**10


def test_d3_first_run_shows_the_recovery_key_once_and_it_works(qtbot, tmp_path):
    # D3: a lost keyring or forgotten passphrases made the database unrecoverable; now a recovery key is shown.
    folder = tmp_path / "data"
    form = FirstRunForm(Keyring(folder, FAST_N))
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.name, "Alex Admin")
    qtbot.keyClicks(form.passphrase, "amber kettle sunrise")
    qtbot.keyClicks(form.again, "amber kettle sunrise")
    created = []
    form.created.connect(created.append)
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert form.recovery.isVisible() and not created
    shown = form.recovery_key.text()
    assert len(shown.replace("-", "")) >= 40
    assert not form.carry_on.isEnabled()
    qtbot.mouseClick(form.carry_on, Qt.MouseButton.LeftButton)
    assert not created
    form.written_down.setFocus()
    qtbot.keyClick(form.written_down, Qt.Key.Key_Space)
    assert form.carry_on.isEnabled()
    qtbot.mouseClick(form.carry_on, Qt.MouseButton.LeftButton)
    assert len(created) == 1 and created[0].actor.role == "administrator"
    assert form.recovery_key.text() == "" and not form.recovery.isVisible()
    # The key on the screen opens the database: recover() gives the administrator a new passphrase.
    signed = Keyring(folder, FAST_N).recover(shown, "Alex Admin", "violet orchard tram ride")
    assert signed.key == created[0].key


def test_d3_first_run_refused_beside_an_existing_database(qtbot, tmp_path):
    # D3: with the accounts file gone, the first-run screen made a new key beside the old database.
    folder = tmp_path / "data"
    keyring = Keyring(folder, FAST_N)
    keyring.create_first_administrator("Alex Admin", "amber kettle sunrise")
    (folder / "keyring.json").unlink()
    form = FirstRunForm(Keyring(folder, FAST_N))
    qtbot.addWidget(form)
    form.show()
    qtbot.keyClicks(form.name, "Sam New")
    qtbot.keyClicks(form.passphrase, "violet orchard tram ride")
    qtbot.keyClicks(form.again, "violet orchard tram ride")
    qtbot.mouseClick(form.button, Qt.MouseButton.LeftButton)
    assert "recovery key" in form.error.text() and not form.recovery.isVisible()
    assert not (folder / "keyring.json").exists()
