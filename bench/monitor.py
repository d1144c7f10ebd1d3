"""The dashboard's monitoring counts at 50,000 cases: the Desk on the encrypted database beside one plain SQL query
over a plain sqlite3 copy of the same rows, in one run. Target: the Desk under 200 ms.

The monitoring rows come from real generated cases (domain/demo_data.py, scored and decided as the app does), repeated
with new ids over twelve months of hearings to reach N. Run: .venv/bin/python bench/monitor.py [N]
"""

from __future__ import annotations

import dataclasses
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import sqlite_utils

from cstr_desk.demo import DEMO_PASSPHRASE, demo_cases
from cstr_desk.domain.demo_data import generate
from cstr_desk.domain.eligibility import decide
from cstr_desk.domain.monitoring import COUNT_LABELS, MonitoringRecord, monitoring_record
from cstr_desk.storage.db import DB_NAME
from cstr_desk.storage.migrations import apply_migrations
from cstr_desk.storage.outcomes import RECORD_FIELDS
from cstr_desk.workflow import Desk, keyring_for, shipped_forms

N = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
DISTINCT = 1_000
END = date(2026, 11, 20)
START = END - timedelta(days=365)
FAST_N = 2**10


def monitoring_rows(n: int) -> list[tuple[object, ...]]:
    forms = shipped_forms()
    made = generate(demo_cases(END), DISTINCT, seed=5, end=END, months=12)
    records: list[MonitoringRecord] = [
        monitoring_record(g.case, decide(g.case, forms.programme), forms.programme, g.outcome, final=True) for g in made]
    rows = []
    for i in range(n):
        day = START + timedelta(days=i * 365 // n)
        record = dataclasses.replace(records[i % DISTINCT], month=day.strftime("%Y-%m"))
        values = [int(v) if isinstance(v, bool) else v for v in (getattr(record, f) for f in RECORD_FIELDS)]
        rows.append((f"case{i:06d}", day.isoformat(), *values))
    return rows


def fill(db: sqlite_utils.Database, rows: list[tuple[object, ...]]) -> None:
    names = ("case_id", "hearing_date", *RECORD_FIELDS)
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO cases (case_id, created_at, updated_at, status, hearing_date) "
            "VALUES (?, '2026-01-01', '2026-01-01', 'final', ?)", [r[:2] for r in rows])
        db.conn.executemany(f"INSERT INTO monitoring ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})", rows)


def median_ms(fn, runs: int = 15) -> float:  # type: ignore[no-untyped-def]
    fn()  # warm the page cache once, as the dashboard is warm after its first paint
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "enc"
        admin = Desk.create_first_administrator(keyring_for(folder, FAST_N), "Alex Admin", DEMO_PASSPHRASE)
        admin.add_account("Jo Adeyemi", "duty_officer", DEMO_PASSPHRASE)
        admin.close(backup=False)
        print(f"generating {DISTINCT} real cases, repeated to {N} monitoring rows ...", flush=True)
        rows = monitoring_rows(N)
        desk = Desk.sign_in(folder, "Jo Adeyemi", DEMO_PASSPHRASE, scrypt_n=FAST_N)
        fill(desk._store.db, rows)
        plain = sqlite3.connect(Path(tmp) / DB_NAME, isolation_level=None)
        plain_db = sqlite_utils.Database(plain)
        apply_migrations(plain_db)
        fill(plain_db, rows)

        counted = [k for k in COUNT_LABELS if k != "cases"]
        baseline_sql = ("SELECT count(*), " + ", ".join(f"sum({k})" for k in counted) + ", sum(custody_averted_days) "
                        "FROM monitoring WHERE hearing_date BETWEEN ? AND ?")
        period = [START.isoformat(), END.isoformat()]

        def baseline() -> tuple[object, ...]:
            return tuple(plain.execute(baseline_sql, period).fetchone())

        def dashboard() -> object:
            return desk.monitoring(START, END)

        report = desk.monitoring(START, END)
        expected = baseline()
        assert expected[0] == N == report.totals.counts["cases"], (expected[0], report.totals.counts["cases"])
        assert list(expected[1:-1]) == [report.totals.counts[k] for k in counted], "the counts differ"
        base_ms = median_ms(baseline)
        desk_ms = median_ms(dashboard)
        print(f"cases: {N}; months: {len(report.by_month)}; custody averted: {report.totals.counts['custody_averted']} "
              f"cases, {report.totals.custody_averted_weeks} weeks")
        print(f"plain sqlite3, one aggregate (baseline): {base_ms:8.1f} ms")
        print(f"Desk.monitoring, encrypted (totals, by month, reason groups): {desk_ms:8.1f} ms  "
              f"ratio {desk_ms / base_ms:.2f}x  target < 200 ms: {'met' if desk_ms < 200 else 'NOT MET'}")
        desk.close(backup=False)
        plain.close()


if __name__ == "__main__":
    main()
