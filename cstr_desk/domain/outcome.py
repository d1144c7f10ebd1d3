"""The hearing outcome: category, sentence passed, requirements imposed against the proposal, first appointments."""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass, field
from datetime import date, datetime

from cstr_desk.domain.case import Case, Requirement
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.rules import (
    COMMUNITY_ORDER_MAX_MONTHS,
    DRR_REVIEW_MIN_INTERVAL_MONTHS,
    DRR_REVIEW_REQUIRED_OVER_MONTHS,
    TREATMENT_KINDS,
)

OUTCOME_SCHEMA_VERSION = 1

# The categories the MoJ's court-facing service uses (spec section 9).
OUTCOME_CATEGORIES = {
    "probation_sentence": "Probation sentence",
    "custody": "Non-probation sentence: custody",
    "fine": "Non-probation sentence: fine",
    "discharge": "Non-probation sentence: discharge",
    "report_requested": "Report requested",
    "adjourned": "Adjourned",
    "committed_crown": "Committed to the Crown Court",
    "crown_plus_psr": "Crown Court plus PSR",
    "other": "Other",
}
# Categories in which the court passed a sentence whose details are recorded.
SENTENCED = {"probation_sentence", "custody"}
SENTENCE_ORDER_TYPES = {
    "community_order": "Community order",
    "suspended_sentence_order": "Suspended sentence order",
    "custody": "Immediate custody",
    "other": "Other",
}
APPOINTMENT_STATUSES = {"kept": "Kept", "not_kept": "Not kept", "rearranged": "Rearranged"}


@dataclass(frozen=True)
class ImposedRequirement:
    """One treatment requirement the court imposed, as the order states it."""

    requirement: str = ""
    length_months: int | None = None
    treatment_kind: str = ""
    provider_id: str = ""
    place: str = ""
    practitioner: str = ""  # treatment director (DRR, ATR) or the named practitioner (MHTR)
    court_review: bool = False  # DRR
    review_court: str = ""  # DRR: the responsible court
    review_interval_months: int | None = None
    first_review_date: date | None = None


@dataclass(frozen=True)
class SentencePassed:
    order_type: str = ""
    order_length_months: int | None = None  # community order
    custodial_term_days: int | None = None  # SSO (suspended) or immediate custody
    operational_period_months: int | None = None
    supervision_period_months: int | None = None
    requirements: list[ImposedRequirement] = field(default_factory=list)

    def get(self, requirement: str) -> ImposedRequirement | None:
        return next((r for r in self.requirements if r.requirement == requirement), None)

    @property
    def imposed(self) -> list[str]:
        return [r.requirement for r in self.requirements]


@dataclass(frozen=True)
class FirstAppointment:
    """Whether the person started treatment: the first appointment of one imposed requirement."""

    requirement: str = ""
    status: str = ""  # a key of APPOINTMENT_STATUSES, "" while not yet known
    on: date | None = None  # the date it was kept, missed, or rearranged to


@dataclass(frozen=True)
class Outcome:
    """What the court did at a hearing after the report. Each correction is a new version with a reason."""

    category: str = ""
    hearing_date: date | None = None  # the hearing at which this outcome happened
    sentence: SentencePassed | None = None
    new_hearing_date: date | None = None  # adjourned: the next hearing
    appointments: list[FirstAppointment] = field(default_factory=list)
    recorded_by: str = ""
    recorded_at: datetime | None = None
    version: int = 1
    correction_reason: str = ""

    def appointment(self, requirement: str) -> FirstAppointment | None:
        found = [a for a in self.appointments if a.requirement == requirement]
        return found[-1] if found else None

    @property
    def imposed(self) -> list[str]:
        return self.sentence.imposed if self.sentence and self.category in SENTENCED else []


# ---------------------------------------------------------------- building from the proposal


def as_proposed(case: Case) -> SentencePassed:
    """The sentence exactly as the annex proposed it: the officer's "as proposed" in one action."""
    s = case.sentence
    return SentencePassed(
        order_type=s.order_type or "",
        order_length_months=s.order_length_months,
        custodial_term_days=s.custodial_term_days,
        operational_period_months=s.operational_period_months,
        supervision_period_months=s.supervision_period_months,
        requirements=[
            ImposedRequirement(
                requirement=r.requirement,
                length_months=r.length_months,
                treatment_kind=r.treatment_kind,
                provider_id=r.provider_id,
                place=r.place,
                practitioner=r.practitioner,
                court_review=r.court_review,
                review_court=case.hearing.court if r.court_review else "",
                review_interval_months=r.review_interval_months,
            )
            for r in case.proposal.requirements
        ],
    )


def differences(case: Case, sentence: SentencePassed) -> list[str]:
    """Where the sentence passed differs from the proposal, one plain sentence each; empty: as proposed."""
    out: list[str] = []
    s = case.sentence
    if (s.order_type or "") != sentence.order_type:
        was = SENTENCE_ORDER_TYPES.get(s.order_type or "", "no order")
        out.append(f"Order: {SENTENCE_ORDER_TYPES.get(sentence.order_type, sentence.order_type)} (proposed: {was}).")
    for name, label, unit in (
        ("order_length_months", "Order length", "months"),
        ("custodial_term_days", "Custodial term", "days"),
        ("operational_period_months", "Operational period", "months"),
        ("supervision_period_months", "Supervision period", "months"),
    ):
        before, after = getattr(s, name), getattr(sentence, name)
        if before != after and after is not None:
            out.append(f"{label}: {after} {unit} (proposed: {before if before is not None else 'none'}).")
    proposed = case.proposal.proposed
    for req in proposed:
        if req not in sentence.imposed:
            out.append(f"{req} proposed but not imposed.")
    for imposed in sentence.requirements:
        p = case.proposal.get(imposed.requirement)
        if p is None:
            out.append(f"{imposed.requirement} imposed but not proposed.")
            continue
        for name, label in (("length_months", "length (months)"), ("treatment_kind", "treatment kind"),
                            ("provider_id", "provider"), ("place", "place"), ("practitioner", "practitioner"),
                            ("court_review", "court review")):
            if getattr(p, name) != getattr(imposed, name):
                out.append(f"{imposed.requirement} {label}: {getattr(imposed, name)} "
                           f"(proposed: {getattr(p, name)}).")
    return out


# ---------------------------------------------------------------- checks


def outcome_problems(outcome: Outcome, case: Case) -> list[ValidationError]:
    """Every problem with an outcome, each naming its field; empty: it can be recorded."""
    problems: list[ValidationError] = []

    def check(path: str, ok: bool, message: str) -> None:
        if not ok:
            problems.append(ValidationError(path, message))

    check("category", outcome.category in OUTCOME_CATEGORIES,
          "Choose the hearing outcome: " + ", ".join(OUTCOME_CATEGORIES.values()) + ".")
    check("hearing_date", outcome.hearing_date is not None, "Enter the date of the hearing.")
    if outcome.hearing_date and case.hearing.hearing_date:
        check("hearing_date", outcome.hearing_date >= case.hearing.hearing_date,
              "The outcome's hearing is before the hearing the report was written for.")
    if outcome.category == "adjourned":
        check("new_hearing_date", outcome.new_hearing_date is not None, "An adjourned case needs the new hearing date.")
        if outcome.new_hearing_date and outcome.hearing_date:
            check("new_hearing_date", outcome.new_hearing_date > outcome.hearing_date,
                  "The new hearing date must be after this hearing.")
    if outcome.category in SENTENCED:
        if outcome.sentence is None:
            problems.append(ValidationError("sentence", "Record the sentence passed."))
        else:
            problems.extend(_sentence_problems(outcome.category, outcome.sentence))
    elif outcome.sentence is not None and outcome.sentence.requirements:
        problems.append(ValidationError("sentence", "Requirements are imposed only with a probation sentence."))
    imposed = outcome.imposed
    for n, a in enumerate(outcome.appointments):
        where = f"appointments[{n}]"
        check(f"{where}.requirement", a.requirement in imposed, "A first appointment belongs to an imposed requirement.")
        check(f"{where}.status", a.status in APPOINTMENT_STATUSES or a.status == "",
              "Choose kept, not kept or rearranged.")
        check(f"{where}.on", a.status == "" or a.on is not None, "Enter the date of the appointment.")
        if a.on and outcome.hearing_date:
            check(f"{where}.on", a.on >= outcome.hearing_date, "The first appointment is before the sentence.")
    return problems


def _sentence_problems(category: str, s: SentencePassed) -> list[ValidationError]:
    problems: list[ValidationError] = []

    def check(path: str, ok: bool, message: str) -> None:
        if not ok:
            problems.append(ValidationError(path, message))

    if category == "custody":
        check("sentence.order_type", s.order_type == "custody", "A custody outcome has the order type 'custody'.")
        check("sentence.requirements", not s.requirements, "Immediate custody carries no treatment requirement.")
    else:
        check("sentence.order_type", s.order_type in ("community_order", "suspended_sentence_order", "other"),
              "Choose community order, suspended sentence order or other.")
    if s.order_type == "community_order":
        check("sentence.order_length_months",
              s.order_length_months is not None and 0 < s.order_length_months <= COMMUNITY_ORDER_MAX_MONTHS,
              f"A community order lasts up to {COMMUNITY_ORDER_MAX_MONTHS} months (Sentencing Act 2020 s.209(2)).")
    if s.order_type in ("suspended_sentence_order", "custody"):
        check("sentence.custodial_term_days", s.custodial_term_days is not None and s.custodial_term_days > 0,
              "Enter the custodial term in days.")
    seen: set[str] = set()
    for n, r in enumerate(s.requirements):
        where = f"sentence.requirements[{n}]"
        check(f"{where}.requirement", r.requirement in set(Requirement), "Choose MHTR, DRR or ATR.")
        check(f"{where}.requirement", r.requirement not in seen, "This requirement is listed twice.")
        seen.add(r.requirement)
        check(f"{where}.length_months", r.length_months is not None and r.length_months > 0,
              "Enter the requirement's length in months.")
        if r.treatment_kind:
            check(f"{where}.treatment_kind", r.treatment_kind in TREATMENT_KINDS.get(r.requirement, {}),
                  "This treatment kind does not fit the requirement.")
        if r.requirement == "DRR":
            long = r.length_months is not None and r.length_months > DRR_REVIEW_REQUIRED_OVER_MONTHS
            check(f"{where}.court_review", r.court_review or not long,
                  "A DRR over 12 months must provide for court review (Sentencing Act 2020 Sch. 9 para 21).")
            if r.court_review:
                check(f"{where}.review_court", bool(r.review_court.strip()), "Name the responsible court.")
                check(f"{where}.review_interval_months",
                      r.review_interval_months is not None and r.review_interval_months >= DRR_REVIEW_MIN_INTERVAL_MONTHS,
                      "Reviews are at intervals of at least one month (Sch. 9 para 21).")
    return problems


def correct(previous: Outcome, corrected: Outcome, reason: str, by: str, at: datetime) -> Outcome:
    """A correction: the next version, with its reason; the previous version is kept as it was."""
    if not reason.strip():
        raise ValidationError("correction_reason", "A correction needs a reason.")
    return dataclasses.replace(corrected, version=previous.version + 1, correction_reason=reason.strip(),
                               recorded_by=by, recorded_at=at)


# ---------------------------------------------------------------- the outcome file (docs/case-file.md)


def outcome_to_json(outcome: Outcome) -> str:
    from cstr_desk.domain.casefile import _to_plain

    return json.dumps({"schema_version": OUTCOME_SCHEMA_VERSION, "outcome": _to_plain(outcome)},
                      ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def outcome_from_json(text: str) -> Outcome:
    """Read an outcome file, or raise CaseFileError listing every problem with its path."""
    from cstr_desk.domain.casefile import CaseFileError, Problem, _Reader

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseFileError([Problem("$", f"not valid JSON: {exc.msg} at line {exc.lineno}")]) from None
    reader = _Reader()
    if not isinstance(data, dict) or "outcome" not in data:
        raise CaseFileError([Problem("$", 'an outcome file is a JSON object with "schema_version" and "outcome"')])
    for key in data:
        if key not in ("schema_version", "outcome"):
            reader.fail(f"$.{key}", "unknown field")
    if data.get("schema_version") != OUTCOME_SCHEMA_VERSION:
        reader.fail("$.schema_version", f"must be {OUTCOME_SCHEMA_VERSION}")
    outcome = reader.read_dataclass(Outcome, data["outcome"], "$.outcome")
    if reader.problems:
        raise CaseFileError(reader.problems)
    return typing.cast(Outcome, outcome)
