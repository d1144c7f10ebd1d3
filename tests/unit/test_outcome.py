"""The outcome model: as proposed, differences, checks, corrections, and the outcome file."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest

from cstr_desk.domain.casefile import CaseFileError
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.outcome import (
    FirstAppointment,
    Outcome,
    SentencePassed,
    as_proposed,
    correct,
    differences,
    outcome_from_json,
    outcome_problems,
    outcome_to_json,
)


def fields_of(problems):
    return {p.field for p in problems}


def test_as_proposed_has_no_differences_and_is_valid(demo):
    for name in ("mhtr_only", "drr_only", "atr_only", "mhtr_atr_womens_centre"):
        case = demo(name)
        sentence = as_proposed(case)
        assert differences(case, sentence) == []
        assert sentence.imposed == case.proposal.proposed
        outcome = Outcome("probation_sentence", case.hearing.hearing_date, sentence)
        assert outcome_problems(outcome, case) == [], name


def test_differences_are_named(demo):
    case = demo("mhtr_atr_womens_centre")
    sentence = as_proposed(case)
    shorter = dataclasses.replace(sentence.requirements[0], length_months=4)
    changed = dataclasses.replace(sentence, order_length_months=18, requirements=[shorter])
    text = " ".join(differences(case, changed))
    assert "Order length: 18 months (proposed: 12)" in text
    assert "ATR proposed but not imposed" in text
    assert "MHTR length (months): 4 (proposed: 6)" in text


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "acquitted"}, "category"),
        ({"hearing_date": None}, "hearing_date"),
        ({"category": "adjourned", "sentence": None}, "new_hearing_date"),
        ({"sentence": None}, "sentence"),
        ({"category": "fine"}, "sentence"),  # a fine carries no treatment requirement
    ],
)
def test_outcome_problems_name_the_field(demo, change, field):
    case = demo("drr_only")
    outcome = dataclasses.replace(Outcome("probation_sentence", case.hearing.hearing_date, as_proposed(case)), **change)
    assert field in fields_of(outcome_problems(outcome, case))


def test_sentence_checks(demo):
    case = demo("drr_only")
    drr = dataclasses.replace(as_proposed(case).requirements[0], length_months=18, court_review=False)
    bad = SentencePassed("suspended_sentence_order", custodial_term_days=None, requirements=[drr, drr])
    problems = fields_of(outcome_problems(Outcome("probation_sentence", case.hearing.hearing_date, bad), case))
    assert {"sentence.custodial_term_days", "sentence.requirements[0].court_review",
            "sentence.requirements[1].requirement"} <= problems
    jail = SentencePassed("custody", custodial_term_days=120, requirements=[drr])
    assert "sentence.requirements" in fields_of(outcome_problems(Outcome("custody", case.hearing.hearing_date, jail), case))


def test_appointments_belong_to_imposed_requirements_after_the_sentence(demo):
    case = demo("atr_only")
    day = case.hearing.hearing_date
    outcome = Outcome("probation_sentence", day, as_proposed(case), appointments=[
        FirstAppointment("MHTR", "kept", day + timedelta(days=2)),
        FirstAppointment("ATR", "kept", day - timedelta(days=1)),
        FirstAppointment("ATR", "not_kept", None),
    ])
    assert {"appointments[0].requirement", "appointments[1].on", "appointments[2].on"} <= fields_of(
        outcome_problems(outcome, case))


def test_correction_is_a_new_version_with_reason(demo):
    case = demo("mhtr_only")
    first = Outcome("probation_sentence", case.hearing.hearing_date, as_proposed(case), version=1)
    with pytest.raises(ValidationError):
        correct(first, first, "  ", "Jo", datetime(2026, 11, 26, 9))
    fixed = correct(first, dataclasses.replace(first, category="fine", sentence=None), "Wrong result keyed",
                    "Jo", datetime(2026, 11, 26, 9))
    assert (fixed.version, fixed.correction_reason, fixed.category) == (2, "Wrong result keyed", "fine")
    assert first.version == 1 and first.category == "probation_sentence"


def test_outcome_file_round_trip_and_problems(demo):
    case = demo("drr_only")
    outcome = Outcome("probation_sentence", case.hearing.hearing_date, as_proposed(case),
                      appointments=[FirstAppointment("DRR", "kept", date(2026, 11, 24))])
    assert outcome_from_json(outcome_to_json(outcome)) == outcome
    with pytest.raises(CaseFileError) as err:
        outcome_from_json('{"schema_version": 1, "outcome": {"category": 3, "hearing_date": "23/11/2026", "x": 1}}')
    paths = {p.path for p in err.value.problems}
    assert paths == {"$.outcome.category", "$.outcome.hearing_date", "$.outcome.x"}
