"""Issue 16 accounts: the support worker's limits, first passphrases the owner must change, deleting a draft."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime

import pytest

from cstr_desk.domain.case import SafeguardingAction
from cstr_desk.domain.roles import ROLES, STEP_OWNERS, SUPPORT_WORKER, Actor, NotAllowed, owns_step
from cstr_desk.storage.cases import CaseIsFinal, CaseStore, open_signed_in
from cstr_desk.storage.db import open_database
from cstr_desk.storage.errors import StorageError
from cstr_desk.storage.users import Keyring
from cstr_desk.workflow import finalize_case

FAST_N = 2**10
ADMIN, OFFICER, OFFICER2, SUPPORT = (("Admin", "amber kettle sunrise"), ("Jo Adeyemi", "green lantern harbour"),
                                     ("Sam Okafor", "copper meadow lantern"), ("Rosa Lindqvist", "harbour pine cobalt"))
TODAY = date(2026, 11, 23)
WHEN = datetime(2026, 11, 23, 15, 0)


@pytest.fixture
def accounts(tmp_path):
    folder = tmp_path / "data"
    keyring = Keyring(folder, scrypt_n=FAST_N)
    key = keyring.create_first_administrator(*ADMIN)
    admin = keyring.sign_in(*ADMIN)
    keyring.add_account(admin, OFFICER[0], "duty_officer", OFFICER[1])
    keyring.add_account(admin, OFFICER2[0], "duty_officer", OFFICER2[1])
    keyring.add_account(admin, SUPPORT[0], SUPPORT_WORKER, SUPPORT[1])
    open_database(folder, key).close(backup=False)
    return folder, keyring, key


@pytest.fixture
def stores(accounts):
    folder = accounts[0]
    opened: dict[str, CaseStore] = {}

    def as_(who):
        store, _ = open_signed_in(folder, *who, scrypt_n=FAST_N)
        opened[who[0]] = store
        return store

    yield as_
    for store in opened.values():
        if store.database.lock.handle is not None:
            store.database.close(backup=False)


def close(store):
    store.database.close(backup=False)


# ------------------------------------------------------------------ the support worker


def test_roles_as_data_name_every_step_owner():
    assert ROLES[SUPPORT_WORKER] == "Support worker"
    assert STEP_OWNERS["mh_screen"] == ("support_worker", "duty_officer")
    assert STEP_OWNERS["assessment"] == ("assistant_psychologist",)
    assert owns_step("duty_officer", "needs") and not owns_step("support_worker", "details")
    from cstr_desk.ui.wizard import ORDER

    assert {cls.step for _, cls in ORDER} == set(STEP_OWNERS), "every step of the wizard has its owners in data"


def test_support_worker_reads_the_header_and_their_part_only(stores, demo):
    case = demo("mhtr_atr_womens_centre")
    officer = stores(OFFICER)
    officer.import_case(case)
    close(officer)
    seen = stores(SUPPORT).load_draft(case.case_id)
    assert (seen.person.full_name, seen.person.date_of_birth, seen.identifiers.crn, seen.hearing.court,
            seen.hearing.hearing_date) == (case.person.full_name, case.person.date_of_birth, case.identifiers.crn,
                                           case.hearing.court, case.hearing.hearing_date)
    assert [s.instrument_id for s in seen.screening] == ["mh_screen"]
    assert [a.flag for a in seen.safeguarding] == ["mh_screen:safeguarding_self_harm"]
    assert seen.needs == case.needs
    assert (seen.offences, seen.consents, seen.proposal.requirements, seen.judgements) == ([], [], [], [])
    assert seen.mental_health.formulation == "" and seen.substance_use.drugs_used == ""
    assert seen.identifiers.pnc_id == "" and seen.person.contact_needs == ""


def test_support_worker_saves_screen_and_needs_and_the_rest_is_kept(stores, demo):
    case = demo("mhtr_atr_womens_centre")
    officer = stores(OFFICER)
    officer.import_case(case)
    close(officer)
    support = stores(SUPPORT)
    seen = support.load_draft(case.case_id)
    seen.needs.needs.append("employment")
    seen.needs.notes = "Wants help finding work."
    seen.safeguarding[0] = dataclasses.replace(seen.safeguarding[0], action="Safety plan agreed; GP told.",
                                               by=SUPPORT[0])
    seen.wizard_step = "needs"
    assert support.save_draft(seen) == 1
    close(support)
    stored = stores(OFFICER2).load_draft(case.case_id)
    assert stored.needs.needs == ["housing", "relationships", "family", "employment"]
    assert stored.needs.notes == "Wants help finding work."
    assert {a.flag: a.action for a in stored.safeguarding} == {
        "mh_screen:safeguarding_self_harm": "Safety plan agreed; GP told.",
        "phq9:safeguarding_item9": case.safeguarding[1].action}
    assert stored.offences == case.offences and stored.consents == case.consents
    assert stored.proposal == case.proposal and stored.mental_health == case.mental_health
    assert [s.instrument_id for s in stored.screening] == [s.instrument_id for s in case.screening], "order kept"
    assert [a.flag for a in stored.safeguarding] == [a.flag for a in case.safeguarding]


@pytest.mark.parametrize("change", [
    lambda c: setattr(c.person, "family_name", "Someone Else"),
    lambda c: setattr(c.hearing, "court", "Another Court"),
    lambda c: setattr(c.substance_use, "drugs_used", "heroin"),
    lambda c: setattr(c.mental_health, "formulation", "written by the support worker"),
    lambda c: c.safeguarding.append(SafeguardingAction("phq9:safeguarding_item9", "not theirs")),
    lambda c: setattr(c, "risk_notes", "not theirs"),
])
def test_support_worker_save_of_anything_else_is_refused(stores, demo, change):
    case = demo("mhtr_atr_womens_centre")
    officer = stores(OFFICER)
    officer.import_case(case)
    close(officer)
    support = stores(SUPPORT)
    seen = support.load_draft(case.case_id)
    seen.needs.notes = "a change that is theirs"
    change(seen)
    with pytest.raises(NotAllowed, match="support worker"):
        support.save_draft(seen)
    close(support)
    stored = stores(OFFICER2).load_draft(case.case_id)
    assert stored.needs.notes == case.needs.notes, "nothing of a refused save is kept"


def test_support_worker_cannot_create_finalize_amend_export_verify_delete_or_manage(accounts, stores, demo, forms):
    _, keyring, _ = accounts
    draft, final = demo("mhtr_only"), demo("drr_only")
    officer = stores(OFFICER)
    officer.import_case(draft)
    officer.import_case(final)
    finalize_case(officer, final, forms, TODAY, WHEN)
    close(officer)
    support = stores(SUPPORT)
    refused = [
        lambda: support.create_case(demo("atr_only")),
        lambda: support.import_case(demo("atr_only")),
        lambda: finalize_case(support, support.load_draft(draft.case_id), forms, TODAY, WHEN),
        lambda: support.amend(final.case_id, "a reason"),
        lambda: support.record_export(draft.case_id, "draft annex opened"),
        lambda: support.final_pdf(final.case_id, 1),
        lambda: support.final_case(final.case_id, 1),
        lambda: support.verify_audit(),
        lambda: support.delete_draft(draft.case_id, "a reason"),
        lambda: keyring.add_account(keyring.sign_in(*SUPPORT), "New Person", "duty_officer", "some long words"),
        lambda: keyring.change_passphrase(keyring.sign_in(*SUPPORT), OFFICER[0], "taken over account"),
    ]
    for attempt in refused:
        with pytest.raises(NotAllowed):
            attempt()
    assert [c.case_id for c in support.list_cases()], "the case list (header only) stays readable"


# ------------------------------------------------------------------ first passphrases


def test_first_passphrase_set_by_administrator_must_be_changed(accounts):
    folder, keyring, key = accounts
    assert not keyring.must_change(ADMIN[0]), "the first administrator chose their own"
    assert keyring.must_change(OFFICER[0])
    me = keyring.sign_in(*OFFICER)
    keyring.change_passphrase(me, OFFICER[0], "violet harbour thunder")
    assert not Keyring(folder).must_change(OFFICER[0]), "the owner's own change clears it"
    admin = keyring.sign_in(*ADMIN)
    keyring.change_passphrase(admin, OFFICER[0], "reset by the administrator")
    reread = Keyring(folder)
    assert reread.must_change(OFFICER[0]), "an administrator's reset sets it again"
    assert reread.sign_in(OFFICER[0], "reset by the administrator").key == key
    assert reread.passphrase_matches(OFFICER[0], "reset by the administrator")
    assert not reread.passphrase_matches(OFFICER[0], "violet harbour thunder")
    assert reread.data["failures"] == {}, "a match check is not a sign-in attempt"


# ------------------------------------------------------------------ deleting a draft


def rows(store, sql, params=()):
    return store.db.execute(sql, list(params)).fetchall()


def test_author_deletes_a_draft_with_a_reason_kept_encrypted_and_audited(accounts, stores, demo):
    folder = accounts[0]
    officer = stores(OFFICER)
    keep, mistake = demo("mhtr_only"), demo("atr_only")
    officer.import_case(keep)
    officer.import_case(mistake)
    with pytest.raises(StorageError, match="why"):
        officer.delete_draft(mistake.case_id, "   ")
    officer.delete_draft(mistake.case_id, "Opened for the wrong person (Mr X)")
    assert [c.case_id for c in officer.list_cases()] == [keep.case_id]
    assert rows(officer, "SELECT case_id, deleted_by, draft_version, reason FROM deleted_cases") == [
        (mistake.case_id, OFFICER[0], 1, "Opened for the wrong person (Mr X)")]
    event, detail = rows(officer, "SELECT event, detail FROM audit WHERE case_id = ? ORDER BY id DESC LIMIT 1",
                         [mistake.case_id])[0]
    assert event == "delete" and "Mr X" not in detail and "wrong person" not in detail
    assert rows(officer, "SELECT count(*) FROM drafts WHERE case_id = ?", [mistake.case_id]) == [(0,)]
    assert officer.verify_audit().ok
    close(officer)
    raw = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert b"wrong person" not in raw


def test_delete_refused_for_another_officers_draft_and_for_a_final(stores, demo, forms):
    officer = stores(OFFICER)
    mine, final = demo("mhtr_only"), demo("drr_only")
    officer.import_case(mine)
    officer.import_case(final)
    finalize_case(officer, final, forms, TODAY, WHEN)
    with pytest.raises(CaseIsFinal):
        officer.delete_draft(final.case_id, "mistake")
    amended = officer.amend(final.case_id, "new appointment")
    with pytest.raises(CaseIsFinal):
        officer.delete_draft(amended.case_id, "mistake")
    close(officer)
    other = stores(OFFICER2)
    with pytest.raises(NotAllowed, match="started this draft"):
        other.delete_draft(mine.case_id, "not mine to delete")
    assert {c.case_id for c in other.list_cases()} == {mine.case_id, final.case_id}
    assert rows(other, "SELECT count(*) FROM deleted_cases") == [(0,)]
    assert "delete" not in [r[0] for r in rows(other, "SELECT event FROM audit")]


def test_psychologist_cannot_delete_a_draft(accounts, demo):
    folder, _, key = accounts
    database = open_database(folder, key)
    try:
        store = CaseStore(database, Actor(OFFICER[0], "duty_officer"))
        case = demo("mhtr_only")
        store.import_case(case)
        with pytest.raises(NotAllowed):
            CaseStore(database, Actor(OFFICER[0], "assistant_psychologist")).delete_draft(case.case_id, "x")
    finally:
        database.close(backup=False)
