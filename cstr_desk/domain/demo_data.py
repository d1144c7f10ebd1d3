"""Fictional court days with outcomes, generated deterministically from a seed (demo mode, tests, benches)."""

from __future__ import annotations

import copy
import dataclasses
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from cstr_desk.domain.case import Case, CustodyInView, Unsuitability
from cstr_desk.domain.consent import ConsentRecord
from cstr_desk.domain.identifiers import pnc_check_letter
from cstr_desk.domain.outcome import FirstAppointment, ImposedRequirement, Outcome, SentencePassed, as_proposed

GIVEN = ("Amara", "Ben", "Chloé", "Dafydd", "Ewa", "Farhan", "Gráinne", "Hamza", "Iona", "Jakub", "Keisha",
         "Liam", "Mairéad", "Nikolai", "Olu", "Priya", "Rhys", "Siân", "Tomasz", "Zoë", "Łucja", "Ngọc Anh")
FAMILY = ("Adebayo", "Brown", "Ćwik", "Davies", "Evans", "Ferreira", "Gallagher", "Hughes", "Iqbal", "Jones",
          "Kowalczyk", "Lewis", "Mac Giolla Phádraig", "Nowak", "O'Brien", "Patel", "Quinn", "Ştefan", "Thomas",
          "Williams & Co", "Nguyễn", "<Example>")
UNSUITABLE_REASONS = (
    "No treatment place available before the spring (waiting list).",
    "Has not engaged with the service on two recent referrals.",
    "An Alcohol Abstinence and Monitoring Requirement fits better.",
    "Moving out of the area after sentence.",
)
# Weights of the hearing outcome for a case with something proposed (a site's rough experience, fictional).
OUTCOME_WEIGHTS = {
    "probation_sentence": 74, "custody": 8, "fine": 4, "discharge": 2, "adjourned": 5,
    "committed_crown": 2, "report_requested": 2, "crown_plus_psr": 1, "other": 2,
}
CUSTODY_WEIGHTS = {"custody_possible": 45, "custody_indicated": 20, "not_at_threshold": 35}
INDICATED_TERMS_DAYS = (28, 56, 84, 112, 182)


@dataclass(frozen=True)
class GeneratedCase:
    case: Case
    outcome: Outcome | None


def shift_dates(value: Any, delta: timedelta, field_name: str = "") -> Any:
    """Every date and time in a case moved by delta, dates of birth excepted."""
    if field_name == "date_of_birth":
        return value
    if isinstance(value, datetime | date):
        return value + delta
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {f.name: shift_dates(getattr(value, f.name), delta, f.name) for f in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    if isinstance(value, list):
        return [shift_dates(v, delta) for v in value]
    return value


def _court_days(start: date, end: date) -> list[date]:
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def generate(templates: list[Case], count: int, seed: int, end: date, months: int = 4) -> list[GeneratedCase]:
    """count cases on court days over the `months` months up to `end`, each from one of the templates (complete
    court-day cases), with a fictional person, custody in view, and, where the hearing is before `end`, an outcome.
    The same arguments always give the same cases."""
    if not templates:
        raise ValueError("demo data needs at least one template case")
    rng = random.Random(seed)
    days = _court_days(end - timedelta(days=30 * months), end)
    out: list[GeneratedCase] = []
    for n in range(count):
        template = rng.choice(templates)
        day = days[n * len(days) // count] if count >= len(days) else rng.choice(days)
        assert template.hearing.hearing_date is not None
        case = shift_dates(copy.deepcopy(template), day - template.hearing.hearing_date)
        _vary_person(case, rng, n, seed)
        _vary_proposal(case, rng)
        likelihood = _pick(rng, CUSTODY_WEIGHTS)
        term = rng.choice(INDICATED_TERMS_DAYS) if likelihood == "custody_indicated" else None
        case.custody = CustodyInView(likelihood, term)
        outcome = _outcome(case, rng) if day < end and rng.random() < 0.92 else None
        out.append(GeneratedCase(case, outcome))
    return out


def _vary_person(case: Case, rng: random.Random, n: int, seed: int) -> None:
    case.case_id = f"demo-{seed}-{n:06d}"
    women_only = case.person.gender == "female"
    case.person.given_names = rng.choice(GIVEN)
    case.person.family_name = rng.choice(FAMILY)
    if not women_only:
        case.person.gender = "female" if rng.random() < 0.2 else "male"
    dob = case.person.date_of_birth
    if dob is not None:
        case.person.date_of_birth = dob.replace(year=dob.year - rng.randint(0, 15), day=min(dob.day, 28))
    case.identifiers.crn = f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randint(0, 999999):06d}"
    year, serial = rng.randint(2000, 2024), rng.randint(1, 9_999_999)
    case.identifiers.pnc_id = f"{year}/{serial:07d}{pnc_check_letter(year, serial)}"
    case.hearing.case_reference = f"44GH{rng.randint(0, 9_999_999):07d}"
    case.needs.link_worker_referral = case.needs.link_worker_referral or rng.random() < 0.15


def _vary_proposal(case: Case, rng: random.Random) -> None:
    """Sometimes the person is unwilling, or the officer finds an eligible requirement unsuitable."""
    proposed = case.proposal.proposed
    if not proposed:
        return
    roll = rng.random()
    target = proposed[-1]
    if roll < 0.07:
        given = [c for c in case.consents if c.kind == "willingness" and c.requirement == target]
        at = given[-1].obtained_at if given else None
        case.consents.append(ConsentRecord("willingness", "refused", f"willingness_{target.lower()}", "1.0.0",
                                           case.author.name, at, "verbal", requirement=target))
        case.proposal.requirements = [r for r in case.proposal.requirements if r.requirement != target]
    elif roll < 0.13:
        case.unsuitable.append(Unsuitability(target, rng.choice(UNSUITABLE_REASONS), case.author.name))
        case.proposal.requirements = [r for r in case.proposal.requirements if r.requirement != target]
        case.consents = [c for c in case.consents if not (c.kind == "willingness" and c.requirement == target)]
    if len(case.proposal.requirements) < 2:
        case.proposal.sequencing = ""
        case.proposal.lead_requirement = ""


def _outcome(case: Case, rng: random.Random) -> Outcome:
    day = case.hearing.hearing_date
    assert day is not None
    category = _pick(rng, OUTCOME_WEIGHTS) if case.proposal.requirements else rng.choice(["fine", "custody", "other"])
    recorded = datetime.combine(day, time(16, 30))
    if category == "adjourned":
        return Outcome("adjourned", day, None, day + timedelta(days=rng.randint(14, 28)), [], case.author.name, recorded)
    if category == "custody":
        term = case.custody.indicated_term_days or rng.choice(INDICATED_TERMS_DAYS)
        return Outcome("custody", day, SentencePassed("custody", custodial_term_days=term), None, [],
                       case.author.name, recorded)
    if category != "probation_sentence":
        return Outcome(category, day, None, None, [], case.author.name, recorded)
    sentence = as_proposed(case)
    if rng.random() < 0.15:
        # The court changed something: a shorter first requirement, or one requirement of a combined order left out.
        reqs = list(sentence.requirements)
        if len(reqs) > 1:
            reqs = reqs[:1]
        else:
            first = reqs[0]
            reqs = [dataclasses.replace(first, length_months=max(3, (first.length_months or 6) - 3))]
        sentence = dataclasses.replace(sentence, requirements=reqs)
    if sentence.order_type == "community_order" and sentence.order_length_months is None:
        sentence = dataclasses.replace(sentence, order_length_months=12)
    sentence = dataclasses.replace(sentence, requirements=[_with_review_court(r, case) for r in sentence.requirements])
    appointments = []
    for r in sentence.requirements:
        status = _pick(rng, {"kept": 82, "not_kept": 8, "rearranged": 10})
        appointments.append(FirstAppointment(r.requirement, status, day + timedelta(days=rng.randint(1, 7))))
    return Outcome("probation_sentence", day, sentence, None, appointments, case.author.name, recorded)


def _with_review_court(r: ImposedRequirement, case: Case) -> ImposedRequirement:
    if r.court_review and not r.review_court:
        return dataclasses.replace(r, review_court=case.hearing.court)
    return r
