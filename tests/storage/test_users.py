"""Accounts, wrapped keys, roles enforced at the storage API, and the growing delay after wrong passphrases."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from cstr_desk.domain.passphrase import passphrase_problems
from cstr_desk.domain.roles import Actor, NotAllowed
from cstr_desk.paths import resources_dir
from cstr_desk.storage.cases import open_signed_in
from cstr_desk.storage.db import open_database
from cstr_desk.storage.errors import CannotUnlock, TooManyAttempts, WrongPassphrase
from cstr_desk.storage.users import Keyring, delay_after

FAST_N = 2**10  # scrypt cost for tests only; the app uses 2**15
ADMIN, OFFICER, PSYCH = ("Admin", "amber kettle sunrise"), ("Jo Adeyemi", "green lantern harbour"), \
    ("Priya Shah", "quiet river meadow")


@pytest.fixture
def accounts(tmp_path):
    folder = tmp_path / "data"
    keyring = Keyring(folder, scrypt_n=FAST_N)
    key = keyring.create_first_administrator(*ADMIN)
    admin = keyring.sign_in(*ADMIN)
    keyring.add_account(admin, OFFICER[0], "duty_officer", OFFICER[1])
    keyring.add_account(admin, PSYCH[0], "assistant_psychologist", PSYCH[1])
    open_database(folder, key).close(backup=False)
    return folder, keyring, key


def test_each_person_unwraps_the_same_database_key(accounts):
    folder, keyring, key = accounts
    for name, passphrase in (ADMIN, OFFICER, PSYCH):
        assert keyring.sign_in(name, passphrase).key == key
    assert keyring.sign_in("jo  ADEYEMI", OFFICER[1]).actor == Actor("Jo Adeyemi", "duty_officer")


def test_wrong_passphrase_refused_and_data_stays_unreadable(accounts, demo):
    folder, keyring, key = accounts
    store, _ = open_signed_in(folder, *OFFICER, scrypt_n=FAST_N)
    store.create_case(demo("drr_only"))
    store.database.close(backup=False)
    with pytest.raises(WrongPassphrase):
        keyring.sign_in(OFFICER[0], "green lantern harbor")
    with pytest.raises(CannotUnlock):
        open_database(folder, bytes(32))
    raw = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert "Łukaszewski".encode() not in raw


def test_passphrase_change_keeps_access_and_old_one_stops(accounts):
    folder, keyring, key = accounts
    me = keyring.sign_in(*OFFICER)
    keyring.change_passphrase(me, OFFICER[0], "violet harbour thunder")
    assert Keyring(folder).sign_in(OFFICER[0], "violet harbour thunder").key == key
    with pytest.raises(WrongPassphrase):
        Keyring(folder).sign_in(*OFFICER)


def test_only_owner_or_administrator_changes_a_passphrase(accounts):
    folder, keyring, key = accounts
    psych = keyring.sign_in(*PSYCH)
    with pytest.raises(NotAllowed):
        keyring.change_passphrase(psych, OFFICER[0], "stolen access attempt")
    admin = keyring.sign_in(*ADMIN)
    keyring.change_passphrase(admin, OFFICER[0], "reset by the administrator")
    assert keyring.sign_in(OFFICER[0], "reset by the administrator").key == key


def test_removed_account_cannot_unlock(accounts):
    folder, keyring, key = accounts
    admin = keyring.sign_in(*ADMIN)
    keyring.remove_account(admin, OFFICER[0])
    with pytest.raises(WrongPassphrase):
        Keyring(folder).sign_in(*OFFICER)
    assert OFFICER[0] not in json.dumps(Keyring(folder).data["accounts"])
    with pytest.raises(Exception, match="only administrator"):
        keyring.remove_account(admin, ADMIN[0])


def test_editing_a_role_in_the_file_locks_that_account_out(accounts):
    folder, keyring, key = accounts
    data = json.loads((folder / "keyring.json").read_text())
    data["accounts"]["jo adeyemi"]["role"] = "administrator"
    (folder / "keyring.json").write_text(json.dumps(data))
    with pytest.raises(WrongPassphrase):
        Keyring(folder).sign_in(*OFFICER)


def test_no_passphrase_or_key_in_clear_on_disk(accounts):
    folder, keyring, key = accounts
    raw = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    for secret in (ADMIN[1], OFFICER[1], PSYCH[1]):
        assert secret.encode() not in raw
    assert key not in raw and key.hex().encode() not in raw


def test_delay_grows_after_five_wrong_passphrases(accounts):
    folder, keyring, key = accounts
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for _ in range(5):
        with pytest.raises(WrongPassphrase):
            keyring.sign_in(OFFICER[0], "not my passphrase", now=now)
    with pytest.raises(TooManyAttempts) as first:
        keyring.sign_in(*OFFICER, now=now + timedelta(seconds=1))
    assert 0 < first.value.wait_seconds <= 30
    now += timedelta(seconds=31)
    with pytest.raises(WrongPassphrase):
        keyring.sign_in(OFFICER[0], "still wrong", now=now)
    with pytest.raises(TooManyAttempts) as second:
        keyring.sign_in(*OFFICER, now=now + timedelta(seconds=1))
    assert second.value.wait_seconds > first.value.wait_seconds
    assert [delay_after(n) for n in (4, 5, 6, 7)] == [0, 30, 60, 120]
    # The right passphrase after the wait signs in, and the failures go to the audit log.
    later = now + timedelta(seconds=61)
    signed = keyring.sign_in(*OFFICER, now=later)
    assert len(signed.failed_attempts) == 6


def test_failed_attempts_are_written_to_the_audit_log_at_next_sign_in(accounts):
    folder, keyring, key = accounts
    with pytest.raises(WrongPassphrase):
        Keyring(folder, FAST_N).sign_in(OFFICER[0], "wrong once")
    store, _ = open_signed_in(folder, *OFFICER, scrypt_n=FAST_N)
    events = [r[0] for r in store.db.execute("SELECT event FROM audit ORDER BY id")]
    assert events[-2:] == ["sign_in_failed", "unlock"]
    store.database.close(backup=False)


# ------------------------------------------------------------------ roles at the storage API


def _store(folder, who):
    return open_signed_in(folder, *who, scrypt_n=FAST_N)[0]


def test_duty_officer_cannot_write_the_psychologists_fields(accounts, demo):
    folder, keyring, key = accounts
    officer = _store(folder, OFFICER)
    case = demo("mhtr_only")
    with pytest.raises(NotAllowed, match="assistant psychologist"):
        officer.create_case(case)  # holds PHQ-9, GAD-7 and an assessment
    blank = demo("drr_only")
    officer.create_case(blank)
    blank.mental_health.formulation = "Officer's guess"
    with pytest.raises(NotAllowed, match="Only the assistant psychologist"):
        officer.save_draft(blank)
    blank.mental_health.formulation = ""
    blank.person.contact_needs = "Large print"
    assert officer.save_draft(blank) == 1
    officer.database.close(backup=False)


def test_psychologist_writes_assessment_but_cannot_finalize_or_touch_the_rest(accounts, demo, forms):
    from datetime import date

    from cstr_desk.workflow import finalize_case

    folder, keyring, key = accounts
    officer = _store(folder, OFFICER)
    case = demo("drr_only")
    officer.create_case(case)
    officer.database.close(backup=False)

    psych = _store(folder, PSYCH)
    mine = psych.load_draft(case.case_id)
    mine.mental_health.assessor = "Priya Shah"
    mine.mental_health.formulation = "No treatable condition found today."
    mine.wizard_step = "assessment"
    assert psych.save_draft(mine) == 1
    mine.person.family_name = "Changed"
    with pytest.raises(NotAllowed, match="only the mental-health assessment"):
        psych.save_draft(mine)
    mine.person.family_name = case.person.family_name
    with pytest.raises(NotAllowed, match="cannot finalize"):
        finalize_case(psych, mine, forms, date(2026, 11, 23), datetime(2026, 11, 23, 15))
    with pytest.raises(NotAllowed):
        psych.create_case(demo("atr_only"))
    psych.database.close(backup=False)


def test_administrator_sees_no_case_content(accounts, demo):
    folder, keyring, key = accounts
    admin = _store(folder, ADMIN)
    with pytest.raises(NotAllowed):
        admin.list_cases()
    with pytest.raises(NotAllowed):
        admin.load_draft("demo-drr-only")
    with pytest.raises(NotAllowed):
        admin.create_case(demo("drr_only"))
    assert admin.verify_audit().ok
    admin.database.close(backup=False)


# ------------------------------------------------------------------ passphrase rules

COMMON = resources_dir() / "common-passphrases.txt"


@pytest.mark.parametrize("passphrase, fragment", [
    ("short", "at least 12"),
    ("Password1234", "most commonly used"),
    ("correct horse battery staple", "most commonly used"),
    ("aaaaaaaaaaaaaaaa", "repeated"),
    ("jo adeyemi rocks", "user name"),
    ("abcdefghijklmnop", "keyboard"),
])
def test_weak_passphrases_refused(passphrase, fragment):
    problems = passphrase_problems(passphrase, "Jo Adeyemi", COMMON)
    assert any(fragment in p for p in problems)


@pytest.mark.parametrize("passphrase", ["amber kettle sunrise", "Llŷr a'r môr mawr", "correct-horse-staple-7"])
def test_good_passphrases_accepted(passphrase):
    assert passphrase_problems(passphrase, "Jo Adeyemi", COMMON) == []
