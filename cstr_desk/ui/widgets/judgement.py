"""A professional's finding on one criterion: what the evidence suggests (accepted in one action), or met / not met
with a reason, which is the finding the court reads. Scores are evidence, never the finding."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QComboBox, QGroupBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from cstr_desk.domain.case import Case, Judgement
from cstr_desk.domain.eligibility import CRITERIA_TITLES, Criterion, accept_suggestion
from cstr_desk.domain.errors import ValidationError
from cstr_desk.ui.widgets.fields import ErrorLabel, reveal_on_leave
from cstr_desk.ui.widgets.wrap_label import WrapLabel

FINDING_WORDS = {"met": "met", "not_met": "not met"}


class JudgementWidget(QGroupBox):
    def __init__(self, code: str, on_change: Callable[[], None]) -> None:
        super().__init__(f"{code}: {CRITERIA_TITLES[code]}")
        self.code = code
        self.on_change = on_change
        self.criterion: Criterion | None = None
        column = QVBoxLayout(self)
        self.evidence = WrapLabel()
        self.evidence.setWordWrap(True)
        self.evidence.setAccessibleName(f"{code}: what the evidence suggests")
        column.addWidget(self.evidence)
        self.accept = QPushButton(f"Accept the suggested finding for {code}")
        self.accept.setAccessibleName(f"{code}: accept the suggested finding")
        self.accept.setVisible(False)
        column.addWidget(self.accept)
        row = QHBoxLayout()
        self.finding = QComboBox()
        for value, label in ((None, "No finding recorded yet"), ("met", "Met"), ("not_met", "Not met")):
            self.finding.addItem(label, value)
        self.finding.setAccessibleName(f"{code}: professional finding")
        self.reason = QLineEdit()
        self.reason.setPlaceholderText("Reason, in words the court can read")
        self.reason.setAccessibleName(f"{code}: reason for the finding")
        row.addWidget(self.finding)
        row.addWidget(self.reason, 1)
        column.addLayout(row)
        self.drugs = QLineEdit()
        if code == "D1":
            self.drugs.setPlaceholderText("Controlled drug(s), e.g. heroin, crack cocaine")
            self.drugs.setAccessibleName("D1: controlled drug or drugs named")
            self.drugs.setToolTip("Misuse of Drugs Act 1971 s.2: DAST-10 also counts medicines, so name the drug(s).")
            column.addWidget(self.drugs)
            self.drugs.textEdited.connect(on_change)
        self.error = ErrorLabel(revealed=False)
        column.addWidget(self.error)
        for field in (self.finding, self.reason, self.drugs):
            reveal_on_leave(field, self.error)
        self.finding.currentIndexChanged.connect(on_change)
        self.reason.textEdited.connect(on_change)
        self.accept.clicked.connect(self.accept_suggested)

    def show_evidence(self, criterion: Criterion | None) -> None:
        """The criterion as the engine sees it now: its status, reason and any suggested finding."""
        self.criterion = criterion
        if criterion is None:
            self.evidence.setText("")
            self.accept.setVisible(False)
            return
        text = f"Evidence: {criterion.reason}"
        suggestion = FINDING_WORDS.get(criterion.suggested)
        if suggestion and criterion.source != "judgement":
            text += f" Suggested finding: {suggestion} ({criterion.suggested_reason})"
        self.evidence.setText(text)
        self.accept.setVisible(bool(suggestion) and criterion.source != "judgement")

    def accept_suggested(self) -> None:
        """One action: the suggestion becomes this professional's recorded finding, with its reason."""
        if self.criterion is None:
            return
        page = self.parent()
        while page is not None and not hasattr(page, "session"):
            page = page.parent()
        actor = page.session.actor if page is not None else None
        try:
            judgement = accept_suggestion(self.criterion, actor.name if actor else "", actor.role if actor else "",
                                          self.drugs.text())
        except ValidationError as exc:
            self.error.reveal()
            self.error.show_error(exc.message)
            if self.code == "D1":
                self.drugs.setFocus()
            return
        self.finding.setCurrentIndex(max(0, self.finding.findData(judgement.finding)))
        self.reason.setText(judgement.reason)
        self.on_change()

    def load(self, case: Case) -> None:
        j = case.judgement(self.code)
        self.finding.setCurrentIndex(max(0, self.finding.findData(j.finding if j else None)))
        self.reason.setText(j.reason if j else "")
        self.drugs.setText(j.controlled_drugs if j else "")

    def save(self, case: Case, by: str, role: str) -> None:
        """Keep one judgement per criterion in the case: the one on screen."""
        case.judgements = [j for j in case.judgements if j.criterion != self.code]
        finding = self.finding.currentData()
        if finding:
            case.judgements.append(Judgement(self.code, finding, self.reason.text(), by, role, self.drugs.text()))

    def problem(self) -> str:
        if self.finding.currentData() and not self.reason.text().strip():
            return "Give the reason for this finding."
        if self.code == "D1" and self.finding.currentData() == "met" and not self.drugs.text().strip():
            return "Name the controlled drug or drugs: a DAST-10 score also counts medicines."
        return ""
