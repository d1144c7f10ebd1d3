"""Case details: the person, the hearing, identifiers, offences and the order being considered."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.domain.case import Offence
from cstr_desk.domain.identifiers import urn_warning
from cstr_desk.ui.pages.base import CasePage, Missing
from cstr_desk.ui.widgets.fields import ErrorLabel, add_field, format_date, parse_date, reveal_on_leave

GENDERS = [("not_stated", "Not stated"), ("female", "Female"), ("male", "Male"), ("non_binary", "Non-binary")]
COURT_TYPES = [("magistrates", "Magistrates' court"), ("crown", "Crown Court")]
STAGES = [("guilty_plea", "Guilty plea"), ("found_guilty", "Found guilty")]
ORDERS = [("", "Not decided yet"), ("community_order", "Community order"),
          ("suspended_sentence_order", "Suspended sentence order")]
IMPRISONABLE = [(None, "Not known"), (True, "Imprisonable"), (False, "Not imprisonable")]
INTERPRETER_USED = [(None, "Not recorded"), (True, "Yes"), (False, "No")]


def combo(items: list[tuple[object, str]]) -> QComboBox:
    box = QComboBox()
    for value, label in items:
        box.addItem(label, value)
    return box


def set_combo(box: QComboBox, value: object) -> None:
    index = box.findData(value)
    box.setCurrentIndex(max(index, 0))


def spin(maximum: int, suffix: str) -> QSpinBox:
    box = QSpinBox()
    box.setRange(0, maximum)
    box.setSpecialValueText("Not set")
    box.setSuffix(suffix)
    return box


class OffenceRow(QWidget):
    def __init__(self, page: DetailsPage, number: int) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.description = QLineEdit()
        self.description.setAccessibleName(f"Offence {number} description")
        self.description.setPlaceholderText("Offence, as on the charge sheet")
        self.date = QLineEdit()
        self.date.setAccessibleName(f"Offence {number} date")
        self.date.setPlaceholderText("dd/mm/yyyy")
        self.date.setMaximumWidth(130)
        self.imprisonable = combo(IMPRISONABLE)  # type: ignore[arg-type]
        self.imprisonable.setAccessibleName(f"Offence {number} imprisonable")
        self.remove = QPushButton("Remove")
        self.remove.setAccessibleName(f"Remove offence {number}")
        for w in (self.description, self.date, self.imprisonable, self.remove):
            row.addWidget(w)
        row.setStretch(0, 1)
        self.error = ErrorLabel(revealed=False)
        reveal_on_leave(self, self.error)
        self.description.textEdited.connect(page.edited)
        self.date.textEdited.connect(page.edited)
        self.imprisonable.currentIndexChanged.connect(page.edited)
        self.remove.clicked.connect(lambda: page.remove_offence(self))


class DetailsPage(CasePage):
    step = "details"
    title_text = "Case details"
    subtitle_text = "The person, the hearing and the order the report expects to propose."

    def build(self) -> None:
        person = QGroupBox("Person")
        form = QFormLayout(person)
        self.given = QLineEdit()
        self.family = QLineEdit()
        self.dob = QLineEdit()
        self.dob.setPlaceholderText("dd/mm/yyyy")
        self.gender = combo(GENDERS)  # type: ignore[arg-type]
        self.interpreter = QLineEdit()
        self.interview_language = QComboBox()
        self.interview_language.setEditable(True)
        self.interview_language.addItems(["", "English", "Welsh"])
        self.interpreter_used = combo(INTERPRETER_USED)  # type: ignore[arg-type]
        self.contact = QLineEdit()
        self.errors = {
            "person.given_names": add_field(form, "&Given names", self.given, "Any letters, apostrophes and hyphens"),
            "person.family_name": add_field(form, "&Family name", self.family),
            "person.date_of_birth": add_field(form, "&Date of birth", self.dob, "Day/month/year, e.g. 30/06/1995"),
            "person.gender": add_field(form, "G&ender", self.gender),
            "person.interpreter_language": add_field(form, "&Interpreter language", self.interpreter,
                                                     "Leave empty if none is needed"),
            "person.interview_language": add_field(
                form, "&Language of interview", self.interview_language,
                "English, Welsh or another language; in Welsh, the consent texts are shown in Welsh"),
            "person.interpreter_used": add_field(form, "Interpreter &used", self.interpreter_used),
            "person.contact_needs": add_field(form, "Communication or &access needs", self.contact),
        }
        hearing = QGroupBox("Hearing")
        hform = QFormLayout(hearing)
        self.court = QLineEdit()
        self.court_type = combo(COURT_TYPES)  # type: ignore[arg-type]
        self.hearing_date = QLineEdit()
        self.hearing_date.setPlaceholderText("dd/mm/yyyy")
        # Issue 11: the law keys age and SSO limits to the date of conviction; blank means the hearing date.
        self.conviction_date = QLineEdit()
        self.conviction_date.setPlaceholderText("the hearing date")
        self.reference = QLineEdit()
        self.stage = combo(STAGES)  # type: ignore[arg-type]
        self.crn = QLineEdit()
        self.crn.setPlaceholderText("X123456")
        self.pnc = QLineEdit()
        self.pnc.setPlaceholderText("2019/0123456X")
        self.errors.update({
            "hearing.court": add_field(hform, "C&ourt", self.court),
            "hearing.court_type": add_field(hform, "Court &type", self.court_type),
            "hearing.hearing_date": add_field(hform, "&Hearing date", self.hearing_date, "The date of sentence"),
            "hearing.case_reference": add_field(hform, "Case &reference (URN)", self.reference,
                                                "Any scheme; an unusual one is only a warning"),
            "hearing.stage": add_field(hform, "Con&viction", self.stage),
            "hearing.conviction_date": add_field(hform, "Date of co&nviction", self.conviction_date,
                                                 "Blank: convicted at this hearing. For an adjourned sentence, "
                                                 "the date of the plea or finding"),
            "identifiers.crn": add_field(hform, "&CRN", self.crn, "nDelius case reference: a letter and six digits"),
            "identifiers.pnc_id": add_field(hform, "&PNC ID", self.pnc, "Year/serial and check letter"),
        })
        offences = QGroupBox("Offences")
        self.offence_box = QVBoxLayout(offences)
        self.offence_rows: list[OffenceRow] = []
        self.add_offence_button = QPushButton("&Add an offence")
        self.add_offence_button.clicked.connect(self.add_offence)
        self.offence_box.addWidget(self.add_offence_button)

        order = QGroupBox("Order being considered")
        self.order_form = oform = QFormLayout(order)
        self.order_type = combo(ORDERS)  # type: ignore[arg-type]
        self.co_months = spin(60, " months")
        self.custodial_days = spin(1000, " days")
        self.operational = spin(36, " months")
        self.supervision = spin(36, " months")
        self.errors.update({
            "sentence.order_type": add_field(oform, "&Order", self.order_type),
            "sentence.order_length_months": add_field(oform, "Community order &length", self.co_months,
                                                      "At most 36 months"),
            "sentence.custodial_term_days": add_field(oform, "Suspended custodial term", self.custodial_days,
                                                      "14 days to 2 years"),
            "sentence.operational_period_months": add_field(oform, "Operational period", self.operational,
                                                            "6 months to 2 years"),
            "sentence.supervision_period_months": add_field(oform, "Supervision period", self.supervision,
                                                            "Not longer than the operational period"),
        })
        for group in (person, hearing, offences, order):
            self.layout_.addWidget(group)
        self.layout_.addStretch(1)
        for line in (self.given, self.family, self.dob, self.interpreter, self.contact, self.court,
                     self.hearing_date, self.conviction_date, self.reference, self.crn, self.pnc):
            line.textEdited.connect(self.edited)
        for box in (self.gender, self.court_type, self.stage, self.order_type, self.interview_language,
                    self.interpreter_used):
            box.currentIndexChanged.connect(self.edited)
        typed = self.interview_language.lineEdit()
        if typed is not None:  # an editable box: a language not in the list can be typed
            typed.textEdited.connect(self.edited)
        for sp in (self.co_months, self.custodial_days, self.operational, self.supervision):
            sp.valueChanged.connect(self.edited)
        self.parse_errors: dict[str, str] = {}

    def add_offence_row(self) -> OffenceRow:
        row = OffenceRow(self, len(self.offence_rows) + 1)
        index = self.offence_box.indexOf(self.add_offence_button)
        self.offence_box.insertWidget(index, row)
        self.offence_box.insertWidget(index + 1, row.error)
        self.offence_rows.append(row)
        row.show()  # at once, not when the event loop next runs: the page may be read or grabbed before then
        if not self._loading:
            row.description.setFocus()
        return row

    def add_offence(self) -> None:
        self.add_offence_row()
        self.edited()

    def _drop_row(self, row: OffenceRow) -> None:
        """Take a row out of the layout now (deleteLater alone leaves it on screen until the event loop runs)."""
        self.offence_rows.remove(row)
        for widget in (row, row.error):
            self.offence_box.removeWidget(widget)
            widget.hide()
            widget.deleteLater()

    def remove_offence(self, row: OffenceRow) -> None:
        self._drop_row(row)
        self.edited()

    def load(self) -> None:
        c = self.case
        self.given.setText(c.person.given_names)
        self.family.setText(c.person.family_name)
        self.dob.setText(format_date(c.person.date_of_birth))
        set_combo(self.gender, c.person.gender)
        self.interpreter.setText(c.person.interpreter_language)
        self.interview_language.setCurrentText(c.person.interview_language)
        set_combo(self.interpreter_used, c.person.interpreter_used)
        self.contact.setText(c.person.contact_needs)
        self.court.setText(c.hearing.court)
        set_combo(self.court_type, c.hearing.court_type)
        self.hearing_date.setText(format_date(c.hearing.hearing_date))
        self.reference.setText(c.hearing.case_reference)
        set_combo(self.stage, c.hearing.stage)
        self.conviction_date.setText(format_date(c.hearing.conviction_date))
        self.crn.setText(c.identifiers.crn)
        self.pnc.setText(c.identifiers.pnc_id)
        for row in list(self.offence_rows):
            self._drop_row(row)
        for offence in c.offences or [Offence()]:
            row = self.add_offence_row()
            row.description.setText(offence.description)
            row.date.setText(format_date(offence.offence_date))
            set_combo(row.imprisonable, offence.imprisonable)
        s = c.sentence
        set_combo(self.order_type, s.order_type or "")
        self.co_months.setValue(s.order_length_months or 0)
        self.custodial_days.setValue(s.custodial_term_days or 0)
        self.operational.setValue(s.operational_period_months or 0)
        self.supervision.setValue(s.supervision_period_months or 0)

    def _date(self, key: str, text: str):  # type: ignore[no-untyped-def]
        try:
            return parse_date(text)
        except ValueError as exc:
            self.parse_errors[key] = str(exc)
            return None

    def save(self) -> None:
        c = self.case
        self.parse_errors = {}
        c.person.given_names = self.given.text()
        c.person.family_name = self.family.text()
        c.person.date_of_birth = self._date("person.date_of_birth", self.dob.text())
        c.person.gender = self.gender.currentData()
        c.person.interpreter_language = self.interpreter.text()
        c.person.interview_language = self.interview_language.currentText().strip()
        c.person.interpreter_used = self.interpreter_used.currentData()
        c.person.contact_needs = self.contact.text()
        c.hearing.court = self.court.text()
        c.hearing.court_type = self.court_type.currentData()
        c.hearing.hearing_date = self._date("hearing.hearing_date", self.hearing_date.text())
        c.hearing.case_reference = self.reference.text()
        c.hearing.stage = self.stage.currentData()
        c.hearing.conviction_date = (self._date("hearing.conviction_date", self.conviction_date.text())
                                     if self.conviction_date.text().strip() else None)
        c.identifiers.crn = self.crn.text()
        c.identifiers.pnc_id = self.pnc.text()
        offences: list[Offence] = []
        self.row_of_offence: list[OffenceRow] = []
        for row in self.offence_rows:
            if not (row.description.text().strip() or row.date.text().strip()):
                continue
            n = len(offences)
            offences.append(Offence(row.description.text(), self._date(f"offences[{n}].offence_date", row.date.text()),
                                    row.imprisonable.currentData()))
            self.row_of_offence.append(row)
        c.offences = offences
        s = c.sentence
        s.order_type = self.order_type.currentData() or None
        s.order_length_months = self.co_months.value() or None
        s.custodial_term_days = self.custodial_days.value() or None
        s.operational_period_months = self.operational.value() or None
        s.supervision_period_months = self.supervision.value() or None

    def problems(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for problem in self.session.field_problems():
            if problem.field.startswith(("person.", "hearing.", "identifiers.", "offences[", "sentence.")):
                found.setdefault(problem.field, problem.message)
        found.update(self.parse_errors)  # a date that cannot be read beats "enter a date"
        return found

    def refresh(self) -> None:
        problems = self.problems()
        for key, label in self.errors.items():
            label.show_error(problems.get(key, ""))
        warning = urn_warning(self.case.hearing.case_reference)
        if warning and "hearing.case_reference" not in problems:
            self.errors["hearing.case_reference"].show_warning(warning)
        for row in self.offence_rows:
            row.error.show_error("")
        for n, row in enumerate(getattr(self, "row_of_offence", [])):
            row.error.show_error(problems.get(f"offences[{n}].description", "") or
                                 problems.get(f"offences[{n}].offence_date", ""))
        # Only the lengths of the order being considered are shown (hidden, not greyed out).
        order = self.order_type.currentData()
        for widget, kind in ((self.co_months, "community_order"), (self.custodial_days, "suspended_sentence_order"),
                             (self.operational, "suspended_sentence_order"),
                             (self.supervision, "suspended_sentence_order")):
            box = widget.parentWidget()
            if box is not None:
                self.order_form.setRowVisible(box, order == kind)

    def has_data(self) -> bool:
        p = self.case.person
        return bool(p.given_names.strip() or p.family_name.strip() or p.date_of_birth or self.case.hearing.court.strip())

    def missing(self) -> list[Missing]:
        # Only problems with what the rest of the day depends on block Next; the URN never does.
        widgets: dict[str, QWidget] = {
            "person.given_names": self.given, "person.family_name": self.family, "person.date_of_birth": self.dob,
            "person.gender": self.gender, "hearing.court": self.court, "hearing.court_type": self.court_type,
            "hearing.hearing_date": self.hearing_date, "hearing.stage": self.stage, "identifiers.crn": self.crn,
            "identifiers.pnc_id": self.pnc, "sentence.order_type": self.order_type,
            "sentence.order_length_months": self.co_months, "sentence.custodial_term_days": self.custodial_days,
            "sentence.operational_period_months": self.operational,
            "sentence.supervision_period_months": self.supervision,
        }
        rows = getattr(self, "row_of_offence", [])
        found = []
        for key, message in self.problems().items():
            widget = widgets.get(key)
            if widget is None and key.startswith("offences[") and rows:
                n = int(key.split("[")[1].split("]")[0])
                widget = rows[n].description if n < len(rows) else None
            found.append(Missing(message, widget))
        return found
