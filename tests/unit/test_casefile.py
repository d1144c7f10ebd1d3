"""The case file: exact round trip, every problem listed with its path, never a crash."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cstr_desk.domain.case import Case, validate_case
from cstr_desk.domain.casefile import CaseFileError, case_from_dict, case_from_json, case_to_json
from cstr_desk.domain.checks import case_problems
from cstr_desk.domain.eligibility import decide
from cstr_desk.paths import resources_dir
from tests.unit.conftest import DEMOS, FORMS

DEMO_FILES = sorted((resources_dir() / "demo").glob("*.json"))
TODAY = date(2026, 11, 23)


def test_four_demo_files_exist_and_match_their_builders():
    assert {p.stem for p in DEMO_FILES} == set(DEMOS)
    for path in DEMO_FILES:
        assert path.read_text(encoding="utf-8") == case_to_json(DEMOS[path.stem]), (
            f"{path.name} is stale: run python -m tests.demo_cases --write")


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_round_trip_is_exact(path):
    text = path.read_text(encoding="utf-8")
    assert case_to_json(case_from_json(text)) == text


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_demo_cases_are_valid(path):
    case = case_from_json(path.read_text(encoding="utf-8"))
    assert case_problems(case, TODAY, FORMS) == []


def test_every_problem_is_listed_with_its_path():
    data = json.loads(DEMO_FILES[0].read_text(encoding="utf-8"))
    data["case"]["person"]["date_of_birth"] = "12/04/1991"
    data["case"]["person"]["favourite_colour"] = "blue"
    data["case"]["screening"][0]["total"] = "seven"
    del data["case"]["consents"][0]["kind"]
    data["schema_version"] = 99
    with pytest.raises(CaseFileError) as info:
        case_from_dict(data)
    paths = {p.path for p in info.value.problems}
    assert paths == {
        "$.schema_version",
        "$.case.person.date_of_birth",
        "$.case.person.favourite_colour",
        "$.case.screening[0].total",
        "$.case.consents[0].kind",
    }


@pytest.mark.parametrize("text", ["", "[]", "null", "{", '{"schema_version": 1}', '{"schema_version": 1, "case": []}'])
def test_malformed_files_give_problems(text):
    with pytest.raises(CaseFileError) as info:
        case_from_json(text)
    assert info.value.problems


# ------------------------------------------------------------------ schema version 1


def _as_version_1(path):
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["schema_version"] == 2 and data["case"]["hearing"].pop("conviction_date") is None
    data["schema_version"] = 1
    return data


@pytest.mark.parametrize("path", DEMO_FILES, ids=lambda p: p.stem)
def test_a_version_1_file_reads_with_the_hearing_date_as_conviction_and_loses_nothing(path):
    data = _as_version_1(path)
    case = case_from_dict(data)
    assert case.hearing.conviction_date is None
    assert case.hearing.convicted_on == case.hearing.hearing_date
    saved = json.loads(case_to_json(case))
    assert saved["schema_version"] == 2
    assert saved["case"]["hearing"].pop("conviction_date") is None
    assert saved["case"] == data["case"], "every version 1 field comes through unchanged"


def test_a_version_1_file_cannot_carry_a_conviction_date():
    data = _as_version_1(DEMO_FILES[0])
    data["case"]["hearing"]["conviction_date"] = "2026-03-01"
    with pytest.raises(CaseFileError) as info:
        case_from_dict(data)
    assert [p.path for p in info.value.problems] == ["$.case.hearing.conviction_date"]


@pytest.mark.parametrize("version", [0, 3, "2", True, None])
def test_other_schema_versions_are_refused(version):
    data = json.loads(DEMO_FILES[0].read_text(encoding="utf-8"))
    data["schema_version"] = version
    with pytest.raises(CaseFileError, match="must be 1 or 2"):
        case_from_dict(data)


def test_conviction_report_says_what_date_was_assumed():
    from cstr_desk.domain.checks import conviction_report

    case = case_from_dict(_as_version_1(DEMO_FILES[0]))
    assert conviction_report(case) == {
        "date": "2026-11-23", "assumed": True,
        "reason": "no date of conviction recorded, so the hearing date is taken (a plea entered and sentenced the same day)"}
    case.hearing.conviction_date = date(2026, 3, 1)
    assert conviction_report(case) == {"date": "2026-03-01", "assumed": False, "reason": "recorded in the case"}
    case.hearing.conviction_date = case.hearing.hearing_date = None
    assert conviction_report(case)["date"] is None


def test_check_reads_a_version_1_file(tmp_path):
    old = tmp_path / "old.json"
    old.write_text(json.dumps(_as_version_1(resources_dir() / "demo" / "mhtr_only.json")), encoding="utf-8")
    out = run_check(str(old))
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert report["valid"] is True
    c1 = next(c for c in report["decisions"][0]["criteria"] if c["code"] == "C1")
    assert c1["status"] == "met" and "taken as the hearing date" in c1["reason"]
    assert report["conviction"] == {
        "date": "2026-11-23", "assumed": True,
        "reason": "no date of conviction recorded, so the hearing date is taken (a plea entered and sentenced the same day)"}


def test_tampered_score_is_caught():
    data = json.loads(DEMO_FILES[0].read_text(encoding="utf-8"))
    data["case"]["screening"][0]["total"] = 12
    case = case_from_dict(data)
    problems = case_problems(case, TODAY, FORMS)
    assert any("does not match the answers" in p.message for p in problems)


# ------------------------------------------------------------------ validation messages


@pytest.mark.parametrize("change, field, fragment", [
    (lambda c: setattr(c.person, "family_name", "  "), "person.family_name", "family name"),
    (lambda c: setattr(c.person, "date_of_birth", date(2010, 1, 1)), "person.date_of_birth", "adults"),
    (lambda c: setattr(c.person, "date_of_birth", date(1890, 1, 1)), "person.date_of_birth", "check the year"),
    (lambda c: setattr(c.person, "date_of_birth", date(2030, 1, 1)), "person.date_of_birth", "future"),
    (lambda c: setattr(c.hearing, "hearing_date", date(2024, 1, 1)), "hearing.hearing_date", "more than a year ago"),
    (lambda c: setattr(c.hearing, "hearing_date", date(2028, 1, 1)), "hearing.hearing_date", "in the future"),
    (lambda c: setattr(c.identifiers, "crn", "12345"), "identifiers.crn", "one letter followed by six digits"),
    (lambda c: setattr(c.identifiers, "pnc_id", "2012/0345678A"), "identifiers.pnc_id", "check letter"),
    (lambda c: setattr(c.person, "given_names", "A\nB"), "person.given_names", "line breaks"),
])
def test_validation_names_field_in_plain_words(demo, change, field, fragment):
    case = demo("mhtr_only")
    change(case)
    problems = validate_case(case, TODAY)
    assert any(p.field == field and fragment in p.message for p in problems), problems


def test_names_with_any_letters_and_markup_are_valid(demo):
    case = demo("mhtr_only")
    for given_names, family in [("Łukasz", "Żółć"), ("Ștefan", "Țurcanu"), ("Ŵyn", "ap Ŷr"), ("Фёдор", "Достоевский"),
                                ("Αλέξανδρος", "Παπαδόπουλος"), ("<b>Seán</b>", "O'Neil & Sons"), ("Mary-Jane", "D'Arcy")]:
        case.person.given_names, case.person.family_name = given_names, family
        assert validate_case(case, TODAY) == []
        assert case_from_json(case_to_json(case)).person.full_name == f"{given_names} {family}"


# ------------------------------------------------------------------ property tests

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(json_values)
def test_any_json_loads_or_lists_problems(value):
    try:
        case = case_from_dict(value)
    except CaseFileError as exc:
        assert exc.problems
    else:
        assert isinstance(case, Case)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_demo_loads_or_lists_problems(data):
    doc = json.loads(DEMO_FILES[data.draw(st.integers(0, len(DEMO_FILES) - 1))].read_text(encoding="utf-8"))
    person = doc["case"]["person"]
    key = data.draw(st.sampled_from(sorted(person)))
    person[key] = data.draw(json_values)
    try:
        case = case_from_dict(doc)
    except CaseFileError as exc:
        assert all(p.path.startswith("$") for p in exc.problems)
    else:
        decide(case, FORMS.programme)
        case_problems(case, TODAY, FORMS)


# ------------------------------------------------------------------ the check command


def run_check(*args):
    return subprocess.run([sys.executable, "-m", "cstr_desk", "check", *args, "--today", "2026-11-23"],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("name, expected", [
    ("mhtr_only", {"MHTR": "eligible", "DRR": "not_eligible", "ATR": "not_eligible"}),
    ("drr_only", {"MHTR": "needs_information", "DRR": "eligible", "ATR": "not_eligible"}),
    ("atr_only", {"MHTR": "needs_information", "DRR": "not_eligible", "ATR": "eligible"}),
    ("mhtr_atr_womens_centre", {"MHTR": "eligible", "DRR": "not_eligible", "ATR": "eligible"}),
])
def test_check_prints_the_outcome_each_demo_shows(name, expected):
    out = run_check(str(resources_dir() / "demo" / f"{name}.json"))
    assert out.returncode == 0, out.stdout + out.stderr
    report = json.loads(out.stdout)
    assert {d["requirement"]: d["outcome"] for d in report["decisions"]} == expected
    assert report["proposal_problems"] == [] and report["valid"] is True
    for decision in report["decisions"]:
        assert all(c["reason"] for c in decision["criteria"])


def test_check_malformed_file_lists_problems_without_traceback(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "case": {"person": {"date_of_birth": "yesterday"}, "extra": 1}}', encoding="utf-8")
    out = run_check(str(bad))
    assert out.returncode == 2 and "Traceback" not in out.stderr
    problems = json.loads(out.stdout)["problems"]
    assert {p["path"] for p in problems} == {"$.case.person.date_of_birth", "$.case.extra"}


def test_check_invalid_case_exits_1_with_problems(tmp_path):
    doc = json.loads(DEMO_FILES[0].read_text(encoding="utf-8"))
    doc["case"]["person"]["date_of_birth"] = "2012-01-01"
    path = tmp_path / "young.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    out = run_check(str(path))
    assert out.returncode == 1
    report = json.loads(out.stdout)
    assert any(p["path"] == "$.case.person.date_of_birth" for p in report["problems"])


def test_check_missing_file(tmp_path):
    out = run_check(str(tmp_path / "nope.json"))
    assert out.returncode == 2 and "cannot read" in out.stdout and "Traceback" not in out.stderr
