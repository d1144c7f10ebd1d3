"""Issue 14: a case older than the retention period and not at the site hub is flagged on the case list."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import Qt

from cstr_desk.demo import make_demo_folder
from tests.ui.conftest import FAST_N, make_window, sign_in


def _status_texts(window) -> list[str]:  # type: ignore[no-untyped-def]
    model = window.model
    return [model.data(model.index(row, 4), Qt.ItemDataRole.DisplayRole) for row in range(model.rowCount())]


def test_old_cases_not_handed_over_are_flagged(qtbot, tmp_path):
    old = tmp_path / "old"
    make_demo_folder(old, date.today() - timedelta(days=40), scrypt_n=FAST_N)
    window = make_window(qtbot, old)
    sign_in(qtbot, window)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.home)
    texts = _status_texts(window)
    assert len(texts) == 4 and all(t == "Draft · not handed over" for t in texts)
    window.close()


def test_recent_cases_are_not_flagged(officer_window):
    texts = _status_texts(officer_window)
    assert len(texts) == 4 and all(t == "Draft" for t in texts)


def test_hand_over_button_is_off_without_a_hub(officer_window):
    assert not officer_window.handover_button.isEnabled()


def test_administrator_sets_retention_on_the_accounts_page(qtbot, demo_folder):
    from cstr_desk.demo import DEMO_PASSPHRASE
    from cstr_desk.workflow import Desk

    window = make_window(qtbot, demo_folder)
    sign_in(qtbot, window, "Alex Admin", DEMO_PASSPHRASE)
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.accounts)
    box = window.retention_box
    assert box.days.value() == 30 and "Not linked" in box.link.text()
    box.days.setFocus()
    box.days.selectAll()
    qtbot.keyClicks(box.days, "45")
    qtbot.mouseClick(box.save, Qt.MouseButton.LeftButton)
    assert "45 days" in box.note.text()
    window.close()
    admin = Desk.sign_in(demo_folder, "Alex Admin", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    try:
        assert admin.retention_days() == 45
        events = [r[0] for r in admin._store.db.execute("SELECT detail FROM audit WHERE event = 'retention_set'")]
        assert events == ["45 days"]
    finally:
        admin.close(backup=False)
