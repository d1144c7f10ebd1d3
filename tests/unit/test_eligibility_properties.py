"""Property: any case built from random valid parts gets a decision for every requirement and never raises."""

from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from cstr_desk.domain.case import (
    MH_EXCLUSIONS,
    Case,
    Hearing,
    Judgement,
    MentalHealthAssessment,
    Offence,
    Person,
    Proposal,
    ProposedRequirement,
    SentenceConsidered,
    SubstanceUse,
    Unsuitability,
    record_screening,
)
from cstr_desk.domain.consent import ConsentRecord
from cstr_desk.domain.eligibility import JUDGEABLE, combination_notes, decide
from cstr_desk.domain.proposal import check_order, check_proposal
from cstr_desk.domain.rules import TREATMENT_KINDS
from tests.unit.conftest import FORMS

REQS = ["MHTR", "DRR", "ATR"]


@st.composite
def screening(draw):
    inst = FORMS.instruments[draw(st.sampled_from(sorted(FORMS.instruments)))]
    answers = {}
    for item in inst.items:
        if draw(st.booleans()) or draw(st.booleans()):
            answers[item.id] = draw(st.sampled_from([o.code for o in item.options]))
    return record_screening(inst, answers)


@st.composite
def proposed(draw):
    name = draw(st.sampled_from(REQS))
    return ProposedRequirement(
        requirement=name,
        length_months=draw(st.none() | st.integers(-2, 40)),
        treatment_kind=draw(st.sampled_from(["", *TREATMENT_KINDS[name], "residential"])),
        provider_id=draw(st.sampled_from(["", "nope", *(p.id for p in FORMS.programme.providers)])),
        practitioner=draw(st.sampled_from(["", "Dr X"])),
        capacity_confirmed=draw(st.booleans()),
        first_appointment_at=draw(st.none() | st.datetimes(datetime(2020, 1, 1), datetime(2030, 1, 1))),
        officer_recommends=draw(st.booleans()),
        testing_arrangements=draw(st.sampled_from(["", "weekly"])),
        treatment_intervals=draw(st.sampled_from(["", "weekly"])),
        court_review=draw(st.booleans()),
        review_interval_months=draw(st.none() | st.integers(-1, 6)),
    )


@st.composite
def cases(draw):
    return Case(
        case_id="p",
        person=Person("A", "B", draw(st.none() | st.dates(date(1900, 1, 1), date(2030, 1, 1))),
                      draw(st.sampled_from(["female", "male", "non_binary", "not_stated"]))),
        hearing=Hearing("Court", "magistrates", draw(st.none() | st.dates(date(2020, 1, 1), date(2030, 1, 1)))),
        offences=[Offence("x", None, i) for i in draw(st.lists(st.none() | st.booleans(), max_size=3))],
        sentence=SentenceConsidered(
            draw(st.sampled_from([None, "community_order", "suspended_sentence_order"])),
            draw(st.none() | st.integers(0, 48)), draw(st.none() | st.integers(0, 800)),
            draw(st.none() | st.integers(0, 30)), draw(st.none() | st.integers(0, 30))),
        consents=[
            ConsentRecord("willingness", draw(st.sampled_from(["given", "refused", "withdrawn"])), "t", "1", "o",
                          draw(st.none() | st.datetimes(datetime(2026, 1, 1), datetime(2027, 1, 1))), requirement=r)
            for r in draw(st.lists(st.sampled_from(REQS), max_size=5))
        ],
        screening=draw(st.lists(screening(), max_size=6)),
        substance_use=SubstanceUse(draw(st.none() | st.booleans())),
        mental_health=MentalHealthAssessment(
            exclusions=draw(st.lists(st.sampled_from(sorted(MH_EXCLUSIONS)), max_size=2, unique=True)),
            hospital_order_warranted=draw(st.none() | st.booleans())),
        judgements=[Judgement(c, draw(st.sampled_from(["met", "not_met"])), "r")
                    for c in draw(st.lists(st.sampled_from(sorted(JUDGEABLE)), max_size=4))],
        unsuitable=[Unsuitability(r, "r") for r in draw(st.lists(st.sampled_from(REQS), max_size=2))],
        proposal=Proposal(draw(st.lists(proposed(), max_size=3)),
                          draw(st.sampled_from(["", "concurrent", "consecutive"])),
                          draw(st.sampled_from(["", "DRR", "ATR"]))),
    )


@settings(max_examples=200, deadline=None)
@given(cases())
def test_every_requirement_gets_a_decision(case):
    decisions = decide(case, FORMS.programme)
    assert [d.requirement for d in decisions] == REQS
    for d in decisions:
        assert d.outcome in {"eligible", "not_eligible", "needs_information", "eligible_unsuitable"}
        assert all(c.status in {"met", "not_met", "unknown"} and c.reason for c in d.criteria)
        if d.outcome == "eligible":
            assert d.criterion("C4").status == "met", "never eligible without willingness"
            assert all(c.status == "met" for c in d.criteria)
    check_proposal(case, decisions, FORMS.programme)
    check_order(case)
    combination_notes(case, decisions)
