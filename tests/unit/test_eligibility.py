"""Each criterion of each requirement on both sides (met, not met, unknown), combinations and consent."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from cstr_desk.domain.case import Judgement, Unsuitability, record_screening
from cstr_desk.domain.consent import ConsentRecord, withdraw
from cstr_desk.domain.eligibility import accept_suggestion, combination_notes, decide, decide_requirement
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.instruments import answers_from_list
from cstr_desk.domain.proposal import check_proposal


def outcome(case, forms, req):
    return decide_requirement(case, req, forms.programme)


def status(case, forms, req, code):
    return outcome(case, forms, req).criterion(code).status


def evidence(case, forms, req, code):
    """The criterion as the scores show it, with any professional judgement on it taken away."""
    case.judgements = [j for j in case.judgements if j.criterion != code]
    return outcome(case, forms, req).criterion(code)


def set_screen(case, forms, inst_id, codes):
    inst = forms.instruments[inst_id]
    case.screening = [s for s in case.screening if s.instrument_id != inst_id]
    case.screening.append(record_screening(inst, answers_from_list(inst, codes.split(","))))


def test_demo_outcomes(demo, forms):
    expected = {
        "mhtr_only": {"MHTR": "eligible", "DRR": "not_eligible", "ATR": "not_eligible"},
        # No referral from the initial screen and no psychologist: M1 stays unknown, never "not met" (spec s.5).
        "drr_only": {"MHTR": "needs_information", "DRR": "eligible", "ATR": "not_eligible"},
        "atr_only": {"MHTR": "needs_information", "DRR": "not_eligible", "ATR": "eligible"},
        "mhtr_atr_womens_centre": {"MHTR": "eligible", "DRR": "not_eligible", "ATR": "eligible"},
    }
    for name, outcomes in expected.items():
        decisions = decide(demo(name), forms.programme)
        assert {d.requirement: d.outcome for d in decisions} == outcomes, name


def test_demo_proposals_rest_on_recorded_findings_not_scores(demo, forms):
    """Every met A1, D1 and M1 in the demo cases is a professional's judgement, never a score."""
    for name in ("mhtr_only", "drr_only", "atr_only", "mhtr_atr_womens_centre"):
        for d in decide(demo(name), forms.programme):
            for c in d.criteria:
                if c.code in ("A1", "D1", "M1") and c.status == "met":
                    assert c.source == "judgement", (name, c)


# ------------------------------------------------------------------ C1 age when convicted


@pytest.mark.parametrize(
    "dob, expected",
    [(date(2008, 11, 23), "met"), (date(2008, 11, 24), "not_met"), (date(1950, 1, 1), "met"), (None, "unknown")],
)
def test_c1_age_on_the_hearing_date_when_no_conviction_date_is_recorded(demo, forms, dob, expected):
    case = demo("mhtr_only")
    assert case.hearing.conviction_date is None and case.hearing.hearing_date == date(2026, 11, 23)
    case.person.date_of_birth = dob
    assert status(case, forms, "MHTR", "C1") == expected
    if expected == "not_met":
        assert outcome(case, forms, "MHTR").outcome == "not_eligible"


@pytest.mark.parametrize("dob, expected", [
    (date(2008, 3, 1), "met"),        # 18th birthday on the day of conviction
    (date(2008, 3, 2), "not_met"),    # 18 the day after conviction, though 18 by the hearing
])
def test_c1_18th_birthday_against_the_conviction_date_not_the_hearing(demo, forms, dob, expected):
    case = demo("mhtr_only")
    case.hearing.conviction_date = date(2026, 3, 1)  # adjourned for sentence to 23 November 2026
    case.person.date_of_birth = dob
    c = outcome(case, forms, "MHTR").criterion("C1")
    assert c.status == expected
    assert "when convicted (01 March 2026)" in c.reason
    assert case.person.age_on(case.hearing.hearing_date) == 18  # on the hearing date both are adults


def test_age_at_conviction_is_also_the_field_check(demo, forms):
    from cstr_desk.domain.case import validate_case

    case = demo("mhtr_only")
    case.hearing.conviction_date = date(2026, 3, 1)
    case.offences[0].offence_date = date(2026, 1, 10)
    case.person.date_of_birth = date(2008, 3, 2)
    problems = validate_case(case, date(2026, 11, 23))
    assert [p.field for p in problems] == ["person.date_of_birth"]
    assert "17 when convicted" in problems[0].message


@pytest.mark.parametrize("conviction, ok", [
    (date(2026, 11, 23), True), (date(2026, 11, 22), True), (date(2026, 11, 24), False),
])
def test_conviction_cannot_follow_the_hearing(demo, forms, conviction, ok):
    """(and an offence cannot follow the conviction: see test_offence_after_conviction_is_refused)"""
    from cstr_desk.domain.case import validate_case

    case = demo("mhtr_only")
    case.hearing.conviction_date = conviction
    fields = [p.field for p in validate_case(case, date(2026, 11, 30))]
    assert ("hearing.conviction_date" not in fields) is ok


# ------------------------------------------------------------------ C2 order


@pytest.mark.parametrize(
    "order, imprisonable, expected",
    [
        ("suspended_sentence_order", [None], "met"),
        ("community_order", [True], "met"),
        ("community_order", [False, True], "met"),
        ("community_order", [False], "not_met"),
        ("community_order", [None], "unknown"),
        (None, [True], "unknown"),
    ],
)
def test_c2_order(demo, forms, order, imprisonable, expected):
    case = demo("mhtr_only")
    case.sentence.order_type = order
    case.offences = [dataclasses.replace(case.offences[0], imprisonable=i) for i in imprisonable]
    assert status(case, forms, "MHTR", "C2") == expected


# ------------------------------------------------------------------ C3 arrangements


@pytest.mark.parametrize("change, expected", [
    ({}, "met"),
    ({"capacity_confirmed": False}, "unknown"),
    ({"provider_id": "nowhere"}, "unknown"),
    ({"provider_id": "mk_drug_alcohol"}, "unknown"),  # does not deliver MHTR
])
def test_c3_arrangements(demo, forms, change, expected):
    case = demo("mhtr_only")
    case.proposal.requirements[0] = dataclasses.replace(case.proposal.requirements[0], **change)
    assert status(case, forms, "MHTR", "C3") == expected


def test_c3_unknown_when_not_proposed(demo, forms):
    case = demo("mhtr_only")
    case.proposal.requirements = []
    assert status(case, forms, "MHTR", "C3") == "unknown"
    assert outcome(case, forms, "MHTR").outcome == "needs_information"


# ------------------------------------------------------------------ C4 willingness


def _willingness(req, state, hour=14):
    return ConsentRecord("willingness", state, f"willingness_{req.lower()}", "1.0.0", "Officer", datetime(2026, 11, 23, hour), "verbal", requirement=req)


@pytest.mark.parametrize("req, name", [("MHTR", "mhtr_only"), ("DRR", "drr_only"), ("ATR", "atr_only")])
def test_c4_refused_makes_not_eligible(demo, forms, req, name):
    case = demo(name)
    assert outcome(case, forms, req).outcome == "eligible"
    case.consents.append(_willingness(req, "refused"))
    d = outcome(case, forms, req)
    assert d.criterion("C4").status == "not_met" and d.outcome == "not_eligible"
    assert "not willing" in d.criterion("C4").reason


@pytest.mark.parametrize("req, name", [("MHTR", "mhtr_only"), ("DRR", "drr_only"), ("ATR", "atr_only")])
def test_c4_missing_is_never_eligible(demo, forms, req, name):
    case = demo(name)
    case.consents = [c for c in case.consents if c.kind != "willingness"]
    d = outcome(case, forms, req)
    assert d.criterion("C4").status == "unknown" and d.outcome == "needs_information"


def test_c4_withdrawn_is_a_new_record_and_wins(demo, forms):
    case = demo("mhtr_only")
    given = next(c for c in case.consents if c.kind == "willingness")
    case.consents.append(withdraw(given, by="Officer", at=datetime(2026, 11, 23, 15)))
    assert given in case.consents, "the original record is kept"
    d = outcome(case, forms, "MHTR")
    assert d.criterion("C4").status == "not_met" and "withdrew" in d.criterion("C4").reason
    # A later re-consent is another new record and wins again.
    case.consents.append(_willingness("MHTR", "given", hour=16))
    assert outcome(case, forms, "MHTR").outcome == "eligible"


def test_willingness_is_per_requirement(demo, forms):
    case = demo("mhtr_atr_womens_centre")
    case.consents.append(_willingness("ATR", "refused"))
    decisions = {d.requirement: d for d in decide(case, forms.programme)}
    assert decisions["MHTR"].outcome == "eligible"
    assert decisions["ATR"].outcome == "not_eligible"


# ------------------------------------------------------------------ MHTR


@pytest.mark.parametrize("phq, gad, expected, suggested", [
    ("2,2,2,2,1,2,1,2,0", "0,0,0,0,0,0,0", "unknown", "met"),   # PHQ-9 14: indicated, the psychologist decides
    ("1,1,1,1,1,1,2,2,0", "0,0,0,0,0,0,0", "unknown", "met"),   # PHQ-9 exactly 10
    ("1,1,1,1,1,1,2,1,0", "1,1,1,1,1,1,3", "unknown", ""),      # PHQ-9 9 and GAD-7 9: never "not met"
    ("1,1,1,1,1,1,1,1,0", "1,1,1,1,1,1,1", "unknown", ""),      # 8 and 7
    ("1,1,1,1,1,1,1,1,0", "2,2,2,1,1,1,1", "unknown", "met"),   # GAD-7 exactly 10
    ("1,1,1,1,1,1,1,1,0", "", "unknown", ""),                   # GAD-7 not done
    ("1,1,1,1,1,1,1,1,", "", "unknown", ""),                    # incomplete PHQ-9 is no evidence
])
def test_m1_scores_are_evidence_never_the_finding(demo, forms, phq, gad, expected, suggested):
    case = demo("mhtr_only")
    case.screening = [s for s in case.screening if s.instrument_id not in ("phq9", "gad7")]
    set_screen(case, forms, "phq9", phq)
    if gad:
        set_screen(case, forms, "gad7", gad)
    c = evidence(case, forms, "MHTR", "M1")
    assert (c.status, c.suggested, c.source) == (expected, suggested, "evidence")


@pytest.mark.parametrize("phq_total, gad_total, suggested", [(9, 9, ""), (10, 9, "met"), (9, 10, "met")])
def test_m1_boundary_9_10(demo, forms, phq_total, gad_total, suggested):
    from tests.unit.test_instruments import answers_for_total

    case = demo("mhtr_only")
    case.screening = [s for s in case.screening if s.instrument_id not in ("phq9", "gad7")]
    for inst_id, total in (("phq9", phq_total), ("gad7", gad_total)):
        case.screening.append(record_screening(forms.instruments[inst_id],
                                               answers_for_total(forms.instruments[inst_id], total)))
    c = evidence(case, forms, "MHTR", "M1")
    assert c.status == "unknown" and c.suggested == suggested
    if not suggested:
        assert "do not rule a condition out" in c.reason


def test_m1_negative_initial_screen_is_no_referral_and_leaves_m1_unknown(demo, forms):
    case = demo("drr_only")
    c = outcome(case, forms, "MHTR").criterion("M1")
    assert c.status == "unknown" and "made no referral" in c.reason and "not a validated instrument" in c.reason
    case.screening = [s for s in case.screening if s.instrument_id != "mh_screen"]
    assert status(case, forms, "MHTR", "M1") == "unknown"


def test_m1_accepting_the_suggestion_is_one_action_that_makes_a_judgement(demo, forms):
    case = demo("mhtr_only")
    c = evidence(case, forms, "MHTR", "M1")
    assert c.suggested == "met" and c.suggested_reason
    judgement = accept_suggestion(c, "Priya Shah", "assistant_psychologist")
    assert (judgement.criterion, judgement.finding, judgement.by) == ("M1", "met", "Priya Shah")
    case.judgements.append(judgement)
    after = outcome(case, forms, "MHTR").criterion("M1")
    assert after.status == "met" and after.source == "judgement" and "Priya Shah" in after.reason


def test_nothing_to_accept_without_a_suggestion(demo, forms):
    case = demo("drr_only")
    c = outcome(case, forms, "MHTR").criterion("M1")
    with pytest.raises(ValidationError, match="no suggested finding"):
        accept_suggestion(c, "Priya Shah", "assistant_psychologist")


def test_m1_judgement_wins_over_scores_with_reason(demo, forms):
    case = demo("mhtr_only")
    case.judgements.append(Judgement("M1", "not_met", "Symptoms are a normal reaction to a recent bereavement.", "Priya Shah"))
    c = outcome(case, forms, "MHTR").criterion("M1")
    assert c.status == "not_met" and c.source == "judgement" and "bereavement" in c.reason


def test_m1_exclusion_needs_judgement_and_route_is_explained(demo, forms):
    case = demo("mhtr_only")
    case.mental_health.exclusions = ["secondary_care_severe"]
    c = evidence(case, forms, "MHTR", "M1")
    assert c.status == "unknown" and c.suggested == ""
    d = outcome(case, forms, "MHTR")
    assert any("secondary-care MHTR" in n and "not a statutory bar" in n for n in d.notes)


@pytest.mark.parametrize("warranted, exclusions, expected", [
    (False, [], "met"), (True, [], "not_met"), (None, [], "unknown"), (False, ["hospital_order_warranted"], "not_met"),
])
def test_m2_hospital_order(demo, forms, warranted, exclusions, expected):
    case = demo("mhtr_only")
    case.mental_health.hospital_order_warranted = warranted
    case.mental_health.exclusions = exclusions
    assert status(case, forms, "MHTR", "M2") == expected


@pytest.mark.parametrize("change, expected", [({}, "met"), ({"practitioner": ""}, "unknown"), ({"treatment_kind": "residential"}, "unknown")])
def test_m3_practitioner(demo, forms, change, expected):
    case = demo("mhtr_only")
    case.proposal.requirements[0] = dataclasses.replace(case.proposal.requirements[0], **change)
    assert status(case, forms, "MHTR", "M3") == expected


# ------------------------------------------------------------------ DRR


@pytest.mark.parametrize("dast, opiates, drugs, expected, suggested", [
    ("no,no,yes,no,no,no,no,no,no,no", False, "", "not_met", ""),          # 0 and no drug use reported
    ("no,no,yes,no,no,no,no,no,no,no", None, "", "not_met", ""),
    ("no,no,yes,no,no,no,no,no,no,no", False, "cannabis most evenings", "unknown", ""),  # 0, but use reported
    ("yes,no,no,no,no,no,no,no,no,no", False, "", "unknown", ""),          # 2: needs judgement
    ("yes,yes,no,no,no,no,no,no,no,no", False, "", "unknown", "met"),      # 3: indicated, unknown until judged
    ("no,no,yes,no,no,no,no,no,no,no", True, "", "unknown", "met"),        # 0, but regular opiate use
    ("", None, "", "unknown", ""),
    ("", True, "heroin", "unknown", "met"),
])
def test_d1_dast10_is_evidence_never_the_finding(demo, forms, dast, opiates, drugs, expected, suggested):
    case = demo("drr_only")
    case.screening = [s for s in case.screening if s.instrument_id != "dast10"]
    if dast:
        set_screen(case, forms, "dast10", dast)
    case.substance_use.regular_opiate_or_crack_use = opiates
    case.substance_use.drugs_used = drugs
    c = evidence(case, forms, "DRR", "D1")
    assert (c.status, c.suggested) == (expected, suggested)


@pytest.mark.parametrize("named, recorded, expected", [
    ("heroin and crack cocaine (Class A)", "", "met"),
    ("", "", "unknown"),
    ("  ", " ", "unknown"),
    ("", "Heroin daily", "met"),        # the drug use the officer recorded names it
])
def test_d1_met_needs_a_named_controlled_drug(demo, forms, named, recorded, expected):
    case = demo("drr_only")
    case.substance_use.drugs_used = recorded
    case.judgements = [j for j in case.judgements if j.criterion != "D1"]
    case.judgements.append(Judgement("D1", "met", "DAST-10 8, daily use.", "Jo Adeyemi", "duty_officer", named))
    c = outcome(case, forms, "DRR").criterion("D1")
    assert c.status == expected and c.source == "judgement"
    if expected == "met":
        assert ("Controlled drug(s): heroin and crack cocaine (Class A)." in c.reason if named
                else "Drugs recorded: Heroin daily." in c.reason)
    else:
        assert "Misuse of Drugs Act 1971" in c.reason
        assert outcome(case, forms, "DRR").outcome == "needs_information"


def test_d1_accepting_the_suggestion_must_name_the_drug(demo, forms):
    case = demo("drr_only")
    c = evidence(case, forms, "DRR", "D1")
    assert c.suggested == "met"
    with pytest.raises(ValidationError, match="controlled drug"):
        accept_suggestion(c, "Jo Adeyemi", "duty_officer")
    judgement = accept_suggestion(c, "Jo Adeyemi", "duty_officer", controlled_drugs="heroin")
    case.judgements.append(judgement)
    assert outcome(case, forms, "DRR").criterion("D1").status == "met"


def test_d1_not_met_judgement_needs_no_drug(demo, forms):
    case = demo("drr_only")
    case.judgements.append(Judgement("D1", "not_met", "Uses only prescribed codeine as directed.", "Jo Adeyemi"))
    assert status(case, forms, "DRR", "D1") == "not_met"


@pytest.mark.parametrize("judgement, expected", [(None, "unknown"), ("met", "met"), ("not_met", "not_met")])
def test_d2_needs_professional_judgement(demo, forms, judgement, expected):
    case = demo("drr_only")
    case.judgements = [Judgement("D2", judgement, "Assessed with the provider.")] if judgement else []
    assert status(case, forms, "DRR", "D2") == expected


@pytest.mark.parametrize("recommends, expected", [(True, "met"), (False, "unknown")])
def test_d3_officer_recommendation(demo, forms, recommends, expected):
    case = demo("drr_only")
    case.proposal.requirements[0].officer_recommends = recommends
    assert status(case, forms, "DRR", "D3") == expected


@pytest.mark.parametrize("change, expected", [
    ({}, "met"), ({"testing_arrangements": ""}, "unknown"), ({"treatment_intervals": ""}, "unknown"),
    ({"treatment_kind": "residential", "treatment_intervals": ""}, "met"),
    ({"place": ""}, "unknown"),                                         # non-resident needs the place too
    ({"treatment_kind": "residential", "treatment_intervals": "", "place": " "}, "unknown"),
])
def test_d4_testing(demo, forms, change, expected):
    case = demo("drr_only")
    case.proposal.requirements[0] = dataclasses.replace(case.proposal.requirements[0], **change)
    assert status(case, forms, "DRR", "D4") == expected


@pytest.mark.parametrize("length, review, interval, expected", [
    (12, False, None, "met"),
    (13, False, None, "not_met"),
    (18, True, 1, "met"),
    (18, True, 0, "not_met"),
    (18, True, None, "unknown"),
    (None, False, None, "unknown"),
])
def test_d5_court_review(demo, forms, length, review, interval, expected):
    case = demo("drr_only")
    case.proposal.requirements[0] = dataclasses.replace(
        case.proposal.requirements[0], length_months=length, court_review=review, review_interval_months=interval)
    assert status(case, forms, "DRR", "D5") == expected


def test_d5_review_text_names_the_provider_views_and_review_without_hearing(demo, forms):
    c = outcome(demo("drr_only"), forms, "DRR").criterion("D5")
    assert c.status == "met"
    assert "treatment provider's views" in c.reason and "without a hearing" in c.reason


def test_drr_over_12_months_without_review_is_refused_with_reason(demo, forms):
    case = demo("drr_only")
    case.proposal.requirements[0].court_review = False
    problems = check_proposal(case, decide(case, forms.programme), forms.programme)
    assert any(p.field.endswith("court_review") and "must provide for review" in p.message for p in problems)


# ------------------------------------------------------------------ ATR


def _audit(total: int, items_4_to_6: tuple[int, int, int]) -> str:
    """AUDIT answers with items 4-6 as given and the rest filled (items 1-3, 7-8 up to 4, 9-10 in 0/2/4)."""
    rest = total - sum(items_4_to_6)
    assert rest >= 0
    scores = [0] * 10
    scores[3:6] = items_4_to_6
    for i in (0, 1, 2, 6, 7, 8, 9):
        step = 4 if i < 8 else (4 if rest >= 4 else 2 if rest >= 2 else 0)
        scores[i] = min(step, rest)
        rest -= scores[i]
    assert rest == 0 and all(s in (0, 2, 4) for s in scores[8:]), scores
    return ",".join(str(s) for s in scores)


@pytest.mark.parametrize("total, items, expected, suggested", [
    (20, (1, 1, 1), "unknown", "met"),     # possible dependence: confirm with the alcohol service
    (19, (1, 1, 1), "unknown", ""),        # higher risk: judgement
    (16, (1, 1, 1), "unknown", ""),
    (15, (1, 1, 1), "not_met", ""),        # below 16, items 4-6 all below 2: not indicated
    (15, (2, 1, 1), "unknown", ""),        # below 16, item 4 at 2: WHO says dependence signs, judgement
    (15, (1, 1, 2), "unknown", ""),        # item 6 at 2
    (15, (1, 2, 1), "unknown", ""),        # item 5 at 2
    (8, (0, 0, 0), "not_met", ""),
])
def test_a1_audit_boundaries_with_items_4_to_6(demo, forms, total, items, expected, suggested):
    case = demo("atr_only")
    set_screen(case, forms, "audit", _audit(total, items))
    assert case.latest_screening("audit").total == total
    c = evidence(case, forms, "ATR", "A1")
    assert (c.status, c.suggested, c.source) == (expected, suggested, "evidence")
    if total >= 20:
        assert "further diagnostic evaluation" in c.reason


@pytest.mark.parametrize("audit_c, expected", [
    ("1,1,2", "not_met"),    # AUDIT-C 4: negative screen
    ("2,2,1", "unknown"),    # AUDIT-C 5: positive, the full AUDIT not done
    (None, "unknown"),
])
def test_a1_from_audit_c_alone(demo, forms, audit_c, expected):
    case = demo("atr_only")
    case.screening = [s for s in case.screening if s.instrument_id not in ("audit", "audit_c")]
    if audit_c:
        set_screen(case, forms, "audit_c", audit_c)
    c = evidence(case, forms, "ATR", "A1")
    assert c.status == expected
    assert "complete the full AUDIT" not in c.reason  # the annex states facts, not instructions


@pytest.mark.parametrize("total, items, judged, aamr", [
    (15, (1, 1, 1), None, True),          # increasing risk, not met by evidence
    (8, (0, 0, 0), None, True),           # 8 is increasing risk
    (7, (0, 0, 0), None, False),          # lower risk: no pointer
    (17, (1, 1, 1), "not_met", True),     # higher risk, a professional judged not dependent
    (17, (1, 1, 1), None, False),         # unknown: no pointer yet
    (17, (1, 1, 1), "met", False),
    (24, (2, 2, 2), "not_met", False),    # possible-dependence band: not the AAMR bands
])
def test_aamr_pointer_whenever_a1_ends_not_met_with_harmful_drinking(demo, forms, total, items, judged, aamr):
    case = demo("atr_only")
    set_screen(case, forms, "audit", _audit(total, items))
    case.judgements = [j for j in case.judgements if j.criterion != "A1"]
    if judged:
        case.judgements.append(Judgement("A1", judged, "Assessed with the alcohol service.", "Jo Adeyemi"))
    d = outcome(case, forms, "ATR")
    assert any("AAMR" in n for n in d.notes) is aamr


def test_a1_harmful_not_dependent_points_to_aamr(demo, forms):
    case = demo("atr_only")
    case.judgements = [j for j in case.judgements if j.criterion != "A1"]
    set_screen(case, forms, "audit", "4,4,4,1,1,1,0,0,0,0")
    d = outcome(case, forms, "ATR")
    assert d.outcome == "not_eligible" and any("AAMR" in n for n in d.notes)


def test_a1_judgement_settles_higher_risk_band(demo, forms):
    case = demo("atr_only")
    set_screen(case, forms, "audit", "4,4,4,4,3,0,0,0,0,0")
    case.judgements.append(Judgement("A1", "met", "Withdrawal symptoms on most mornings."))
    assert status(case, forms, "ATR", "A1") == "met"
    assert outcome(case, forms, "ATR").outcome == "eligible"


@pytest.mark.parametrize("judgement, expected", [(None, "unknown"), ("met", "met"), ("not_met", "not_met")])
def test_a2_needs_professional_judgement(demo, forms, judgement, expected):
    case = demo("atr_only")
    case.judgements = [Judgement("A2", judgement, "Assessed with the provider.")] if judgement else []
    assert status(case, forms, "ATR", "A2") == expected


@pytest.mark.parametrize("change, expected", [({}, "met"), ({"practitioner": " "}, "unknown"), ({"provider_id": "x"}, "unknown")])
def test_a3_practitioner(demo, forms, change, expected):
    case = demo("atr_only")
    case.proposal.requirements[0] = dataclasses.replace(case.proposal.requirements[0], **change)
    assert status(case, forms, "ATR", "A3") == expected


def test_a3_calls_the_supervising_person_the_treatment_director(demo, forms):
    c = outcome(demo("atr_only"), forms, "ATR").criterion("A3")
    assert "treatment director" in c.title and "treatment director: " in c.reason


# ------------------------------------------------------------------ unsuitable, combinations, proposals


def test_eligible_but_unsuitable_is_recorded_with_reason(demo, forms):
    case = demo("atr_only")
    case.proposal.requirements = []
    case.consents = [c for c in case.consents if c.kind != "willingness"]
    case.unsuitable.append(Unsuitability("ATR", "He is starting a residential job away from the area next month.", "Officer"))
    d = outcome(case, forms, "ATR")
    assert d.outcome == "eligible_unsuitable"
    assert d.unsuitable_reason.startswith("He is starting")
    assert any("Eligible but not proposed" in n for n in d.notes)


def test_unsuitable_does_not_hide_a_statutory_bar(demo, forms):
    case = demo("atr_only")
    case.person.date_of_birth = date(2010, 1, 1)
    case.unsuitable.append(Unsuitability("ATR", "Not suitable."))
    assert outcome(case, forms, "ATR").outcome == "not_eligible"


def test_proposing_a_not_eligible_requirement_is_refused(demo, forms):
    case = demo("mhtr_only")
    req = dataclasses.replace(case.proposal.requirements[0], requirement="ATR", treatment_kind="practitioner",
                              provider_id="mk_drug_alcohol")
    case.proposal.requirements.append(req)
    case.proposal.sequencing = "concurrent"
    problems = check_proposal(case, decide(case, forms.programme), forms.programme)
    assert any("ATR cannot be proposed because it is not eligible" in p.message for p in problems)


@pytest.mark.parametrize("length, order_length, ok", [(12, 12, True), (13, 12, False)])
def test_requirement_cannot_outlast_order(demo, forms, length, order_length, ok):
    case = demo("mhtr_only")
    case.sentence.order_length_months = order_length
    case.proposal.requirements[0].length_months = length
    problems = check_proposal(case, decide(case, forms.programme), forms.programme)
    assert (not any("past the end of the order" in p.message for p in problems)) is ok


def test_community_order_ends_within_three_years(demo, forms):
    from cstr_desk.domain.proposal import check_order

    case = demo("mhtr_only")
    case.sentence.order_length_months = 36
    assert check_order(case) == []
    case.sentence.order_length_months = 37
    assert any("3 years" in p.message for p in check_order(case))


def test_sso_limits(demo, forms):
    from cstr_desk.domain.proposal import check_order

    case = demo("drr_only")
    assert check_order(case) == []
    case.sentence.custodial_term_days = 13
    case.sentence.operational_period_months = 37
    case.sentence.supervision_period_months = 38
    fields = {p.field for p in check_order(case)}
    assert fields == {"sentence.custodial_term_days", "sentence.operational_period_months", "sentence.supervision_period_months"}


def test_dual_diagnosis_combination_notes(demo, forms):
    case = demo("mhtr_atr_womens_centre")
    decisions = decide(case, forms.programme)
    assert check_proposal(case, decisions, forms.programme) == []
    notes = combination_notes(case, decisions)
    assert any("Dual diagnosis" in n and "same time" in n for n in notes)
    case.proposal.sequencing = ""
    assert any(p.field == "proposal.sequencing" for p in check_proposal(case, decisions, forms.programme))


def test_drr_with_atr_needs_a_lead_provider(demo, forms):
    case = demo("drr_only")
    atr = demo("atr_only")
    case.screening += [s for s in atr.screening if s.instrument_id in ("audit", "audit_c")]
    case.screening = [s for s in case.screening if not (s.instrument_id == "audit_c" and s.total == 2)]
    case.judgements += atr.judgements
    case.consents += [c for c in atr.consents if c.kind == "willingness"]
    case.proposal.requirements.append(dataclasses.replace(atr.proposal.requirements[0], length_months=9))
    case.proposal.sequencing = "concurrent"
    decisions = decide(case, forms.programme)
    assert {d.requirement: d.outcome for d in decisions}["ATR"] == "eligible"
    problems = check_proposal(case, decisions, forms.programme)
    assert [p.field for p in problems] == ["proposal.lead_requirement"]
    case.proposal.lead_requirement = "DRR"
    assert check_proposal(case, decisions, forms.programme) == []
    assert any("The DRR provider leads" in n for n in combination_notes(case, decisions))


def test_women_only_provider_refused_for_a_man(demo, forms):
    case = demo("mhtr_only")
    case.proposal.requirements[0].provider_id = "mk_womens_centre"
    problems = check_proposal(case, decide(case, forms.programme), forms.programme)
    assert any("women-only" in p.message for p in problems)


def test_womens_pathway_default_provider(forms):
    assert forms.programme.default_provider("MHTR", "female").id == "mk_womens_centre"
    assert forms.programme.default_provider("MHTR", "male").id == "mk_primary_psychology"
    assert forms.programme.default_provider("ATR", "female").id == "mk_womens_centre"


def test_primary_care_exclusion_refuses_primary_care_provider(demo, forms):
    case = demo("mhtr_only")
    case.mental_health.exclusions = ["secondary_care_severe"]
    case.judgements.append(Judgement("M1", "met", "Known to the CMHT with bipolar disorder; stable and willing."))
    problems = check_proposal(case, decide(case, forms.programme), forms.programme)
    assert any("secondary-care provider" in p.message for p in problems)


def test_m1_one_below_threshold_is_unknown_not_not_met(demo, forms):
    case = demo("mhtr_only")
    set_screen(case, forms, "phq9", "1,1,1,1,1,1,1,2,0")  # 9
    set_screen(case, forms, "gad7", "1,1,1,1,1,1,3")  # 9
    assert evidence(case, forms, "MHTR", "M1").status == "unknown"


def test_offence_after_conviction_is_refused(demo):
    from cstr_desk.domain.case import validate_case

    case = demo("mhtr_only")
    case.hearing.conviction_date = date(2026, 10, 1)  # the demo's offence was on 2 October 2026
    assert [p.field for p in validate_case(case, date(2026, 11, 23))] == ["offences[0].offence_date"]
