"""The Desk's account operations of issue 16 on a real encrypted database: first passphrases, own changes, resets,
the support worker and deleting a draft, each with its audit event."""

from __future__ import annotations

import pytest

from cstr_desk.storage.errors import StorageError
from cstr_desk.storage.users import Keyring, WrongPassphrase
from cstr_desk.workflow import Desk, PassphraseMustChange, WeakPassphrase

FAST_N = 2**10
ADMIN = ("Alex Admin", "granite willow compass")
OFFICER = ("Jo Adeyemi", "green lantern harbour")
SUPPORT = ("Rosa Lindqvist", "harbour pine cobalt")
OWN = "violet harbour thunder"


def events(desk):
    return [tuple(r) for r in desk._store.db.execute("SELECT actor, event, case_id, detail FROM audit ORDER BY id")]


@pytest.fixture
def folder(tmp_path):
    folder = tmp_path / "data"
    admin = Desk.create_first_administrator(Keyring(folder, FAST_N), *ADMIN)
    admin.add_account(OFFICER[0], "duty_officer", OFFICER[1])
    admin.add_account(SUPPORT[0], "support_worker", SUPPORT[1])
    admin.close(backup=False)
    return folder


def sign_in(folder, who):
    return Desk.sign_in(folder, *who, scrypt_n=FAST_N)


def test_first_passphrase_is_chosen_once_then_the_new_one_works(folder):
    desk = sign_in(folder, OFFICER)
    try:
        assert desk.must_change_passphrase
        with pytest.raises(PassphraseMustChange):
            desk.require_own_passphrase()
        with pytest.raises(WeakPassphrase, match="different"):
            desk.choose_own_passphrase(OFFICER[1])
        with pytest.raises(WeakPassphrase):
            desk.choose_own_passphrase("short")
        desk.choose_own_passphrase(OWN)
        assert not desk.must_change_passphrase
        desk.require_own_passphrase()
        with pytest.raises(PassphraseMustChange):  # once chosen, a change needs the current one
            desk.choose_own_passphrase("another fine passphrase")
        assert events(desk)[-1] == (OFFICER[0], "passphrase_changed", None, "own")
    finally:
        desk.close(backup=False)
    with pytest.raises(WrongPassphrase):
        sign_in(folder, OFFICER)
    sign_in(folder, (OFFICER[0], OWN)).close(backup=False)


def test_own_change_needs_the_current_passphrase_and_a_reset_must_be_changed_again(folder):
    desk = sign_in(folder, OFFICER)
    try:
        desk.choose_own_passphrase(OWN)
        with pytest.raises(WrongPassphrase):
            desk.change_own_passphrase("a wrong guess here", "yet another passphrase")
        desk.change_own_passphrase(OWN, "yet another passphrase")
    finally:
        desk.close(backup=False)
    admin = sign_in(folder, ADMIN)
    try:
        admin.change_passphrase(OFFICER[0], "reset by the administrator")
        assert events(admin)[-1] == (ADMIN[0], "passphrase_changed", None, "reset: change at next sign-in")
    finally:
        admin.close(backup=False)
    again = sign_in(folder, (OFFICER[0], "reset by the administrator"))
    try:
        assert again.must_change_passphrase
    finally:
        again.close(backup=False)


def test_support_worker_desk_refuses_what_is_not_theirs(folder, demo):
    officer = sign_in(folder, OFFICER)
    officer.choose_own_passphrase(OWN)
    case = demo("mhtr_atr_womens_centre")
    officer.import_case(case)
    officer.close(backup=False)
    support = sign_in(folder, SUPPORT)
    try:
        support.choose_own_passphrase("my own cobalt harbour")
        assert not support.may("create_case") and not support.may("export") and support.may("edit_case")
        seen = support.open_draft(case.case_id)
        seen.needs.notes = "Needs help with rent arrears."
        support.save_draft(seen)
        for refused in (lambda: support.new_case(), lambda: support.finalize(seen), lambda: support.draft_annex(seen),
                        lambda: support.person_sheet(seen, "en"), lambda: support.verify_audit(),
                        lambda: support.accounts(), lambda: support.delete_draft(case.case_id, "mistake"),
                        lambda: support.amend(case.case_id, "a reason")):
            with pytest.raises(PermissionError):
                refused()
    finally:
        support.close(backup=False)


def test_delete_draft_through_the_desk_is_audited_without_the_reason(folder, demo):
    desk = sign_in(folder, OFFICER)
    try:
        case = desk.new_case()
        with pytest.raises(StorageError):
            desk.delete_draft(case.case_id, "")
        desk.delete_draft(case.case_id, "Started twice for Mr Bloggs")
        assert desk.count_cases() == 0
        actor, event, case_id, detail = events(desk)[-1]
        assert (actor, event, case_id) == (OFFICER[0], "delete", case.case_id) and "Bloggs" not in detail
    finally:
        desk.close(backup=False)
