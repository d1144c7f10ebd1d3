"""The Desk's operations against a real encrypted database in tmp_path: each does its job and writes its audit event."""

from __future__ import annotations

import hashlib
import io
from datetime import date, datetime

import pytest
from pypdf import PdfReader

from cstr_desk.domain.casefile import case_to_json
from cstr_desk.storage.errors import StorageError
from cstr_desk.storage.users import Keyring, WrongPassphrase
from cstr_desk.workflow import DifferentPerson, Desk, NotReadyToFinalize, WeakPassphrase, keyring_for

FAST_N = 2**10
ADMIN = ("Alex Admin", "granite willow compass")
OFFICER = ("Jo Adeyemi", "green lantern harbour")
PSYCH = ("Priya Shah", "quiet river meadow")
TODAY = date(2026, 11, 23)
WHEN = datetime(2026, 11, 23, 15, 0)


def events(desk: Desk) -> list[tuple[str, str | None, str]]:
    """The audit log as (event, case id, detail), read straight from the database file the Desk opened."""
    rows = desk._store.db.execute("SELECT event, case_id, detail FROM audit ORDER BY id").fetchall()
    return [tuple(r) for r in rows]


def text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "data"
    admin = Desk.create_first_administrator(Keyring(folder, FAST_N), *ADMIN)
    admin.add_account(OFFICER[0], "duty_officer", OFFICER[1])
    admin.add_account(PSYCH[0], "assistant_psychologist", PSYCH[1])
    admin.close(backup=False)
    return folder


@pytest.fixture
def officer(folder):
    desk = Desk.sign_in(folder, *OFFICER, scrypt_n=FAST_N)
    yield desk
    if desk._store.database.lock.handle is not None:
        desk.close(backup=False)


def test_first_administrator_and_accounts_are_audited(folder):
    desk = Desk.sign_in(folder, *ADMIN, scrypt_n=FAST_N)
    try:
        assert desk.accounts() == [("Alex Admin", "administrator"), ("Jo Adeyemi", "duty_officer"),
                                   ("Priya Shah", "assistant_psychologist")]
        with pytest.raises(WeakPassphrase):
            desk.add_account("Sam Officer", "duty_officer", "short")
        desk.change_passphrase(PSYCH[0], "another quiet meadow")
        desk.remove_account(PSYCH[0])
        log = events(desk)
    finally:
        desk.close(backup=False)
    kinds = [e[0] for e in log]
    assert kinds[:4] == ["unlock", "user_added", "user_added", "user_added"]  # the first account, then two more
    assert kinds[-3:] == ["unlock", "passphrase_changed", "user_removed"], "a refused weak passphrase writes nothing"
    assert not any(name in str(log) for name in ("Sam Officer", "Priya", "Jo Adeyemi")), "ids and kinds only"


def test_failed_sign_ins_are_logged_once_at_the_next_unlock(folder):
    with pytest.raises(WrongPassphrase):
        Desk.sign_in(folder, OFFICER[0], "not my passphrase", scrypt_n=FAST_N)
    with pytest.raises(WrongPassphrase):
        Desk.sign_in(folder, OFFICER[0], "still not it", scrypt_n=FAST_N)
    desk = Desk.sign_in(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        assert desk.settle() is None  # the integrity check runs on its own thread; the sign-in events wait for it
        tail = [e[0] for e in events(desk)][-3:]
        assert tail == ["sign_in_failed", "sign_in_failed", "unlock"]
        desk.lock()
        with pytest.raises(DifferentPerson):
            desk.unlock(Keyring(folder, FAST_N).sign_in(*PSYCH))
        desk.unlock(Keyring(folder, FAST_N).sign_in(*OFFICER))
        assert [e[0] for e in events(desk)][-2:] == ["lock", "unlock"]
    finally:
        desk.close(backup=False)


def test_new_save_open_and_list(officer):
    case = officer.new_case(TODAY)
    assert case.author.name == OFFICER[0] and case.hearing.hearing_date == TODAY
    case.person.given_names, case.person.family_name = "Łukasz", "O'Brien <&>"
    assert officer.save_draft(case) == 1
    assert officer.open_draft(case.case_id).person.family_name == "O'Brien <&>"
    assert [r.case_id for r in officer.list_cases("lukasz", today=TODAY)] == [case.case_id]
    kinds = [(e[0], e[1]) for e in events(officer)]
    assert ("create", case.case_id) in kinds and ("save", case.case_id) in kinds
    assert "Łukasz" not in str(events(officer)), "the audit log holds ids and kinds, never names"


def test_finalize_then_documents_each_audited(officer, demo):
    case = demo("mhtr_atr_womens_centre")
    officer.import_case(case)
    with pytest.raises(StorageError, match="already exists"):
        officer.import_case(demo("mhtr_atr_womens_centre"))
    draft = officer.draft_annex(case)
    assert "DRAFT" in text(draft)
    done = officer.finalize(case, TODAY, WHEN)
    assert done.version == 1 and done.content_sha256 in text(done.pdf)
    assert officer.final_annex(case.case_id, 1, "saved") == done.pdf
    sheet = officer.person_sheet(case, "cy")
    assert sheet.startswith(b"%PDF")
    detail = [(e[0], e[2]) for e in events(officer) if e[1] == case.case_id]
    pdf_sha = hashlib.sha256(done.pdf).hexdigest()  # issue 15 (D8): the finalize event records the annex's hash
    assert detail == [("import", ""), ("export", "draft annex opened"), ("finalize", f"version 1 pdf {pdf_sha}"),
                      ("export", "annex v1 saved"), ("export", "person sheet cy opened")]


def test_finalize_refused_with_every_problem_and_nothing_stored(officer, demo):
    case = demo("mhtr_only")
    case.consents = [c for c in case.consents if c.kind != "willingness"]
    officer.import_case(case)
    with pytest.raises(NotReadyToFinalize) as info:
        officer.finalize(case, TODAY, WHEN)
    assert any("C4" in p.message for p in info.value.problems)
    assert officer.final_versions(case.case_id) == []
    assert "finalize" not in [e[0] for e in events(officer)]


def test_amend_keeps_version_one_and_records_the_reason(officer, demo):
    case = demo("drr_only")
    officer.import_case(case)
    first = officer.finalize(case, TODAY, WHEN)
    amended = officer.amend(case.case_id, "First appointment moved")
    assert case_to_json(amended) == case_to_json(officer.final_case(case.case_id, 1))
    officer.save_draft(amended)
    officer.finalize(amended, TODAY, datetime(2026, 11, 23, 16, 0))
    assert officer.final_annex(case.case_id, 1) == first.pdf
    assert [v.amend_reason for v in officer.final_versions(case.case_id)] == [None, "First appointment moved"]
    assert ("amend", "version 2 amends 1") in [(e[0], e[2]) for e in events(officer)]


def test_psychologist_cannot_finalize_or_start_a_case(folder, demo):
    officer = Desk.sign_in(folder, *OFFICER, scrypt_n=FAST_N)
    case = demo("mhtr_only")
    officer.import_case(case)
    officer.close(backup=False)
    psych = Desk.sign_in(folder, *PSYCH, scrypt_n=FAST_N)
    try:
        with pytest.raises(PermissionError):
            psych.finalize(case, TODAY, WHEN)
        with pytest.raises(PermissionError):
            psych.new_case(TODAY)
        assert psych.final_versions(case.case_id) == []
    finally:
        psych.close(backup=False)


def test_keyring_for_a_new_folder_has_no_accounts(tmp_path):
    assert not keyring_for(tmp_path / "new").exists


def test_final_annex_footer_carries_the_audit_chain_head_it_was_finalized_on(officer, demo):
    # D8: the printed annex anchors the audit log; a log cut short or recomputed afterwards no longer matches it.
    case = demo("atr_only")
    officer.import_case(case)
    head_before = officer.audit_head()
    done = officer.finalize(case, TODAY, WHEN)
    printed = "".join(text(done.pdf).split())
    assert f"Auditlogchainheadatfinalizing:{head_before}" in printed
    row = officer._store.db.execute(
        "SELECT prev_hash FROM audit WHERE event = 'finalize' AND case_id = ?", [case.case_id]).fetchone()
    assert row[0] == head_before, "the finalize entry follows exactly the head printed on the annex"
    assert officer.verify_audit().ok
