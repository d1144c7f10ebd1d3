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
    QWizard,
)

from cstr_desk.domain.case import MH_EXCLUSIONS
from cstr_desk.domain.checks import MHTR_ASSESSMENT_FIELDS, mhtr_assessment_missing
from cstr_desk.ui.pages.base import Missing
from cstr_desk.ui.pages.screening import InstrumentPage
from cstr_desk.ui.widgets.fields import add_field, parse_datetime
from cstr_desk.ui.widgets.wrap_label import WrapLabel

HOSPITAL_ORDER = "hospital_order_warranted"


class AssessmentPage(InstrumentPage):
    """The questionnaires, on their own step (with the findings on the next, each step fits a small laptop)."""

    step = "assessment"
    title_text = "Mental-health assessment: PHQ-9 and GAD-7 (assistant psychologist)"
    subtitle_text = "Over the last two weeks. The scores are evidence for the findings on the next step."
    instruments = ("phq9", "gad7")

    def save_extra(self) -> None:
        mh = self.case.mental_health
        mh.assessor = mh.assessor or self.session.actor.name


class FindingsPage(InstrumentPage):
    step = "mh_findings"
    title_text = "Mental-health findings (assistant psychologist)"
    subtitle_text = ("PHQ-9 and GAD-7 are evidence. Whether the condition requires and may be susceptible to "
                     "treatment (M1) is your finding, with your supervisor, and a reason.")
    judgements = ("M1",)  # M2 is the hospital-order question below, asked once

    def build_extra(self) -> None:
        box = QGroupBox("Assessment")
        form = QFormLayout(box)
        self.exclusions: dict[str, QCheckBox] = {}
        excl = QWidget()
        column = QFormLayout(excl)
        for key, text in MH_EXCLUSIONS.items():
            if key == HOSPITAL_ORDER:
                continue  # asked once, as its own question below
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
        # Issue 11: an MHTR annex cannot be FINAL without these; say which are missing (Next is not blocked:
        # the assessment may be finished later, but the officer's Finalize will be).
        self.final_note = WrapLabel()
        self.final_note.setWordWrap(True)
        self.final_note.setAccessibleName("What an MHTR still needs from this assessment before it can be final")
        self.layout_.addWidget(self.final_note)

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
        mh.hospital_order_warranted = self.hospital.currentData()
        mh.exclusions = [key for key, check in self.exclusions.items() if check.isChecked()]
        if mh.hospital_order_warranted:
            mh.exclusions.append(HOSPITAL_ORDER)  # a condition that may warrant one also excludes primary care
        mh.supervisor_name = self.supervisor.text()
        try:
            mh.supervisor_consulted_at = parse_datetime(self.consulted_date.text(), self.consulted_time.text())
            self.consulted_problem = ""
        except ValueError as exc:
            self.consulted_problem = str(exc)
        mh.formulation = self.formulation.toPlainText()
        mh.risk_notes = self.risk.toPlainText()

    def missing_for_final(self) -> list[str]:
        """The parts of the assessment an MHTR annex cannot be FINAL without, in words."""
        return [MHTR_ASSESSMENT_FIELDS[p.path.rsplit(".", 1)[1]] for p in mhtr_assessment_missing(self.case)]

    def refresh(self) -> None:
        super().refresh()
        self.consulted_error.show_error(getattr(self, "consulted_problem", ""))
        missing = self.missing_for_final()
        text = ("For an MHTR to be made final, still missing: " + "; ".join(missing) + ".") if missing else ""
        self.final_note.setText(text)
        self.final_note.setVisible(bool(missing))
        wizard = self.wizard()
        if wizard.currentId() >= 0 and wizard.currentPage() is self:
            wizard.button(QWizard.WizardButton.NextButton).setToolTip(text)

    def has_data(self) -> bool:
        mh = self.case.mental_health
        return super().has_data() or bool(mh.assessor or mh.formulation.strip() or mh.supervisor_name.strip())

    def missing(self) -> list[Missing]:
        found = super().missing()
        if getattr(self, "consulted_problem", ""):
            found.append(Missing(f"Supervisor consulted: {self.consulted_problem}", self.consulted_date))
        return found
