"""Encrypted storage: no plaintext, keys, migrations, drafts, immutable finals, audit chain, crashes, bad disks."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlcipher3
import sqlite_utils

from cstr_desk.domain.roles import Actor
from cstr_desk.storage import migrations as mig
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import DB_NAME, _keyed_connect, list_backups, open_database
from cstr_desk.storage.errors import (
    AlreadyOpen,
    CannotUnlock,
    CaseIsFinal,
    DatabaseDamaged,
    NewerDatabase,
    StorageError,
)
from cstr_desk.workflow import NotReadyToFinalize, finalize_case
from tests.report.pdftext import pages

TODAY = date(2026, 11, 23)
WHEN = datetime(2026, 11, 23, 15, 30)


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


def test_raw_files_hold_no_plaintext(store, folder, demo, forms):
    case = demo("mhtr_atr_womens_centre")
    store.import_case(case)
    store.save_draft(case)
    finalize_case(store, case, forms, TODAY, WHEN)
    store.database.close()  # also writes a backup
    raw = all_bytes(folder)
    assert list_backups(folder)
    for secret in ("O'Neill", "Siân", "W112233", "Assault by beating", "refuge", "antidepressants",
                   "safeguarding_item9", "%PDF"):
        assert secret.encode("utf-8") not in raw, secret
    assert b"SQLite format 3" not in raw


def test_wrong_key_refused_and_file_unchanged(store, folder, demo):
    store.import_case(demo("drr_only"))
    store.database.close(backup=False)
    before = hashlib.sha256((folder / DB_NAME).read_bytes()).hexdigest()
    with pytest.raises(CannotUnlock, match="Cannot unlock"):
        open_database(folder, os.urandom(32))
    assert hashlib.sha256((folder / DB_NAME).read_bytes()).hexdigest() == before
    assert not list_backups(folder)


def test_data_survives_close_and_reopen(store, folder, key, demo):
    case = demo("atr_only")
    store.import_case(case)
    case.person.given_names = "Andrei Mihai"
    store.save_draft(case)
    store.database.close(backup=False)
    again = CaseStore(open_database(folder, key), Actor("officer-2", "duty_officer"))
    assert again.load_draft(case.case_id).person.given_names == "Andrei Mihai"
    summary = again.summary(case.case_id)
    assert summary.save_count == 1 and summary.last_writer == "officer-1"
    again.database.close(backup=False)


def test_second_opener_is_told_already_open(store, folder, key):
    with pytest.raises(AlreadyOpen, match="already has this data folder open"):
        open_database(folder, key)


def test_second_process_is_told_already_open(store, folder, key):
    code = (
        "import sys; from pathlib import Path; from cstr_desk.storage.db import open_database\nfrom cstr_desk.storage.errors import AlreadyOpen\n"
        f"try:\n    open_database(Path({str(folder)!r}), bytes.fromhex({key.hex()!r}))\n"
        "except AlreadyOpen as e:\n    print('refused'); sys.exit(0)\nsys.exit(1)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "refused" in out.stdout


# ------------------------------------------------------------------ migrations

STEPS = [m.name for m in mig.migrations._migrations]


def _plain_schema_at(folder: Path, key: bytes, stop_before: str | None) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    conn = _keyed_connect(folder / DB_NAME, key)
    db = sqlite_utils.Database(conn)
    mig.apply_migrations(db, stop_before=stop_before)
    if "drafts" in db.table_names():
        db.execute("INSERT INTO cases (case_id, created_at, updated_at, status, person_name, crn, court) "
                   "VALUES ('old-1', 'x', 'x', 'draft', 'Łucja Nowak', 'A123456', 'Leeds')")
        db.execute("INSERT INTO drafts (case_id, draft_json) VALUES ('old-1', '{}')")
    elif "cases" in db.table_names():
        db.execute(
            "INSERT INTO cases (case_id, created_at, updated_at, status, person_name, crn, court, draft_json) "
            "VALUES ('old-1', 'x', 'x', 'draft', 'Łucja Nowak', 'A123456', 'Leeds', '{}')"
        )
    conn.close()


@pytest.mark.parametrize("stop_before", [*STEPS[1:], None])
def test_migrates_from_each_earlier_schema_version(tmp_path, key, stop_before):
    folder = tmp_path / "old"
    _plain_schema_at(folder, key, stop_before)
    database = open_database(folder, key)
    applied = [m.name for m in mig.migrations.applied(database.db)]
    assert applied == STEPS
    store = CaseStore(database, Actor("officer", "duty_officer"))
    assert [c.person_name for c in store.list_cases("a1234")] == ["Łucja Nowak"]
    assert database.db.execute("SELECT draft_json FROM drafts WHERE case_id = 'old-1'").fetchone()[0] == "{}"
    if stop_before is not None and STEPS.index(stop_before) <= STEPS.index("m004_case_search"):
        # rows from before the search step get their folded search name
        assert [c.person_name for c in store.list_cases("lucja")] == ["Łucja Nowak"]
    database.close(backup=False)


def test_migrates_from_empty(tmp_path, key):
    database = open_database(tmp_path / "new", key)
    assert {"cases", "drafts", "final_versions", "audit", "cases_fts"} <= set(database.db.table_names())
    database.close(backup=False)


def test_newer_database_refused_and_unchanged(store, folder, key):
    store.db["_sqlite_migrations"].insert({"migration_set": "cstr_desk", "name": "m999_from_the_future",
                                           "applied_at": "2030-01-01"})
    store.database.close(backup=False)
    before = (folder / DB_NAME).read_bytes()
    with pytest.raises(NewerDatabase, match="newer version"):
        open_database(folder, key)
    assert (folder / DB_NAME).read_bytes() == before


# ------------------------------------------------------------------ finals


def test_finalize_stores_pdf_hash_and_versions_in_one_go(store, demo, forms):
    case = demo("mhtr_only")
    store.import_case(case)
    result = finalize_case(store, case, forms, TODAY, WHEN)
    (record,) = store.final_versions(case.case_id)
    assert record.version == 1 and record.pdf_sha256 == hashlib.sha256(result.pdf).hexdigest()
    assert record.instrument_versions == {"audit_c": "2.0.0", "dast10": "2.0.0", "mh_screen": "2.0.0",
                                          "phq9": "1.0.0", "gad7": "2.0.0"}
    pdf = store.final_pdf(case.case_id, 1)
    assert not any("DRAFT" in p for p in pages(pdf))
    assert record.content_sha256 in pages(pdf)[0]
    with pytest.raises(CaseIsFinal):
        store.save_draft(case)
    assert list_backups(store.database.folder), "a backup is made at each finalize"


def test_finalize_refused_while_problems_remain(store, demo, forms):
    case = demo("mhtr_only")
    case.consents = [c for c in case.consents if c.kind != "willingness"]
    store.import_case(case)
    with pytest.raises(NotReadyToFinalize) as info:
        finalize_case(store, case, forms, TODAY, WHEN)
    assert any("C4" in p.message for p in info.value.problems)
    assert store.final_versions(case.case_id) == []


@pytest.mark.parametrize("sql", [
    "UPDATE final_versions SET pdf = x'00'",
    "UPDATE final_versions SET case_json = '{}'",
    "DELETE FROM final_versions",
    "DELETE FROM cases",
])
def test_database_itself_refuses_changes_to_finals(store, demo, forms, sql):
    case = demo("drr_only")
    store.import_case(case)
    finalize_case(store, case, forms, TODAY, WHEN)
    with pytest.raises(sqlcipher3.DatabaseError):
        store.db.execute(sql)
    assert store.final_pdf(case.case_id, 1).startswith(b"%PDF")
    assert store.summary(case.case_id).status == "final"


def test_amend_makes_version_two_with_reason(store, demo, forms):
    case = demo("drr_only")
    store.import_case(case)
    first = finalize_case(store, case, forms, TODAY, WHEN)
    with pytest.raises(StorageError, match="needs a reason"):
        store.amend(case.case_id, "  ")
    amended = store.amend(case.case_id, "First appointment moved to Wednesday")
    amended.proposal.requirements[0].first_appointment_at = datetime(2026, 11, 25, 9, 30)
    store.save_draft(amended)
    second = finalize_case(store, amended, forms, TODAY, datetime(2026, 11, 23, 16, 0))
    v1, v2 = store.final_versions(case.case_id)
    assert (v1.version, v2.version) == (1, 2)
    assert v2.amends_version == 1 and v2.amend_reason == "First appointment moved to Wednesday"
    assert store.final_pdf(case.case_id, 1) == first.pdf, "version 1 never changes"
    assert "version 2" in pages(second.pdf)[0]


def test_draft_of_a_case_with_finals_cannot_be_deleted(store, demo, forms):
    case = demo("atr_only")
    store.import_case(case)
    finalize_case(store, case, forms, TODAY, WHEN)
    with pytest.raises(CaseIsFinal):
        store.delete_draft(case.case_id, "started by mistake")
    other = demo("mhtr_only")
    other.author.name = store.who  # only the draft's author may delete it
    store.import_case(other)
    store.delete_draft(other.case_id, "started by mistake")
    assert [c.case_id for c in store.list_cases()] == [case.case_id]


# ------------------------------------------------------------------ audit


def test_audit_chain_verifies_then_breaks_when_an_entry_changes(store, demo, forms):
    case = demo("atr_only")
    store.create_case(case)
    for _ in range(3):
        store.save_draft(case)
    finalize_case(store, case, forms, TODAY, WHEN)
    store.record_export(case.case_id, "annex v1")
    report = store.verify_audit()
    assert report.ok and report.entries == 6
    events = [r[0] for r in store.db.execute("SELECT event FROM audit ORDER BY id")]
    assert events == ["create", "save", "save", "save", "finalize", "export"]
    with pytest.raises(sqlcipher3.DatabaseError):
        store.db.execute("UPDATE audit SET detail = 'x' WHERE id = 3")
    # Someone with the key drops the guard and edits one byte of entry 3.
    store.db.execute("DROP TRIGGER audit_no_update")
    store.db.execute("UPDATE audit SET detail = 'save 9' WHERE id = 3")
    report = store.verify_audit()
    assert not report.ok and report.first_broken_id == 3


def test_audit_never_holds_names_or_answers(store, demo):
    case = demo("mhtr_atr_womens_centre")
    store.import_case(case)
    store.save_draft(case)
    dump = " ".join(str(v) for row in store.db.execute("SELECT * FROM audit") for v in row)
    for secret in ("Siân", "O'Neill", "W112233", "refuge", "phq9"):
        assert secret not in dump


def test_cli_import_list_and_audit_verify_with_sign_in(tmp_path):
    from cstr_desk.paths import resources_dir

    env = {k: v for k, v in os.environ.items() if not k.startswith("CSTR_DESK_")}
    env["CSTR_DESK_DATA"] = str(tmp_path / "d")

    def run(*args, stdin="", **extra):
        return subprocess.run([sys.executable, "-m", "cstr_desk", *args], env=dict(env, **extra), input=stdin,
                              capture_output=True, text=True, timeout=120)

    assert run("users", "add", "Admin", "--role", "administrator", stdin="amber kettle sunrise\n").returncode == 0
    added = run("users", "add", "Jo Adeyemi", "--role", "duty_officer", "--user", "Admin",
                stdin="amber kettle sunrise\ngreen lantern harbour\n")
    assert added.returncode == 0, added.stderr
    first = {"CSTR_DESK_USER": "Jo Adeyemi", "CSTR_DESK_PASSPHRASE": "green lantern harbour"}
    forced = run("list", **first)
    assert forced.returncode == 2 and "choose your own" in forced.stderr, "the administrator's passphrase is temporary"
    own = run("users", "passwd", "Jo Adeyemi", stdin="violet harbour thunder\n", **first)
    assert own.returncode == 0, own.stderr
    officer = {"CSTR_DESK_USER": "Jo Adeyemi", "CSTR_DESK_PASSPHRASE": "violet harbour thunder"}
    assert run("import", str(resources_dir() / "demo" / "drr_only.json"), **officer).returncode == 0
    listing = run("list", "--search", "lukasz", **officer)
    assert listing.returncode == 0 and "Łukaszewski" in listing.stdout
    verify = run("audit", "verify", **officer)
    assert verify.returncode == 0 and "intact" in verify.stdout
    wrong = run("list", CSTR_DESK_USER="Jo Adeyemi", CSTR_DESK_PASSPHRASE="green lantern harbor")
    assert wrong.returncode == 2 and "do not match" in wrong.stderr and "Traceback" not in wrong.stderr
    admin = run("list", "--user", "Admin", stdin="amber kettle sunrise\n")
    assert admin.returncode == 2 and "cannot read cases" in admin.stderr
    weak = run("users", "add", "Sam", "--role", "duty_officer", "--user", "Admin",
               stdin="amber kettle sunrise\npassword1234\n")
    assert weak.returncode == 2 and "most commonly used" in weak.stderr


# ------------------------------------------------------------------ crashes, damage, bad disks

CHILD = """
import sys, copy
from pathlib import Path
from cstr_desk.storage.db import open_database
from cstr_desk.storage.cases import CaseStore
from tests.unit.conftest import DEMOS
from cstr_desk.domain.roles import Actor
store = CaseStore(open_database(Path(sys.argv[1]), bytes.fromhex(sys.argv[2])), Actor("child", "duty_officer"))
case = copy.deepcopy(DEMOS["drr_only"])
store.import_case(case)
n = 0
while True:
    n += 1
    case.person.contact_needs = f"edit {n}"
    store.save_draft(case)
    print(n, flush=True)
"""


def test_sigkill_mid_stream_of_saves_keeps_last_committed_draft(tmp_path, key):
    folder = tmp_path / "crash"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), key.hex()], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    last = 0
    deadline = time.monotonic() + 60
    while last < 200 and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        last = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert last >= 200, "the child saved drafts before it was killed"
    database = open_database(folder, key)
    assert database.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    store = CaseStore(database, Actor("after", "duty_officer"))
    saved = int(store.load_draft("demo-drr-only").person.contact_needs.split()[1])
    assert saved >= last, "every save the child reported as done is there"
    assert store.summary("demo-drr-only").save_count == saved
    assert store.verify_audit().ok
    database.close(backup=False)


def test_corrupt_file_refused_and_left_byte_for_byte(store, folder, key, demo):
    for n in range(40):
        case = demo("mhtr_only")
        case.case_id = f"c{n}"
        store.import_case(case)
    store.database.backup()
    store.database.close(backup=False)
    path = folder / DB_NAME
    for extra in folder.glob(DB_NAME + "-*"):
        extra.unlink()
    data = bytearray(path.read_bytes())
    assert len(data) > 8192 * 3
    middle = len(data) // 2
    data[middle:middle + 64] = bytes(64)
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with pytest.raises(DatabaseDamaged) as info:
        open_database(folder, key)
    assert path.read_bytes() == before
    assert info.value.backups and "newest good backup" in str(info.value)


def test_full_disk_gives_clear_error_and_keeps_previous_state(store, demo):
    case = demo("drr_only")
    store.import_case(case)
    store.save_draft(case)
    audit_before = store.db.execute("SELECT count(*) FROM audit").fetchone()[0]
    pages_now = store.db.execute("PRAGMA page_count").fetchone()[0]
    store.db.execute(f"PRAGMA max_page_count = {pages_now}")  # simulate a full disk
    case.risk_notes = "x" * 200_000
    with pytest.raises(StorageError, match="disk is full"):
        store.save_draft(case)
    assert store.load_draft(case.case_id).risk_notes == ""
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == audit_before
    assert store.summary(case.case_id).save_count == 1


def test_read_only_database_gives_clear_error_and_no_partial_record(store, demo):
    store.db.execute("PRAGMA query_only = ON")  # simulate a read-only folder (root ignores chmod here)
    case = demo("drr_only")
    with pytest.raises(StorageError, match="read-only"):
        store.import_case(case)
    store.db.execute("PRAGMA query_only = OFF")
    assert store.count() == 0
    assert store.db.execute("SELECT count(*) FROM audit").fetchone()[0] == 0


def test_unwritable_data_folder_gives_clear_error(tmp_path, key):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with pytest.raises(StorageError, match="Could not create the data folder"):
        open_database(blocker / "data", key)


def test_backups_rotate_and_open_with_the_same_key(store, folder, key, demo):
    store.import_case(demo("drr_only"))
    store.database.keep_backups = 3
    for _ in range(5):
        store.database.backup()
    backups = list_backups(folder)
    assert len(backups) == 3
    conn = _keyed_connect(backups[0], key)
    assert conn.execute("SELECT person_name FROM cases").fetchone()[0] == "Tomasz Łukaszewski"
    conn.close()


# ------------------------------------------------------------------ search


def test_search_by_name_crn_court_date_and_status(store, demo, forms):
    for name in ("mhtr_only", "drr_only", "atr_only", "mhtr_atr_womens_centre"):
        store.import_case(demo(name))
    finalize_case(store, demo("atr_only"), forms, TODAY, WHEN)
    names = lambda rows: sorted(r.person_name for r in rows)
    assert names(store.list_cases("lukasz")) == ["Tomasz Łukaszewski"]
    assert names(store.list_cases("ŁUKASZ")) == ["Tomasz Łukaszewski"]
    assert names(store.list_cases("o'neill")) == ["Siân O'Neill"]
    assert names(store.list_cases("w1122")) == ["Siân O'Neill"]
    assert len(store.list_cases("milton keynes")) == 4
    assert len(store.list_cases("23/11/2026")) == 4
    assert store.list_cases("24/11/2026") == []
    assert names(store.list_cases(status="final")) == ["Andrei Ștefănescu"]
    assert store.list_cases('" OR 1=1 --') == []
    rows = store.list_cases(today=TODAY)
    assert rows[-1].status == "final", "drafts before finals"


def test_plain_sqlite_cannot_read_the_file(store, folder):
    store.database.close(backup=False)
    conn = sqlite3.connect(folder / DB_NAME)
    with pytest.raises(sqlite3.DatabaseError):
        conn.execute("SELECT * FROM cases").fetchall()


def test_integrity_check_in_the_background_reads_at_once_and_refuses_changes_to_a_damaged_file(store, folder, key, demo):
    # Issue 16: sign-in shows the case list without waiting for quick_check; a change waits for it, and a file
    # that fails it takes no change and is left exactly as it was.
    import pytest as _pytest

    from cstr_desk.storage.errors import DatabaseDamaged

    store.import_case(demo("drr_only"))
    for n in range(60):  # enough pages that damage in the middle leaves the schema readable
        extra = demo("mhtr_only")
        extra.case_id = f"bulk-{n}"
        store.import_case(extra)
    store.database.close(backup=False)
    path = folder / "cstr-desk.db"
    raw = bytearray(path.read_bytes())
    middle = len(raw) // 2 // 4096 * 4096
    raw[middle + 100:middle + 600] = bytes(500)  # scramble part of one page, not the first
    path.write_bytes(bytes(raw))
    before = path.read_bytes()
    database = open_database(folder, key, create=False, key_verified=True, background_check=True)
    try:
        assert database.integrity is not None
        damaged = CaseStore(database, actor=store.actor)
        with _pytest.raises(DatabaseDamaged, match="damaged"):
            damaged.record_event("export", detail="a change")
        assert database.integrity.wait(), "the check found the damage"
    finally:
        database.close(backup=False)
    assert path.read_bytes() == before, "a refused change leaves the file byte for byte"
