"""Welsh consent texts: one per English text, same id, version, kind and partners, each with the translator note;
a stale translation is not shown; the language of the texts follows the interview language; older case files
without the language fields still load."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from cstr_desk.domain.casefile import case_from_json, case_to_json
from cstr_desk.domain.consent import load_consent_texts, load_consent_translations, stale_translations, written_language
from cstr_desk.domain.errors import InstrumentFileError
from cstr_desk.paths import forms_dir, resources_dir
from tests.unit.conftest import FORMS


def test_every_english_text_has_a_current_welsh_translation_with_the_note():
    welsh = FORMS.consent_translations["cy"]
    assert set(welsh) == set(FORMS.consent_texts)
    assert stale_translations(forms_dir() / "consent", FORMS.consent_texts) == []
    for text_id, english in FORMS.consent_texts.items():
        cy = FORMS.consent_text(text_id, "cy")
        assert cy is welsh[text_id] and cy.lang == "cy" and cy.version == english.version
        assert "qualified Welsh translator" in cy.translation_note
        assert cy.text != english.text and cy.title != english.title
        assert FORMS.consent_text(text_id, "en") is english


@pytest.fixture
def consent_copy(tmp_path):
    folder = tmp_path / "consent"
    shutil.copytree(forms_dir() / "consent", folder)
    return folder


def test_stale_translation_falls_back_to_english(consent_copy):
    english_file = consent_copy / "willingness_drr.toml"
    english_file.write_text(re.sub(r'(?m)^version = ".*"$', 'version = "9.9.9"',
                                   english_file.read_text(encoding="utf-8")), encoding="utf-8")
    english = load_consent_texts(consent_copy)
    translations = load_consent_translations(consent_copy, english)
    assert "willingness_drr" not in translations["cy"] and "willingness_atr" in translations["cy"]
    assert stale_translations(consent_copy, english) == ["cy/willingness_drr"]


NOTE_LINE = ('translation_note = "Translation by the project team: needs a check by a qualified Welsh translator '
             'before live use."\n')


@pytest.mark.parametrize("change,message", [
    ((NOTE_LINE, ""), "translation_note"),
    (('{ id = "court",', '{ id = "judge",'), "same ids"),
    (('lang = "cy"', 'lang = "en"'), "'lang' must be 'cy'"),
])
def test_broken_translation_is_refused_with_file_and_key(consent_copy, change, message):
    path = consent_copy / "cy" / "information_sharing.toml"
    text = path.read_text(encoding="utf-8")
    assert change[0] in text
    path.write_text(text.replace(change[0], change[1]), encoding="utf-8")
    with pytest.raises(InstrumentFileError) as caught:
        load_consent_translations(consent_copy, load_consent_texts(consent_copy))
    assert "information_sharing.toml" in str(caught.value) and message in str(caught.value)


@pytest.mark.parametrize("spoken,lang", [("Welsh", "cy"), ("welsh (with English)", "cy"), ("Cymraeg", "cy"),
                                         ("cy", "cy"), ("English", "en"), ("Polish", "en"), ("", "en")])
def test_texts_follow_the_interview_language(spoken, lang):
    assert written_language(spoken) == lang


def test_case_file_without_the_language_fields_loads_with_defaults():
    doc = json.loads((resources_dir() / "demo" / "mhtr_only.json").read_text(encoding="utf-8"))
    for key in ("interview_language", "interpreter_used"):
        doc["case"]["person"].pop(key, None)
    for record in doc["case"]["consents"]:
        for key in ("language", "explained_in_ordinary_language", "explained_language"):
            record.pop(key, None)
    case = case_from_json(json.dumps(doc))
    assert case.person.interview_language == "" and case.person.interpreter_used is None
    assert all(not r.explained_in_ordinary_language and r.language == "" for r in case.consents)
    case.person.interpreter_used = True
    assert case_from_json(case_to_json(case)).person.interpreter_used is True
