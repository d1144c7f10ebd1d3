"""Eligibility: the statutory and programme tests for MHTR, DRR and ATR, each reported with a plain reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from cstr_desk.domain.case import MH_EXCLUSIONS, Case, Judgement, ProposedRequirement, Requirement, ScreeningResult
from cstr_desk.domain.consent import current_consent
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.pathway import FULL_AUDIT_FLAG, screen_referred
from cstr_desk.domain.rules import (
    ADULT_AGE,
    DRR_REVIEW_MIN_INTERVAL_MONTHS,
    DRR_REVIEW_REQUIRED_OVER_MONTHS,
    PLACE_REQUIRED_KINDS,
    RESIDENTIAL_KINDS,
    TREATMENT_KINDS,
    Programme,
    names_a_particular_person,
)

MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
ELIGIBLE, NOT_ELIGIBLE, NEEDS_INFORMATION, ELIGIBLE_UNSUITABLE = (
    "eligible", "not_eligible", "needs_information", "eligible_unsuitable")

CRITERIA_TITLES = {
    "C1": "Aged 18 or over when convicted",
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
    "A3": "Treatment by or under the direction of a treatment director with the necessary qualifications or experience",
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
    # What the evidence suggests a professional find ("met" or "not_met"; "" for none). Never the finding
    # itself: accept_suggestion() turns it into a Judgement, in one action, by a named person.
    suggested: str = ""
    suggested_reason: str = ""


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
                {"code": c.code, "title": c.title, "status": c.status, "reason": c.reason, "source": c.source,
                 "suggested": c.suggested or None, "suggested_reason": c.suggested_reason}
                for c in self.criteria
            ],
            "notes": list(self.notes),
            "unsuitable_reason": self.unsuitable_reason,
        }


def _c(code: str, status: str, reason: str, source: str = "record", suggested: str = "",
       suggested_reason: str = "") -> Criterion:
    return Criterion(code, CRITERIA_TITLES[code], status, reason, source, suggested, suggested_reason)


def _from_judgement(j: Judgement, case: Case) -> Criterion:
    who = f" ({j.by})" if j.by else ""
    if j.criterion == "D1" and j.finding == MET:
        # The record must name the drug(s): in the judgement, or in the drug use the officer recorded.
        named = j.controlled_drugs.strip()
        recorded = case.substance_use.drugs_used.strip()
        if not named and not recorded:
            return _c("D1", UNKNOWN, f"A professional judgement{who} records dependency or propensity to misuse "
                                     "drugs without naming a controlled drug (Misuse of Drugs Act 1971 s.2); DAST-10 "
                                     "also counts medicines, so the finding is not complete.", "judgement")
        drugs = f"Controlled drug(s): {named}." if named else f"Drugs recorded: {recorded}."
        return _c("D1", MET, f"Professional judgement{who}: {j.reason} {drugs}", "judgement")
    return _c(j.criterion, MET if j.finding == "met" else NOT_MET, f"Professional judgement{who}: {j.reason}", "judgement")


def accept_suggestion(criterion: Criterion, by: str, role: str, controlled_drugs: str = "") -> Judgement:
    """The professional accepts what the evidence suggests: one action, recorded as their judgement with its reason.

    For D1 the judgement must name the controlled drug(s): a DAST-10 score cannot show misuse of a controlled drug.
    """
    if criterion.suggested not in (MET, NOT_MET):
        raise ValidationError("judgements", f"{criterion.code} has no suggested finding to accept; record a judgement "
                                            "with its reason instead.")
    if not by.strip():
        raise ValidationError("judgements.by", "Say who makes this finding.")
    if criterion.code == "D1" and criterion.suggested == MET and not controlled_drugs.strip():
        raise ValidationError("judgements.controlled_drugs",
                              "Name the controlled drug or drugs (Misuse of Drugs Act 1971): a DAST-10 score also "
                              "counts prescribed and over-the-counter medicines, so it cannot show this on its own.")
    return Judgement(criterion.code, criterion.suggested, criterion.suggested_reason, by.strip(), role,
                     controlled_drugs.strip())


def _score_text(result: ScreeningResult, short: str) -> str:
    return f"{short} {result.total} ({result.band_label or result.band})"


def _complete(case: Case, instrument_id: str) -> ScreeningResult | None:
    result = case.latest_screening(instrument_id)
    return result if result is not None and result.complete else None


# ---------------------------------------------------------------- common tests


def _c1_age(case: Case) -> Criterion:
    """Sentencing Act 2020 s.202(1)(a): aged 18 or over when convicted (not on the day of sentence)."""
    dob, convicted = case.person.date_of_birth, case.hearing.convicted_on
    if dob is None or convicted is None:
        return _c("C1", UNKNOWN, "The date of birth or the date of conviction has not been entered.")
    age = case.person.age_on(convicted)
    assert age is not None
    when = f"when convicted ({convicted:%d %B %Y})"
    if case.hearing.conviction_date is None:
        when += ", taken as the hearing date"
    if age >= ADULT_AGE:
        return _c("C1", MET, f"The person was {age} {when}.")
    return _c("C1", NOT_MET, f"The person was {age} {when}; these requirements are for adults aged "
                             f"{ADULT_AGE} or over when convicted.")


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
    """Evidence for M1, never the finding: only the psychologist's judgement makes M1 met or not met."""
    phq, gad = _complete(case, "phq9"), _complete(case, "gad7")
    if phq is None and gad is None:
        screen = _complete(case, "mh_screen")
        if screen is not None and not screen_referred(screen):
            return _c("M1", UNKNOWN, "The mental-health initial screen made no referral to the assistant psychologist. "
                                     "The screen is a local checklist, not a validated instrument, and does not rule "
                                     "out a condition: no finding on M1 has been made.", "evidence")
        if screen is not None:
            return _c("M1", UNKNOWN, "The initial screen referred the person to the assistant psychologist; no "
                                     "completed PHQ-9 or GAD-7 and no psychologist's judgement yet.", "evidence")
        return _c("M1", UNKNOWN, "No completed mental-health screen or assessment and no psychologist's judgement yet.",
                  "evidence")
    ev = programme.evidence
    hits = [r for r, cut in ((phq, ev.phq9_min), (gad, ev.gad7_min))
            if r is not None and r.total is not None and r.total >= cut]
    scores = "; ".join(_score_text(r, s) for r, s in ((phq, "PHQ-9"), (gad, "GAD-7")) if r is not None)
    cuts = f"PHQ-9 {ev.phq9_min} or GAD-7 {ev.gad7_min}"
    if hits and case.mental_health.exclusions:
        return _c("M1", UNKNOWN, f"{scores}, but a primary-care exclusion applies: on another route this needs "
                                 "the psychologist's recorded judgement.", "evidence")
    if hits:
        return _c("M1", UNKNOWN, f"{scores}: at or above the programme threshold ({cuts}), evidence on the "
                                 "primary-care route; whether the condition requires and may be susceptible to "
                                 "treatment is the psychologist's finding, made with the supervising psychologist.",
                  "evidence", MET,
                  f"{scores}: a condition that requires and may be susceptible to treatment on the primary-care route.")
    missing = [name for r, name in ((phq, "PHQ-9"), (gad, "GAD-7")) if r is None]
    incomplete = f" The {missing[0]} has not been completed." if missing else ""
    return _c("M1", UNKNOWN, f"{scores}: below the programme threshold ({cuts}). These scores do not rule a condition "
                             "out (post-traumatic stress and emotional instability are not measured by them), so M1 "
                             f"stays open until the psychologist's judgement.{incomplete}", "evidence")


def _m2(case: Case) -> Criterion:
    mh = case.mental_health
    if "hospital_order_warranted" in mh.exclusions or mh.hospital_order_warranted is True:
        return _c("M2", NOT_MET, "The assessment found a condition that may warrant a hospital or guardianship order.")
    if mh.hospital_order_warranted is False:
        who = f" by {mh.assessor}" if mh.assessor else ""
        return _c("M2", MET, f"The assessment{who} found nothing to suggest a hospital or guardianship order is warranted.")
    return _c("M2", UNKNOWN, "The assessment has not yet said whether a hospital or guardianship order may be warranted.")


def _practitioner_test(code: str, name: str, req: ProposedRequirement | None, programme: Programme) -> Criterion:
    """M3 / A3: the kind of treatment, and who directs it or where it is (Schedule 9, paragraphs 16(3), 23(2))."""
    if req is None:
        return _c(code, UNKNOWN, f"No {name} has been proposed yet.")
    kind = TREATMENT_KINDS[name].get(req.treatment_kind)
    provider = programme.provider(req.provider_id)
    who = "the treatment director" if name == "ATR" else "the practitioner"
    if kind is None or not req.practitioner.strip() or provider is None:
        return _c(code, UNKNOWN, f"The kind of treatment, the provider or {who} is not yet named.")
    if name == "MHTR" and req.treatment_kind == "practitioner" and not names_a_particular_person(req.practitioner):
        return _c(code, UNKNOWN, f"'{req.practitioner}' is a job title: a practitioner-based MHTR names the particular "
                                 "registered medical practitioner or registered psychologist (Schedule 9, "
                                 "paragraph 16(3)).")
    if req.treatment_kind in PLACE_REQUIRED_KINDS and not req.place.strip():
        return _c(code, UNKNOWN, f"{kind}: the place where it is given is not yet named.")
    label = "treatment director: " if name == "ATR" else ""
    place = f" at {req.place.strip()}" if req.place.strip() and req.treatment_kind in PLACE_REQUIRED_KINDS else ""
    return _c(code, MET, f"{kind}{place}: {label}{req.practitioner} ({provider.name}).")


def _mh_notes(case: Case) -> list[str]:
    notes = []
    for key in case.mental_health.exclusions:
        if key in MH_EXCLUSIONS:
            notes.append(f"Primary-care MHTR does not fit: the person is {MH_EXCLUSIONS[key]}; {MH_ROUTE_ADVICE[key]}. "
                         "This is a programme exclusion, not a statutory bar.")
    return notes


# ---------------------------------------------------------------- DRR


def _d1(case: Case, programme: Programme) -> Criterion:
    """Evidence for D1, never the finding. D1 is about controlled drugs (Misuse of Drugs Act 1971 s.2); DAST-10
    also counts medicines, so a met finding is a judgement that names the drug(s)."""
    dast = _complete(case, "dast10")
    su = case.substance_use
    opiates = su.regular_opiate_or_crack_use is True
    drugs = su.drugs_used.strip()
    cut = programme.evidence.dast10_min
    evidence = []
    if dast is not None:
        evidence.append(_score_text(dast, "DAST-10"))
    if opiates:
        evidence.append("reports regular use of opiates or crack cocaine")
    if drugs:
        evidence.append(f"drugs reported: {drugs}")
    text = "; ".join(evidence)
    if opiates or (dast is not None and dast.total is not None and dast.total >= cut):
        return _c("D1", UNKNOWN, f"{text}: indicates dependency on, or a propensity to misuse, drugs (DAST-10 {cut} or "
                                 "more, or regular opiate or crack use). This is a finding for the duty officer with "
                                 "the treatment provider, naming the controlled drug(s): DAST-10 also counts "
                                 "prescribed and over-the-counter medicines.", "evidence", MET,
                  f"{text[0].upper()}{text[1:]}: dependent on, or has a propensity to misuse, controlled drugs.")
    if dast is not None and dast.total == 0 and not drugs and not opiates:
        return _c("D1", NOT_MET, f"{text}, and no drug use reported.", "evidence")
    if dast is not None:
        return _c("D1", UNKNOWN, f"{text}: below {cut}; whether there is a dependency or propensity to misuse "
                                 "controlled drugs needs a professional judgement.", "evidence")
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
    if not req.place.strip():
        missing.append("the institution or place of treatment")
    if not req.practitioner.strip():
        missing.append("the treatment director")
    if req.treatment_kind == "non_residential" and not req.treatment_intervals.strip():
        missing.append("the attendance intervals")
    if missing:
        return _c("D4", UNKNOWN, "Still to set out: " + ", ".join(missing) + ".")
    kind = "resident" if req.treatment_kind == "residential" else "non-resident"
    intervals = f", attending {req.treatment_intervals}" if req.treatment_kind == "non_residential" else ""
    return _c("D4", MET, f"Testing: {req.testing_arrangements}. Treatment director: {req.practitioner}; {kind} "
                         f"treatment at {req.place.strip()}{intervals}.")


def _d5(req: ProposedRequirement | None) -> Criterion:
    if req is None or req.length_months is None:
        return _c("D5", UNKNOWN, "The length of the DRR has not been proposed yet.")
    if req.court_review:
        if req.review_interval_months is None:
            return _c("D5", UNKNOWN, "Court review is proposed, but the interval is not set.")
        if req.review_interval_months < DRR_REVIEW_MIN_INTERVAL_MONTHS:
            return _c("D5", NOT_MET, "Court reviews must be at least one month apart.")
        return _c("D5", MET, f"Court review every {req.review_interval_months} month(s), on a written progress report "
                             "including the test results and the treatment provider's views; a review may be held "
                             "without a hearing if progress is satisfactory (Sentencing Code, Schedule 9, "
                             "paragraphs 21 and 22).")
    if req.length_months > DRR_REVIEW_REQUIRED_OVER_MONTHS:
        return _c("D5", NOT_MET, f"The DRR is {req.length_months} months, over {DRR_REVIEW_REQUIRED_OVER_MONTHS}, so the order must provide for court review; none is proposed.")
    return _c("D5", MET, f"The DRR is {req.length_months} months ({DRR_REVIEW_REQUIRED_OVER_MONTHS} or less), so court review is optional; none is proposed.")


# ---------------------------------------------------------------- ATR


AAMR_NOTE = ("Harmful drinking without dependence points towards an Alcohol Abstinence and Monitoring "
             "Requirement (AAMR) or advice, not an ATR.")


def _a1(case: Case, programme: Programme) -> Criterion:
    """Evidence for A1, never a met finding: WHO says AUDIT 20 or more warrants further diagnostic evaluation for
    dependence. Below 16 with items 4-6 all under 2, dependence is not indicated (not met unless judged otherwise)."""
    ev = programme.evidence
    audit, audit_c = _complete(case, "audit"), _complete(case, "audit_c")
    if audit is not None and audit.total is not None:
        text = _score_text(audit, "AUDIT")
        if audit.total >= ev.audit_dependence_min:
            return _c("A1", UNKNOWN, f"{text}: {ev.audit_dependence_min} or more, possible dependence; WHO advises "
                                     "further diagnostic evaluation. Dependence is a finding for the duty officer with "
                                     "the alcohol service.", "evidence", MET,
                      f"{text}: dependence on alcohol, confirmed with the alcohol service.")
        if audit.total >= ev.audit_judgement_min:
            return _c("A1", UNKNOWN, f"{text}: higher risk; whether this is dependence needs a professional "
                                     "judgement.", "evidence")
        signs = [item for item in ev.audit_dependence_items if _item_score(audit, item) >= ev.audit_dependence_item_min]
        if signs:
            listed = ", ".join(_question(item) for item in signs)
            return _c("A1", UNKNOWN, f"{text}, but {listed} scored {ev.audit_dependence_item_min} or more, a sign "
                                     "of dependence (WHO AUDIT manual): whether this is dependence needs a "
                                     "professional judgement.", "evidence")
        return _c("A1", NOT_MET, f"{text}: below {ev.audit_judgement_min} with none of "
                                 f"{', '.join(_question(i) for i in ev.audit_dependence_items)} at "
                                 f"{ev.audit_dependence_item_min} or more; dependence is not indicated.", "evidence")
    if audit_c is not None and audit_c.total is not None:
        text = _score_text(audit_c, "AUDIT-C")
        if FULL_AUDIT_FLAG not in audit_c.flags:
            return _c("A1", NOT_MET, f"{text}: a negative screen; dependence is not indicated.", "evidence")
        return _c("A1", UNKNOWN, f"{text}: a positive screen; the full AUDIT has not been completed.", "evidence")
    return _c("A1", UNKNOWN, "No completed alcohol screen (AUDIT-C or AUDIT) and no judgement yet.", "evidence")


def _item_score(result: ScreeningResult, item_id: str) -> int:
    """An AUDIT item's score. AUDIT answer codes are the item scores (checked for every version by the tests)."""
    code = result.answers.get(item_id, "")
    return int(code) if code.isdigit() else 0


def _question(item_id: str) -> str:
    return f"question {item_id.lstrip('q')}" if item_id.startswith("q") else item_id


def _aamr_pointer(case: Case, a1: Criterion, programme: Programme) -> list[str]:
    """Whenever A1 ends not met, by evidence or by judgement, and the AUDIT shows harmful drinking."""
    audit = _complete(case, "audit")
    if a1.status == NOT_MET and audit is not None and audit.band in programme.evidence.aamr_bands:
        return [AAMR_NOTE]
    return []


def mental_health_need_shown(case: Case, programme: Programme) -> bool:
    """The screen referred, an assessment score reached the threshold, an exclusion was found, or M1 was judged met."""
    screen = _complete(case, "mh_screen")
    ev = programme.evidence
    scores = [(_complete(case, "phq9"), ev.phq9_min), (_complete(case, "gad7"), ev.gad7_min)]
    judged = case.judgement("M1")
    return ((screen is not None and screen_referred(screen))
            or any(r is not None and r.total is not None and r.total >= cut for r, cut in scores)
            or bool(case.mental_health.exclusions)
            or (judged is not None and judged.finding == MET))


S232_NOTE = ("A suspended sentence order is in view and the screen or assessment shows a mental-health need: "
             "before passing a custodial sentence on an offender who is or appears to be mentally disordered, the "
             "court must obtain and consider a medical report unless it considers one unnecessary (Sentencing "
             "Code s.232).")


def s232_note(case: Case, programme: Programme) -> str | None:
    """The court's duty under s.232, noted for an SSO where a mental-health need shows."""
    if case.sentence.order_type == "suspended_sentence_order" and mental_health_need_shown(case, programme):
        return S232_NOTE
    return None


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
        "A1": lambda: _a1(case, programme),
        "A2": lambda: _judgement_only("A2", "The duty officer, with the treatment provider,"),
        "A3": lambda: _practitioner_test("A3", "ATR", req, programme),
    }
    criteria: list[Criterion] = []
    for code in REQUIREMENT_CRITERIA[requirement]:
        judgement = case.judgement(code) if code in JUDGEABLE else None
        if judgement is not None and judgement.finding in (MET, NOT_MET):
            criterion = _from_judgement(judgement, case)
        else:
            criterion = tests[code]()
        criteria.append(criterion)
        if code == "A1":
            notes.extend(_aamr_pointer(case, criterion, programme))
    if requirement == "MHTR":
        notes.extend(_mh_notes(case))
        note = s232_note(case, programme)
        if note:
            notes.append(note)
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


