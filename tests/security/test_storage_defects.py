"""Issue 15, storage and keys: each test names the defect (D-number) it guards against. Real encrypted files only."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from cstr_desk.domain.roles import Actor
from cstr_desk.storage.audit import GENESIS
from cstr_desk.storage.cases import CaseStore, unlock
from cstr_desk.storage.db import (
    BACKUP_DIR,
    DB_NAME,
    backups_to_retire,
    keyring_copy_of,
    list_backups,
    open_database,
)
from cstr_desk.storage.errors import (
    CannotUnlock,
    DatabaseDamaged,
    DatabaseMissing,
    KeyringDamaged,
    SignInError,
    StorageError,
    TooManyAttempts,
    WrongPassphrase,
)
from cstr_desk.storage.recovery import backups, restore_backup
from cstr_desk.storage.users import LAST_ADMIN_MAX_DELAY_S, Keyring

FAST_N = 2**10
ADMIN = ("Alex Admin", "amber kettle sunrise")
OFFICER = ("Jo Adeyemi", "green lantern harbour")
ADMIN_ACTOR = Actor(ADMIN[0], "administrator")


@pytest.fixture
def site(tmp_path, demo):
    """A data folder as on a court laptop: administrator, one officer, two stored cases, one backup."""
    folder = tmp_path / "data"
    keyring = Keyring(folder, scrypt_n=FAST_N)
    key = keyring.create_first_administrator(*ADMIN)
    recovery = keyring.take_recovery_key()
    keyring.add_account(keyring.sign_in(*ADMIN), OFFICER[0], "duty_officer", OFFICER[1])
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    store.import_case(demo("drr_only"))
    store.import_case(demo("mhtr_only"))
    assert store.database.close() is None  # makes a backup
    return folder, key, recovery


def _count(folder: Path) -> int:
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        return store.count()
    finally:
        store.database.close(backup=False)


# ------------------------------------------------------------------ D2: no silent new database


@pytest.mark.parametrize("damage", ["missing", "empty"])
def test_d2_missing_or_empty_database_refused_not_replaced(site, damage):
    # D2: with keyring.json present, a missing or empty cstr-desk.db used to become a new empty database.
    folder, key, _ = site
    path = folder / DB_NAME
    path.unlink()
    if damage == "empty":
        path.write_bytes(b"")
    with pytest.raises(DatabaseMissing) as info:
        unlock(folder, *OFFICER, scrypt_n=FAST_N)
    assert "newest good backup" in str(info.value) and info.value.backups
    assert path.exists() == (damage == "empty") and (not path.exists() or path.stat().st_size == 0)
    # and the plain open used by the window refuses too: the folder has accounts, so this is not a first run
    with pytest.raises(DatabaseMissing):
        open_database(folder, key)


def test_d2_rotation_keeps_daily_and_finalize_generations():
    # D2: each close kept the newest five, so five closes after a bad day removed the last good backup.
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)

    def name(when: datetime, kind: str) -> Path:
        return Path(f"cstr-desk-{when.strftime('%Y%m%d-%H%M%S-%f')}-{kind}.db")

    older = [name(now - timedelta(days=d), "close") for d in range(1, 40)]
    finals = [name(now - timedelta(days=60 + d), "finalize") for d in range(15)]
    today = [name(now - timedelta(minutes=m), "close") for m in range(1, 20)]
    every = sorted(today + older + finals, key=lambda p: p.name, reverse=True)
    retired = set(backups_to_retire(every, now))
    kept = [p for p in every if p not in retired]
    assert every[0] in kept
    assert set(today[:5]) <= set(kept)
    assert set(older[:29]) <= set(kept)  # one a day for thirty days
    assert not set(older[31:]) & set(kept)
    assert len([p for p in kept if p.name.endswith("-finalize.db")]) == 10


# ------------------------------------------------------------------ D3: the keyring travels with every backup


def test_d3_keyring_copied_with_every_backup_and_put_back_when_lost(site):
    # D3: keyring.json was the only copy of the wrapped key; losing it made the database unrecoverable.
    folder, _key, _ = site
    newest = list_backups(folder)[0]
    assert keyring_copy_of(newest).read_bytes() == (folder / "keyring.json").read_bytes()
    (folder / "keyring.json").unlink()
    keyring = Keyring(folder, scrypt_n=FAST_N)
    assert keyring.restored_from == keyring_copy_of(newest)
    assert _count(folder) == 2


def test_d3_no_new_administrator_beside_an_existing_database(site):
    # D3: with the keyring and its copies gone, the app offered a new administrator and a new key.
    folder, _key, _ = site
    (folder / "keyring.json").unlink()
    for copy in (folder / BACKUP_DIR).glob("*.keyring.json"):
        copy.unlink()
    before = (folder / DB_NAME).read_bytes()
    keyring = Keyring(folder, scrypt_n=FAST_N)
    assert not keyring.exists
    with pytest.raises(StorageError, match="recovery key"):
        keyring.create_first_administrator("New Admin", "brand new passphrase here")
    assert (folder / DB_NAME).read_bytes() == before
    assert not (folder / "keyring.json").exists()


def test_d3_recovery_key_shown_once_and_restores_access(site):
    # D3: a recovery key made at first run wraps the database key; recover() sets a new administrator passphrase.
    folder, key, recovery = site
    assert recovery and len(recovery.replace("-", "")) >= 40
    keyring = Keyring(folder, scrypt_n=FAST_N)
    assert keyring.take_recovery_key() is None  # shown once, at first run only
    assert recovery.encode() not in b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    with pytest.raises(WrongPassphrase):
        keyring.recover("AAAAA-" * 7 + "AAAAA", ADMIN[0], "forgotten and renewed")
    # typed in lower case with spaces: still the same key
    signed = keyring.recover(recovery.lower().replace("-", " "), ADMIN[0], "forgotten and renewed")
    assert signed.key == key and signed.actor.role == "administrator"
    assert Keyring(folder, scrypt_n=FAST_N).sign_in(ADMIN[0], "forgotten and renewed").key == key
    with pytest.raises(WrongPassphrase):
        Keyring(folder, scrypt_n=FAST_N).sign_in(*ADMIN)


# ------------------------------------------------------------------ D12: damaged files, WAL, restore


def _damage_header(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[100:4000] = os.urandom(3900)  # page 1 (SQLCipher's HMAC fails: "file is not a database")
    path.write_bytes(bytes(data))


def test_d12_damaged_file_after_a_right_passphrase_says_damaged_and_names_backup(site):
    # D12: damage to page 1 was reported as "the key is wrong" right after the passphrase was accepted.
    folder, _key, _ = site
    _damage_header(folder / DB_NAME)
    before = (folder / DB_NAME).read_bytes()
    with pytest.raises(DatabaseDamaged) as info:
        unlock(folder, *OFFICER, scrypt_n=FAST_N)
    assert "damaged" in str(info.value) and str(list_backups(folder)[0]) in str(info.value)
    assert (folder / DB_NAME).read_bytes() == before
    # a key that opens no backup either is still "wrong key" for the bare open
    with pytest.raises(CannotUnlock):
        open_database(folder, os.urandom(32))


def _crash_copy_with_wal(folder: Path, key: bytes) -> tuple[bytes, bytes]:
    """Leave the database as a killed process leaves it: committed pages still in the WAL."""
    database = open_database(folder, key)
    database.db.execute("PRAGMA wal_autocheckpoint = 0")
    store = CaseStore(database, Actor(*OFFICER[:1], "duty_officer"))
    for n in range(3):
        store.record_event("lock", detail=str(n))
    wal = (folder / (DB_NAME + "-wal")).read_bytes()
    main = (folder / DB_NAME).read_bytes()
    database.db.conn.close()
    database.lock.release()
    (folder / (DB_NAME + "-wal")).write_bytes(wal)
    (folder / DB_NAME).write_bytes(main)
    return main, wal


def test_d12_refused_open_leaves_damaged_file_and_its_wal_untouched(site):
    # D12: with a WAL present, a refused open still checkpointed into the damaged file and deleted the WAL.
    folder, key, _ = site
    main, wal = _crash_copy_with_wal(folder, key)
    data = bytearray(main)
    data[len(data) // 2: len(data) // 2 + 64] = bytes(64)
    (folder / DB_NAME).write_bytes(bytes(data))
    with pytest.raises(DatabaseDamaged):
        unlock(folder, *OFFICER, scrypt_n=FAST_N)
    assert (folder / DB_NAME).read_bytes() == bytes(data)
    assert (folder / (DB_NAME + "-wal")).read_bytes() == wal


def test_d12_restore_sets_current_file_and_leftover_wal_aside_and_is_audited(site, demo):
    # D12: restoring a backup beside a leftover WAL made it unopenable; there was no restore at all.
    folder, key, _ = site
    backup = list_backups(folder)[0]
    main, wal = _crash_copy_with_wal(folder, key)
    assert [b.good for b in backups(folder, key)] == [True]
    with pytest.raises(Exception, match="cannot manage users"):
        restore_backup(folder, backup, key, Actor(*OFFICER[:1], "duty_officer"))
    restored = restore_backup(folder, backup, key, ADMIN_ACTOR)
    aside = {p.name.split("-", 3)[-1]: p.read_bytes() for p in restored.set_aside}
    assert aside[DB_NAME] == main and aside[DB_NAME + "-wal"] == wal
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        assert store.count() == 2
        events = [r[0] for r in store.db.execute("SELECT event FROM audit ORDER BY id")]
        assert "restore" in events and "lock" not in events
        assert store.verify_audit().ok if store.actor.may("verify_audit") else True
    finally:
        store.database.close(backup=False)
    # restoring again never overwrites what was set aside the first time
    again = restore_backup(folder, backup, key, ADMIN_ACTOR)
    assert not set(again.set_aside) & set(restored.set_aside)
    assert all(p.exists() for p in restored.set_aside)


def test_d12_restore_refuses_a_damaged_backup_and_changes_nothing(site):
    folder, key, _ = site
    backup = list_backups(folder)[0]
    _damage_header(backup)
    before = (folder / DB_NAME).read_bytes()
    with pytest.raises(StorageError, match="Nothing was changed"):
        restore_backup(folder, backup, key, ADMIN_ACTOR)
    assert (folder / DB_NAME).read_bytes() == before


# ------------------------------------------------------------------ D5: saved means saved; idempotent import


def test_d5_backup_failure_after_commit_is_a_warning_not_a_failure(site, demo, forms):
    # D5: a failure after the commit (the backup) was reported as "Nothing was changed" although saved.
    from cstr_desk.workflow import finalize_case

    folder, _key, _ = site
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    case = demo("drr_only")
    case.case_id = "final-one"
    store.import_case(case)
    shutil.rmtree(folder / BACKUP_DIR)
    (folder / BACKUP_DIR).write_text("not a folder")  # the backup cannot be written
    finalized = finalize_case(store, case, forms, date(2026, 11, 23), datetime(2026, 11, 23, 15, 30))
    assert finalized.version == 1
    assert store.last_warning and "saved" in store.last_warning
    warning = store.database.close()
    assert warning and "backup" in warning
    (folder / BACKUP_DIR).unlink()
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        assert store.summary("final-one").status == "final"
    finally:
        store.database.close(backup=False)


def test_d5_import_is_idempotent_by_case_id_and_by_content(site, demo):
    # D5: a retried import of a file without a case id made a duplicate.
    folder, _key, _ = site
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        first = demo("atr_only")
        first.case_id = ""
        again = demo("atr_only")
        again.case_id = ""
        one = store.import_case_once(first)
        two = store.import_case_once(again)
        assert one.created and not two.created and one.case_id == two.case_id
        with_id = demo("mhtr_atr_womens_centre")
        with_id.case_id = "given-id"
        assert store.import_case_once(with_id).created
        same = demo("mhtr_atr_womens_centre")
        same.case_id = "given-id"
        assert not store.import_case_once(same).created
        other = demo("drr_only")
        other.case_id = "given-id"
        with pytest.raises(StorageError, match="different case"):
            store.import_case_once(other)
        assert store.count() == 4
        assert store.exists("given-id") and not store.exists("no-such-id")
    finally:
        store.database.close(backup=False)


# ------------------------------------------------------------------ D13: reading on a full disk


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount)], check=False,
                          capture_output=True)
    if done.returncode != 0:
        pytest.skip("mounting a small tmpfs is not permitted here (needs root): full-disk test not run")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(folder: Path) -> Path:
    """Fill the small disk to the last byte (unbuffered writes, smaller and smaller)."""
    filler = folder / "filler"
    fd = os.open(filler, os.O_CREAT | os.O_WRONLY, 0o600)
    try:
        for size in (65536, 4096, 512, 1):
            try:
                while True:
                    os.write(fd, b"\0" * size)
            except OSError:
                pass
    finally:
        os.close(fd)
    return filler


def _small_site(small_disk: Path, demo) -> Path:
    folder = small_disk / "data"
    keyring = Keyring(folder, scrypt_n=FAST_N)
    keyring.create_first_administrator(*ADMIN)
    keyring.add_account(keyring.sign_in(*ADMIN), OFFICER[0], "duty_officer", OFFICER[1])
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    store.import_case(demo("drr_only"))
    store.database.close(backup=False)
    return folder


def test_d5_full_disk_nothing_reported_failed_was_saved_nothing_reported_saved_lost(small_disk, demo):
    # D5: on a full disk, imports and finalizes were saved but reported as failed ("Nothing was changed").
    folder = _small_site(small_disk, demo)
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    filler = _fill(small_disk)
    reported: dict[str, bool] = {}
    for n in range(30):
        case = demo("mhtr_only")
        case.case_id = f"full-{n}"
        try:
            store.import_case(case)
            reported[case.case_id] = True
        except StorageError as exc:
            assert "disk is full" in str(exc)
            reported[case.case_id] = False
    assert False in reported.values()
    warning = store.database.close()  # the backup cannot be made: a warning, not an exception
    assert warning is None or "saved" in warning
    filler.unlink()
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        for case_id, saved in reported.items():
            assert store.exists(case_id) == saved, case_id
    finally:
        store.database.close(backup=False)


def test_d13_full_disk_sign_in_and_listing_work_audit_written_when_space_returns(small_disk, demo):
    # D13: on a full disk nobody could even read (sign-in wrote an audit event first).
    folder = _small_site(small_disk, demo)
    filler = _fill(small_disk)
    with pytest.raises(WrongPassphrase):  # a wrong passphrase on a full disk is still just a wrong passphrase
        Keyring(folder, scrypt_n=FAST_N).sign_in(OFFICER[0], "wrong passphrase here")
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        assert len(store.list_cases()) == 1
        assert [e[0] for e in store.pending_audit] == ["unlock"]
        case = demo("mhtr_only")
        with pytest.raises(StorageError, match="disk is full"):
            store.import_case(case)
        filler.unlink()
        case = demo("mhtr_only")
        store.import_case(case)  # space again: the queued unlock is written first, in order
        assert not store.pending_audit
        events = [r[0] for r in store.db.execute("SELECT event FROM audit ORDER BY id")]
        assert events[-4:] == ["unlock", "import", "unlock", "import"]
    finally:
        store.database.close(backup=False)
    admin, _ = unlock(folder, *ADMIN, scrypt_n=FAST_N)
    try:
        assert admin.verify_audit().ok
    finally:
        admin.database.close(backup=False)


def test_d13_failed_open_releases_the_folder(site):
    # D13: after a failed sign-in in the app the next try said "already open".
    folder, _key, _ = site
    _damage_header(folder / DB_NAME)
    for _ in range(2):
        with pytest.raises(DatabaseDamaged):
            unlock(folder, *OFFICER, scrypt_n=FAST_N)


# ------------------------------------------------------------------ D15: interrupted backups cleaned up


def test_d15_part_files_removed_at_next_start(site):
    # D15: backups interrupted by a kill left .part files for ever.
    folder, _key, _ = site
    old = time.time() - 120
    leftovers = [folder / BACKUP_DIR / "cstr-desk-20261125-101010-000000-close.part",
                 folder / ".keyring-abc123.part", folder / (DB_NAME + ".part")]
    for leftover in leftovers:
        leftover.write_bytes(os.urandom(10_000))
        os.utime(leftover, (old, old))
    fresh = folder / ".keyring-justnow.part"  # another command's accounts write in flight: not touched
    fresh.write_bytes(b"{}")
    assert _count(folder) == 2
    assert not any(p.exists() for p in leftovers) and fresh.exists()


# ------------------------------------------------------------------ D1: keyring re-read, compare-and-swap


def test_d1_stale_window_never_writes_a_removed_account_back(site):
    # D1: the app read keyring.json once and wrote its stale copy back after one mistyped passphrase.
    folder, _key, _ = site
    window = Keyring(folder, scrypt_n=FAST_N)  # the app's copy, read at start
    command = Keyring(folder, scrypt_n=FAST_N)
    command.remove_account(command.sign_in(*ADMIN), OFFICER[0])
    with pytest.raises(WrongPassphrase):
        window.sign_in(ADMIN[0], "a mistyped passphrase")
    on_disk = json.loads((folder / "keyring.json").read_text())
    assert all(a["name"] != OFFICER[0] for a in on_disk["accounts"].values())
    with pytest.raises(WrongPassphrase):
        Keyring(folder, scrypt_n=FAST_N).sign_in(*OFFICER)


def test_d1_write_refused_when_file_changed_underneath(site):
    folder, _key, _ = site
    keyring = Keyring(folder, scrypt_n=FAST_N)
    admin = keyring.sign_in(*ADMIN)
    original = keyring._save

    def meddle(expected):  # another writer gets in between the re-read and the write
        text = (folder / "keyring.json").read_text()
        (folder / "keyring.json").write_text(text + " ")
        return original(expected)

    keyring._save = meddle  # type: ignore[method-assign]
    from cstr_desk.storage.errors import StaleKeyring

    with pytest.raises(StaleKeyring):
        keyring.add_account(admin, "Sam Late", "duty_officer", "late comer passphrase")
    assert "sam late" not in json.loads((folder / "keyring.json").read_text())["accounts"]


# ------------------------------------------------------------------ D16: lock-out, unknown names


def test_d16_last_administrator_waits_only_a_short_fixed_delay(site):
    # D16: anyone at the laptop could lock the only administrator out for up to an hour.
    folder, _key, _recovery = site
    keyring = Keyring(folder, scrypt_n=FAST_N)
    now = datetime(2026, 11, 25, 9, tzinfo=UTC)
    for _ in range(12):
        with pytest.raises((WrongPassphrase, TooManyAttempts)):
            keyring.sign_in(ADMIN[0], "someone else guessing", now=now)
        now += timedelta(seconds=LAST_ADMIN_MAX_DELAY_S + 1)
    assert keyring.wait_seconds(ADMIN[0], now) == 0
    assert keyring.sign_in(*ADMIN, now=now).actor.role == "administrator"
    # an officer is still slowed down properly
    for _ in range(8):
        now += timedelta(seconds=keyring.wait_seconds(OFFICER[0], now))
        with pytest.raises(WrongPassphrase):
            keyring.sign_in(OFFICER[0], "someone else guessing", now=now)
    assert keyring.wait_seconds(OFFICER[0], now) > LAST_ADMIN_MAX_DELAY_S


def test_d16_unknown_names_counted_without_storing_them(site):
    # D16: failed sign-ins under unknown names piled up, by name, in keyring.json.
    folder, _key, _ = site
    keyring = Keyring(folder, scrypt_n=FAST_N)
    now = datetime(2026, 11, 25, 9, tzinfo=UTC)
    for n in range(11):
        now += timedelta(seconds=keyring.wait_seconds(f"Nobody Number {n}", now))
        with pytest.raises(WrongPassphrase):
            keyring.sign_in(f"Nobody Number {n}", "whatever passphrase", now=now)
    text = (folder / "keyring.json").read_text()
    assert "nobody" not in text.casefold()
    assert len(json.loads(text)["unknown_failures"]) == 11


# ------------------------------------------------------------------ D17: user names


@pytest.mark.parametrize("name", ["Jo\u202eemeyedA", "Jo\x1b[31m", "Jo\u200bAdeyemi", "Jo\u2066Ad"])
def test_d17_names_with_control_or_direction_characters_refused(site, name):
    # D17: a right-to-left override made a name display differently; look-alike names were accepted.
    folder, _key, _ = site
    keyring = Keyring(folder, scrypt_n=FAST_N)
    with pytest.raises(StorageError, match="control|direction"):
        keyring.add_account(keyring.sign_in(*ADMIN), name, "duty_officer", "perfectly fine passphrase")


@pytest.mark.parametrize("twin", ["Jо Adeyemi", "JO ADEYEMİ", "Jo Adeyem1", "Jo Αdeyemi"])
def test_d17_lookalike_names_from_other_scripts_refused(site, twin):
    # D17: look-alike user names (Cyrillic о, Greek Α, digit 1 for l) were accepted as new accounts.
    folder, _key, _ = site
    keyring = Keyring(folder, scrypt_n=FAST_N)
    with pytest.raises(StorageError, match="already an account|looks the same"):
        keyring.add_account(keyring.sign_in(*ADMIN), twin, "duty_officer", "perfectly fine passphrase")
    keyring.add_account(keyring.sign_in(*ADMIN), "Jo Adeyemi-Smith", "duty_officer", "perfectly fine passphrase")


def test_d17_lookalike_full_width_name_is_the_same_account(site):
    folder, _key, _ = site
    keyring = Keyring(folder, scrypt_n=FAST_N)
    with pytest.raises(StorageError, match="already an account"):
        keyring.add_account(keyring.sign_in(*ADMIN), "Ｊｏ　Ａｄｅｙｅｍｉ", "duty_officer", "perfectly fine passphrase")
    assert keyring.sign_in("ＪＯ ＡＤＥＹＥＭＩ", OFFICER[1]).actor.name == OFFICER[0]


# ------------------------------------------------------------------ D11: damaged keyrings


def _mutations(text: str):
    data = json.loads(text)
    account = next(iter(k for k in data["accounts"] if not k.startswith("\x00")))
    yield ""
    yield "{"
    yield "[]"
    yield "null"
    yield json.dumps({**data, "accounts": []})
    yield json.dumps({**data, "format": 99})
    yield json.dumps({**data, "failures": {"alex admin": "x"}})
    yield json.dumps({**data, "failures": {"alex admin": ["not a date"] * 9}})
    for field, value in (("kdf", None), ("kdf", {"n": 2**60, "r": 8, "p": 1, "salt": ""}),
                         ("kdf", {"n": "x"}), ("nonce", "***"), ("wrapped", 5), ("name", None), ("role", [])):
        broken = json.loads(text)
        broken["accounts"][account][field] = value
        yield json.dumps(broken)
    yield "[" * 100_000 + "]" * 100_000


def test_d11_damaged_keyrings_give_one_clear_error_never_a_traceback(site):
    # D11: 10 of 39 damaged keyrings gave tracebacks.
    folder, _key, _ = site
    good = (folder / "keyring.json").read_text()
    for text in _mutations(good):
        (folder / "keyring.json").write_text(text)
        try:
            Keyring(folder, scrypt_n=FAST_N).sign_in(*ADMIN)
        except SignInError as exc:  # KeyringDamaged, WrongPassphrase, NoAccounts, TooManyAttempts
            assert "Traceback" not in str(exc)
        except StorageError:
            pass
    (folder / "keyring.json").write_text("{")
    with pytest.raises(KeyringDamaged, match="backup copy"):
        Keyring(folder, scrypt_n=FAST_N)


# ------------------------------------------------------------------ D19: file modes


@pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")
def test_d19_database_backups_lock_and_keyring_are_private(site):
    # D19: the database, backups and lock file were world-readable (0644).
    folder, _key, _ = site
    old = os.umask(0o022)
    try:
        store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
        store.database.close()
    finally:
        os.umask(old)
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode & 0o077 == 0, f"{path.relative_to(folder.parent)} is {oct(mode)}"


# ------------------------------------------------------------------ D8: the audit chain's head


def test_d8_finalize_event_records_the_pdf_hash_and_head_is_exposed(site, demo, forms):
    # D8: nothing outside the database anchored the chain; the finalize event now records the PDF's SHA-256 and
    # audit_head() gives the head to print on the annex.
    from cstr_desk.workflow import finalize_case

    folder, _key, _ = site
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        case = demo("drr_only")
        case.case_id = "anchored"
        store.import_case(case)
        head_before = store.audit_head()
        finalized = finalize_case(store, case, forms, date(2026, 11, 23), datetime(2026, 11, 23, 15, 30))
        detail, head = store.db.execute(
            "SELECT detail, hash FROM audit WHERE event = 'finalize' ORDER BY id DESC LIMIT 1").fetchone()
        assert hashlib.sha256(finalized.pdf).hexdigest() in detail
        assert store.audit_head() == head != head_before != GENESIS
    finally:
        store.database.close(backup=False)


# ------------------------------------------------------------------ D6: rekey on remove and reset


def _desk(folder: Path, who: tuple[str, str]):
    from cstr_desk.workflow import Desk

    return Desk.sign_in(folder, *who, scrypt_n=FAST_N)


def _opens_anything(folder: Path, key: bytes) -> list[str]:
    from cstr_desk.storage.db import check_file

    files = [folder / DB_NAME, *list_backups(folder)]
    return [f.name for f in files if not check_file(f, key)]


def test_d6_removed_account_old_wrap_opens_nothing_current(site):
    # D6: removing an account never changed the database key, so an old copy of its wrap opened everything.
    folder, old_key, recovery = site
    stolen = (folder / "keyring.json").read_bytes()  # an old copy, taken while the officer still had an account
    assert _opens_anything(folder, old_key)
    admin = _desk(folder, ADMIN)
    admin.remove_account(OFFICER[0])
    admin.close()
    thief = folder.parent / "thief"
    thief.mkdir()
    (thief / "keyring.json").write_bytes(stolen)
    old = Keyring(thief, scrypt_n=FAST_N).sign_in(*OFFICER).key
    assert old == old_key
    assert _opens_anything(folder, old) == []
    # Everyone who stays still gets in, with every case; the backups open with the new key; recovery still works.
    admin = _desk(folder, ADMIN)
    new_key = admin._signed.key
    try:
        assert new_key != old_key and admin.verify_audit().ok
        events = list(admin._store.db.execute("SELECT event, detail FROM audit ORDER BY id"))
        assert any(e == "user_removed" and d.startswith("new database key") for e, d in events)
    finally:
        admin.close(backup=False)
    assert len(_opens_anything(folder, new_key)) == 1 + len(list_backups(folder)) >= 3
    assert Keyring(folder, scrypt_n=FAST_N).recover(recovery, ADMIN[0], "violet orchard tram ride").key == new_key
    assert not any(OFFICER[0] in p.read_text() for p in (folder / BACKUP_DIR).glob("*.keyring.json"))


def test_d6_reset_passphrase_old_wrap_opens_nothing_current(site, demo):
    # D6: after a passphrase reset the old wrap (and old passphrase) still opened the database and backups.
    folder, _old_key, _ = site
    stolen = (folder / "keyring.json").read_bytes()
    admin = _desk(folder, ADMIN)
    admin.change_passphrase(OFFICER[0], "violet orchard tram ride")
    admin.close()
    thief = folder.parent / "thief"
    thief.mkdir()
    (thief / "keyring.json").write_bytes(stolen)
    assert _opens_anything(folder, Keyring(thief, scrypt_n=FAST_N).sign_in(*OFFICER).key) == []
    with pytest.raises(WrongPassphrase):
        Keyring(folder, scrypt_n=FAST_N).sign_in(*OFFICER)
    store, _ = unlock(folder, OFFICER[0], "violet orchard tram ride", scrypt_n=FAST_N)
    try:
        assert store.count() == 2
    finally:
        store.database.close(backup=False)


@pytest.mark.parametrize("stop_after", ["keyring", "database"])
def test_d6_rekey_interrupted_by_a_crash_is_finished_at_next_sign_in(site, stop_after):
    # D6 with D5: a crash in the middle of a change of key must lose nobody and nothing.
    from cstr_desk.storage.rekey import rekey_database

    folder, old_key, _ = site
    keyring = Keyring(folder, scrypt_n=FAST_N)
    admin = keyring.sign_in(*ADMIN)
    new_key = os.urandom(32)
    keyring.begin_rekey(admin, new_key, remove=OFFICER[0])
    if stop_after == "database":
        database = open_database(folder, old_key)
        rekey_database(database, new_key)
        database.db.conn.close()  # killed: no backups re-encrypted, 'previous' still in the accounts file
        database.lock.release()
    store, signed = unlock(folder, *ADMIN, scrypt_n=FAST_N)
    store.database.close(backup=False)
    assert signed.key == new_key
    assert "previous" not in (folder / "keyring.json").read_text()
    assert _opens_anything(folder, old_key) == []
    assert len(_opens_anything(folder, new_key)) == 1 + len(list_backups(folder))
    with pytest.raises(WrongPassphrase):
        Keyring(folder, scrypt_n=FAST_N).sign_in(*OFFICER)


def test_d8_replaced_final_pdf_with_its_hash_is_detected_by_verify(site, demo, forms):
    # D8: replacing a final PDF together with its hash (after dropping the triggers) went undetected.
    from cstr_desk.workflow import finalize_case

    folder, _key, _ = site
    store, _ = unlock(folder, *OFFICER, scrypt_n=FAST_N)
    try:
        case = demo("drr_only")
        case.case_id = "tampered"
        store.import_case(case)
        finalize_case(store, case, forms, date(2026, 11, 23), datetime(2026, 11, 23, 15, 30))
        assert store.verify_audit().ok
        fake = b"%PDF-1.4 a different annex"
        store.db.execute("DROP TRIGGER final_versions_no_update")
        store.db.execute("UPDATE final_versions SET pdf = ?, pdf_sha256 = ? WHERE case_id = 'tampered'",
                         [fake, hashlib.sha256(fake).hexdigest()])
        report = store.verify_audit()
        assert not report.ok and "tampered" in report.message and report.head == store.audit_head()
    finally:
        store.database.close(backup=False)


def test_d13_d12_desk_sign_in_on_a_damaged_file_twice_says_damaged_both_times(site):
    # D13: after a failed sign-in in the app the next try said "already open"; D12: and it said "wrong key".
    from cstr_desk.workflow import Desk

    folder, _key, _ = site
    _damage_header(folder / DB_NAME)
    for _ in range(2):
        with pytest.raises(DatabaseDamaged, match="damaged"):
            Desk.sign_in(folder, *OFFICER, scrypt_n=FAST_N)
