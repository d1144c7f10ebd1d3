"""Same-day screening pages: AUDIT-C, the full AUDIT, DAST-10 with drug use, and the mental-health initial screen."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLineEdit, QPlainTextEdit, QVBoxLayout

from cstr_desk.domain.case import SafeguardingAction, record_screening
from cstr_desk.ui.pages.base import CasePage, Missing
from cstr_desk.ui.widgets.fields import ErrorLabel, add_field
from cstr_desk.ui.widgets.judgement import JudgementWidget
from cstr_desk.ui.widgets.questionnaire import QuestionnaireWidget
from cstr_desk.ui.widgets.wrap_label import WrapLabel


class InstrumentPage(CasePage):
    """A page holding one or more questionnaires; each answer is scored and saved at once."""

    instruments: tuple[str, ...] = ()
    judgements: tuple[str, ...] = ()

    def build(self) -> None:
        self.questionnaires: dict[str, QuestionnaireWidget] = {}
        for inst_id in self.instruments:
            widget = QuestionnaireWidget(self.session.forms.instruments[inst_id], self.body)
            widget.answers_changed.connect(self.edited)
            self.questionnaires[inst_id] = widget
            self.layout_.addWidget(widget)
        self.build_extra()
        self.judgement_widgets = [JudgementWidget(code, self.edited) for code in self.judgements]
        if self.judgement_widgets:
            box = QGroupBox("Professional findings (the scores are evidence; the finding is yours, with a reason)")
            column = QVBoxLayout(box)
            for judgement in self.judgement_widgets:
                column.addWidget(judgement)
            self.layout_.addWidget(box)
        self.safeguarding_box = QGroupBox("Safeguarding: action taken (required before going on)")
        column = QVBoxLayout(self.safeguarding_box)
        self.safeguarding_message = WrapLabel()
        self.safeguarding_message.setWordWrap(True)
        self.safeguarding_action = QPlainTextEdit()
        self.safeguarding_action.setAccessibleName("Safeguarding action taken")
        self.safeguarding_action.setTabChangesFocus(True)
        self.safeguarding_action.setMaximumHeight(90)
        self.safeguarding_action.textChanged.connect(self.edited)
        self.safeguarding_error = ErrorLabel(revealed=False)
        column.addWidget(self.safeguarding_message)
        column.addWidget(self.safeguarding_action)
        column.addWidget(self.safeguarding_error)
        self.safeguarding_box.setVisible(False)
        self.layout_.addWidget(self.safeguarding_box)
        self.layout_.addStretch(1)

    def build_extra(self) -> None: ...

    def load_extra(self) -> None: ...

    def save_extra(self) -> None: ...

    def load(self) -> None:
        for inst_id, widget in self.questionnaires.items():
            result = self.case.latest_screening(inst_id)
            widget.set_answers(result.answers if result else {})
        for j in self.judgement_widgets:
            j.load(self.case)
        flags = self._safeguarding_flags()
        done = [a for a in self.case.safeguarding if a.flag in flags]
        self.safeguarding_action.setPlainText(done[-1].action if done else "")
        self.load_extra()

    def save(self) -> None:
        now = datetime.now().replace(microsecond=0)
        for inst_id, widget in self.questionnaires.items():
            answers = widget.answers()
            previous = self.case.latest_screening(inst_id)
            if not any(answers.values()) and previous is None:
                continue
            if previous is not None and previous.answers == {k: v for k, v in answers.items() if v}:
                continue
            result = record_screening(widget.instrument, answers, by=self.session.actor.name, at=now)
            self.case.screening = [s for s in self.case.screening if s.instrument_id != inst_id] + [result]
        for j in self.judgement_widgets:
            j.save(self.case, self.session.actor.name, self.session.actor.role)
        flags = self._safeguarding_flags()
        action = self.safeguarding_action.toPlainText()
        self.case.safeguarding = [a for a in self.case.safeguarding if a.flag not in flags or not flags]
        for flag in flags:
            if action.strip():
                self.case.safeguarding.append(SafeguardingAction(flag, action, self.session.actor.name, now))
        self.save_extra()

    def _safeguarding_flags(self) -> list[str]:
        flags = []
        for inst_id, widget in self.questionnaires.items():
            for flag in widget.score().flags:
                if flag.kind == "safeguarding":
                    flags.append(f"{inst_id}:{flag.id}")
        return flags

    def refresh(self) -> None:
        flags = self._safeguarding_flags()
        self.safeguarding_box.setVisible(bool(flags))
        messages = []
        for widget in self.questionnaires.values():
            messages += [f.message for f in widget.score().flags if f.kind == "safeguarding"]
        self.safeguarding_message.setText(" ".join(messages))
        missing = bool(flags) and not self.safeguarding_action.toPlainText().strip()
        self.safeguarding_error.show_error("Record what was done before going on." if missing else "")
        if self.judgement_widgets:
            criteria = {c.code: c for d in self.session.decisions() for c in d.criteria}
            for j in self.judgement_widgets:
                j.show_evidence(criteria.get(j.code))
                j.error.show_error(j.problem())

    def has_data(self) -> bool:
        return any(self.case.latest_screening(i) is not None for i in self.instruments)

    def missing(self) -> list[Missing]:
        found = []
        if self._safeguarding_flags() and not self.safeguarding_action.toPlainText().strip():
            found.append(Missing("Record the safeguarding action taken.", self.safeguarding_action))
        found += [Missing(f"{j.code}: {j.problem()}", j.reason) for j in self.judgement_widgets if j.problem()]
        return found


class AlcoholScreenPage(InstrumentPage):
    step = "alcohol"
    title_text = "Alcohol screen (AUDIT-C)"
    subtitle_text = "A positive AUDIT-C screen leads to the full AUDIT."
    instruments = ("audit_c",)


class AuditPage(InstrumentPage):
    step = "audit"
    title_text = "Full alcohol assessment (AUDIT)"
    subtitle_text = "The AUDIT is evidence. Whether the person is dependent on alcohol (A1) is your finding, with the alcohol service, and a reason."
    instruments = ("audit",)
    judgements = ("A1", "A2")


class DrugsPage(InstrumentPage):
    step = "drugs"
    title_text = "Drug screen (DAST-10) and drug use"
    subtitle_text = "DAST-10 and reported use are evidence. Dependency on or propensity to misuse controlled drugs (D1) is your finding, naming the drug(s)."
    instruments = ("dast10",)
    judgements = ("D1", "D2")

    def build_extra(self) -> None:
        box = QGroupBox("Drug use")
        form = QFormLayout(box)
        self.opiates = QComboBox()
        for value, label in ((None, "Not known"), (True, "Yes"), (False, "No")):
            self.opiates.addItem(label, value)
        self.drugs_used = QLineEdit()
        self.provider = QLineEdit()
        self.notes = QLineEdit()
        add_field(form, "Regular &opiate or crack use", self.opiates)
        add_field(form, "Drugs &used", self.drugs_used)
        add_field(form, "Treatment provider &consulted today", self.provider)
        add_field(form, "N&otes", self.notes)
        self.opiates.currentIndexChanged.connect(self.edited)
        for line in (self.drugs_used, self.provider, self.notes):
            line.textEdited.connect(self.edited)
        self.layout_.addWidget(box)

    def load_extra(self) -> None:
        su = self.case.substance_use
        self.opiates.setCurrentIndex(max(0, self.opiates.findData(su.regular_opiate_or_crack_use)))
        self.drugs_used.setText(su.drugs_used)
        self.provider.setText(su.treatment_provider_consulted)
        self.notes.setText(su.notes)

    def save_extra(self) -> None:
        su = self.case.substance_use
        su.regular_opiate_or_crack_use = self.opiates.currentData()
        su.drugs_used = self.drugs_used.text()
        su.treatment_provider_consulted = self.provider.text()
        su.notes = self.notes.text()


class MentalHealthScreenPage(InstrumentPage):
    step = "mh_screen"
    title_text = "Mental-health initial screen"
    subtitle_text = "A local checklist, not a validated instrument: any Yes, or a positive PHQ-2 or GAD-2, refers the person to the assistant psychologist today. A negative screen rules nobody out."
    instruments = ("mh_screen",)
