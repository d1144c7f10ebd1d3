"""A professional's judgement on one criterion: met / not met with a reason, which wins over score evidence."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLineEdit

from cstr_desk.domain.case import Case, Judgement
from cstr_desk.domain.eligibility import CRITERIA_TITLES
from cstr_desk.ui.widgets.fields import ErrorLabel


class JudgementWidget(QGroupBox):
    def __init__(self, code: str, on_change: Callable[[], None]) -> None:
        super().__init__(f"{code}: {CRITERIA_TITLES[code]}")
        self.code = code
        row = QHBoxLayout(self)
        self.finding = QComboBox()
        for value, label in ((None, "No judgement recorded (use the evidence)"), ("met", "Met"), ("not_met", "Not met")):
            self.finding.addItem(label, value)
        self.finding.setAccessibleName(f"{code} professional judgement")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason, in words the court can read")
        self.reason.setAccessibleName(f"{code} reason for the judgement")
        self.error = ErrorLabel()
        row.addWidget(self.finding)
        row.addWidget(self.reason, 1)
        row.addWidget(self.error)
        self.finding.currentIndexChanged.connect(on_change)
        self.reason.textEdited.connect(on_change)

    def load(self, case: Case) -> None:
        j = case.judgement(self.code)
        self.finding.setCurrentIndex(max(0, self.finding.findData(j.finding if j else None)))
        self.reason.setText(j.reason if j else "")

    def save(self, case: Case, by: str, role: str) -> None:
        """Keep one judgement per criterion in the case: the one on screen."""
        case.judgements = [j for j in case.judgements if j.criterion != self.code]
        finding = self.finding.currentData()
        if finding:
            case.judgements.append(Judgement(self.code, finding, self.reason.text(), by, role))

    def problem(self) -> str:
        if self.finding.currentData() and not self.reason.text().strip():
            return "Give the reason for this judgement."
        return ""
