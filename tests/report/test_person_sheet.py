"""The person's sheet: one page at 12 pt or more, plain words, English and Welsh, every appointment in date order,
what a suspended sentence and a DRR mean for this person, and who to call. Read back from the real PDF."""

from __future__ import annotations

import copy
import dataclasses
import io
from datetime import datetime

import pytest
from pypdf import PdfReader

from cstr_desk.domain.sheet import (
    PersonSheet,
    build_person_sheet,
    load_plain_words,
    load_sheet_texts,
    plain_words_problems,
)
from cstr_desk.paths import resources_dir
from cstr_desk.report.person_sheet import render_person_sheet
from tests.report.pdftext import pages, squash
from tests.unit.conftest import DEMOS, FORMS

WHEN = datetime(2026, 11, 23, 14, 0)
FOLDER = resources_dir() / "person_sheet"
PLAIN = load_plain_words(FOLDER)


def sheet(case, lang) -> PersonSheet:
    return build_person_sheet(case, FORMS, load_sheet_texts(FOLDER, lang), WHEN)


def sheet_pdf(case, lang, large_print=False):
    return render_person_sheet(sheet(case, lang), large_print=large_print)


def font_sizes(pdf: bytes) -> list[tuple[float, str]]:
    """(size in points, text) of every run of text drawn on every page."""
    found: list[tuple[float, str]] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        def visit(text, cm, tm, font, size):
            if text.strip():
                found.append((size * abs(tm[3]) * abs(cm[3] or 1), text.strip()))
        page.extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("name", sorted(DEMOS))
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_sheet_is_one_page_at_twelve_points_with_everything_the_person_needs(name, lang):
    case = DEMOS[name]
    texts = load_sheet_texts(FOLDER, lang)
    pdf = sheet_pdf(case, lang)
    out = pages(pdf)
    assert len(out) == 1
    footer = squash(texts["footer"])
    small = [(size, text) for size, text in font_sizes(pdf) if size < 12 and squash(text) not in footer
             and text not in ("1 / 1",)]
    assert not small, small[:5]
    text = squash(out[0])
    assert squash(case.person.full_name) in text
    for req in case.proposal.requirements:
        assert squash(texts["requirements"][req.requirement]["name"]) in text
        assert squash(FORMS.programme.provider(req.provider_id).phone) in text
    assert squash(FORMS.programme.probation_phone) in text and squash(FORMS.programme.probation_office) in text
    assert squash(texts["missed_heading"]) in text and squash(texts["appointments_heading"]) in text


@pytest.mark.parametrize("lang,expected", [
    ("en", ("Friday 27 November 2026, 10:00: Mental health treatment", "Friday 27 November 2026, 11:00: Alcohol treatment")),
    ("cy", ("Dydd Gwener 27 Tachwedd 2026, 10:00: Triniaeth iechyd meddwl",
            "Dydd Gwener 27 Tachwedd 2026, 11:00: Triniaeth alcohol")),
])
def test_combined_sheet_lists_both_appointments_in_date_order(lang, expected):
    text = squash(pages(sheet_pdf(DEMOS["mhtr_atr_womens_centre"], lang))[0])
    first, second = (squash(e) for e in expected)
    assert first in text and second in text
    assert text.index(first) < text.index(second)
    assert squash("Dr B. Example, Women's Centre (one-stop shop)") in text  # who they will see


def test_appointments_sort_by_date_not_by_order_of_entry():
    case = copy.deepcopy(DEMOS["mhtr_atr_womens_centre"])
    mhtr, atr = case.proposal.requirements
    case.proposal.requirements = [dataclasses.replace(mhtr, first_appointment_at=datetime(2026, 12, 2, 9, 0)), atr]
    text = squash(pages(sheet_pdf(case, "en"))[0])
    assert text.index(squash("11:00: Alcohol treatment")) < text.index(squash("09:00: Mental health treatment"))
    case.proposal.requirements = [dataclasses.replace(mhtr, first_appointment_at=None), atr]
    text = squash(pages(sheet_pdf(case, "en"))[0])
    assert squash("Mental health treatment: the date is not booked yet.") in text


@pytest.mark.parametrize("lang,word", [("en", "prison"), ("cy", "carchar")])
def test_suspended_sentence_sheet_says_prison_is_possible(lang, word):
    assert DEMOS["drr_only"].sentence.order_type == "suspended_sentence_order"
    assert word in pages(sheet_pdf(DEMOS["drr_only"], lang))[0]
    assert DEMOS["mhtr_only"].sentence.order_type == "community_order"
    assert word not in pages(sheet_pdf(DEMOS["mhtr_only"], lang))[0]


def test_drr_sheet_says_whether_and_how_often_this_person_goes_back_to_court_and_is_tested():
    text = squash(pages(sheet_pdf(DEMOS["drr_only"], "en"))[0])
    assert squash("You will go back to court every month") in text
    assert squash("How often: Oral fluid or urine samples as directed by the treatment director, at least weekly.") in text
    assert squash("How often you go: twice a week for the first 12 weeks, then weekly.") in text
    assert "longer than 12 months" not in text
    case = copy.deepcopy(DEMOS["drr_only"])
    case.proposal.requirements = [dataclasses.replace(r, court_review=False, review_interval_months=None,
                                                      length_months=9) for r in case.proposal.requirements]
    text = squash(pages(sheet_pdf(case, "en"))[0])
    assert squash("The court has not asked to see you again at set times.") in text
    assert squash("go back to court every") not in text
    case.proposal.requirements = [dataclasses.replace(r, court_review=True, review_interval_months=2)
                                  for r in case.proposal.requirements]
    assert squash("Byddwch chi'n mynd yn ôl i'r llys bob 2 mis") in squash(pages(sheet_pdf(case, "cy"))[0])


@pytest.mark.parametrize("name", sorted(DEMOS))
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_every_demo_sheet_passes_the_plain_words_check(name, lang):
    assert plain_words_problems(sheet(DEMOS[name], lang), PLAIN) == []


def test_plain_words_check_catches_jargon_long_sentences_and_unexplained_words():
    case = copy.deepcopy(DEMOS["drr_only"])
    case.proposal.requirements = [dataclasses.replace(
        r, testing_arrangements="as the responsible officer directs under the wrap-around protocol")
        for r in case.proposal.requirements]
    problems = plain_words_problems(sheet(case, "en"), PLAIN)
    assert any("'wrap-around'" in p for p in problems) and any("'responsible officer'" in p for p in problems)
    long_one = dataclasses.replace(sheet(DEMOS["mhtr_only"], "en"), intro=" ".join(["word"] * 30) + ".")
    assert any("30 words" in p for p in plain_words_problems(long_one, PLAIN))
    unexplained = dataclasses.replace(sheet(DEMOS["mhtr_only"], "en"), intro="Your requirement starts soon.")
    assert any("first used without its explanation" in p for p in plain_words_problems(unexplained, PLAIN))


@pytest.mark.parametrize("name", sorted(DEMOS))
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_large_print_is_sixteen_points_on_at_most_two_pages(name, lang):
    texts = load_sheet_texts(FOLDER, lang)
    pdf = sheet_pdf(DEMOS[name], lang, large_print=True)
    out = pages(pdf)
    assert 1 <= len(out) <= 2
    body = [size for size, text in font_sizes(pdf) if squash(text) not in squash(texts["footer"] + " · "
                                                                                    + texts["large_print_note"])
            and "/" not in text]
    assert body and min(body) >= 16
    assert squash(texts["large_print_note"]) in squash(out[0])


def test_welsh_sheet_uses_welsh_dates_and_words():
    text = squash(pages(sheet_pdf(DEMOS["mhtr_atr_womens_centre"], "cy"))[0])
    assert squash("Triniaeth iechyd meddwl") in text
    assert squash("Os byddwch chi'n colli apwyntiadau") in text
    assert squash("Y gwasanaeth prawf: Milton Keynes Probation Office, 01908 000 010.") in text


def test_sheet_with_nothing_proposed_says_so():
    case = copy.deepcopy(DEMOS["mhtr_only"])
    case.proposal.requirements = []
    assert squash("No treatment has been asked for in your case.") in squash(pages(sheet_pdf(case, "en"))[0])


def test_sheet_same_input_same_bytes():
    assert sheet_pdf(DEMOS["drr_only"], "cy") == sheet_pdf(copy.deepcopy(DEMOS["drr_only"]), "cy")
    assert sheet_pdf(DEMOS["drr_only"], "en", True) == sheet_pdf(copy.deepcopy(DEMOS["drr_only"]), "en", True)


def test_unknown_language_refused():
    with pytest.raises(ValueError, match="en, cy"):
        load_sheet_texts(FOLDER, "fr")


def test_sheet_text_is_data_not_code_and_welsh_carries_the_translator_note():
    for lang in ("en", "cy"):
        texts = load_sheet_texts(FOLDER, lang)
        assert texts["lang"] == lang and texts["version"]
    assert "qualified Welsh translator" in load_sheet_texts(FOLDER, "cy")["translation_note"]
