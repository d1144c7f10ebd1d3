"""The Outcome step: what the court did, the sentence set against the proposal, first appointments; corrections."""

from __future__ import annotations

from datetime import date
from html import escape
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.domain.case import REQUIREMENT_NAMES, Case, Requirement
from cstr_desk.domain.outcome import (
    APPOINTMENT_STATUSES,
    OUTCOME_CATEGORIES,
    SENTENCE_ORDER_TYPES,
    SENTENCED,
    FirstAppointment,
    ImposedRequirement,
    Outcome,
    SentencePassed,
    differences,
)
from cstr_desk.domain.rules import TREATMENT_KINDS
from cstr_desk.ui.widgets.fields import ErrorLabel, add_field, format_date, parse_date


def _spin(maximum: int, suffix: str, empty: str = "Not set") -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(0, maximum)
    spin.setSpecialValueText(empty)
    spin.setSuffix(suffix)
    return spin


class ImposedBlock(QGroupBox):
    """One requirement as the court imposed it, and whether its first appointment was kept."""

    def __init__(self, page: OutcomePage, requirement: str) -> None:
        super().__init__(f"{REQUIREMENT_NAMES[Requirement(requirement)]} ({requirement})")
        self.requirement = requirement
        column = QVBoxLayout(self)
        self.imposed = QCheckBox(f"{requirement} imposed")
        self.imposed.setAccessibleName(f"{requirement} imposed")
        column.addWidget(self.imposed)
        self.details = QWidget()
        form = QFormLayout(self.details)
        self.length = _spin(36, " months")
        self.kind = QComboBox()
        self.kind.addItem("Not recorded", "")
        for key, label in TREATMENT_KINDS[requirement].items():
            self.kind.addItem(label, key)
        self.provider = QComboBox()
        self.provider.addItem("Not recorded", "")
        for provider in page.desk.forms.programme.providers_for(requirement):
            self.provider.addItem(provider.name, provider.id)
        self.place = QLineEdit()
        self.practitioner = QLineEdit()
        self.first_status = QComboBox()
        self.first_status.addItem("Not yet known", "")
        for key, label in APPOINTMENT_STATUSES.items():
            self.first_status.addItem(label, key)
        self.first_on = QLineEdit()
        self.first_on.setPlaceholderText("dd/mm/yyyy")
        self.errors = {
            "length": add_field(form, "Length", self.length),
            "kind": add_field(form, "Treatment", self.kind),
            "provider": add_field(form, "Provider", self.provider),
            "place": add_field(form, "Place", self.place),
            "practitioner": add_field(form, "Treatment director" if requirement != "MHTR" else "Named practitioner",
                                      self.practitioner),
        }
        if requirement == "DRR":
            self.review = QCheckBox("The court reviews the DRR")
            self.review_court = QLineEdit()
            self.review_interval = _spin(12, " month(s)")
            self.first_review = QLineEdit()
            self.first_review.setPlaceholderText("dd/mm/yyyy")
            self.errors.update({
                "review": add_field(form, "Court review", self.review),
                "review_court": add_field(form, "Responsible court", self.review_court),
                "review_interval": add_field(form, "Review every", self.review_interval),
                "first_review": add_field(form, "First review", self.first_review),
            })
        self.errors["first_status"] = add_field(form, "First appointment", self.first_status)
        self.errors["first_on"] = add_field(form, "First appointment date", self.first_on,
                                            "The date it was kept or missed, or the new date")
        for key in ("length", "kind", "provider", "place", "practitioner", "first_status", "first_on"):
            getattr(self, key).setAccessibleName(f"{requirement} {key.replace('_', ' ')}")
        column.addWidget(self.details)
        self.imposed.toggled.connect(self.details.setVisible)
        self.imposed.toggled.connect(page.changed)
        for w in (self.length, self.review_interval) if requirement == "DRR" else (self.length,):
            w.valueChanged.connect(page.changed)
        for combo in (self.kind, self.provider, self.first_status):
            combo.currentIndexChanged.connect(page.changed)
        for line in (self.place, self.practitioner, self.first_on):
            line.textEdited.connect(page.changed)
        if requirement == "DRR":
            self.review.toggled.connect(page.changed)
            self.review_court.textEdited.connect(page.changed)
            self.first_review.textEdited.connect(page.changed)
        self.details.setVisible(False)

    def load(self, r: ImposedRequirement | None, appointment: FirstAppointment | None) -> None:
        self.imposed.setChecked(r is not None)
        self.details.setVisible(r is not None)
        r = r or ImposedRequirement(self.requirement)
        self.length.setValue(r.length_months or 0)
        self.kind.setCurrentIndex(max(0, self.kind.findData(r.treatment_kind)))
        self.provider.setCurrentIndex(max(0, self.provider.findData(r.provider_id)))
        self.place.setText(r.place)
        self.practitioner.setText(r.practitioner)
        if self.requirement == "DRR":
            self.review.setChecked(r.court_review)
            self.review_court.setText(r.review_court)
            self.review_interval.setValue(r.review_interval_months or 0)
            self.first_review.setText(format_date(r.first_review_date))
        a = appointment or FirstAppointment(self.requirement)
        self.first_status.setCurrentIndex(max(0, self.first_status.findData(a.status)))
        self.first_on.setText(format_date(a.on))

    def build(self, problems: dict[str, str]) -> tuple[ImposedRequirement | None, FirstAppointment | None]:
        if not self.imposed.isChecked():
            return None, None

        def day(key: str, line: QLineEdit) -> date | None:
            try:
                return parse_date(line.text())
            except ValueError as exc:
                problems[f"{self.requirement}.{key}"] = str(exc)
                return None

        review = self.requirement == "DRR" and self.review.isChecked()
        r = ImposedRequirement(
            requirement=self.requirement, length_months=self.length.value() or None,
            treatment_kind=self.kind.currentData() or "", provider_id=self.provider.currentData() or "",
            place=self.place.text().strip(), practitioner=self.practitioner.text().strip(),
            court_review=review,
            review_court=self.review_court.text().strip() if review else "",
            review_interval_months=(self.review_interval.value() or None) if review else None,
            first_review_date=day("first_review", self.first_review) if review else None,
        )
        status = self.first_status.currentData() or ""
        on = day("first_on", self.first_on)
        appointment = FirstAppointment(self.requirement, status, on) if status or on else None
        return r, appointment


class OutcomePage(QWidget):
    """Record what the court did for one case. The final annex is never changed: each save is a new version."""

    closed = Signal()
    recorded = Signal(int)

    def __init__(self, desk: Any, case_id: str, today: date | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.case_id = case_id
        self.today = today or date.today()
        self.case: Case = desk.outcome_case(case_id)
        self.is_draft = desk.summary(case_id).status == "draft"
        self._loading = False
        outer = QVBoxLayout(self)
        heading = QLabel(f"<h2>Outcome after the hearing</h2>{escape(self._case_line())}")
        heading.setTextFormat(Qt.TextFormat.RichText)
        heading.setWordWrap(True)
        outer.addWidget(heading)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setStyleSheet("background: #e8eef4; padding: 4px;")
        outer.addWidget(self.status)
        # Where the sentence differs from the proposal stays in view while the officer scrolls the form.
        self.differences = QLabel()
        self.differences.setWordWrap(True)
        self.differences.setTextFormat(Qt.TextFormat.RichText)
        self.differences.setAccessibleName("Differences from the proposal")
        outer.addWidget(self.differences)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        body = QWidget()
        self.column = QVBoxLayout(body)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self._build_form()
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Record outcome")
        self.back_button = QPushButton("&Back to the list")
        self.sheet_en = QPushButton("After-sentence sheet (&English)")
        self.sheet_cy = QPushButton("After-sentence sheet (Cy&mraeg)")
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.sheet_en)
        buttons.addWidget(self.sheet_cy)
        buttons.addStretch(1)
        buttons.addWidget(self.back_button)
        outer.addLayout(buttons)
        self.save_button.clicked.connect(self.save)
        self.back_button.clicked.connect(self.closed.emit)
        self.sheet_en.clicked.connect(lambda: self.open_sheet("en"))
        self.sheet_cy.clicked.connect(lambda: self.open_sheet("cy"))
        self.load()

    def open_sheet(self, lang: str) -> bytes:
        from cstr_desk.ui.documents import open_pdf

        pdf: bytes = self.desk.after_sentence_sheet(self.case_id, lang)
        open_pdf(pdf, f"after-sentence-{lang}.pdf")
        return pdf

    def _case_line(self) -> str:
        c = self.case
        bits = [c.person.full_name or "(no name)", c.identifiers.crn, c.hearing.court,
                f"hearing {format_date(c.hearing.hearing_date)}"]
        return " · ".join(b for b in bits if b)

    def _build_form(self) -> None:
        top = QGroupBox("The hearing")
        form = QFormLayout(top)
        self.category = QComboBox()
        self.category.addItem("Choose…", "")
        for key, label in OUTCOME_CATEGORIES.items():
            self.category.addItem(label, key)
        self.hearing_date = QLineEdit()
        self.hearing_date.setPlaceholderText("dd/mm/yyyy")
        self.new_hearing = QLineEdit()
        self.new_hearing.setPlaceholderText("dd/mm/yyyy")
        self.errors = {
            "category": add_field(form, "Out&come", self.category),
            "hearing_date": add_field(form, "&Hearing date", self.hearing_date),
            "new_hearing_date": add_field(form, "&New hearing date", self.new_hearing, "For an adjourned case"),
        }
        self.column.addWidget(top)
        self.sentence_box = QGroupBox("Sentence passed")
        sform = QFormLayout(self.sentence_box)
        self.as_proposed_button = QPushButton("As &proposed")
        self.as_proposed_button.setToolTip("Fill the sentence and requirements exactly as the annex proposed them")
        sform.addRow(self.as_proposed_button)
        self.order_type = QComboBox()
        self.order_type.addItem("Choose…", "")
        for key, label in SENTENCE_ORDER_TYPES.items():
            self.order_type.addItem(label, key)
        self.order_length = _spin(36, " months")
        self.custodial_term = _spin(3650, " days")
        self.operational = _spin(36, " months")
        self.supervision = _spin(36, " months")
        self.errors.update({
            "sentence.order_type": add_field(sform, "&Order", self.order_type),
            "sentence.order_length_months": add_field(sform, "Order &length", self.order_length),
            "sentence.custodial_term_days": add_field(sform, "Custodial &term", self.custodial_term,
                                                      "Suspended (SSO) or immediate custody"),
            "sentence.operational_period_months": add_field(sform, "Operational period", self.operational),
            "sentence.supervision_period_months": add_field(sform, "Supervision period", self.supervision),
        })
        self.column.addWidget(self.sentence_box)
        self.blocks = {r.value: ImposedBlock(self, r.value) for r in Requirement}
        for block in self.blocks.values():
            self.column.addWidget(block)
        fix = QGroupBox("Correction")
        fform = QFormLayout(fix)
        self.reason = QLineEdit()
        self.errors["correction_reason"] = add_field(fform, "Reason for the &correction", self.reason,
                                                     "A correction is a new version; the earlier one is kept")
        self.correction_box = fix
        self.column.addWidget(fix)
        self.history = QLabel()
        self.history.setWordWrap(True)
        self.history.setTextFormat(Qt.TextFormat.RichText)
        self.history.setAccessibleName("Versions of the outcome")
        self.column.addWidget(self.history)
        self.problems = ErrorLabel()
        self.column.addWidget(self.problems)
        self.column.addStretch(1)
        self.category.currentIndexChanged.connect(self.changed)
        self.order_type.currentIndexChanged.connect(self.changed)
        for spin in (self.order_length, self.custodial_term, self.operational, self.supervision):
            spin.valueChanged.connect(self.changed)
        for line in (self.hearing_date, self.new_hearing, self.reason):
            line.textEdited.connect(self.changed)
        self.as_proposed_button.clicked.connect(self.fill_as_proposed)

    # ------------------------------------------------------------ load and build

    def load(self) -> None:
        history = self.desk.outcome_history(self.case_id)
        latest: Outcome | None = history[-1] if history else None
        self.latest = latest
        self.correcting = latest is not None and latest.category != "adjourned"
        self._loading = True
        try:
            if latest is not None and self.correcting:
                self._show(latest)
            else:
                # A first outcome (or the next hearing after an adjournment): start from that hearing's date.
                day = latest.new_hearing_date if latest is not None else self.case.hearing.hearing_date
                self._show(Outcome("", day))
            self.reason.clear()
        finally:
            self._loading = False
        self.correction_box.setVisible(self.correcting)
        for button in (self.sheet_en, self.sheet_cy):
            button.setEnabled(latest is not None and bool(latest.imposed))
        self.save_button.setText("Record &correction" if self.correcting else "&Record outcome")
        if self.is_draft:
            self.status.setText("The annex is not final: only an adjournment can be recorded, and the draft moves to "
                                "the new hearing date.")
        else:
            self.status.setText("The final annex stays exactly as it is: the outcome is its own record, and a "
                                "correction adds a new version with its reason.")
        rows = []
        for o in history:
            who = f" by {o.recorded_by}" if o.recorded_by else ""
            when = f" on {o.recorded_at:%d/%m/%Y %H:%M}" if o.recorded_at else ""
            why = f": correction, {o.correction_reason}" if o.correction_reason else ""
            rows.append(f"<li>Version {o.version}{escape(when + who)}: "
                        f"{escape(OUTCOME_CATEGORIES.get(o.category, o.category))}{escape(why)}</li>")
        self.history.setText("<b>Recorded versions</b><ul>" + "".join(rows) + "</ul>" if rows
                             else "No outcome recorded yet.")
        self.changed()

    def _show(self, o: Outcome) -> None:
        self.category.setCurrentIndex(max(0, self.category.findData(o.category)))
        self.hearing_date.setText(format_date(o.hearing_date))
        self.new_hearing.setText(format_date(o.new_hearing_date))
        self._show_sentence(o.sentence, o)

    def _show_sentence(self, s: SentencePassed | None, o: Outcome | None) -> None:
        s = s or SentencePassed()
        self.order_type.setCurrentIndex(max(0, self.order_type.findData(s.order_type)))
        self.order_length.setValue(s.order_length_months or 0)
        self.custodial_term.setValue(s.custodial_term_days or 0)
        self.operational.setValue(s.operational_period_months or 0)
        self.supervision.setValue(s.supervision_period_months or 0)
        for req, block in self.blocks.items():
            block.load(s.get(req), o.appointment(req) if o else None)

    def fill_as_proposed(self) -> None:
        """The officer's one action for "as proposed": the sentence and requirements from the annex."""
        self._loading = True
        try:
            if not self.category.currentData():
                self.category.setCurrentIndex(self.category.findData("probation_sentence"))
            keep = {req: b.build({})[1] for req, b in self.blocks.items()}
            sentence = self.desk.as_proposed(self.case_id)
            self._show_sentence(sentence, None)
            for req, appointment in keep.items():
                if appointment is not None:
                    self.blocks[req].first_status.setCurrentIndex(
                        max(0, self.blocks[req].first_status.findData(appointment.status)))
                    self.blocks[req].first_on.setText(format_date(appointment.on))
        finally:
            self._loading = False
        self.changed()

    def build(self) -> tuple[Outcome, dict[str, str]]:
        problems: dict[str, str] = {}

        def day(key: str, line: QLineEdit) -> date | None:
            try:
                return parse_date(line.text())
            except ValueError as exc:
                problems[key] = str(exc)
                return None

        category = self.category.currentData() or ""
        requirements, appointments = [], []
        for block in self.blocks.values():
            r, a = block.build(problems)
            if r is not None:
                requirements.append(r)
            if a is not None:
                appointments.append(a)
        sentence = None
        if category in SENTENCED:
            sentence = SentencePassed(
                order_type=self.order_type.currentData() or "",
                order_length_months=self.order_length.value() or None,
                custodial_term_days=self.custodial_term.value() or None,
                operational_period_months=self.operational.value() or None,
                supervision_period_months=self.supervision.value() or None,
                requirements=requirements if category == "probation_sentence" else [],
            )
        outcome = Outcome(
            category=category, hearing_date=day("hearing_date", self.hearing_date), sentence=sentence,
            new_hearing_date=day("new_hearing_date", self.new_hearing) if category == "adjourned" else None,
            appointments=appointments if category == "probation_sentence" else [],
        )
        return outcome, problems

    def changed(self, *_args: object) -> None:
        if self._loading:
            return
        category = self.category.currentData() or ""
        self.sentence_box.setVisible(category in SENTENCED)
        for block in self.blocks.values():
            block.setVisible(category == "probation_sentence")
        self.new_hearing.setEnabled(category == "adjourned")
        outcome, _ = self.build()
        if category == "probation_sentence" and outcome.sentence is not None:
            diffs = differences(self.case, outcome.sentence)
            self.differences.setText("<b>Set against the proposal:</b> " + (
                "as proposed." if not diffs else "<ul>" + "".join(f"<li>{escape(d)}</li>" for d in diffs) + "</ul>"))
            self.differences.setVisible(True)
        else:
            self.differences.setVisible(False)

    # ------------------------------------------------------------ saving

    def save(self) -> bool:
        from cstr_desk.workflow import OutcomeProblems

        outcome, problems = self.build()
        # Pressing Record is like pressing Next: every field's message may show now.
        labels = [*self.errors.values(), *(label for b in self.blocks.values() for label in b.errors.values())]
        for label in labels:
            label.reveal()
            label.show_error("")
        messages: list[str] = []
        if not problems:
            try:
                if self.correcting:
                    stored = self.desk.correct_outcome(self.case_id, outcome, self.reason.text())
                else:
                    stored = self.desk.record_outcome(self.case_id, outcome)
            except OutcomeProblems as exc:
                messages = exc.problems
            else:
                self.problems.show_error("")
                self.load()
                self.recorded.emit(stored.version)
                return True
        for key, message in problems.items():
            messages.append(f"{key}: {message}")
        self._show_problems(messages)
        return False

    def _show_problems(self, messages: list[str]) -> None:
        general = []
        for text in messages:
            field, _, message = text.partition(": ")
            label = self.errors.get(field)
            if label is None and field.startswith("sentence.requirements["):
                index = int(field.split("[")[1].split("]")[0])
                requirements = [b for b in self.blocks.values() if b.imposed.isChecked()]
                attr = field.split("].", 1)[1] if "]." in field else "length"
                if index < len(requirements):
                    label = requirements[index].errors.get(attr)
            if label is None and "." in field and field.split(".")[0] in self.blocks:
                req, attr = field.split(".", 1)
                label = self.blocks[req].errors.get(attr)
            if label is None and field.startswith("appointments["):
                general.append(message)
                continue
            if label is not None:
                label.show_error(message)
            else:
                general.append(message or text)
        self.problems.show_error(" ".join(general) if general else
                                 "Some fields need attention: see the messages beside them.")

