"""Instrument files: published scoring reproduced, broken files refused with clear messages."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cstr_desk.domain.errors import InstrumentFileError
from cstr_desk.domain.instrument_files import load_instrument, load_instruments
from cstr_desk.domain.instruments import AnswerError, Instrument, answers_from_list, score_instrument
from cstr_desk.paths import instruments_dir

INSTRUMENTS = load_instruments(instruments_dir())


def answers_for_total(inst: Instrument, total: int) -> dict[str, str]:
    """Fill items in order with the highest option that still fits, to reach an exact total."""
    remaining = total
    answers: dict[str, str] = {}
    for item in inst.items:
        fitting = [o for o in item.options if o.score <= remaining]
        best = max(fitting, key=lambda o: o.score)
        answers[item.id] = best.code
        remaining -= best.score
    assert remaining == 0, f"cannot reach {total} on {inst.id}"
    return answers


def test_all_six_instruments_load_with_versions():
    assert set(INSTRUMENTS) == {"audit", "audit_c", "phq9", "gad7", "dast10", "mh_screen"}
    for inst in INSTRUMENTS.values():
        assert inst.version and inst.source and inst.licence


@pytest.mark.parametrize(
    "inst_id, n_items, lo, hi",
    [("audit", 10, 0, 40), ("audit_c", 3, 0, 12), ("phq9", 9, 0, 27), ("gad7", 7, 0, 21), ("dast10", 10, 0, 10)],
)
def test_range_matches_published(inst_id, n_items, lo, hi):
    inst = INSTRUMENTS[inst_id]
    assert len(inst.items) == n_items
    assert (inst.min_total, inst.max_total) == (lo, hi)


def test_audit_items_9_and_10_score_0_2_4():
    inst = INSTRUMENTS["audit"]
    for item_id in ("q9", "q10"):
        assert [o.score for o in inst.item(item_id).options] == [0, 2, 4]
    for n in range(1, 9):
        assert [o.score for o in inst.item(f"q{n}").options] == [0, 1, 2, 3, 4]


def test_audit_c_is_the_first_three_audit_items():
    audit, audit_c = INSTRUMENTS["audit"], INSTRUMENTS["audit_c"]
    for n in (1, 2, 3):
        assert audit_c.item(f"q{n}").text == audit.item(f"q{n}").text
        assert audit_c.item(f"q{n}").options == audit.item(f"q{n}").options


# Band boundaries straight from the spec (shared/spec/domain.md, section 5), both sides.
BOUNDARIES = [
    ("audit", 0, "lower_risk"), ("audit", 7, "lower_risk"), ("audit", 8, "increasing_risk"),
    ("audit", 15, "increasing_risk"), ("audit", 16, "higher_risk"), ("audit", 19, "higher_risk"),
    ("audit", 20, "possible_dependence"), ("audit", 40, "possible_dependence"),
    ("audit_c", 0, "negative"), ("audit_c", 4, "negative"), ("audit_c", 5, "positive"), ("audit_c", 12, "positive"),
    ("phq9", 0, "minimal"), ("phq9", 4, "minimal"), ("phq9", 5, "mild"), ("phq9", 9, "mild"),
    ("phq9", 10, "moderate"), ("phq9", 14, "moderate"), ("phq9", 15, "moderately_severe"),
    ("phq9", 19, "moderately_severe"), ("phq9", 20, "severe"), ("phq9", 27, "severe"),
    ("gad7", 0, "minimal"), ("gad7", 4, "minimal"), ("gad7", 5, "mild"), ("gad7", 9, "mild"),
    ("gad7", 10, "moderate"), ("gad7", 14, "moderate"), ("gad7", 15, "severe"), ("gad7", 21, "severe"),
    ("dast10", 0, "none"), ("dast10", 1, "low"), ("dast10", 2, "low"), ("dast10", 3, "moderate"),
    ("dast10", 5, "moderate"), ("dast10", 6, "substantial"), ("dast10", 8, "substantial"),
    ("dast10", 9, "severe"), ("dast10", 10, "severe"),
]


@pytest.mark.parametrize("inst_id, total, band", BOUNDARIES)
def test_band_boundaries(inst_id, total, band):
    inst = INSTRUMENTS[inst_id]
    result = score_instrument(inst, answers_for_total(inst, total))
    assert result.complete
    assert result.total == total
    assert result.band_key == band


def test_audit_worked_example_from_paper_form():
    inst = INSTRUMENTS["audit"]
    result = score_instrument(inst, answers_from_list(inst, ["4", "3", "3", "2", "1", "0", "2", "1", "2", "4"]))
    assert result.total == 22 and result.band_key == "possible_dependence"


def test_dast10_item3_is_reverse_scored():
    inst = INSTRUMENTS["dast10"]
    all_no = score_instrument(inst, answers_from_list(inst, ["no"] * 10))
    assert all_no.total == 1, "'No' to 'always able to stop' scores 1"
    all_yes = score_instrument(inst, answers_from_list(inst, ["yes"] * 10))
    assert all_yes.total == 9
    worst = ["yes"] * 10
    worst[2] = "no"
    assert score_instrument(inst, answers_from_list(inst, worst)).total == 10
    best = ["no"] * 10
    best[2] = "yes"
    assert score_instrument(inst, answers_from_list(inst, best)).total == 0


@pytest.mark.parametrize("item9, flagged", [("0", False), ("1", True), ("2", True), ("3", True)])
def test_phq9_item9_safeguarding_flag(item9, flagged):
    inst = INSTRUMENTS["phq9"]
    answers = answers_from_list(inst, ["0"] * 8 + [item9])
    assert score_instrument(inst, answers).has_flag("safeguarding_item9") is flagged


def test_phq9_item9_flag_raised_even_when_incomplete():
    inst = INSTRUMENTS["phq9"]
    result = score_instrument(inst, {"q9": "2"})
    assert not result.complete and result.total is None
    assert result.has_flag("safeguarding_item9")


def test_unanswered_items_make_result_incomplete_not_zero():
    inst = INSTRUMENTS["gad7"]
    result = score_instrument(inst, answers_from_list(inst, ["3", "3", "", "3", "3", "3", "3"]))
    assert result.unanswered == ("q3",)
    assert result.total is None and result.band_key is None
    assert not result.has_flag("further_evaluation")


@pytest.mark.parametrize("total, flagged", [(9, False), (10, True)])
def test_gad7_further_evaluation_flag(total, flagged):
    inst = INSTRUMENTS["gad7"]
    result = score_instrument(inst, answers_for_total(inst, total))
    assert result.has_flag("further_evaluation") is flagged
    if flagged:
        assert result.flags[0].message == "GAD-7 10 or more: further evaluation recommended."


@pytest.mark.parametrize("total, flagged", [(4, False), (5, True)])
def test_audit_c_positive_screen_asks_for_full_audit(total, flagged):
    inst = INSTRUMENTS["audit_c"]
    assert score_instrument(inst, answers_for_total(inst, total)).has_flag("complete_full_audit") is flagged


CHECKLIST = ["diagnosis", "treatment", "secondary_care", "self_harm", "learning_disability", "head_injury", "trauma"]


def _mh(yes: tuple[str, ...] = (), phq2: tuple[str, str] = ("0", "0"), gad2: tuple[str, str] = ("0", "0")):
    answers = {i: ("yes" if i in yes else "no") for i in CHECKLIST}
    answers.update(phq2_q1=phq2[0], phq2_q2=phq2[1], gad2_q1=gad2[0], gad2_q2=gad2[1])
    return score_instrument(INSTRUMENTS["mh_screen"], answers)


def test_mh_screen_any_yes_refers_and_self_harm_safeguards():
    none = _mh()
    assert none.flags == () and none.total is None and none.complete
    trauma = _mh(("trauma",))
    assert trauma.has_flag("refer_psychologist") and not trauma.has_flag("safeguarding_self_harm")
    harm = _mh(("self_harm",))
    assert harm.has_flag("refer_psychologist") and harm.has_flag("safeguarding_self_harm")


@pytest.mark.parametrize("phq2, gad2, flags", [
    (("1", "1"), ("1", "1"), set()),                           # 2 and 2: no referral
    (("2", "1"), ("0", "0"), {"positive_phq2"}),               # PHQ-2 exactly 3
    (("0", "0"), ("0", "3"), {"positive_gad2"}),               # GAD-2 exactly 3
    (("3", "3"), ("2", "1"), {"positive_phq2", "positive_gad2"}),
    (("1", "0"), ("1", "0"), set()),                           # a symptom answer of 1 is not a checklist Yes
])
def test_mh_screen_phq2_and_gad2_refer_at_3(phq2, gad2, flags):
    assert set(f.id for f in _mh(phq2=phq2, gad2=gad2).flags) == flags


def test_mh_screen_symptom_flag_waits_for_both_answers():
    answers = {i: "no" for i in CHECKLIST} | {"phq2_q1": "3"}
    result = score_instrument(INSTRUMENTS["mh_screen"], answers)
    assert not result.complete and not result.has_flag("positive_phq2")


def test_mh_screen_says_it_is_local_wording_not_validated():
    inst = INSTRUMENTS["mh_screen"]
    assert inst.version == "2.0.0"
    assert "not a validated instrument" in inst.title and "not a validated instrument" in inst.instructions
    texts = {i.id: i.text for i in inst.items}
    assert "little interest or pleasure in doing things" in texts["phq2_q1"]
    assert "feeling down, depressed, or hopeless" in texts["phq2_q2"]
    assert "feeling nervous, anxious or on edge" in texts["gad2_q1"]
    assert "not being able to stop or control worrying" in texts["gad2_q2"]


def test_audit_c_and_audit_ask_questions_2_and_3_in_uk_units():
    for inst_id in ("audit_c", "audit"):
        inst = INSTRUMENTS[inst_id]
        assert inst.version == "2.0.0"
        assert "units of alcohol" in inst.item("q2").text
        assert [o.label for o in inst.item("q2").options] == ["0 to 2", "3 to 4", "5 to 6", "7 to 9", "10 or more"]
        assert "6 or more units if female, or 8 or more if male" in inst.item("q3").text


def test_dast10_published_wording_item3_note_and_camh_credit():
    inst = INSTRUMENTS["dast10"]
    assert inst.version == "2.0.0"
    assert inst.item("q2").text == "Do you abuse more than one drug at a time?"
    assert "spouse (or parents)" in inst.item("q6").text
    assert "uses no drugs answers Yes" in inst.item("q3").note
    assert "Centre for Addiction and Mental Health" in inst.licence and "Skinner" in inst.licence


def test_audit_answer_codes_are_the_item_scores_in_every_version(forms):
    """Eligibility reads AUDIT items 4-6 from the stored answer codes, so the codes must be the scores."""
    audits = [inst for (inst_id, _), inst in forms.instrument_versions.items() if inst_id == "audit"]
    assert len(audits) >= 2
    for inst in audits:
        for item in inst.items:
            assert all(o.code == str(o.score) for o in item.options), (inst.version, item.id)


# ------------------------------------------------------------------ versions kept


@pytest.mark.parametrize("inst_id", ["audit", "audit_c", "dast10", "gad7", "mh_screen"])
def test_every_changed_instrument_keeps_its_old_version(forms, inst_id):
    old = forms.instrument(inst_id, "1.0.0")
    assert old is not None and old.version == "1.0.0"
    assert forms.instrument(inst_id).version == "2.0.0"
    assert forms.instrument(inst_id, "9.9.9") is None


def test_an_old_mh_screen_result_still_rescores_under_its_own_version(forms):
    from cstr_desk.domain.case import Case, ScreeningResult
    from cstr_desk.domain.checks import screening_problems

    old = forms.instrument("mh_screen", "1.0.0")
    assert len(old.items) == 7
    result = score_instrument(old, {i.id: ("yes" if i.id == "trauma" else "no") for i in old.items})
    stored = ScreeningResult("mh_screen", "1.0.0", dict(result.answers), None, None, None, ["refer_psychologist"], True)
    assert screening_problems(Case(screening=[stored]), forms) == []
    tampered = ScreeningResult("mh_screen", "1.0.0", dict(result.answers), None, None, None, [], True)
    assert "does not match" in screening_problems(Case(screening=[tampered]), forms)[0].message
    unknown = ScreeningResult("mh_screen", "0.9.0", dict(result.answers), None, None, None, [], True)
    assert "does not have" in screening_problems(Case(screening=[unknown]), forms)[0].message


def test_an_archived_file_must_be_named_after_its_id_and_version(tmp_path):
    from cstr_desk.domain.instrument_files import load_instrument_versions

    shutil.copy(instruments_dir() / "phq9.toml", tmp_path / "phq9.toml")
    (tmp_path / "archive").mkdir()
    shutil.copy(instruments_dir() / "archive" / "gad7-1.0.0.toml", tmp_path / "archive" / "gad7-1.0.0.toml")
    assert set(load_instrument_versions(tmp_path)) == {("phq9", "1.0.0"), ("gad7", "1.0.0")}
    (tmp_path / "archive" / "gad7-1.0.0.toml").rename(tmp_path / "archive" / "gad7-old.toml")
    with pytest.raises(InstrumentFileError, match="named after its id and version"):
        load_instrument_versions(tmp_path)
    (tmp_path / "archive" / "gad7-old.toml").unlink()
    shutil.copy(instruments_dir() / "phq9.toml", tmp_path / "archive" / "phq9-1.0.0.toml")
    with pytest.raises(InstrumentFileError, match="also in force"):
        load_instrument_versions(tmp_path)


def test_result_records_instrument_id_and_version():
    inst = INSTRUMENTS["phq9"]
    result = score_instrument(inst, answers_for_total(inst, 12))
    assert (result.instrument_id, result.instrument_version) == ("phq9", inst.version)
    assert result.to_json()["version"] == inst.version


def test_bad_answers_are_refused():
    inst = INSTRUMENTS["audit"]
    with pytest.raises(AnswerError, match="not an answer"):
        score_instrument(inst, {"q9": "1"})
    with pytest.raises(AnswerError, match="10 items; 3 answers"):
        answers_from_list(inst, ["0", "0", "0"])
    with pytest.raises(AnswerError, match="no item"):
        score_instrument(inst, {"q99": "0"})


# ------------------------------------------------------------------ broken files


@pytest.fixture
def phq9_copy(tmp_path: Path) -> Path:
    target = tmp_path / "phq9.toml"
    shutil.copy(instruments_dir() / "phq9.toml", target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, count), encoding="utf-8")


BROKEN = [
    ("unknown key", lambda p: _edit(p, 'title = "', 'colour = "red"\ntitle = "'), "unknown key 'colour'"),
    ("missing version", lambda p: _edit(p, 'version = "1.0.0"\n', ""), "missing key 'version'"),
    ("duplicate item id", lambda p: _edit(p, 'id = "q2"', 'id = "q1"'), "duplicate item id 'q1'"),
    ("band gap", lambda p: _edit(p, "min = 5\nmax = 9", "min = 6\nmax = 9"), "gap between 'minimal'"),
    ("band overlap", lambda p: _edit(p, "min = 5\nmax = 9", "min = 4\nmax = 9"), "overlap"),
    ("band short of max", lambda p: _edit(p, "min = 20\nmax = 27", "min = 20\nmax = 26"), "highest possible total is 27"),
    ("option without score", lambda p: _edit(p, 'label = "Several days", score = 1 }', 'label = "Several days" }'),
     "missing key 'score'"),
    ("score not a number", lambda p: _edit(p, 'label = "Several days", score = 1 }', 'label = "Several days", score = "one" }'),
     "must be a whole number"),
    ("flag names unknown item", lambda p: _edit(p, 'items = ["q9"]', 'items = ["q99"]'), "unknown item 'q99'"),
    ("flag with two conditions", lambda p: _edit(p, 'items = ["q9"]', 'items = ["q9"]\nsum_min = 2'), "exactly one condition"),
    ("sum without items", lambda p: _edit(p, 'items = ["q9"]\nmin_score', 'sum_min'), "'sum_min' needs the 'items'"),
    ("bad scoring method", lambda p: _edit(p, 'method = "sum"', 'method = "average"'), "scoring.method"),
    ("not toml", lambda p: _edit(p, "[scoring]", "[scoring"), "not valid TOML"),
    ("id differs from file", lambda p: _edit(p, 'id = "phq9"', 'id = "phq8"'), "does not match the file name"),
]


@pytest.mark.parametrize("name, breaker, expected", BROKEN, ids=[b[0] for b in BROKEN])
def test_loader_rejects_broken_file(phq9_copy, name, breaker, expected):
    breaker(phq9_copy)
    with pytest.raises(InstrumentFileError) as info:
        load_instrument(phq9_copy)
    message = str(info.value)
    assert str(phq9_copy) in message, "the message names the file"
    assert expected in message


def test_loader_reports_every_problem_at_once(phq9_copy):
    _edit(phq9_copy, 'title = "', 'colour = "red"\ntitle = "')
    _edit(phq9_copy, 'id = "q2"', 'id = "q1"')
    with pytest.raises(InstrumentFileError) as info:
        load_instrument(phq9_copy)
    assert len(info.value.problems) == 2


def test_empty_folder_is_refused(tmp_path):
    with pytest.raises(InstrumentFileError, match="no instrument files"):
        load_instruments(tmp_path)
