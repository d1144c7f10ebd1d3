"""Eligibility: the statutory and programme tests for MHTR, DRR and ATR, each reported with a plain reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cstr_desk.domain.case import MH_EXCLUSIONS, Case, Judgement, ProposedRequirement, Requirement, ScreeningResult
from cstr_desk.domain.consent import current_consent
from cstr_desk.domain.pathway import FULL_AUDIT_FLAG
from cstr_desk.domain.rules import (
    ADULT_AGE,
    DRR_REVIEW_MIN_INTERVAL_MONTHS,
    DRR_REVIEW_REQUIRED_OVER_MONTHS,
    RESIDENTIAL_KINDS,
    TREATMENT_KINDS,
    Programme,
)

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ELIGIBLE, NOT_ELIGIBLE, NEEDS_INFORMATION, ELIGIBLE_UNSUITABLE = (
    "eligible", "not_eligible", "needs_information", "eligible_unsuitable")

CRITERIA_TITLES = {
    "C1": "Aged 18 or over on the date of sentence",
    "C2": "A community order or suspended sentence order is being considered",
    "C3": "Arrangements have been or can be made for the treatment",
    "C4": "The person has expressed willingness to comply",
    "M1": "The mental condition requires and may be susceptible to treatment",
    "M2": "The condition does not warrant a hospital or guardianship order",
    "M3": "Treatment by or under the direction of a registered medical practitioner or registered psychologist",
    "D1": "Dependent on, or has a propensity to misuse, drugs",
    "D2": "The dependency or propensity requires and may be susceptible to treatment",
    "D3": "Recommended to the court as suitable by the probation officer",
    "D4": "Drug testing and treatment arrangements are set out",
    "D5": "Court review provided where the law requires it",
    "A1": "Dependent on alcohol",
    "A2": "The dependency requires and may be susceptible to treatment",
    "A3": "Treatment by or under the direction of a suitably qualified or experienced person",
}
REQUIREMENT_CRITERIA = {
    "MHTR": ("C1", "C2", "M1", "M2", "M3", "C3", "C4"),
    "DRR": ("C1", "C2", "D1", "D2", "D3", "D4", "D5", "C3", "C4"),
    "ATR": ("C1", "C2", "A1", "A2", "A3", "C3", "C4"),
}
# Tests about the person (not about arrangements or consent for a proposal): enough to call a
# requirement eligible-but-unsuitable when the officer decides not to propose it.
PERSON_CRITERIA = {"C1", "C2", "M1", "M2", "D1", "D2", "A1", "A2"}
JUDGEABLE = {"M1", "M2", "D1", "D2", "A1", "A2"}

MH_ROUTE_ADVICE = {
    "secondary_care_severe": "a secondary-care MHTR with the person's mental-health team may fit instead",
    "acute_crisis": "urgent care comes first; consider asking the court to adjourn for a secondary-care assessment",
    "hospital_order_warranted": "a hospital or guardianship order under the Mental Health Act 1983 may be more appropriate",
    "unable_to_engage": "re-assess when the person is able to engage; consider asking for an adjournment",
}


@dataclass(frozen=True)
class Criterion:
    code: str
    title: str
    status: str
    reason: str
    source: str = "record"  # "evidence" (scores), "judgement" (a professional), or "record" (facts entered)


@dataclass(frozen=True)
class Decision:
    requirement: str
    outcome: str
    criteria: tuple[Criterion, ...]
    notes: tuple[str, ...] = ()
    unsuitable_reason: str = ""

    def criterion(self, code: str) -> Criterion:
        return next(c for c in self.criteria if c.code == code)

    def to_json(self) -> dict[str, object]:
        return {
            "requirement": self.requirement,
            "outcome": self.outcome,
            "criteria": [
                {"code": c.code, "title": c.title, "status": c.status, "reason": c.reason, "source": c.source}
                for c in self.criteria
            ],
            "notes": list(self.notes),
            "unsuitable_reason": self.unsuitable_reason,
        }


def _c(code: str, status: str, reason: str, source: str = "record") -> Criterion:
    return Criterion(code, CRITERIA_TITLES[code], status, reason, source)


def _from_judgement(j: Judgement) -> Criterion:
    who = f" ({j.by})" if j.by else ""
    return _c(j.criterion, MET if j.finding == "met" else NOT_MET, f"Professional judgement{who}: {j.reason}", "judgement")


def _score_text(result: ScreeningResult, short: str) -> str:
    return f"{short} {result.total} ({result.band_label or result.band})"


def _complete(case: Case, instrument_id: str) -> ScreeningResult | None:
    result = case.latest_screening(instrument_id)
    return result if result is not None and result.complete else None


# ---------------------------------------------------------------- common tests


def _c1_age(case: Case) -> Criterion:
    dob, hearing = case.person.date_of_birth, case.hearing.hearing_date
    if dob is None or hearing is None:
        return _c("C1", UNKNOWN, "The date of birth or the hearing date has not been entered.")
    age = case.person.age_on(hearing)
    assert age is not None
    if age >= ADULT_AGE:
        return _c("C1", MET, f"The person is {age} on the hearing date.")
    return _c("C1", NOT_MET, f"The person is {age} on the hearing date; these requirements are for adults.")


def _c2_order(case: Case) -> Criterion:
    order = case.sentence.order_type
    if order is None:
        return _c("C2", UNKNOWN, "The order the report expects to propose has not been recorded.")
    if order == "suspended_sentence_order":
        return _c("C2", MET, "A suspended sentence order is being considered.")
    flags = [o.imprisonable for o in case.offences]
    if any(f is True for f in flags):
        return _c("C2", MET, "A community order is being considered and the offence is imprisonable.")
    if flags and all(f is False for f in flags):
        return _c("C2", NOT_MET, "None of the offences is imprisonable, so a community order with this requirement is not available.")
    return _c("C2", UNKNOWN, "A community order is being considered; record whether the offence is imprisonable.")


def _c3_arrangements(case: Case, req: ProposedRequirement | None, programme: Programme, name: str) -> Criterion:
    if req is None:
        return _c("C3", UNKNOWN, f"No {name} has been proposed yet, so no provider is named.")
    provider = programme.provider(req.provider_id)
    if provider is None or name not in provider.requirements:
        return _c("C3", UNKNOWN, "No provider from the site's directory has been chosen for this requirement.")
    if not req.capacity_confirmed:
        what = "a place" if req.treatment_kind in RESIDENTIAL_KINDS else "capacity"
        return _c("C3", UNKNOWN, f"{provider.name} is named, but {what} has not been confirmed.")
    what = "A place" if req.treatment_kind in RESIDENTIAL_KINDS else "Capacity"
    return _c("C3", MET, f"{what} confirmed with {provider.name}.")


def _c4_willingness(case: Case, name: str) -> Criterion:
    record = current_consent(case.consents, "willingness", name)
    if record is None:
        return _c("C4", UNKNOWN, f"Willingness to comply with the {name} has not been asked yet.")
    when = f" on {record.obtained_at:%d %B %Y}" if record.obtained_at else ""
    how = f" ({record.method}, recorded by {record.obtained_by})" if record.obtained_by else f" ({record.method})"
    if record.status == "given":
        return _c("C4", MET, f"The person expressed willingness to comply{when}{how}.")
    if record.status == "withdrawn":
        return _c("C4", NOT_MET, f"The person withdrew willingness to comply{when}{how}; the requirement cannot be made.")
    return _c("C4", NOT_MET, f"The person said they are not willing to comply{when}{how}; the requirement cannot be made.")


# ---------------------------------------------------------------- MHTR


def _m1(case: Case, programme: Programme) -> Criterion:
    phq, gad = _complete(case, "phq9"), _complete(case, "gad7")
    if phq is None and gad is None:
        screen = _complete(case, "mh_screen")
        if screen is not None and not screen.flags:
            return _c("M1", NOT_MET, "The mental-health initial screen found no need to refer to the assistant "
                                     "psychologist.", "evidence")
        return _c("M1", UNKNOWN, "No completed PHQ-9 or GAD-7 and no psychologist's judgement yet.", "evidence")
    ev = programme.evidence
    hits = [r for r, short, cut in ((phq, "PHQ-9", ev.phq9_min), (gad, "GAD-7", ev.gad7_min))
            if r is not None and r.total is not None and r.total >= cut]
    scores = "; ".join(_score_text(r, s) for r, s in ((phq, "PHQ-9"), (gad, "GAD-7")) if r is not None)
    exclusions = case.mental_health.exclusions
    if hits and exclusions:
        return _c("M1", UNKNOWN, f"{scores}, but a primary-care exclusion applies: on another route this needs "
                                 "the psychologist's recorded judgement.", "evidence")
    if hits:
        return _c("M1", MET, f"{scores}: at or above the programme threshold, evidence of a condition that "
                             "requires and may be susceptible to treatment on the primary-care route.", "evidence")
    if phq is not None and gad is not None:
        return _c("M1", NOT_MET, f"{scores}: below the programme thresholds, and no professional judgement "
                                 "that treatment is needed.", "evidence")
    missing = "GAD-7" if gad is None else "PHQ-9"
    return _c("M1", UNKNOWN, f"{scores}: below the threshold; the {missing} has not been completed.", "evidence")


def _m2(case: Case) -> Criterion:
    mh = case.mental_health
    if "hospital_order_warranted" in mh.exclusions or mh.hospital_order_warranted is True:
        return _c("M2", NOT_MET, "The assessment found a condition that may warrant a hospital or guardianship order.")
    if mh.hospital_order_warranted is False:
        who = f" by {mh.assessor}" if mh.assessor else ""
        return _c("M2", MET, f"The assessment{who} found nothing to suggest a hospital or guardianship order is warranted.")
    return _c("M2", UNKNOWN, "The assessment has not yet said whether a hospital or guardianship order may be warranted.")


def _practitioner_test(code: str, name: str, req: ProposedRequirement | None, programme: Programme) -> Criterion:
    if req is None:
        return _c(code, UNKNOWN, f"No {name} has been proposed yet.")
    kind = TREATMENT_KINDS[name].get(req.treatment_kind)
    provider = programme.provider(req.provider_id)
    if kind is None or not req.practitioner.strip() or provider is None:
        return _c(code, UNKNOWN, "The kind of treatment, the provider or the practitioner is not yet named.")
    return _c(code, MET, f"{kind}: {req.practitioner} ({provider.name}).")


def _mh_notes(case: Case) -> list[str]:
    notes = []
    for key in case.mental_health.exclusions:
        if key in MH_EXCLUSIONS:
            notes.append(f"Primary-care MHTR does not fit: the person is {MH_EXCLUSIONS[key]}; {MH_ROUTE_ADVICE[key]}. "
                         "This is a programme exclusion, not a statutory bar.")
    return notes


# ---------------------------------------------------------------- DRR


def _d1(case: Case, programme: Programme) -> Criterion:
    dast = _complete(case, "dast10")
    opiates = case.substance_use.regular_opiate_or_crack_use
    if opiates is True:
        extra = f" {_score_text(dast, 'DAST-10')}." if dast else ""
        return _c("D1", MET, f"Reports regular use of opiates or crack cocaine.{extra}", "evidence")
    cut = programme.evidence.dast10_min
    if dast is not None and dast.total is not None:
        if dast.total >= cut:
            return _c("D1", MET, f"{_score_text(dast, 'DAST-10')}: {cut} or more, evidence of dependency or propensity to misuse drugs.", "evidence")
        return _c("D1", NOT_MET, f"{_score_text(dast, 'DAST-10')}: below {cut}, and no regular opiate or crack use reported.", "evidence")
    return _c("D1", UNKNOWN, "No completed DAST-10 and no judgement on drug use yet.", "evidence")


def _judgement_only(code: str, who: str) -> Criterion:
    return _c(code, UNKNOWN, f"{who} has not yet recorded whether this is met.", "judgement")


def _d3(req: ProposedRequirement | None) -> Criterion:
    if req is None:
        return _c("D3", UNKNOWN, "No DRR has been proposed yet.")
    if req.officer_recommends:
        return _c("D3", MET, "The report writer recommends the DRR to the court as suitable.")
    return _c("D3", UNKNOWN, "The report writer has not recorded a recommendation that the DRR is suitable.")


def _d4(req: ProposedRequirement | None) -> Criterion:
    if req is None:
        return _c("D4", UNKNOWN, "No DRR has been proposed yet.")
    missing = []
    if not req.testing_arrangements.strip():
        missing.append("the testing arrangements")
    if req.treatment_kind not in TREATMENT_KINDS["DRR"]:
        missing.append("resident or non-resident treatment")
    if not req.practitioner.strip():
        missing.append("the treatment director")
    if req.treatment_kind == "non_residential" and not req.treatment_intervals.strip():
        missing.append("the attendance intervals")
    if missing:
        return _c("D4", UNKNOWN, "Still to set out: " + ", ".join(missing) + ".")
    kind = "resident" if req.treatment_kind == "residential" else "non-resident"
    intervals = f", attending {req.treatment_intervals}" if req.treatment_kind == "non_residential" else ""
    return _c("D4", MET, f"Testing: {req.testing_arrangements}. Treatment director: {req.practitioner}; {kind} treatment{intervals}.")


def _d5(req: ProposedRequirement | None) -> Criterion:
    if req is None or req.length_months is None:
        return _c("D5", UNKNOWN, "The length of the DRR has not been proposed yet.")
    if req.court_review:
        if req.review_interval_months is None:
            return _c("D5", UNKNOWN, "Court review is proposed, but the interval is not set.")
        if req.review_interval_months < DRR_REVIEW_MIN_INTERVAL_MONTHS:
            return _c("D5", NOT_MET, "Court reviews must be at least one month apart.")
        return _c("D5", MET, f"Court review every {req.review_interval_months} month(s), with a written progress report including test results.")
    if req.length_months > DRR_REVIEW_REQUIRED_OVER_MONTHS:
        return _c("D5", NOT_MET, f"The DRR is {req.length_months} months, over {DRR_REVIEW_REQUIRED_OVER_MONTHS}, so the order must provide for court review; none is proposed.")
    return _c("D5", MET, f"The DRR is {req.length_months} months ({DRR_REVIEW_REQUIRED_OVER_MONTHS} or less), so court review is optional; none is proposed.")


# ---------------------------------------------------------------- ATR


def _a1(case: Case, programme: Programme) -> tuple[Criterion, list[str]]:
    ev = programme.evidence
    audit, audit_c = _complete(case, "audit"), _complete(case, "audit_c")
    aamr = ("Harmful drinking without dependence points towards an Alcohol Abstinence and Monitoring "
            "Requirement (AAMR) or advice, not an ATR.")
    if audit is not None and audit.total is not None:
        text = _score_text(audit, "AUDIT")
        if audit.total >= ev.audit_dependence_min:
            return _c("A1", MET, f"{text}: {ev.audit_dependence_min} or more, evidence of possible dependence.", "evidence"), []
        if audit.total >= ev.audit_judgement_min:
            return _c("A1", UNKNOWN, f"{text}: higher risk; whether this is dependence needs professional judgement.", "evidence"), []
        return _c("A1", NOT_MET, f"{text}: below {ev.audit_judgement_min}, not indicating dependence.", "evidence"), [aamr]
    if audit_c is not None and audit_c.total is not None:
        text = _score_text(audit_c, "AUDIT-C")
        if FULL_AUDIT_FLAG not in audit_c.flags:
            return _c("A1", NOT_MET, f"{text}: a negative screen, no indication of dependence.", "evidence"), []
        return _c("A1", UNKNOWN, f"{text}: a positive screen; complete the full AUDIT.", "evidence"), []
    return _c("A1", UNKNOWN, "No completed alcohol screen (AUDIT-C or AUDIT) and no judgement yet.", "evidence"), []


# ---------------------------------------------------------------- decisions


def _outcome(criteria: list[Criterion], unsuitable: bool) -> str:
    statuses = {c.status for c in criteria}
    if unsuitable:
        person = [c for c in criteria if c.code in PERSON_CRITERIA]
        if any(c.status == NOT_MET for c in person):
            return NOT_ELIGIBLE
        if all(c.status == MET for c in person):
            return ELIGIBLE_UNSUITABLE
        return NEEDS_INFORMATION
    if NOT_MET in statuses:
        return NOT_ELIGIBLE
    if UNKNOWN in statuses:
        return NEEDS_INFORMATION
    return ELIGIBLE


def decide_requirement(case: Case, requirement: str, programme: Programme) -> Decision:
    req = case.proposal.get(requirement)
    notes: list[str] = []
    tests: dict[str, Callable[[], Criterion]] = {
        "C1": lambda: _c1_age(case),
        "C2": lambda: _c2_order(case),
        "C3": lambda: _c3_arrangements(case, req, programme, requirement),
        "C4": lambda: _c4_willingness(case, requirement),
        "M1": lambda: _m1(case, programme),
        "M2": lambda: _m2(case),
        "M3": lambda: _practitioner_test("M3", "MHTR", req, programme),
        "D1": lambda: _d1(case, programme),
        "D2": lambda: _judgement_only("D2", "The duty officer, with the treatment provider,"),
        "D3": lambda: _d3(req),
        "D4": lambda: _d4(req),
        "D5": lambda: _d5(req),
        "A2": lambda: _judgement_only("A2", "The duty officer, with the treatment provider,"),
        "A3": lambda: _practitioner_test("A3", "ATR", req, programme),
    }
    criteria: list[Criterion] = []
    for code in REQUIREMENT_CRITERIA[requirement]:
        judgement = case.judgement(code) if code in JUDGEABLE else None
        if judgement is not None and judgement.finding in (MET, NOT_MET):
            criteria.append(_from_judgement(judgement))
        elif code == "A1":
            criterion, extra = _a1(case, programme)
            criteria.append(criterion)
            notes.extend(extra)
        else:
            criteria.append(tests[code]())
    if requirement == "MHTR":
        notes.extend(_mh_notes(case))
    unsuitable = case.unsuitability(requirement)
    outcome = _outcome(criteria, unsuitable is not None)
    if unsuitable is not None and outcome == ELIGIBLE_UNSUITABLE:
        notes.append(f"Eligible but not proposed: {unsuitable.reason}")
    return Decision(
        requirement=requirement,
        outcome=outcome,
        criteria=tuple(criteria),
        notes=tuple(notes),
        unsuitable_reason=unsuitable.reason if unsuitable else "",
    )


def decide(case: Case, programme: Programme) -> list[Decision]:
    """One decision per requirement (MHTR, DRR, ATR), in that order; never raises on a well-typed case."""
    return [decide_requirement(case, r.value, programme) for r in Requirement]


def combination_notes(case: Case, decisions: list[Decision]) -> list[str]:
    """How the proposed requirements run together, for the annex."""
    proposed = case.proposal.proposed
    if len(proposed) < 2:
        return []
    outcome = {d.requirement: d.outcome for d in decisions}
    notes: list[str] = []
    how = {"concurrent": "at the same time", "consecutive": "one after the other"}.get(case.proposal.sequencing, "")
    listed = " and ".join(proposed)
    if "MHTR" in proposed and ({"DRR", "ATR"} & set(proposed)):
        notes.append(f"Dual diagnosis: {listed} are proposed together" + (f", running {how}." if how else "."))
    if {"DRR", "ATR"} <= set(proposed):
        lead = case.proposal.lead_requirement
        lead_text = f" The {lead} provider leads." if lead else " Which provider leads is not yet recorded."
        both = outcome.get("DRR") == ELIGIBLE and outcome.get("ATR") == ELIGIBLE
        notes.append(("Both the DRR and the ATR tests are met." if both else
                      "A DRR and an ATR are both proposed; each must meet its own tests.") + lead_text)
    notes.append("Each requirement has been decided on its own tests.")
    return notes


