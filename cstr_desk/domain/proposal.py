"""The proposal: the requirements put to the court, and the checks that refuse an unlawful or incomplete one."""

from __future__ import annotations

from cstr_desk.domain.case import SEQUENCING, Case, ProposedRequirement
from cstr_desk.domain.eligibility import Decision
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.rules import (
    COMMUNITY_ORDER_MAX_MONTHS,
    DRR_REVIEW_MIN_INTERVAL_MONTHS,
    DRR_REVIEW_REQUIRED_OVER_MONTHS,
    SSO_CUSTODIAL_MAX_DAYS,
    SSO_CUSTODIAL_MIN_DAYS,
    SSO_OPERATIONAL_MAX_MONTHS,
    SSO_OPERATIONAL_MIN_MONTHS,
    TREATMENT_KINDS,
    Programme,
)


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
        if s.custodial_term_days is not None and not SSO_CUSTODIAL_MIN_DAYS <= s.custodial_term_days <= SSO_CUSTODIAL_MAX_DAYS:
            problems.append(ValidationError(
                "sentence.custodial_term_days", "A suspended sentence is a custodial term of 14 days to 2 years."))
        op = s.operational_period_months
        if op is None:
            problems.append(ValidationError("sentence.operational_period_months", "Enter the operational period."))
        elif not SSO_OPERATIONAL_MIN_MONTHS <= op <= SSO_OPERATIONAL_MAX_MONTHS:
            problems.append(ValidationError(
                "sentence.operational_period_months", "The operational period must be 6 months to 2 years."))
        sup = s.supervision_period_months
        if sup is not None and op is not None and sup > op:
            problems.append(ValidationError(
                "sentence.supervision_period_months", "The supervision period cannot be longer than the operational period."))
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
        if not req.practitioner.strip():
            who = "treatment director" if name == "DRR" else "supervising practitioner"
            problems.append(ValidationError(f"{where}.practitioner", f"Name the {who}."))
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
