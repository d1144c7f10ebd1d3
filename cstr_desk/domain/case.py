"""The case: person, hearing, offences, identifiers, sentence, needs, results, and their validation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from cstr_desk.domain.consent import ConsentRecord
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.identifiers import normalise_crn, normalise_pnc
from cstr_desk.domain.instruments import Instrument, Score, score_instrument
from cstr_desk.domain.rules import ADULT_AGE


class Requirement(StrEnum):
    MHTR = "MHTR"
    DRR = "DRR"
    ATR = "ATR"


REQUIREMENT_NAMES = {
    Requirement.MHTR: "Mental Health Treatment Requirement",
    Requirement.DRR: "Drug Rehabilitation Requirement",
    Requirement.ATR: "Alcohol Treatment Requirement",
}

GENDERS = ("female", "male", "non_binary", "not_stated")
COURT_TYPES = ("magistrates", "crown")
STAGES = ("guilty_plea", "found_guilty")
ORDER_TYPES = ("community_order", "suspended_sentence_order")
MH_EXCLUSIONS = {
    "secondary_care_severe": "currently under secondary mental-health services for a severe and enduring illness",
    "acute_crisis": "in an acute crisis needing urgent care",
    "hospital_order_warranted": "has a condition that may warrant a hospital or guardianship order",
    "unable_to_engage": "unable to engage today (for example lacks capacity on the day)",
}
WRAP_AROUND_NEEDS = {
    "housing": "Housing",
    "finance": "Finance and debt",
    "relationships": "Relationships",
    "family": "Family and children",
    "employment": "Employment, training and education",
    "physical_health": "Physical health",
}
MAX_AGE = 120
HEARING_WINDOW_DAYS = 365
MAX_NAME = 200


@dataclass
class Person:
    given_names: str = ""
    family_name: str = ""
    date_of_birth: date | None = None
    gender: str = "not_stated"
    interpreter_language: str = ""
    contact_needs: str = ""
    interview_language: str = ""  # the language the interview was held in, as recorded (e.g. "English", "Welsh")
    interpreter_used: bool | None = None  # None: not recorded

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names.strip(), self.family_name.strip()) if p)

    def age_on(self, day: date) -> int | None:
        if self.date_of_birth is None:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


@dataclass
class Hearing:
    court: str = ""
    court_type: str = "magistrates"
    hearing_date: date | None = None  # the date of sentence
    case_reference: str = ""
    stage: str = "guilty_plea"
    # The date of conviction (plea or finding). None means the same as the hearing date: a plea entered and
    # sentenced the same day, and every case file of schema version 1, which had no such field.
    conviction_date: date | None = None

    @property
    def convicted_on(self) -> date | None:
        """The date the law keys age and sentencing powers to (Sentencing Act 2020 s.202(1)(a); SSO limits)."""
        return self.conviction_date or self.hearing_date


@dataclass
class Offence:
    description: str = ""
    offence_date: date | None = None
    imprisonable: bool | None = None


@dataclass
class Identifiers:
    crn: str = ""
    pnc_id: str = ""


@dataclass
class SentenceConsidered:
    """What the PSR writer expects the court to consider: the order and its lengths."""

    order_type: str | None = None
    order_length_months: int | None = None  # community order
    custodial_term_days: int | None = None  # suspended sentence order
    operational_period_months: int | None = None
    supervision_period_months: int | None = None


# Custody in view at PSR time (spec section 9; the MoJ's PSR service asks the same question).
CUSTODY_LIKELIHOODS = {
    "custody_possible": "Custody possible",
    "not_at_threshold": "Not at the custody threshold",
    "custody_indicated": "The court indicated custody",
}


@dataclass
class CustodyInView:
    """How likely custody was when the report was written, and any term the court indicated."""

    likelihood: str = ""  # "" = not recorded; otherwise a key of CUSTODY_LIKELIHOODS
    indicated_term_days: int | None = None


@dataclass
class WrapAroundNeeds:
    needs: list[str] = field(default_factory=list)
    notes: str = ""
    link_worker_referral: bool = False
    link_worker_service: str = ""


@dataclass(frozen=True)
class ScreeningResult:
    """One instrument as completed on the day, with the score it was given under that version."""

    instrument_id: str
    instrument_version: str
    answers: dict[str, str]
    total: int | None
    band: str | None
    band_label: str | None
    flags: list[str]
    complete: bool
    administered_by: str = ""
    administered_at: datetime | None = None


@dataclass(frozen=True)
class Judgement:
    """A professional's finding on one criterion (e.g. 'A1'); it wins over score evidence, with a reason."""

    criterion: str
    finding: str  # "met" or "not_met"
    reason: str
    by: str = ""
    role: str = ""
    # D1 met must name the controlled drug(s) (Misuse of Drugs Act 1971 s.2): DAST-10 also counts medicines.
    controlled_drugs: str = ""


@dataclass(frozen=True)
class SafeguardingAction:
    flag: str  # e.g. "phq9:safeguarding_item9"
    action: str
    by: str = ""
    at: datetime | None = None


@dataclass
class MentalHealthAssessment:
    """The assistant psychologist's assessment (scores live in Case.screening)."""

    assessor: str = ""
    supervisor_name: str = ""
    supervisor_consulted_at: datetime | None = None
    exclusions: list[str] = field(default_factory=list)
    hospital_order_warranted: bool | None = None
    formulation: str = ""
    risk_notes: str = ""


@dataclass
class SubstanceUse:
    """What the duty officer learned about drug use, beyond DAST-10."""

    regular_opiate_or_crack_use: bool | None = None
    drugs_used: str = ""
    treatment_provider_consulted: str = ""
    notes: str = ""


@dataclass(frozen=True)
class Unsuitability:
    """An eligible requirement the officer decided not to propose, with the reason the PSR must give."""

    requirement: str
    reason: str
    by: str = ""


# ---------------------------------------------------------------- the proposal (its checks: proposal.py)

SEQUENCING = ("concurrent", "consecutive")


@dataclass
class ProposedRequirement:
    requirement: str = ""
    length_months: int | None = None
    treatment_kind: str = ""
    provider_id: str = ""
    place: str = ""
    practitioner: str = ""  # treatment director (DRR) or supervising practitioner
    capacity_confirmed: bool = False
    first_appointment_at: datetime | None = None
    first_appointment_place: str = ""
    officer_recommends: bool = False  # DRR: recommended to the court as suitable by the PSR writer
    testing_arrangements: str = ""  # DRR: samples, who directs, how often
    treatment_intervals: str = ""  # DRR non-resident: intervals of attendance
    court_review: bool = False  # DRR: periodic review by the court
    review_interval_months: int | None = None


@dataclass
class Proposal:
    requirements: list[ProposedRequirement] = field(default_factory=list)
    sequencing: str = ""
    lead_requirement: str = ""  # which provider leads when DRR and ATR are both proposed
    notes: str = ""

    def get(self, requirement: str) -> ProposedRequirement | None:
        return next((r for r in self.requirements if r.requirement == requirement), None)

    @property
    def proposed(self) -> list[str]:
        return [r.requirement for r in self.requirements]


@dataclass
class Author:
    name: str = ""
    role: str = "duty_officer"


@dataclass
class Case:
    case_id: str = ""
    created_at: datetime | None = None
    author: Author = field(default_factory=Author)
    person: Person = field(default_factory=Person)
    hearing: Hearing = field(default_factory=Hearing)
    identifiers: Identifiers = field(default_factory=Identifiers)
    offences: list[Offence] = field(default_factory=list)
    sentence: SentenceConsidered = field(default_factory=SentenceConsidered)
    custody: CustodyInView = field(default_factory=CustodyInView)
    consents: list[ConsentRecord] = field(default_factory=list)
    screening: list[ScreeningResult] = field(default_factory=list)
    substance_use: SubstanceUse = field(default_factory=SubstanceUse)
    mental_health: MentalHealthAssessment = field(default_factory=MentalHealthAssessment)
    judgements: list[Judgement] = field(default_factory=list)
    safeguarding: list[SafeguardingAction] = field(default_factory=list)
    needs: WrapAroundNeeds = field(default_factory=WrapAroundNeeds)
    unsuitable: list[Unsuitability] = field(default_factory=list)
    proposal: Proposal = field(default_factory=Proposal)
    risk_notes: str = ""
    wizard_step: str = ""

    def latest_screening(self, instrument_id: str) -> ScreeningResult | None:
        found = [s for s in self.screening if s.instrument_id == instrument_id]
        return found[-1] if found else None

    def judgement(self, criterion: str) -> Judgement | None:
        found = [j for j in self.judgements if j.criterion == criterion]
        return found[-1] if found else None

    def unsuitability(self, requirement: str) -> Unsuitability | None:
        found = [u for u in self.unsuitable if u.requirement == requirement]
        return found[-1] if found else None

    def open_safeguarding_flags(self) -> list[str]:
        """Safeguarding flags raised by screening that have no recorded action yet."""
        handled = {a.flag for a in self.safeguarding if a.action.strip()}
        raised = [f"{s.instrument_id}:{flag}" for s in self.screening for flag in s.flags if "safeguarding" in flag]
        return [f for f in dict.fromkeys(raised) if f not in handled]


def record_screening(
    instrument: Instrument, answers: dict[str, str | None], by: str = "", at: datetime | None = None
) -> ScreeningResult:
    """Score answers and keep the result with the instrument id and version it was scored with."""
    score: Score = score_instrument(instrument, answers)
    return ScreeningResult(
        instrument_id=score.instrument_id,
        instrument_version=score.instrument_version,
        answers=dict(score.answers),
        total=score.total,
        band=score.band_key,
        band_label=score.band_label,
        flags=[f.id for f in score.flags],
        complete=score.complete,
        administered_by=by,
        administered_at=at,
    )


# ---------------------------------------------------------------- validation


def validate_case(case: Case, today: date) -> list[ValidationError]:
    """Every field problem in the case, each naming its field, in plain words. Empty list: all fine."""
    problems: list[ValidationError] = []

    def check(field_name: str, ok: bool, message: str) -> None:
        if not ok:
            problems.append(ValidationError(field_name, message))

    p = case.person
    check("person.family_name", bool(p.family_name.strip()), "Enter the person's family name.")
    check("person.given_names", bool(p.given_names.strip()), "Enter the person's given name or names.")
    for name_field in ("given_names", "family_name"):
        value = getattr(p, name_field)
        check(f"person.{name_field}", len(value) <= MAX_NAME, f"This name is longer than {MAX_NAME} characters.")
        check(
            f"person.{name_field}",
            not any(ord(ch) < 32 for ch in value),
            "A name cannot contain line breaks or control characters.",
        )
    check("person.gender", p.gender in GENDERS, f"Choose one of: {', '.join(GENDERS)}.")

    conviction_day = case.hearing.convicted_on or today
    if p.date_of_birth is None:
        problems.append(ValidationError("person.date_of_birth", "Enter the date of birth."))
    elif p.date_of_birth > today:
        problems.append(ValidationError("person.date_of_birth", "The date of birth is in the future."))
    else:
        age = p.age_on(conviction_day)
        assert age is not None
        check("person.date_of_birth", age >= ADULT_AGE,
              f"This date of birth makes the person {age} when convicted; treatment requirements here are for "
              f"adults ({ADULT_AGE} or over when convicted).")
        check("person.date_of_birth", age <= MAX_AGE,
              f"This date of birth makes the person {age}; please check the year.")

    h = case.hearing
    check("hearing.court", bool(h.court.strip()), "Enter the court.")
    check("hearing.court_type", h.court_type in COURT_TYPES, "Choose magistrates' court or Crown Court.")
    check("hearing.stage", h.stage in STAGES, "Choose guilty plea or found guilty.")
    if h.hearing_date is None:
        problems.append(ValidationError("hearing.hearing_date", "Enter the hearing date."))
    else:
        days = (h.hearing_date - today).days
        check("hearing.hearing_date", days <= HEARING_WINDOW_DAYS, "The hearing date is more than a year in the future; please check it.")
        check("hearing.hearing_date", -days <= HEARING_WINDOW_DAYS, "The hearing date is more than a year ago; please check it.")
    if h.conviction_date is not None:
        check("hearing.conviction_date", h.conviction_date <= today, "The date of conviction is in the future.")
        if h.hearing_date is not None:
            check("hearing.conviction_date", h.conviction_date <= h.hearing_date,
                  "The date of conviction is after the hearing date; sentence follows conviction.")

    ids = case.identifiers
    if ids.crn.strip():
        try:
            normalise_crn(ids.crn)
        except ValidationError as exc:
            problems.append(exc)
    if ids.pnc_id.strip():
        try:
            normalise_pnc(ids.pnc_id, this_year=today.year)
        except ValidationError as exc:
            problems.append(exc)

    for n, offence in enumerate(case.offences):
        check(f"offences[{n}].description", bool(offence.description.strip()), "Describe the offence.")
        if offence.offence_date and h.convicted_on:
            check(f"offences[{n}].offence_date", offence.offence_date <= h.convicted_on,
                  "The offence date is after the date of conviction.")

    s = case.sentence
    if s.order_type is not None:
        check("sentence.order_type", s.order_type in ORDER_TYPES, "Choose community order or suspended sentence order.")
    if case.custody.likelihood:
        check("custody.likelihood", case.custody.likelihood in CUSTODY_LIKELIHOODS,
              f"Choose one of: {', '.join(CUSTODY_LIKELIHOODS.values())}.")
    if case.custody.indicated_term_days is not None:
        check("custody.indicated_term_days", case.custody.indicated_term_days > 0,
              "An indicated custodial term is a number of days above 0.")
    for n, need in enumerate(case.needs.needs):
        check(f"needs.needs[{n}]", need in WRAP_AROUND_NEEDS, f"Unknown need '{need}'.")
    for n, excl in enumerate(case.mental_health.exclusions):
        check(f"mental_health.exclusions[{n}]", excl in MH_EXCLUSIONS, f"Unknown exclusion '{excl}'.")
    for n, j in enumerate(case.judgements):
        check(f"judgements[{n}].finding", j.finding in ("met", "not_met"), "A judgement is 'met' or 'not_met'.")
        check(f"judgements[{n}].reason", bool(j.reason.strip()), "A professional judgement needs a reason.")
    for n, u in enumerate(case.unsuitable):
        check(f"unsuitable[{n}].requirement", u.requirement in set(Requirement), "Unknown requirement.")
        check(f"unsuitable[{n}].reason", bool(u.reason.strip()),
              "Say why this eligible requirement is not proposed: the PSR must give the reason.")
    return problems
