"""The after-sentence sheet for the person, in English and Welsh, read back from the PDF."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from cstr_desk.domain.outcome import FirstAppointment, Outcome, as_proposed
from cstr_desk.domain.outcome_sheet import build_after_sentence_sheet, load_after_sentence_texts
from cstr_desk.paths import resources_dir
from cstr_desk.report.person_sheet import render_person_sheet
from tests.report.pdftext import body_text, squash

WHEN = datetime(2026, 11, 23, 16)


def sheet_text(case, outcome, forms, lang):
    texts = load_after_sentence_texts(resources_dir() / "person_sheet", lang)
    return squash(body_text(render_person_sheet(build_after_sentence_sheet(case, outcome, forms, texts, WHEN))))


def test_after_sentence_sheet_says_what_was_ordered_every_first_appointment_and_who_to_call(demo, forms):
    case = demo("mhtr_atr_womens_centre")
    case.person.family_name = "O'Neill <&>"
    sentence = as_proposed(case)
    atr = dataclasses.replace(sentence.requirements[1], length_months=9)
    outcome = Outcome("probation_sentence", case.hearing.hearing_date,
                      dataclasses.replace(sentence, requirements=[sentence.requirements[0], atr]),
                      appointments=[FirstAppointment("ATR", "rearranged", date(2026, 12, 2))])
    text = sheet_text(case, outcome, forms, "en")
    centre = forms.programme.provider("mk_womens_centre")
    for expected in ("What the court ordered", "A community order for 12 months.", "Siân O'Neill <&>",
                     "Mental health treatment", "It lasts 9 months.",  # the sheet's plain words
                     "Mental health treatment: Friday 27 November 2026, 10:00",
                     "Alcohol treatment: Wednesday 2 December 2026", centre.phone):
        assert squash(expected) in text, expected
    welsh = sheet_text(case, outcome, forms, "cy")
    assert squash("Beth orchmynnodd y llys") in welsh and squash("Gorchymyn cymunedol am 12 mis.") in welsh
    assert squash("Dydd Mercher 2 Rhagfyr 2026") in welsh


def test_sso_wording_and_no_sheet_without_a_requirement(demo, forms):
    case = demo("drr_only")
    outcome = Outcome("probation_sentence", case.hearing.hearing_date, as_proposed(case))
    text = sheet_text(case, outcome, forms, "en")
    assert squash("a prison sentence of 120 days, suspended for 18 months") in text
    with pytest.raises(ValueError):
        sheet_text(case, Outcome("fine", case.hearing.hearing_date), forms, "en")
