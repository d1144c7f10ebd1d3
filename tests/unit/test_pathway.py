"""The wizard's branch rules, decided in the domain from the instruments' own flags."""

from __future__ import annotations

from datetime import datetime

import pytest

from cstr_desk.domain.case import record_screening
from cstr_desk.domain.consent import ConsentRecord
from cstr_desk.domain.instruments import answers_from_list
from cstr_desk.domain.pathway import assessment_refused, needs_full_audit, needs_psychologist


def screen(forms, inst_id, codes):
    inst = forms.instruments[inst_id]
    return record_screening(inst, answers_from_list(inst, codes.split(",")))


@pytest.mark.parametrize("codes, expected", [("1,1,2", False), ("2,2,1", True)])  # AUDIT-C 4 and 5
def test_full_audit_from_audit_c_flag(demo, forms, codes, expected):
    case = demo("drr_only")
    case.screening = [screen(forms, "audit_c", codes)]
    assert needs_full_audit(case) is expected


def test_psychologist_on_any_yes_or_once_assessment_started(demo, forms):
    case = demo("drr_only")
    assert not needs_psychologist(case)
    case.screening.append(screen(forms, "mh_screen", "no,no,no,no,no,no,yes,0,0,0,0"))
    assert needs_psychologist(case)
    case.screening = [screen(forms, "phq9", "0,0,0,0,0,0,0,0,0")]
    assert needs_psychologist(case)


def test_assessment_refused_follows_the_last_record(demo):
    case = demo("drr_only")
    assert not assessment_refused(case)
    case.consents.append(ConsentRecord("assessment", "withdrawn", "assessment", "1.0.0", "Jo", datetime(2026, 1, 1)))
    assert assessment_refused(case)


@pytest.mark.parametrize("symptoms, referred", [
    ("1,1,1,1", False), ("2,1,0,0", True), ("0,0,1,2", True), ("3,0,0,2", True),
])
def test_psychologist_on_a_positive_phq2_or_gad2_with_an_all_no_checklist(demo, forms, symptoms, referred):
    case = demo("drr_only")
    case.screening = [screen(forms, "mh_screen", "no,no,no,no,no,no,no," + symptoms)]
    assert needs_psychologist(case) is referred


def test_a_version_1_screen_still_refers(demo, forms):
    case = demo("drr_only")
    old = forms.instrument("mh_screen", "1.0.0")
    case.screening = [record_screening(old, answers_from_list(old, "no,no,no,no,no,no,yes".split(",")))]
    assert needs_psychologist(case)
