"""The administrator's retention setting and the site-hub link, shown on the Accounts page (issue 14)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton, QSpinBox, QVBoxLayout

if TYPE_CHECKING:
    from cstr_desk.workflow import Desk

MAX_DAYS = 3650


class RetentionBox(QGroupBox):
    """Days after the hub's receipt before a handed-over case is cleared from this laptop; every change audited."""

    def __init__(self, desk: Callable[[], Desk | None]) -> None:
        super().__init__("Site hub and retention")
        self._desk = desk
        column = QVBoxLayout(self)
        self.link = QLabel()
        self.link.setWordWrap(True)
        column.addWidget(self.link)
        row = QHBoxLayout()
        caption = QLabel("&Keep handed-over cases for")
        self.days = QSpinBox()
        self.days.setRange(1, MAX_DAYS)
        self.days.setSuffix(" days after the hub's receipt")
        self.days.setAccessibleName("Days to keep handed-over cases after the hub's receipt")
        caption.setBuddy(self.days)
        self.save = QPushButton("Save re&tention")
        self.save.clicked.connect(self.save_days)
        row.addWidget(caption)
        row.addWidget(self.days)
        row.addWidget(self.save)
        row.addStretch(1)
        column.addLayout(row)
        self.note = QLabel()
        self.note.setWordWrap(True)
        column.addWidget(self.note)

    def reload(self) -> None:
        desk = self._desk()
        if desk is None:
            return
        self.days.setValue(desk.retention_days())
        self.link.setText("This laptop is linked to the site hub." if desk.hub_linked() else
                          "Not linked to a site hub: cases stay on this laptop (link it with `cstr-desk hub link`).")
        waiting = len(desk.not_handed_over())
        self.note.setText(f"{waiting} case(s) past the period are not handed over; they are kept, never cleared."
                          if waiting else "")

    def save_days(self) -> None:
        desk = self._desk()
        if desk is None:
            return
        desk.set_retention_days(self.days.value())
        self.reload()
        self.note.setText(f"Saved: handed-over cases are cleared {self.days.value()} days after the hub's receipt.")
