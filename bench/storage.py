"""Storage at 50,000 cases: save-draft, open and search, encrypted (SQLCipher) beside plain sqlite3, in one run.

Both databases get the same schema (the app's migrations) and the same rows; the plain one is the
baseline. Prints each time and the ratio. Run: .venv/bin/python bench/storage.py [N]
"""

from __future__ import annotations

import copy
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils

from cstr_desk.domain.casefile import case_to_json
from cstr_desk.domain.roles import Actor
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import DB_NAME, Database, _keyed_connect, _ProcessLock, open_database
from cstr_desk.storage.migrations import apply_migrations
from cstr_desk.storage.search import fold
from tests.unit.conftest import DEMOS

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
GIVEN = ["Tomasz", "Siân", "Dafydd", "Andrei", "Łucja", "Ioana", "Fiona", "Kwame", "Priya", "Olena"]
FAMILY = ["Łukaszewski", "O'Neill", "Llŷr", "Ștefănescu", "Nowak", "Popescu", "Smith", "Mensah", "Shah", "Kovalenko"]
COURTS = ["Milton Keynes Magistrates' Court", "Leeds Crown Court", "Cardiff Magistrates' Court", "Luton Crown Court"]


def rows(n: int):  # type: ignore[no-untyped-def]
    text = case_to_json(DEMOS["mhtr_atr_womens_centre"])
    for i in range(n):
        name = f"{GIVEN[i % 10]} {FAMILY[(i // 10) % 10]}{i}"
        yield (f"case{i}", "2026-01-01", "2026-01-01", "draft", name, fold(name), f"X{i:06d}", COURTS[i % 4],
               f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}", "", text)


def fill(conn) -> None:  # type: ignore[no-untyped-def]
    db = sqlite_utils.Database(conn)
    apply_migrations(db)
    insert_rows(db, N)
    conn.close()


def insert_rows(db: sqlite_utils.Database, n: int) -> None:
    with db.atomic():
        for row in rows(n):
            db.execute("INSERT INTO cases (case_id, created_at, updated_at, status, person_name, search_name, crn, "
                       "court, hearing_date, wizard_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row[:-1])
            db.execute("INSERT INTO drafts (case_id, draft_json) VALUES (?, ?)", [row[0], row[-1]])


def median_ms(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    key = os.urandom(32)
    with tempfile.TemporaryDirectory() as tmp:
        enc_dir, plain_dir = Path(tmp) / "enc", Path(tmp) / "plain"
        enc_dir.mkdir()
        plain_dir.mkdir()
        print(f"filling {N} cases in each database ...", flush=True)
        fill(_keyed_connect(enc_dir / DB_NAME, key))
        fill(sqlite3.connect(plain_dir / DB_NAME, isolation_level=None))

        def open_enc() -> Database:
            return open_database(enc_dir, key)

        def open_plain() -> Database:
            conn = sqlite3.connect(plain_dir / DB_NAME, isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA quick_check").fetchall()
            conn.execute("PRAGMA journal_mode = WAL")
            db = sqlite_utils.Database(conn)
            apply_migrations(db)
            lock = _ProcessLock(plain_dir / "lock")
            lock.acquire()
            return Database(plain_dir, db, b"", lock)

        # Sign-in to a usable case list: the integrity check runs on its own thread (issue 16, goal under 0.5 s).
        usable, checked = [], []
        for _ in range(5):
            start = time.perf_counter()
            database = open_database(enc_dir, key, background_check=True)
            CaseStore(database, Actor("bench", "duty_officer")).list_cases()
            usable.append((time.perf_counter() - start) * 1000)
            assert database.integrity is None or database.integrity.wait() == ""
            checked.append((time.perf_counter() - start) * 1000)
            database.db.conn.close()
            database.lock.release()

        results = {}
        for label, opener in (("encrypted", open_enc), ("plain", open_plain)):
            times = []
            for _ in range(5):
                start = time.perf_counter()
                database = opener()
                times.append((time.perf_counter() - start) * 1000)
                database.db.conn.close()
                database.lock.release()
            database = opener()
            store = CaseStore(database, Actor("bench", "duty_officer"))
            case = copy.deepcopy(DEMOS["mhtr_atr_womens_centre"])
            case.case_id = "case123"
            counter = iter(range(10**9))

            def save() -> None:
                case.person.contact_needs = f"edit {next(counter)}"
                store.save_draft(case)

            save_ms = median_ms(save, 200)
            search_ms = median_ms(lambda: store.list_cases("luka"), 50)
            typed_ms = median_ms(lambda: store.list_cases("Łukaszewski12"), 50)
            results[label] = (statistics.median(times), save_ms, search_ms, typed_ms)
            database.db.conn.close()
            database.lock.release()

        signin = sign_in_times(Path(tmp) / "accounts")

    enc, plain = results["encrypted"], results["plain"]
    print(f"{'operation':<34}{'encrypted':>12}{'plain':>12}{'ratio':>8}")
    for n, label in enumerate(("open (check + migrations)", "save draft (one edit)", "search 'luka' (list of 200)",
                               "search 'Łukaszewski12'")):
        print(f"{label:<34}{enc[n]:>10.2f}ms{plain[n]:>10.2f}ms{enc[n] / plain[n]:>7.2f}x")
    print(f"sign-in to a usable case list, check in the background: {statistics.median(usable):.0f} ms "
          f"(goal under 500 ms; the check itself finishes at {statistics.median(checked):.0f} ms, on its own thread; "
          f"{statistics.median(usable) / plain[0]:.2f}x opening the plain file with its check)")
    known, unknown, right = signin
    print(f"\nsign-in, wrong passphrase: known name {known:.1f} ms, unknown name {unknown:.1f} ms "
          f"(ratio {unknown / known:.2f}x); right passphrase {right:.1f} ms")


def sign_in_times(folder: Path) -> tuple[float, float, float]:
    """Median wrong-passphrase sign-in for a known name, for an unknown one, and a right one (issue 15, D16:
    the two failures should cost the same, so timing does not tell whether a name exists)."""
    from cstr_desk.storage.errors import SignInError
    from cstr_desk.storage.users import Keyring

    keyring = Keyring(folder)
    keyring.create_first_administrator("Alex Admin", "amber kettle sunrise")

    def attempt(name: str, passphrase: str) -> None:
        keyring.data["failures"].clear()
        keyring.data["unknown_failures"] = []
        try:
            keyring.sign_in(name, passphrase)
        except SignInError:
            pass
        keyring._change(lambda data: (data["failures"].clear(), data.update(unknown_failures=[])))

    known = median_ms(lambda: attempt("Alex Admin", "not the passphrase"), 15)
    unknown = median_ms(lambda: attempt("Nobody Here", "not the passphrase"), 15)
    right = median_ms(lambda: attempt("Alex Admin", "amber kettle sunrise"), 15)
    return known, unknown, right


if __name__ == "__main__":
    main()
