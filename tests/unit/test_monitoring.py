"""The pseudonymous monitoring record, custody averted by the spec's method, counting and suppression."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from cstr_desk.domain.case import CustodyInView
from cstr_desk.domain.eligibility import decide
from cstr_desk.domain.monitoring import (
    COUNT_LABELS,
    SUPPRESSED,
    MonitoringRecord,
    count_by_month,
    count_records,
    custody_averted,
    last_calendar_month,
    monitoring_record,
    suppressed,
    suppressed_weeks,
    unsuitable_group,
)
from cstr_desk.domain.outcome import Outcome, SentencePassed, as_proposed


def _outcome(case, **sentence):
    base = as_proposed(case)
    return Outcome(category="probation_sentence", hearing_date=case.hearing.hearing_date,
                   sentence=dataclasses.replace(base, **sentence))


@pytest.mark.parametrize(
    ("likelihood", "indicated", "order", "term", "expected"),
    [
        # SSO: the suspended custodial term, whatever the court indicated
        ("custody_possible", None, "suspended_sentence_order", 182, (True, 182)),
        ("custody_indicated", 90, "suspended_sentence_order", 120, (True, 120)),
        # CO with an indicated term: that term
        ("custody_indicated", 84, "community_order", None, (True, 84)),
        # CO without an indicated term: counts without weeks
        ("custody_possible", None, "community_order", None, (True, 0)),
        # custody not in view, or not recorded: nothing averted
        ("not_at_threshold", 84, "suspended_sentence_order", 120, (False, 0)),
        ("", None, "community_order", None, (False, 0)),
    ],
)
def test_custody_averted_follows_the_spec(demo, likelihood, indicated, order, term, expected):
    case = demo("mhtr_only")
    case.custody = CustodyInView(likelihood, indicated)
    outcome = _outcome(case, order_type=order, custodial_term_days=term,
                       order_length_months=12 if order == "community_order" else None)
    assert custody_averted(case, outcome) == expected


def test_no_treatment_requirement_or_custody_outcome_averts_nothing(demo):
    case = demo("drr_only")
    case.custody = CustodyInView("custody_indicated", 120)
    no_requirements = _outcome(case, requirements=[])
    assert custody_averted(case, no_requirements) == (False, 0)
    jailed = Outcome(category="custody", hearing_date=case.hearing.hearing_date,
                     sentence=SentencePassed(order_type="custody", custodial_term_days=120))
    assert custody_averted(case, jailed) == (False, 0)
    assert custody_averted(case, None) == (False, 0)


def test_record_holds_no_identifying_field_or_text(demo, forms):
    case = demo("mhtr_atr_womens_centre")
    record = monitoring_record(case, decide(case, forms.programme), forms.programme, _outcome(case), final=True)
    text = repr(dataclasses.asdict(record))
    for secret in (case.person.family_name, case.person.given_names, case.identifiers.crn,
                   case.identifiers.pnc_id, case.hearing.court, str(case.person.date_of_birth)):
        assert secret and secret not in text
    names = {f.name for f in dataclasses.fields(MonitoringRecord)}
    assert not names & {"name", "crn", "pnc_id", "date_of_birth", "case_id", "court"}
    assert record.woman and record.womens_pathway and record.combined_order
    assert record.month == case.hearing.hearing_date.strftime("%Y-%m")


def test_record_follows_the_outcome(demo, forms):
    case = demo("drr_only")
    decisions = decide(case, forms.programme)
    before = monitoring_record(case, decisions, forms.programme, None, final=True)
    assert before.drr_proposed and not before.drr_imposed and not before.outcome_recorded
    fine = Outcome(category="fine", hearing_date=case.hearing.hearing_date)
    after = monitoring_record(case, decisions, forms.programme, fine, final=True)
    assert after.outcome_recorded and after.outcome_category == "fine" and not after.drr_imposed


def test_counts_and_months():
    a = MonitoringRecord(month="2026-10", screened=True, mhtr_proposed=True, custody_averted=True,
                         custody_averted_days=70, unsuitable_group="engagement", eligible_unsuitable=True)
    b = MonitoringRecord(month="2026-11", screened=True, woman=True, custody_averted=True, custody_averted_days=14)
    c = MonitoringRecord(month="2026-11")
    counts = count_records([a, b, c])
    assert counts.counts["cases"] == 3 and counts.counts["screened"] == 2 and counts.counts["woman"] == 1
    assert counts.counts["custody_averted"] == 2 and counts.custody_averted_weeks == 12.0
    assert counts.unsuitable_groups["engagement"] == 1
    assert set(counts.counts) == set(COUNT_LABELS)
    months = count_by_month([a, b, c])
    assert list(months) == ["2026-10", "2026-11"] and months["2026-11"].counts["cases"] == 2


def test_small_counts_suppressed():
    assert [suppressed(n) for n in (0, 1, 4, 5, 12)] == [SUPPRESSED] * 3 + ["5", "12"]
    few = count_records([MonitoringRecord(month="2026-10", custody_averted=True, custody_averted_days=700)] * 4)
    assert suppressed_weeks(few) == SUPPRESSED
    five = count_records([MonitoringRecord(month="2026-10", custody_averted=True, custody_averted_days=70)] * 5)
    assert suppressed_weeks(five) == "50"


def test_reason_groups_and_default_period():
    assert unsuitable_group("No treatment place until February (waiting list)") == "no_capacity"
    assert unsuitable_group("Has not engaged with services before") == "engagement"
    assert unsuitable_group("An AAMR fits better") == "other_disposal"
    assert unsuitable_group("Moving abroad") == "other"
    assert last_calendar_month(date(2026, 11, 25)) == (date(2026, 10, 1), date(2026, 10, 31))
    assert last_calendar_month(date(2026, 1, 3)) == (date(2025, 12, 1), date(2025, 12, 31))


def test_first_appointment_within_five_working_days_of_sentence(demo, forms):
    from datetime import datetime

    from cstr_desk.domain.calendar import load_bank_holidays
    from cstr_desk.domain.monitoring import first_within_working_days, working_days_after
    from cstr_desk.domain.outcome import FirstAppointment
    from cstr_desk.paths import forms_dir

    holidays = load_bank_holidays(forms_dir() / "programme" / "bank_holidays.toml")
    sentenced = date(2026, 12, 23)  # a Wednesday; Christmas Day and the Boxing Day substitute follow
    assert working_days_after(sentenced, date(2026, 12, 31), holidays) == 4
    assert working_days_after(sentenced, date(2026, 12, 31), {}) == 6
    case = demo("atr_only")
    case.proposal.requirements[0].first_appointment_at = datetime(2026, 12, 31, 10, 0)
    outcome = Outcome("probation_sentence", sentenced, as_proposed(case))
    assert first_within_working_days(case, outcome, holidays)
    assert not first_within_working_days(case, outcome, {})  # six working days if the holidays were worked
    moved = dataclasses.replace(outcome, appointments=[FirstAppointment("ATR", "rearranged", date(2027, 1, 8))])
    assert not first_within_working_days(case, moved, holidays)
    assert not first_within_working_days(case, Outcome("fine", sentenced), holidays)
    record = monitoring_record(case, decide(case, forms.programme), forms.programme, outcome, True, holidays)
    assert record.first_within_5_working_days
