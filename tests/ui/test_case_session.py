"""The view-model on its own: debounced autosave, saved / save_failed signals, live decisions (no main window)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from cstr_desk.storage.users import Keyring
from cstr_desk.ui.case_session import AUTOSAVE_DELAY_MS, CaseSession
from cstr_desk.workflow import Desk

FAST_N = 2**10
OFFICER = ("Jo Adeyemi", "green lantern harbour")


@pytest.fixture
def desk(tmp_path):
    folder = tmp_path / "data"
    admin = Desk.create_first_administrator(Keyring(folder, FAST_N), "Alex Admin", "granite willow compass")
    admin.add_account(OFFICER[0], "duty_officer", OFFICER[1])
    admin.close(backup=False)
    desk = Desk.sign_in(folder, *OFFICER, scrypt_n=FAST_N)
    yield desk
    if desk._store.database.lock.handle is not None:
        desk.close(backup=False)


def test_a_burst_of_edits_is_one_save(qtbot, desk):
    session = CaseSession(desk, desk.new_case(date(2026, 11, 23)))
    saves: list[int] = []
    session.saved.connect(saves.append)
    with qtbot.waitSignal(session.saved, timeout=AUTOSAVE_DELAY_MS * 8):
        for letter in "Kowalczyk":
            session.case.person.family_name += letter
            session.touch()
    assert saves == [1], "nine keystrokes, one transaction"
    assert not session.dirty
    assert desk.open_draft(session.case.case_id).person.family_name == "Kowalczyk"
    assert session.flush(), "nothing unsaved: flush has nothing to do"
    assert saves == [1]


def test_save_failed_says_why_and_keeps_the_change_on_screen(qtbot, desk, demo):
    case = demo("drr_only")
    desk.import_case(case)
    desk.finalize(case, date(2026, 11, 23), datetime(2026, 11, 23, 15, 0))
    session = CaseSession(desk, case)
    case.person.family_name = "Changed after finalize"
    with qtbot.waitSignal(session.save_failed, timeout=2000) as blocker:
        session.touch()
    assert "final" in blocker.args[0].lower()
    assert session.dirty and session.case.person.family_name == "Changed after finalize"


def test_decisions_follow_the_case_as_it_changes(qtbot, desk, demo):
    case = demo("drr_only")
    desk.import_case(case)
    session = CaseSession(desk, case, today=date(2026, 11, 23))
    before = {d.requirement: d.criterion("C1").status for d in session.decisions()}
    assert before["DRR"] == "met"
    with qtbot.waitSignal(session.changed, timeout=1000):
        case.person.date_of_birth = date(2010, 1, 1)
        session.touch()
    after = {d.requirement: d.criterion("C1").status for d in session.decisions()}
    assert after == {"MHTR": "not_met", "DRR": "not_met", "ATR": "not_met"}
    assert any("18" in p.message for p in session.field_problems())
