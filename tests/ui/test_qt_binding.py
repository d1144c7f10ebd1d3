"""The Qt binding must not corrupt reference counts: PySide6 6.12.0 on Python 3.11 dropped a reference to None on
every call that returns nothing, and a day of use then ended in a fatal error (pinned below 6.12 in pyproject)."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calls_that_return_nothing_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for n in range(5000):
        label.setText(str(n % 7))
        label.setToolTip("")
        label.setVisible(False)
    lost = before - sys.getrefcount(None)
    assert lost < 100, f"{lost} references to None lost in 15,000 calls: this PySide6 build corrupts reference counts"
