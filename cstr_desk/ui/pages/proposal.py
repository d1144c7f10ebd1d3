"""The proposal: requirements with length, provider, practitioner and first appointment, DRR testing and review,
and the person's willingness to comply with each."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cstr_desk.domain.case import (
    CUSTODY_LIKELIHOODS,
    REQUIREMENT_NAMES,
    ProposedRequirement,
    Requirement,
    Unsuitability,
)
from cstr_desk.domain.consent import ConsentRecord, current_consent, willingness_text_id, written_language
from cstr_desk.domain.eligibility import PERSON_CRITERIA, Decision
from cstr_desk.domain.rules import TREATMENT_KINDS
from cstr_desk.ui.pages.base import CasePage, Missing
from cstr_desk.ui.widgets.answer import ConsentAnswer
from cstr_desk.ui.widgets.fields import add_field, parse_datetime
from cstr_desk.ui.widgets.wrap_label import WrapLabel

OUTCOME_WORDS = {"eligible": "Eligible", "not_eligible": "Not eligible",
                 "needs_information": "Not yet settled: see the tests below",
                 "eligible_unsuitable": "Eligible, not proposed"}
FINDING_WORDS = {"met": "Met", "not_met": "Not met", "unknown": "Not yet assessed"}
COLOURS = {"met": "#1b5e20", "not_met": "#b00020", "unknown": "#6d4c00"}
PATH_FIELDS = {
    "length_months": "length", "treatment_kind": "kind", "provider_id": "provider", "practitioner": "practitioner",
    "first_appointment_at": "first", "testing_arrangements": "testing", "treatment_intervals": "intervals",
    "court_review": "review", "review_interval_months": "review_interval", "requirement": "propose",
}


class RequirementBlock(QGroupBox):
    def __init__(self, page: RequirementPage, requirement: str) -> None:
        super().__init__(f"{REQUIREMENT_NAMES[Requirement(requirement)]} ({requirement})")
        self.page = page
        self.requirement = requirement
        programme = page.session.forms.programme
        column = QVBoxLayout(self)
        self.propose = QCheckBox(f"&Propose the {requirement}")
        self.propose.setAccessibleName(f"Propose the {requirement}")
        column.addWidget(self.propose)
        self.details = QWidget()
        form = QFormLayout(self.details)
        self.length = QSpinBox()
        self.length.setRange(0, 36)
        self.length.setSpecialValueText("Not set")
        self.length.setSuffix(" months")
        self.kind = QComboBox()
        self.kind.addItem("Choose…", "")
        for key, label in TREATMENT_KINDS[requirement].items():
            self.kind.addItem(label, key)
        self.provider = QComboBox()
        self.provider.addItem("Choose…", "")
        for provider in programme.providers_for(requirement):
            self.provider.addItem(provider.name + (" (women only)" if provider.women_only else ""), provider.id)
        self.place = QLineEdit()
        self.practitioner = QLineEdit()
        self.capacity = QCheckBox("Confirmed with the provider today")
        when = QWidget()
        row = QHBoxLayout(when)
        row.setContentsMargins(0, 0, 0, 0)
        self.first_date = QLineEdit()
        self.first_date.setPlaceholderText("dd/mm/yyyy")
        self.first_date.setAccessibleName(f"{requirement} first appointment date")
        self.first_time = QLineEdit()
        self.first_time.setPlaceholderText("hh:mm")
        self.first_time.setAccessibleName(f"{requirement} first appointment time")
        row.addWidget(self.first_date)
        row.addWidget(self.first_time)
        self.first_place = QLineEdit()
        director = "Treatment director" if requirement in ("DRR", "ATR") else "Supervising practitioner"
        r = requirement
        self.errors = {
            "length": add_field(form, "Length", self.length, name=f"{r}: length"),
            "kind": add_field(form, "Treatment", self.kind, name=f"{r}: treatment"),
            "provider": add_field(form, "Provider", self.provider, "From the site's provider directory",
                                  name=f"{r}: provider"),
            "place": add_field(form, "Place", self.place, name=f"{r}: place"),
            "practitioner": add_field(form, director, self.practitioner, name=f"{r}: {director.lower()}"),
            "capacity": add_field(form, "Capacity or place", self.capacity, name=f"{r}: capacity or place confirmed"),
            "first": add_field(form, "First appointment", when, name=f"{r}: first appointment"),
            "first_place": add_field(form, "First appointment place", self.first_place,
                                     name=f"{r}: first appointment place"),
        }
        self.first_date.setAccessibleName(f"{r}: first appointment date (dd/mm/yyyy)")
        self.first_time.setAccessibleName(f"{r}: first appointment time (hh:mm)")
        if requirement == "DRR":
            self.recommends = QCheckBox("I recommend the DRR to the court as suitable")
            self.testing = QLineEdit()
            self.testing.setPlaceholderText("Samples, how often, who directs")
            self.intervals = QLineEdit()
            self.intervals.setPlaceholderText("For non-resident treatment, e.g. twice a week")
            self.review = QCheckBox("The court reviews the DRR")
            self.review_interval = QSpinBox()
            self.review_interval.setRange(0, 12)
            self.review_interval.setSpecialValueText("Not set")
            self.review_interval.setSuffix(" month(s)")
            self.errors.update({
                "recommends": add_field(form, "Recommendation", self.recommends, name="DRR: recommended as suitable"),
                "testing": add_field(form, "Drug testing", self.testing, name="DRR: drug testing"),
                "intervals": add_field(form, "Attendance intervals", self.intervals, name="DRR: attendance intervals"),
                "review": add_field(form, "Court review", self.review, "Required when the DRR is over 12 months",
                                    name="DRR: court review"),
                "review_interval": add_field(form, "Review every", self.review_interval, "At least one month apart",
                                             name="DRR: review interval"),
            })
        column.addWidget(self.details)
        # Willingness to comply, asked after the requirement has been explained.
        text = page.session.forms.consent_texts[willingness_text_id(requirement)]
        self.willing_text = text
        self.willing_box = QGroupBox(f"{text.title} (text version {text.version})")
        wcol = QVBoxLayout(self.willing_box)
        self.willing_explain = WrapLabel(" ".join(text.text.split()))
        self.willing_explain.setWordWrap(True)
        self.willing_explain.setTextFormat(Qt.TextFormat.PlainText)
        wcol.addWidget(self.willing_explain)
        self.explained = QCheckBox("I explained this requirement to the person in ordinary language")
        self.explained.setAccessibleName(f"{requirement}: explained in ordinary language")
        wcol.addWidget(self.explained)
        self.willingness = ConsentAnswer(f"{requirement} willingness", "Willing to comply", "Not willing")
        self.willing, self.unwilling, self.method = self.willingness.yes, self.willingness.no, self.willingness.method
        wcol.addWidget(self.willingness)
        column.addWidget(self.willing_box)
        self.fresh: ConsentRecord | None = None
        for signal in (self.propose.toggled, self.capacity.toggled, self.willingness.changed, self.explained.toggled):
            signal.connect(page.edited)
        self.provider.currentIndexChanged.connect(self.provider_changed)
        self.kind.currentIndexChanged.connect(page.edited)
        self.length.valueChanged.connect(page.edited)
        for line in (self.place, self.practitioner, self.first_date, self.first_time, self.first_place):
            line.textEdited.connect(page.edited)
        if requirement == "DRR":
            for line in (self.testing, self.intervals):
                line.textEdited.connect(page.edited)
            self.recommends.toggled.connect(page.edited)
            self.review.toggled.connect(page.edited)
            self.review_interval.valueChanged.connect(page.edited)
        self.first_problem = ""

    def provider_changed(self) -> None:
        if not self.page._loading:
            self.apply_provider()
        self.page.edited()

    def apply_provider(self) -> None:
        """Fill place, practitioner and (where it is the only one that fits) the treatment kind from the directory."""
        provider = self.page.session.forms.programme.provider(self.provider.currentData() or "")
        if provider is None:
            return
        self.place.setText(provider.place)
        self.practitioner.setText(provider.practitioner)
        fitting = [k for k in provider.treatment_kinds if k in TREATMENT_KINDS[self.requirement]]
        if fitting and (len(fitting) == 1 or self.kind.currentData() not in fitting):
            self.kind.setCurrentIndex(self.kind.findData(fitting[0]))

    def load(self, req: ProposedRequirement | None) -> None:
        self.propose.setChecked(req is not None)
        r = req or ProposedRequirement(self.requirement)
        self.length.setValue(r.length_months or 0)
        self.kind.setCurrentIndex(max(0, self.kind.findData(r.treatment_kind)))
        self.provider.setCurrentIndex(max(0, self.provider.findData(r.provider_id)))
        self.place.setText(r.place)
        self.practitioner.setText(r.practitioner)
        self.capacity.setChecked(r.capacity_confirmed)
        self.first_date.setText(r.first_appointment_at.strftime("%d/%m/%Y") if r.first_appointment_at else "")
        self.first_time.setText(r.first_appointment_at.strftime("%H:%M") if r.first_appointment_at else "")
        self.first_place.setText(r.first_appointment_place)
        if self.requirement == "DRR":
            self.recommends.setChecked(r.officer_recommends)
            self.testing.setText(r.testing_arrangements)
            self.intervals.setText(r.treatment_intervals)
            self.review.setChecked(r.court_review)
            self.review_interval.setValue(r.review_interval_months or 0)
        record = current_consent(self.page.case.consents, "willingness", self.requirement)
        self.willingness.load(record)
        self.explained.setChecked(record is not None and record.explained_in_ordinary_language)
        self.show_willingness_text()
        self.fresh = None

    def show_willingness_text(self) -> None:
        """The willingness text in the person's language (recorded with the language used)."""
        person = self.page.case.person
        text = self.page.session.forms.consent_text(self.willing_text.id, written_language(person.interview_language))
        if text is None:
            return
        note = f"\n{text.translation_note}" if text.translation_note else ""
        self.willing_box.setTitle(f"{text.title} (text version {text.version}{', Cymraeg' if text.lang == 'cy' else ''})")
        self.willing_explain.setText(" ".join(text.text.split()) + note)
        language = person.interview_language.strip()
        self.explained.setText("I explained this requirement to the person in ordinary language"
                               + (f" (in {language})" if language else ""))

    def defaults_for_new(self) -> None:
        """When first ticked: the programme's typical length and the default provider (women's pathway)."""
        programme = self.page.session.forms.programme
        self.length.setValue(programme.lengths[self.requirement].default)
        route = "primary_care" if self.requirement == "MHTR" and not self.page.case.mental_health.exclusions else None
        if self.requirement == "MHTR" and self.page.case.mental_health.exclusions:
            route = "secondary_care"
        provider = programme.default_provider(self.requirement, self.page.case.person.gender, route)
        if provider is not None:
            self.provider.setCurrentIndex(max(0, self.provider.findData(provider.id)))
            self.apply_provider()

    def build_requirement(self) -> ProposedRequirement | None:
        if not self.propose.isChecked():
            return None
        try:
            first = parse_datetime(self.first_date.text(), self.first_time.text())
            self.first_problem = ""
        except ValueError as exc:
            first, self.first_problem = None, str(exc)
        r = ProposedRequirement(
            requirement=self.requirement, length_months=self.length.value() or None,
            treatment_kind=self.kind.currentData() or "", provider_id=self.provider.currentData() or "",
            place=self.place.text(), practitioner=self.practitioner.text(), capacity_confirmed=self.capacity.isChecked(),
            first_appointment_at=first, first_appointment_place=self.first_place.text(),
        )
        if self.requirement == "DRR":
            r.officer_recommends = self.recommends.isChecked()
            r.testing_arrangements = self.testing.text()
            r.treatment_intervals = self.intervals.text()
            r.court_review = self.review.isChecked()
            r.review_interval_months = self.review_interval.value() or None
        return r

    def save_willingness(self) -> None:
        if not self.propose.isChecked():
            return
        answer = self.willingness.answer()
        if answer is None:
            return
        record = self.page.session.record_consent("willingness", answer, self.method.currentData(),
                                                  self.willing_text.id, requirement=self.requirement,
                                                  supersedes=self.fresh, explained=self.explained.isChecked())
        self.fresh = record

    def show_state(self, problems: dict[str, str], read_only: bool) -> None:
        on = self.propose.isChecked()
        self.details.setVisible(on)
        self.willing_box.setVisible(on)
        for key, label in self.errors.items():
            label.show_error(problems.get(key, ""))
        if self.first_problem:
            self.errors["first"].show_error(self.first_problem)
        elif not problems.get("first"):
            from cstr_desk.workflow import appointment_day_warning

            try:
                first = parse_datetime(self.first_date.text(), self.first_time.text())
            except ValueError:
                first = None
            warning = appointment_day_warning(first.date()) if first else None
            if warning:
                self.errors["first"].show_warning(warning)


class TestsGrid(QWidget):
    """The tests as a grid of plain labels (a rich-text table in a label cost most of a page turn to lay out).
    One Tab stop: its description reads every row to a screen reader."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setColumnStretch(0, 2)
        self.grid.setColumnStretch(2, 3)
        self.setAccessibleName(name)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._rows: list[tuple[str, str, str]] = []
        for column, text in enumerate(("Test", "Finding", "Reason")):
            self.grid.addWidget(self._label(text, bold=True), 0, column)

    def _label(self, text: str, bold: bool = False, colour: str = "") -> QLabel:
        label = WrapLabel(text)
        label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        if bold or colour:
            font = label.font()
            font.setBold(bold)
            label.setFont(font)
        if colour:
            palette = label.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
            label.setPalette(palette)
        return label

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        """(test, finding, reason) rows; unchanged rows are left as they are."""
        if rows == self._rows:
            return
        while self.grid.count() > 3:
            item = self.grid.takeAt(3)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for n, (test, finding, reason) in enumerate(rows, 1):
            self.grid.addWidget(self._label(test), n, 0)
            self.grid.addWidget(self._label(FINDING_WORDS[finding], bold=True, colour=COLOURS[finding]), n, 1)
            self.grid.addWidget(self._label(reason), n, 2)
        self._rows = rows
        self.setAccessibleDescription(" ".join(f"{t}: {FINDING_WORDS[f]}. {r}" for t, f, r in rows))


class RequirementPage(CasePage):
    """One requirement: its statutory and programme tests beside the proposal, so every test that depends on the
    proposal can be settled here; then willingness. An eligible requirement can be set aside, with the reason."""

    requirement = "MHTR"
    subtitle_text = "The tests the court must be satisfied of, then the proposal and the person's willingness."

    @staticmethod
    def title_for(requirement: str) -> str:
        return f"{REQUIREMENT_NAMES[Requirement(requirement)]} ({requirement})"

    def build(self) -> None:
        r = self.requirement
        self.outcome = WrapLabel()
        self.outcome.setWordWrap(True)
        self.outcome.setTextFormat(Qt.TextFormat.RichText)
        self.outcome.setAccessibleName(f"{r}: decision")
        self.table = TestsGrid(f"{r}: tests, findings and reasons")
        self.tests = self.wrapping_label(f"{r}: about the tests", rich=False)
        self.tests.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.tests.setAccessibleName(f"{r}: tests and reasons")
        self.layout_.addWidget(self.outcome)
        self.layout_.addWidget(self.table)
        self.layout_.addWidget(self.tests)
        self.unsuitable_box = QGroupBox("Eligible, but not proposed (the report must say why)")
        ucol = QFormLayout(self.unsuitable_box)
        self.unsuitable = QCheckBox(f"Do not propose the {r}")
        self.unsuitable.setAccessibleName(f"{r}: eligible but not proposed")
        self.unsuitable_reason = QLineEdit()
        self.unsuitable_error = add_field(ucol, "Why it is not proposed", self.unsuitable_reason,
                                          name=f"{r}: why it is not proposed")
        ucol.insertRow(0, self.unsuitable)
        self.unsuitable.toggled.connect(self.edited)
        self.unsuitable_reason.textEdited.connect(self.edited)
        self.layout_.addWidget(self.unsuitable_box)
        self.block = RequirementBlock(self, r)
        self.blocks = {r: self.block}
        self.block.setTitle("Proposal")
        self.layout_.addWidget(self.block)
        self.block.propose.toggled.connect(self._ticked)
        self.layout_.addStretch(1)

    def _ticked(self, on: bool) -> None:
        if on and not self._loading and not self.block.length.value():
            self._loading = True
            try:
                self.block.defaults_for_new()
            finally:
                self._loading = False
            self.edited()

    def has_data(self) -> bool:
        return self.case.proposal.get(self.requirement) is not None or self.case.unsuitability(self.requirement) is not None

    def load(self) -> None:
        self.block.load(self.case.proposal.get(self.requirement))
        record = self.case.unsuitability(self.requirement)
        self.unsuitable.setChecked(record is not None)
        self.unsuitable_reason.setText(record.reason if record else "")

    def save(self) -> None:
        p = self.case.proposal
        kept = [q for q in p.requirements if q.requirement != self.requirement]
        mine = self.block.build_requirement()
        order = [req.value for req in Requirement]
        p.requirements = sorted(kept + ([mine] if mine else []), key=lambda q: order.index(q.requirement))
        self.case.unsuitable = [u for u in self.case.unsuitable if u.requirement != self.requirement]
        if self.unsuitable.isChecked() and not self.block.propose.isChecked():
            self.case.unsuitable.append(Unsuitability(self.requirement, self.unsuitable_reason.text(),
                                                      self.session.actor.name))
        self.block.save_willingness()

    def _decision(self) -> Decision:
        return next(d for d in self.session.decisions() if d.requirement == self.requirement)

    def refresh(self) -> None:
        decision = self._decision()
        proposed = self.case.proposal.get(self.requirement) is not None
        person_ok = all(c.status == "met" for c in decision.criteria if c.code in PERSON_CRITERIA)
        self.outcome.setText(f"<b>{escape(OUTCOME_WORDS[decision.outcome])}</b>")
        rows = []
        settled_by_proposal = []
        for c in decision.criteria:
            if not proposed and c.code not in PERSON_CRITERIA:
                settled_by_proposal.append(c.code)
                continue
            rows.append((f"{c.code} {c.title}", c.status, c.reason))
        self.table.set_rows(rows)
        about = []
        if settled_by_proposal:
            about.append(f"{', '.join(settled_by_proposal)} are settled by the proposal: tick “Propose the "
                         f"{self.requirement}” below to set them out.")
        about += list(decision.notes)
        self.tests.setText("\n\n".join(about))
        self.tests.setVisible(bool(about))
        offer = person_ok and not proposed
        self.unsuitable_box.setVisible(offer or self.unsuitable.isChecked())
        self.unsuitable_reason.setEnabled(True)
        self.unsuitable_error.show_error("Give the reason." if self.unsuitable.isChecked() and not
                                         self.unsuitable_reason.text().strip() else "")
        problems = self.session.proposal_problems()
        mine: dict[str, str] = {}
        for problem in problems:
            if problem.field.startswith("proposal.requirements["):
                index = int(problem.field.split("[")[1].split("]")[0])
                attr = problem.field.split("].")[1]
                if self.case.proposal.requirements[index].requirement == self.requirement:
                    mine.setdefault(PATH_FIELDS.get(attr, attr), problem.message)
        self.block.show_state(mine, self.read_only)
        self._problems = mine

    def missing(self) -> list[Missing]:
        if self.unsuitable.isChecked() and not self.block.propose.isChecked() and not self.unsuitable_reason.text().strip():
            return [Missing(f"Say why the {self.requirement} is not proposed.", self.unsuitable_reason)]
        return []


class TogetherPage(CasePage):
    """How the proposed requirements run together, and everything that stops the proposal going to court."""

    step = "together"
    title_text = "The proposal as a whole"
    subtitle_text = "How the requirements run together, and anything that stops the proposal going to the court."

    def build(self) -> None:
        self._build_custody()
        together = QGroupBox("Together")
        form = QFormLayout(together)
        self.sequencing = QComboBox()
        for value, label in (("", "Only one requirement / not decided"), ("concurrent", "At the same time"),
                             ("consecutive", "One after the other")):
            self.sequencing.addItem(label, value)
        self.lead = QComboBox()
        for value, label in (("", "Not needed / not decided"), ("DRR", "The DRR provider leads"),
                             ("ATR", "The ATR provider leads")):
            self.lead.addItem(label, value)
        self.notes = QLineEdit()
        self.together_errors = {
            "sequencing": add_field(form, "How they &run", self.sequencing),
            "lead": add_field(form, "&Lead provider (DRR with ATR)", self.lead),
            "notes": add_field(form, "Proposal &notes", self.notes),
        }
        self.sequencing.currentIndexChanged.connect(self.edited)
        self.lead.currentIndexChanged.connect(self.edited)
        self.notes.textEdited.connect(self.edited)
        self.layout_.addWidget(together)
        self.problem_list = WrapLabel()
        self.problem_list.setWordWrap(True)
        self.problem_list.setTextFormat(Qt.TextFormat.RichText)
        self.problem_list.setAccessibleName("Problems with the proposal")
        self.layout_.addWidget(self.problem_list)
        self.layout_.addStretch(1)

    def _build_custody(self) -> None:
        """Custody in view (issue 13): how likely custody is, as the PSR service asks, and any term indicated."""
        box = QGroupBox("Custody in view")
        form = QFormLayout(box)
        self.custody = QComboBox()
        self.custody.addItem("Not recorded", "")
        for key, label in CUSTODY_LIKELIHOODS.items():
            self.custody.addItem(label, key)
        self.custody_term = QSpinBox()
        self.custody_term.setRange(0, 3650)
        self.custody_term.setSpecialValueText("None indicated")
        self.custody_term.setSuffix(" days")
        self.custody_errors = {
            "likelihood": add_field(form, "Likelihood of &custody", self.custody),
            "term": add_field(form, "Term the court &indicated", self.custody_term,
                              "Only when the court indicated a custodial term"),
        }
        self.custody.currentIndexChanged.connect(self.edited)
        self.custody_term.valueChanged.connect(self.edited)
        self.layout_.addWidget(box)

    def has_data(self) -> bool:
        return bool(self.case.proposal.requirements)

    def load(self) -> None:
        p = self.case.proposal
        self.sequencing.setCurrentIndex(max(0, self.sequencing.findData(p.sequencing)))
        self.lead.setCurrentIndex(max(0, self.lead.findData(p.lead_requirement)))
        self.notes.setText(p.notes)
        self.custody.setCurrentIndex(max(0, self.custody.findData(self.case.custody.likelihood)))
        self.custody_term.setValue(self.case.custody.indicated_term_days or 0)

    def save(self) -> None:
        self.case.custody.likelihood = self.custody.currentData() or ""
        self.case.custody.indicated_term_days = self.custody_term.value() or None
        p = self.case.proposal
        p.sequencing = self.sequencing.currentData()
        p.lead_requirement = self.lead.currentData()
        p.notes = self.notes.text()

    def refresh(self) -> None:
        problems = self.session.proposal_problems()
        general = []
        for key, path in (("sequencing", "proposal.sequencing"), ("lead", "proposal.lead_requirement")):
            found = [p.message for p in problems if p.field == path]
            self.together_errors[key].show_error(found[0] if found else "")
        for problem in problems:
            if problem.field not in ("proposal.sequencing", "proposal.lead_requirement"):
                where = ""
                if problem.field.startswith("proposal.requirements["):
                    index = int(problem.field.split("[")[1].split("]")[0])
                    where = self.case.proposal.requirements[index].requirement + ": "
                general.append(where + problem.message)
        if general:
            self.problem_list.setText("<b>Before this can go to court:</b><ul>" +
                                      "".join(f"<li>{escape(m)}</li>" for m in general) + "</ul>")
        elif self.case.proposal.requirements:
            self.problem_list.setText("The proposal can go to the court as it stands.")
        else:
            self.problem_list.setText("No requirement is proposed.")
