"""The officer's Hand over button on the case list sends the finals to a real hub and says what happened."""

from __future__ import annotations

from datetime import date

import psycopg
from PySide6.QtCore import Qt

from cstr_desk.demo import DEMO_PASSPHRASE, make_demo_folder
from cstr_desk.workflow import Desk
from tests.ui.conftest import FAST_N, make_window, sign_in


def test_hand_over_button_sends_and_reports(qtbot, tmp_path, hub):
    folder = tmp_path / "laptop"
    make_demo_folder(folder, date.today(), scrypt_n=FAST_N)
    officer = Desk.sign_in(folder, "Jo Adeyemi", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    try:
        for summary in officer.list_cases()[:2]:
            officer.finalize(officer.open_draft(summary.case_id), today=date.today())
    finally:
        officer.close(backup=False)
    admin = Desk.sign_in(folder, "Alex Admin", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    try:
        creds = hub.login("court", "laptop")
        admin.link_hub(f'{{"dsn": "{creds.dsn}", "recipient": "{creds.recipient}", "role": "{creds.role}"}}')
    finally:
        admin.close(backup=False)

    window = make_window(qtbot, folder)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    assert window.handover_button.isEnabled()
    qtbot.mouseClick(window.handover_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Handed over" in window.statusBar().currentMessage(), timeout=30000)
    assert window.statusBar().currentMessage().startswith("Handed over: 2 sent")
    with psycopg.connect(hub.admin_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM cstr_hub.handovers").fetchone()[0] == 2
    window.close()

