"""Issue 11: the order limits by date of conviction, what the order must name, the s.232 note, and
"final means complete" for an MHTR, each pinned at its boundary."""

from __future__ import annotations

import dataclasses
import shutil
from datetime import date, datetime

import pytest

from cstr_desk.domain.annex import Fields, Text, build_annex
from cstr_desk.domain.case import record_screening
from cstr_desk.domain.checks import finalisation_problems, mhtr_assessment_missing
from cstr_desk.domain.eligibility import S232_NOTE, decide, decide_requirement, s232_note
from cstr_desk.domain.errors import InstrumentFileError
from cstr_desk.domain.instruments import answers_from_list
from cstr_desk.domain.proposal import check_order, check_proposal
from cstr_desk.domain.rules import (
    SENTENCING_ACT_2026_SSO_FROM,
    load_programme,
    names_a_particular_person,
    sso_limits,
)
from cstr_desk.paths import forms_dir

TODAY = date(2026, 11, 23)


def sso(case, term_days, operational, supervision, convicted):
    case.sentence = dataclasses.replace(case.sentence, order_type="suspended_sentence_order", order_length_months=None,
                                        custodial_term_days=term_days, operational_period_months=operational,
                                        supervision_period_months=supervision)
    case.hearing.conviction_date = convicted
    for offence in case.offences:
        offence.offence_date = date(2025, 12, 1)
    return case


def fields(problems):
    return {p.field for p in problems}


# ------------------------------------------------------------------ SSO limits by date of conviction

THIRTY_MONTHS_DAYS = 913  # 30 months


def test_the_switch_is_22_march_2026():
    assert SENTENCING_ACT_2026_SSO_FROM == date(2026, 3, 22)
    assert sso_limits(date(2026, 3, 21)).custodial_max_text == "2 years"
    assert sso_limits(date(2026, 3, 22)).custodial_max_text == "3 years"
    assert sso_limits(None).custodial_max_text == "3 years"


def test_a_30_month_sso_is_valid_for_a_conviction_on_1_april_2026(demo):
    case = sso(demo("drr_only"), THIRTY_MONTHS_DAYS, 30, 24, date(2026, 4, 1))
    assert check_order(case) == []


def test_the_same_sso_is_refused_for_a_conviction_on_1_march_2026_naming_the_limit(demo):
    case = sso(demo("drr_only"), THIRTY_MONTHS_DAYS, 30, 24, date(2026, 3, 1))
    problems = {p.field: p.message for p in check_order(case)}
    assert set(problems) == {"sentence.custodial_term_days", "sentence.operational_period_months"}
    assert "the longest term that may be suspended is 2 years" in problems["sentence.custodial_term_days"]
    assert "conviction on 01 March 2026" in problems["sentence.custodial_term_days"]
    assert "before the Sentencing Act 2026" in problems["sentence.custodial_term_days"]
    assert "6 months to 2 years" in problems["sentence.operational_period_months"]


@pytest.mark.parametrize("convicted, days, ok", [
    (date(2026, 3, 21), 730, True), (date(2026, 3, 21), 731, False),
    (date(2026, 3, 22), 731, True), (date(2026, 3, 22), 1095, True), (date(2026, 3, 22), 1096, False),
    (date(2026, 3, 22), 14, True), (date(2026, 3, 22), 13, False),
])
def test_custodial_term_at_the_boundaries(demo, convicted, days, ok):
    case = sso(demo("drr_only"), days, 18, 18, convicted)
    assert ("sentence.custodial_term_days" not in fields(check_order(case))) is ok


@pytest.mark.parametrize("convicted, operational, ok", [
    (date(2026, 3, 21), 24, True), (date(2026, 3, 21), 25, False),
    (date(2026, 3, 22), 36, True), (date(2026, 3, 22), 37, False),
    (date(2026, 3, 22), 6, True), (date(2026, 3, 22), 5, False),
])
def test_operational_period_at_the_boundaries(demo, convicted, operational, ok):
    case = sso(demo("drr_only"), 120, operational, 6, convicted)
    assert ("sentence.operational_period_months" not in fields(check_order(case))) is ok


@pytest.mark.parametrize("convicted, operational, supervision, ok", [
    (date(2026, 4, 1), 18, 6, True), (date(2026, 4, 1), 18, 5, False),          # the 6-month minimum
    (date(2026, 4, 1), 18, 18, True), (date(2026, 4, 1), 18, 19, False),        # not past the operational period
    (date(2026, 4, 1), 36, 36, True),
    (date(2026, 3, 1), 24, 24, True),
])
def test_supervision_period_at_the_boundaries(demo, convicted, operational, supervision, ok):
    case = sso(demo("drr_only"), 120, operational, supervision, convicted)
    assert ("sentence.supervision_period_months" not in fields(check_order(case))) is ok


def test_hearing_date_decides_when_no_conviction_date_is_recorded(demo):
    case = sso(demo("drr_only"), THIRTY_MONTHS_DAYS, 30, 24, None)
    assert case.hearing.hearing_date == TODAY
    assert check_order(case) == []


def test_an_sso_with_requirements_needs_a_supervision_period(demo, forms):
    case = sso(demo("drr_only"), 120, 18, None, date(2026, 11, 23))
    problems = check_proposal(case, decide(case, forms.programme), forms.programme)
    assert "sentence.supervision_period_months" in fields(problems)


# ------------------------------------------------------------------ what the order must name


def test_drr_needs_the_place_for_non_resident_and_resident_treatment(demo, forms):
    for kind, intervals in (("non_residential", "weekly"), ("residential", "")):
        case = demo("drr_only")
        req = case.proposal.requirements[0]
        case.proposal.requirements[0] = dataclasses.replace(
            req, treatment_kind=kind, treatment_intervals=intervals, place="",
            provider_id="residential_rehab" if kind == "residential" else req.provider_id)
        problems = {p.field: p.message for p in check_proposal(case, decide(case, forms.programme), forms.programme)}
        assert "paragraph 19(5)" in problems["proposal.requirements[0].place"], kind


@pytest.mark.parametrize("practitioner, ok", [
    ("Dr A. Example, Clinical Psychologist (HCPC registered)", True),
    ("Consultant Psychiatrist (registered medical practitioner)", False),
    ("Clinical Psychologist", False),
    ("Dr A.", False),
    ("Ms Siân O'Neill-Ștefănescu, counselling psychologist", True),
    ("Liaison and Diversion psychologist, to be confirmed", False),
    ("Any qualified psychologist in the adult psychological therapies team", False),
])
def test_practitioner_based_mhtr_names_a_particular_person(demo, forms, practitioner, ok):
    case = demo("mhtr_only")
    case.proposal.requirements[0].practitioner = practitioner
    decisions = decide(case, forms.programme)
    problems = fields(check_proposal(case, decisions, forms.programme))
    assert ("proposal.requirements[0].practitioner" not in problems) is ok
    m3 = next(d for d in decisions if d.requirement == "MHTR").criterion("M3")
    assert (m3.status == "met") is ok
    assert names_a_particular_person(practitioner) is ok


@pytest.mark.parametrize("kind, place, ok", [
    ("institution_outpatient", "", False), ("institution_outpatient", "Community Mental Health Centre", True),
    ("in_patient", " ", False), ("practitioner", "", True),
])
def test_in_patient_and_out_patient_mhtr_need_the_place(demo, forms, kind, place, ok):
    case = demo("mhtr_only")
    case.proposal.requirements[0] = dataclasses.replace(
        case.proposal.requirements[0], treatment_kind=kind, place=place, provider_id="mk_cmht",
        practitioner="Dr C. Example, Consultant Psychiatrist (GMC registered)")
    problems = fields(check_proposal(case, decide(case, forms.programme), forms.programme))
    assert ("proposal.requirements[0].place" not in problems) is ok


def test_atr_and_drr_ask_for_the_treatment_director_by_that_name(demo, forms):
    for name in ("atr_only", "drr_only"):
        case = demo(name)
        case.proposal.requirements[0].practitioner = ""
        problems = {p.field: p.message for p in check_proposal(case, decide(case, forms.programme), forms.programme)}
        assert problems["proposal.requirements[0].practitioner"] == "Name the treatment director."


def test_the_site_directory_refuses_a_job_title_for_a_practitioner_based_mhtr(tmp_path):
    folder = tmp_path / "programme"
    shutil.copytree(forms_dir() / "programme", folder)
    site = folder / "site.toml"
    text = site.read_text(encoding="utf-8")
    site.write_text(text.replace('practitioner = "Dr C. Example, Consultant Psychiatrist (GMC registered)"',
                                 'practitioner = "Consultant Psychiatrist (registered medical practitioner)"'),
                    encoding="utf-8")
    with pytest.raises(InstrumentFileError, match="mk_cmht.*not a job title"):
        load_programme(folder)


# ------------------------------------------------------------------ s.232


def _annex_text(case, forms):
    out = []
    for section in build_annex(case, forms).sections:
        for block in section.blocks:
            if isinstance(block, Text):
                out.append(block.text)
            elif isinstance(block, Fields):
                out.extend(f"{k}: {v}" for k, v in block.pairs)
    return "\n".join(out)


def test_s232_note_for_an_sso_with_a_mental_health_need(demo, forms):
    case = sso(demo("mhtr_only"), 120, 18, 12, date(2026, 11, 23))
    assert s232_note(case, forms.programme) == S232_NOTE
    assert S232_NOTE in decide_requirement(case, "MHTR", forms.programme).notes
    assert "Sentencing Code s.232" in _annex_text(case, forms)
    case.sentence.order_type = "community_order"
    assert s232_note(case, forms.programme) is None


def test_no_s232_note_for_an_sso_without_a_mental_health_need(demo, forms):
    case = demo("drr_only")
    assert case.sentence.order_type == "suspended_sentence_order"
    assert s232_note(case, forms.programme) is None
    inst = forms.instruments["mh_screen"]
    case.screening.append(record_screening(inst, answers_from_list(inst, "no,no,no,no,no,no,no,2,1,0,0".split(","))))
    assert s232_note(case, forms.programme) == S232_NOTE  # a positive PHQ-2 is a need shown


# ------------------------------------------------------------------ final means complete


@pytest.mark.parametrize("field, blank", [
    ("assessor", ""), ("supervisor_name", "  "), ("supervisor_consulted_at", None), ("formulation", ""),
])
def test_an_mhtr_cannot_be_final_without_the_assessment(demo, forms, field, blank):
    case = demo("mhtr_only")
    assert finalisation_problems(case, TODAY, forms, decide(case, forms.programme)) == []
    setattr(case.mental_health, field, blank)
    problems = finalisation_problems(case, TODAY, forms, decide(case, forms.programme))
    assert [p.path for p in problems] == [f"$.case.mental_health.{field}"]
    assert [p.path for p in mhtr_assessment_missing(case)] == [f"$.case.mental_health.{field}"]


def test_the_assessment_is_not_asked_for_when_no_mhtr_is_proposed(demo, forms):
    case = demo("drr_only")
    assert mhtr_assessment_missing(case)  # nobody assessed
    assert finalisation_problems(case, TODAY, forms, decide(case, forms.programme)) == []


def test_annex_shows_age_at_conviction_and_the_treatment_director(demo, forms):
    case = demo("atr_only")
    text = _annex_text(case, forms)
    assert "(age 47 at conviction)" in text
    assert "Date of conviction: 23 November 2026 (taken as the hearing date)" in text
    assert "Treatment director: Alcohol Lead Practitioner" in text
    case.hearing.conviction_date = date(2026, 1, 19)
    case.offences[0].offence_date = date(2025, 9, 14)
    text = _annex_text(case, forms)
    assert "(age 46 at conviction)" in text and "Date of conviction: 19 January 2026\n" in text


def test_supervisor_consulted_time_is_a_datetime_in_the_demo(demo):
    assert isinstance(demo("mhtr_only").mental_health.supervisor_consulted_at, datetime)
