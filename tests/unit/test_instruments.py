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
    assert not result.has_flag("probable_anxiety_disorder")


@pytest.mark.parametrize("total, flagged", [(9, False), (10, True)])
def test_gad7_probable_anxiety_flag(total, flagged):
    inst = INSTRUMENTS["gad7"]
    assert score_instrument(inst, answers_for_total(inst, total)).has_flag("probable_anxiety_disorder") is flagged


@pytest.mark.parametrize("total, flagged", [(4, False), (5, True)])
def test_audit_c_positive_screen_asks_for_full_audit(total, flagged):
    inst = INSTRUMENTS["audit_c"]
    assert score_instrument(inst, answers_for_total(inst, total)).has_flag("complete_full_audit") is flagged


def test_mh_screen_any_yes_refers_and_self_harm_safeguards():
    inst = INSTRUMENTS["mh_screen"]
    ids = [i.id for i in inst.items]
    none = score_instrument(inst, {i: "no" for i in ids})
    assert none.flags == () and none.total is None and none.complete
    trauma = score_instrument(inst, {i: ("yes" if i == "trauma" else "no") for i in ids})
    assert trauma.has_flag("refer_psychologist") and not trauma.has_flag("safeguarding_self_harm")
    harm = score_instrument(inst, {i: ("yes" if i == "self_harm" else "no") for i in ids})
    assert harm.has_flag("refer_psychologist") and harm.has_flag("safeguarding_self_harm")


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
