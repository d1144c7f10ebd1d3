"""ConsentAnswer: the person's answer to a consent text (yes / no) and how it was given (verbal / signed)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QButtonGroup, QComboBox, QHBoxLayout, QLabel, QRadioButton, QWidget

from cstr_desk.domain.consent import METHODS, ConsentRecord


class ConsentAnswer(QWidget):
    changed = Signal()

    def __init__(self, name: str, yes_label: str, no_label: str) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.yes = QRadioButton(yes_label)
        self.no = QRadioButton(no_label)
        self.yes.setAccessibleName(f"{name}: {yes_label.lower()}")
        self.no.setAccessibleName(f"{name}: {no_label.lower()}")
        self.group = QButtonGroup(self)
        self.group.addButton(self.yes)
        self.group.addButton(self.no)
        self.method = QComboBox()
        for value in METHODS:
            self.method.addItem(value.capitalize(), value)
        self.method.setAccessibleName(f"{name}: how it was given")
        row.addWidget(self.yes)
        row.addWidget(self.no)
        row.addWidget(QLabel("How:"))
        row.addWidget(self.method)
        row.addStretch(1)
        self.yes.toggled.connect(self.changed)
        self.no.toggled.connect(self.changed)
        self.method.currentIndexChanged.connect(self.changed)

    def answer(self) -> str | None:
        """'given', 'refused', or None while unanswered."""
        if self.yes.isChecked():
            return "given"
        if self.no.isChecked():
            return "refused"
        return None

    def load(self, record: ConsentRecord | None) -> None:
        self.group.setExclusive(False)
        self.yes.setChecked(record is not None and record.status == "given")
        self.no.setChecked(record is not None and record.status != "given")
        self.group.setExclusive(True)
        if record is not None:
            self.method.setCurrentIndex(max(0, self.method.findData(record.method)))
