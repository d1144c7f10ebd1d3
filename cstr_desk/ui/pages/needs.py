"""Wrap-around needs, the link-worker referral, and risk notes relevant to treatment."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QFormLayout, QGroupBox, QLineEdit, QPlainTextEdit, QVBoxLayout

from cstr_desk.domain.case import WRAP_AROUND_NEEDS
from cstr_desk.ui.pages.base import CasePage
from cstr_desk.ui.widgets.fields import add_field


class NeedsPage(CasePage):
    step = "needs"
    title_text = "Wrap-around needs"
    subtitle_text = "Needs the link worker can help with, and risk relevant to delivering treatment."

    def build(self) -> None:
        box = QGroupBox("Needs")
        column = QVBoxLayout(box)
        self.checks: dict[str, QCheckBox] = {}
        for key, label in WRAP_AROUND_NEEDS.items():
            check = QCheckBox(label)
            check.toggled.connect(self.edited)
            self.checks[key] = check
            column.addWidget(check)
        self.layout_.addWidget(box)
        form_box = QGroupBox("Referral and notes")
        form = QFormLayout(form_box)
        self.referral = QCheckBox(f"Refer to {self.session.forms.programme.link_worker_service or 'the link worker'}")
        self.referral.toggled.connect(self.edited)
        self.notes = QLineEdit()
        self.notes.textEdited.connect(self.edited)
        self.risk = QPlainTextEdit()
        self.risk.setTabChangesFocus(True)
        self.risk.setMaximumHeight(110)
        self.risk.textChanged.connect(self.edited)
        add_field(form, "&Link-worker referral", self.referral)
        add_field(form, "Needs &notes", self.notes)
        add_field(form, "&Risk and safeguarding notes", self.risk, "Only what matters for delivering treatment")
        self.layout_.addWidget(form_box)
        self.layout_.addStretch(1)

    def has_data(self) -> bool:
        n = self.case.needs
        return bool(n.needs or n.notes.strip() or n.link_worker_referral or self.case.risk_notes.strip())

    def load(self) -> None:
        for key, check in self.checks.items():
            check.setChecked(key in self.case.needs.needs)
        self.referral.setChecked(self.case.needs.link_worker_referral)
        self.notes.setText(self.case.needs.notes)
        self.risk.setPlainText(self.case.risk_notes)

    def save(self) -> None:
        needs = self.case.needs
        needs.needs = [key for key, check in self.checks.items() if check.isChecked()]
        needs.link_worker_referral = self.referral.isChecked()
        needs.link_worker_service = self.session.forms.programme.link_worker_service if needs.link_worker_referral else ""
        needs.notes = self.notes.text()
        self.case.risk_notes = self.risk.toPlainText()
