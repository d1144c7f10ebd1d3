"""The proposal: the requirements put to the court, and the checks that refuse an unlawful or incomplete one."""

from __future__ import annotations

from cstr_desk.domain.case import SEQUENCING, Case, ProposedRequirement
from cstr_desk.domain.eligibility import Decision
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.rules import (
    COMMUNITY_ORDER_MAX_MONTHS,
    DRR_REVIEW_MIN_INTERVAL_MONTHS,
    DRR_REVIEW_REQUIRED_OVER_MONTHS,
    PLACE_REQUIRED_KINDS,
    TREATMENT_KINDS,
    Programme,
    names_a_particular_person,
    sso_limits,
)

# What the statute calls the person who directs or gives the treatment, per requirement (Schedule 9).
PRACTITIONER_LABELS = {
    "MHTR": "registered medical practitioner or registered psychologist",  # para 16(3)
    "DRR": "treatment director",  # para 19
    "ATR": "treatment director",  # para 23(2)
}


def order_limit_months(case: Case) -> int | None:
    """How long a requirement may run: to the end of the community order, or the SSO's supervision period."""
    s = case.sentence
    if s.order_type == "community_order":
        return s.order_length_months
    if s.order_type == "suspended_sentence_order":
        return s.supervision_period_months or s.operational_period_months
    return None


def check_order(case: Case) -> list[ValidationError]:
    """The order's own limits (Sentencing Act 2020)."""
    s = case.sentence
    problems: list[ValidationError] = []
    if s.order_type == "community_order":
        if s.order_length_months is None:
            problems.append(ValidationError("sentence.order_length_months", "Enter the length of the community order."))
        elif not 1 <= s.order_length_months <= COMMUNITY_ORDER_MAX_MONTHS:
            problems.append(ValidationError(
                "sentence.order_length_months",
                f"A community order must end within {COMMUNITY_ORDER_MAX_MONTHS} months (3 years) of being made."))
    elif s.order_type == "suspended_sentence_order":
        problems.extend(_check_sso(case))
    return problems


def _months(n: int) -> str:
    years, rest = divmod(n, 12)
    if rest == 0 and years:
        return f"{years} year{'s' if years > 1 else ''}"
    return f"{n} months"


def _check_sso(case: Case) -> list[ValidationError]:
    """The suspended sentence order's limits for the date of conviction (Sentencing Code ss.264, 277 and 288,
    as amended by the Sentencing Act 2026 s.2 for convictions on or after 22 March 2026)."""
    s = case.sentence
    convicted = case.hearing.convicted_on
    limits = sso_limits(convicted)
    when = (f"for a conviction on {convicted:%d %B %Y}" if convicted else "for a conviction today")
    problems: list[ValidationError] = []
    term = s.custodial_term_days
    if term is not None:
        if term < limits.custodial_min_days:
            problems.append(ValidationError(
                "sentence.custodial_term_days",
                f"A suspended sentence is a custodial term of at least {limits.custodial_min_days} days."))
        elif term > limits.custodial_max_days:
            problems.append(ValidationError(
                "sentence.custodial_term_days",
                f"A custodial term of {term} days cannot be suspended {when}: the longest term that may be "
                f"suspended is {limits.custodial_max_text} ({limits.source})."))
    op = s.operational_period_months
    if op is None:
        problems.append(ValidationError("sentence.operational_period_months", "Enter the operational period."))
    elif not limits.operational_min_months <= op <= limits.operational_max_months:
        problems.append(ValidationError(
            "sentence.operational_period_months",
            f"The operational period must be {limits.operational_min_months} months to "
            f"{_months(limits.operational_max_months)} {when} ({limits.source})."))
    sup = s.supervision_period_months
    if sup is not None:
        if not limits.supervision_min_months <= sup <= limits.supervision_max_months:
            problems.append(ValidationError(
                "sentence.supervision_period_months",
                f"The supervision period must be {limits.supervision_min_months} months to "
                f"{_months(limits.supervision_max_months)} {when} ({limits.source})."))
        elif op is not None and sup > op:
            problems.append(ValidationError(
                "sentence.supervision_period_months",
                "The supervision period cannot be longer than the operational period (Sentencing Code s.288)."))
    return problems


def check_proposal(case: Case, decisions: list[Decision], programme: Programme) -> list[ValidationError]:
    """Every reason the proposal cannot go to the court as it stands (the order's own limits: check_order)."""
    problems: list[ValidationError] = []
    proposal = case.proposal
    by_requirement = {d.requirement: d for d in decisions}
    if not proposal.requirements:
        return problems
    if case.sentence.order_type is None:
        problems.append(ValidationError("sentence.order_type", "Choose the order being proposed before adding requirements."))
    if case.sentence.order_type == "suspended_sentence_order" and case.sentence.supervision_period_months is None:
        problems.append(ValidationError(
            "sentence.supervision_period_months",
            "Enter the supervision period: the requirements of a suspended sentence order must be completed "
            "within it (Sentencing Code s.288)."))
    limit = order_limit_months(case)

    seen: set[str] = set()
    for n, req in enumerate(proposal.requirements):
        where = f"proposal.requirements[{n}]"
        name = req.requirement
        if name not in TREATMENT_KINDS:
            problems.append(ValidationError(f"{where}.requirement", f"Unknown requirement '{name}'."))
            continue
        if name in seen:
            problems.append(ValidationError(f"{where}.requirement", f"The {name} is proposed twice."))
        seen.add(name)

        decision = by_requirement.get(name)
        if decision is not None and decision.outcome != "eligible":
            problems.append(ValidationError(f"{where}.requirement", refusal_sentence(decision)))
        if case.unsuitability(name) is not None:
            problems.append(ValidationError(
                f"{where}.requirement", f"The {name} is recorded as unsuitable; remove that record or this proposal."))

        if req.length_months is None:
            problems.append(ValidationError(f"{where}.length_months", "Enter the length in months."))
        elif req.length_months < 1:
            problems.append(ValidationError(f"{where}.length_months", "The length must be at least 1 month."))
        elif limit is not None and req.length_months > limit:
            problems.append(ValidationError(
                f"{where}.length_months",
                f"The {name} would run for {req.length_months} months, past the end of the order ({limit} months)."))

        if req.treatment_kind not in TREATMENT_KINDS[name]:
            kinds = ", ".join(TREATMENT_KINDS[name])
            problems.append(ValidationError(f"{where}.treatment_kind", f"Choose the kind of treatment ({kinds})."))
        provider = programme.provider(req.provider_id)
        if provider is None:
            problems.append(ValidationError(f"{where}.provider_id", "Choose a provider from the site's directory."))
        else:
            if name not in provider.requirements:
                problems.append(ValidationError(f"{where}.provider_id", f"{provider.name} does not deliver the {name}."))
            if req.treatment_kind and req.treatment_kind not in provider.treatment_kinds:
                problems.append(ValidationError(
                    f"{where}.treatment_kind", f"{provider.name} does not offer this kind of treatment."))
            if provider.women_only and case.person.gender != "female":
                problems.append(ValidationError(f"{where}.provider_id", f"{provider.name} is a women-only service."))
            if name == "MHTR" and case.mental_health.exclusions and provider.route == "primary_care":
                problems.append(ValidationError(
                    f"{where}.provider_id",
                    "A primary-care exclusion applies, so a primary-care MHTR does not fit: choose a secondary-care provider."))
        problems.extend(_check_statutory_content(where, req))
        hearing = case.hearing.hearing_date
        if req.first_appointment_at is not None and hearing is not None and req.first_appointment_at.date() < hearing:
            problems.append(ValidationError(
                f"{where}.first_appointment_at", "The first appointment is before the hearing date."))

        if name == "DRR":
            problems.extend(_check_drr(where, req))

    if len(seen) > 1 and proposal.sequencing not in SEQUENCING:
        problems.append(ValidationError(
            "proposal.sequencing", "Say whether the requirements run at the same time (concurrent) or one after the other (consecutive)."))
    if {"DRR", "ATR"} <= seen and proposal.lead_requirement not in ("DRR", "ATR"):
        problems.append(ValidationError(
            "proposal.lead_requirement", "Both a DRR and an ATR are proposed: say which provider leads."))
    return problems


def _check_statutory_content(where: str, req: ProposedRequirement) -> list[ValidationError]:
    """What the order itself must name (Sentencing Code, Schedule 9): who directs the treatment, and where."""
    problems: list[ValidationError] = []
    name, kind = req.requirement, req.treatment_kind
    if not req.practitioner.strip():
        problems.append(ValidationError(f"{where}.practitioner", f"Name the {PRACTITIONER_LABELS[name]}."))
    elif name == "MHTR" and kind == "practitioner" and not names_a_particular_person(req.practitioner):
        problems.append(ValidationError(
            f"{where}.practitioner",
            "A practitioner-based MHTR names the particular registered medical practitioner or registered "
            "psychologist, not a job title (Schedule 9, paragraph 16(3))."))
    if kind in PLACE_REQUIRED_KINDS and not req.place.strip():
        what = {
            "in_patient": "the care home or hospital (Schedule 9, paragraph 16(3))",
            "institution_outpatient": "the institution or place (Schedule 9, paragraph 16(3))",
        }.get(kind, "the institution or place where the treatment is given (Schedule 9)")
        if name == "DRR":
            what = "the institution or place where the treatment is given, resident or not (Schedule 9, paragraph 19(5))"
        problems.append(ValidationError(f"{where}.place", f"Name {what}."))
    return problems


def _check_drr(where: str, req: ProposedRequirement) -> list[ValidationError]:
    problems: list[ValidationError] = []
    if req.length_months is not None and req.length_months > DRR_REVIEW_REQUIRED_OVER_MONTHS and not req.court_review:
        problems.append(ValidationError(
            f"{where}.court_review",
            f"A DRR of more than {DRR_REVIEW_REQUIRED_OVER_MONTHS} months must provide for review by the court "
            "(Sentencing Act 2020, Schedule 9, paragraph 21)."))
    if req.court_review:
        if req.review_interval_months is None:
            problems.append(ValidationError(f"{where}.review_interval_months", "Enter how often the court reviews the DRR."))
        elif req.review_interval_months < DRR_REVIEW_MIN_INTERVAL_MONTHS:
            problems.append(ValidationError(
                f"{where}.review_interval_months", "Court reviews must be at least one month apart."))
    if not req.testing_arrangements.strip():
        problems.append(ValidationError(
            f"{where}.testing_arrangements", "Describe the drug testing: samples, how often, and who directs it."))
    if req.treatment_kind == "non_residential" and not req.treatment_intervals.strip():
        problems.append(ValidationError(
            f"{where}.treatment_intervals", "For non-resident treatment, give the intervals at which the person attends."))
    return problems


def refusal_sentence(decision: Decision) -> str:
    """Why a requirement that is not eligible cannot be proposed, in one sentence."""
    if decision.outcome == "not_eligible":
        failing = [c for c in decision.criteria if c.status == "not_met"]
        detail = "; ".join(f"{c.code}: {c.reason}" for c in failing)
        return f"The {decision.requirement} cannot be proposed because it is not eligible ({detail})"
    unknown = [c.code for c in decision.criteria if c.status == "unknown"]
    return f"The {decision.requirement} cannot be proposed until these are settled: {', '.join(unknown)}."
