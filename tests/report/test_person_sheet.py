"""The person's sheet: one page, plain words, English and Welsh, from the text data in resources/."""

from __future__ import annotations

import copy
from datetime import datetime

import pytest

from cstr_desk.domain.sheet import build_person_sheet, load_sheet_texts
from cstr_desk.paths import resources_dir
from cstr_desk.report.person_sheet import render_person_sheet
from tests.report.pdftext import pages, squash
from tests.unit.conftest import DEMOS, FORMS

WHEN = datetime(2026, 11, 23, 14, 0)


def sheet_pdf(case, lang):
    texts = load_sheet_texts(resources_dir() / "person_sheet", lang)
    return render_person_sheet(build_person_sheet(case, FORMS, texts, WHEN))


@pytest.mark.parametrize("name", sorted(DEMOS))
@pytest.mark.parametrize("lang", ["en", "cy"])
def test_sheet_is_one_page_with_requirements_and_appointment(name, lang):
    case = DEMOS[name]
    texts = load_sheet_texts(resources_dir() / "person_sheet", lang)
    out = pages(sheet_pdf(case, lang))
    assert len(out) == 1
    text = squash(out[0])
    assert squash(case.person.full_name) in text
    for req in case.proposal.requirements:
        assert squash(texts["requirements"][req.requirement]["name"]) in text
        assert squash(FORMS.programme.provider(req.provider_id).phone) in text
    assert squash(texts["missed_heading"]) in text and squash(texts["first_heading"]) in text


def test_welsh_sheet_uses_welsh_dates_and_words():
    text = squash(pages(sheet_pdf(DEMOS["mhtr_atr_womens_centre"], "cy"))[0])
    assert squash("Dydd Gwener 27 Tachwedd 2026, 10:00") in text
    assert squash("Gofyniad Triniaeth Iechyd Meddwl") in text
    assert squash("Os byddwch chi'n colli apwyntiadau") in text


def test_english_sheet_explains_drr_testing_and_review():
    text = squash(pages(sheet_pdf(DEMOS["drr_only"], "en"))[0])
    assert squash("Give samples for drug tests") in text
    assert squash("Tuesday 24 November 2026, 09:30") in text


def test_sheet_with_nothing_proposed_says_so():
    case = copy.deepcopy(DEMOS["mhtr_only"])
    case.proposal.requirements = []
    assert squash("No treatment requirement has been proposed for you.") in squash(pages(sheet_pdf(case, "en"))[0])


def test_sheet_same_input_same_bytes():
    assert sheet_pdf(DEMOS["drr_only"], "cy") == sheet_pdf(copy.deepcopy(DEMOS["drr_only"]), "cy")


def test_unknown_language_refused():
    with pytest.raises(ValueError, match="en, cy"):
        load_sheet_texts(resources_dir() / "person_sheet", "fr")


def test_sheet_text_is_data_not_code():
    for lang in ("en", "cy"):
        texts = load_sheet_texts(resources_dir() / "person_sheet", lang)
        assert texts["lang"] == lang and texts["version"]
