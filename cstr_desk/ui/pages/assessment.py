"""The assistant psychologist's assessment: PHQ-9, GAD-7, exclusions, risk, supervision and formulation."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPlainTextEdit,
    QWidget,
)

from cstr_desk.domain.case import MH_EXCLUSIONS
from cstr_desk.domain.roles import ASSISTANT_PSYCHOLOGIST
from cstr_desk.ui.pages.screening import InstrumentPage
from cstr_desk.ui.widgets.fields import add_field, parse_datetime


class AssessmentPage(InstrumentPage):
    step = "assessment"
    owner = ASSISTANT_PSYCHOLOGIST
    title_text = "Mental-health assessment (assistant psychologist)"
    subtitle_text = "PHQ-9 or GAD-7 of 10 or more, with no primary-care exclusion, is evidence for an MHTR."
    instruments = ("phq9", "gad7")
    judgements = ("M1", "M2")

    def build_extra(self) -> None:
        box = QGroupBox("Assessment")
        form = QFormLayout(box)
        self.exclusions: dict[str, QCheckBox] = {}
        excl = QWidget()
        column = QFormLayout(excl)
        for key, text in MH_EXCLUSIONS.items():
            check = QCheckBox(text[0].upper() + text[1:])
            check.setAccessibleName(f"Primary-care exclusion: {text}")
            check.toggled.connect(self.edited)
            self.exclusions[key] = check
            column.addRow(check)
        form.addRow("Primary-care exclusions", excl)
        self.hospital = QComboBox()
        for value, label in ((None, "Not yet decided"), (False, "No"), (True, "Yes, may be warranted")):
            self.hospital.addItem(label, value)
        self.hospital.currentIndexChanged.connect(self.edited)
        self.supervisor = QLineEdit()
        when = QWidget()
        row = QHBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        self.consulted_date = QLineEdit()
        self.consulted_date.setPlaceholderText("dd/mm/yyyy")
        self.consulted_date.setAccessibleName("Supervisor consulted: date")
        self.consulted_time = QLineEdit()
        self.consulted_time.setPlaceholderText("hh:mm")
        self.consulted_time.setAccessibleName("Supervisor consulted: time")
        row.addWidget(self.consulted_date)
        row.addWidget(self.consulted_time)
        self.formulation = QPlainTextEdit()
        self.formulation.setTabChangesFocus(True)
        self.risk = QPlainTextEdit()
        self.risk.setTabChangesFocus(True)
        for edit in (self.formulation, self.risk):
            edit.setMaximumHeight(110)
            edit.textChanged.connect(self.edited)
        add_field(form, "Condition may warrant a &hospital or guardianship order", self.hospital)
        add_field(form, "&Supervising psychologist", self.supervisor)
        self.consulted_error = add_field(form, "Supervisor consulted (date, time)", when)
        add_field(form, "&Formulation", self.formulation, "Plain words; goes into the annex")
        add_field(form, "&Risk notes", self.risk, "Risk relevant to delivering treatment")
        for line in (self.supervisor, self.consulted_date, self.consulted_time):
            line.textEdited.connect(self.edited)
        self.layout_.addWidget(box)

    def load_extra(self) -> None:
        mh = self.case.mental_health
        for key, check in self.exclusions.items():
            check.setChecked(key in mh.exclusions)
        self.hospital.setCurrentIndex(max(0, self.hospital.findData(mh.hospital_order_warranted)))
        self.supervisor.setText(mh.supervisor_name)
        self.consulted_date.setText(mh.supervisor_consulted_at.strftime("%d/%m/%Y") if mh.supervisor_consulted_at else "")
        self.consulted_time.setText(mh.supervisor_consulted_at.strftime("%H:%M") if mh.supervisor_consulted_at else "")
        self.formulation.setPlainText(mh.formulation)
        self.risk.setPlainText(mh.risk_notes)

    def save_extra(self) -> None:
        mh = self.case.mental_health
        mh.assessor = mh.assessor or self.session.actor.name
        mh.exclusions = [key for key, check in self.exclusions.items() if check.isChecked()]
        mh.hospital_order_warranted = self.hospital.currentData()
        mh.supervisor_name = self.supervisor.text()
        try:
            mh.supervisor_consulted_at = parse_datetime(self.consulted_date.text(), self.consulted_time.text())
            self.consulted_problem = ""
        except ValueError as exc:
            self.consulted_problem = str(exc)
        mh.formulation = self.formulation.toPlainText()
        mh.risk_notes = self.risk.toPlainText()

    def refresh(self) -> None:
        super().refresh()
        self.consulted_error.show_error(getattr(self, "consulted_problem", ""))

    def isComplete(self) -> bool:
        return super().isComplete() and (self.read_only or not getattr(self, "consulted_problem", ""))
