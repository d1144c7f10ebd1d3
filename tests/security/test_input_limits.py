"""Issue 15, hostile case files: each refused in one line (exit 2), never a traceback. In-process `cli.main`,
real files on disk, real PDFs read back with pypdf."""

from __future__ import annotations

import json
import os

import pytest

from cstr_desk.cli import main
from cstr_desk.domain.casefile import CaseFileError, case_from_json
from cstr_desk.domain.limits import MAX_CASE_FILE_BYTES, MAX_NAME, MAX_TEXT
from cstr_desk.domain.roles import Actor
from cstr_desk.paths import resources_dir
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import open_database
from cstr_desk.storage.errors import StorageError

DEMO = json.loads((resources_dir() / "demo" / "drr_only.json").read_text(encoding="utf-8"))


def _file(tmp_path, data, name="case.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=True), encoding="utf-8")
    return str(path)


def _case(**changes):
    data = json.loads(json.dumps(DEMO))
    for dotted, value in changes.items():
        target = data["case"]
        *parents, last = dotted.split("__")
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        target[last] = value
    return data


def _all_refused(tmp_path, capsys, path, expect):
    """check (exit 2 with JSON problems), annex and sheet (exit 2, one line): never a traceback."""
    assert main(["check", path, "--today", "2026-11-23"]) == 2
    out = capsys.readouterr().out
    assert expect in out, out
    for command in (["annex", path, "--out", str(tmp_path / "a.pdf")],
                    ["sheet", path, "--out", str(tmp_path / "s.pdf")]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err and expect in err, err
    assert not (tmp_path / "a.pdf").exists() and not (tmp_path / "s.pdf").exists()


@pytest.mark.parametrize("when", ["2026-11-23T09:40:00+14:00", "2026-11-23T09:40:00Z", "2026-11-23T09:40:00-05:30"])
def test_d4_zone_aware_date_times_refused_by_check_annex_and_sheet(tmp_path, capsys, when):
    # D4: a date-time with a zone passed check and import, then annex/sheet failed and opening the case crashed.
    path = _file(tmp_path, _case(consents__0__obtained_at=when))
    _all_refused(tmp_path, capsys, path, "without a time zone")


def test_d4_a_stored_case_with_a_zone_is_a_clear_error_not_a_crash(tmp_path):
    # D4: stored data that somehow has a zone cannot crash the app when the case is opened.
    key = os.urandom(32)
    database = open_database(tmp_path / "d", key)
    store = CaseStore(database, Actor("Jo Adeyemi", "duty_officer"))
    try:
        case = case_from_json(json.dumps(DEMO))
        store.import_case(case)
        text = json.dumps(_case(consents__0__obtained_at="2026-11-23T09:40:00+14:00"), separators=(",", ":"))
        store.db.execute("UPDATE drafts SET draft_json = ? WHERE case_id = ?", [text, case.case_id])
        with pytest.raises(StorageError, match="cannot be opened.*time zone"):
            store.load_draft(case.case_id)
    finally:
        database.close(backup=False)


def test_d9_lone_surrogates_refused(tmp_path, capsys):
    # D9: lone surrogates ("\ud800") gave tracebacks in check, annex, sheet and import.
    path = _file(tmp_path, json.dumps(_case()).replace('"Tomasz"', '"Tom\\ud800asz"'))
    _all_refused(tmp_path, capsys, path, "surrogate")


def test_d9_deep_nesting_refused(tmp_path, capsys):
    # D9: 100,000 levels of nesting gave tracebacks.
    text = json.dumps(_case()).replace('"contact_needs": ""', '"contact_needs": ' + "[" * 100_000 + "]" * 100_000)
    _all_refused(tmp_path, capsys, _file(tmp_path, text), "nested")
    shallow = json.dumps(_case()).replace('"contact_needs": ""', '"contact_needs": ' + "[" * 40 + "]" * 40)
    _all_refused(tmp_path, capsys, _file(tmp_path, shallow, "b.json"), "nested more than")


@pytest.mark.parametrize("number", ["9" * 5000, "1" + "0" * 30])
def test_d9_giant_integers_refused(tmp_path, capsys, number):
    # D9: integers over 4,300 digits gave tracebacks.
    text = json.dumps(_case()).replace('"custodial_term_days": 120', f'"custodial_term_days": {number}')
    _all_refused(tmp_path, capsys, _file(tmp_path, text), "number")


def test_d10_long_fields_and_huge_files_refused(tmp_path, capsys):
    # D10: annex time grew faster than linearly with a field's length, and check read files of any size.
    _all_refused(tmp_path, capsys, _file(tmp_path, _case(person__family_name="Ł" * (MAX_NAME + 1))), "at most 200")
    _all_refused(tmp_path, capsys, _file(tmp_path, _case(offences__0__description="x" * (MAX_TEXT + 1)), "b.json"),
                 "at most 10,000")
    huge = tmp_path / "huge.json"
    with open(huge, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(_case())[:-2] + ', "pad": "' + "p" * (MAX_CASE_FILE_BYTES + 10) + '"}}')
    _all_refused(tmp_path, capsys, str(huge), "at most 5,242,880 bytes")


def test_limits_leave_real_cases_alone():
    # The four demo cases and a full-length name and text still load.
    for path in (resources_dir() / "demo").glob("*.json"):
        case_from_json(path.read_text(encoding="utf-8"))
    case_from_json(json.dumps(_case(person__family_name="Ł" * MAX_NAME, offences__0__description="x" * MAX_TEXT)))
    with pytest.raises(CaseFileError):
        case_from_json(json.dumps(_case(person__family_name="Ł" * (MAX_NAME + 1))))


@pytest.mark.parametrize("name", ["Anna\u202eKowalska", "Anna\u2066Kowalska", "Anna\x1b[31m", "Anna\u200fK"])
def test_d17_names_with_direction_overrides_or_controls_refused(tmp_path, capsys, name):
    # D17: a right-to-left override made a name display differently on screen and in search.
    _all_refused(tmp_path, capsys, _file(tmp_path, _case(person__given_names=name)), "direction-changing")


def test_stored_drafts_open_whatever_their_length(tmp_path):
    # The file limits guard input from outside; a draft typed in the app always opens again.
    database = open_database(tmp_path / "d", os.urandom(32))
    store = CaseStore(database, Actor("Jo Adeyemi", "duty_officer"))
    try:
        case = case_from_json(json.dumps(DEMO))
        store.import_case(case)
        case.substance_use.notes = "long " * 5000
        store.save_draft(case)
        assert store.load_draft(case.case_id).substance_use.notes == case.substance_use.notes
    finally:
        database.close(backup=False)
