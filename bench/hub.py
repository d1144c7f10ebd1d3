"""The site hub on a real PostgreSQL (pgserver): hand-over throughput and site figures at 50,000 cases.

Baselines in the same run, on the same server:
- hand-over: `send()` of sealed bundles, one case per transaction, as a laptop login (row-level security, the
  hub's hash check, the receipt read back) against a plain INSERT loop of the same rows into a plain table as
  the owner, one transaction per row. The laptop's own preparation (two person's sheets, the zip, age
  sealing, the monitoring record) is timed apart, per case.
- site figures: `site_counts()` through the monitoring view (latest version per case, every count of a return,
  reason groups) as a reporting login, against a plain `SELECT count(*) ... GROUP BY` over a plain copy.

Run: .venv/bin/python bench/hub.py [N_CASES_FOR_FIGURES] [N_HANDOVERS]
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
from psycopg.conninfo import make_conninfo

from cstr_desk.domain.casefile import case_to_compact_json
from cstr_desk.hub.bundle import generate_site_keys, sha256_hex
from cstr_desk.hub.client import add_login, connect, init_hub, send, site_counts
from cstr_desk.hub.handover import outgoing
from cstr_desk.hub.record import clear_columns, record_for
from cstr_desk.hub.schema import RECORD_COLUMNS
from cstr_desk.storage.handover import WaitingVersion
from cstr_desk.workflow import render_annex_pdf
from tests.unit.conftest import DEMOS, FORMS

N_CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
N_SEND = int(sys.argv[2]) if len(sys.argv) > 2 else 300
DAY = date(2026, 11, 23)


def median_ms(fn, runs: int = 7) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parent = Path(tempfile.mkdtemp(prefix="cstr-hub-bench-"))
    parent.chmod(0o755)  # pgserver runs PostgreSQL as its own user when started by root
    import pgserver

    server = pgserver.get_server(parent / "data", cleanup_mode="stop")
    try:
        run(server.get_uri())
    finally:
        server.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


def run(uri: str) -> None:
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute("CREATE DATABASE hub_bench")
    admin = make_conninfo(uri, dbname="hub_bench")
    keys = generate_site_keys()
    init_hub(admin, keys.recipient)
    laptop = add_login(admin, "bench", "laptop")
    reporter = add_login(admin, "bench", "reporting")

    # ---------------------------------------------------------------- hand-over
    names = ["mhtr_only", "drr_only", "atr_only", "mhtr_atr_womens_centre"]
    pdfs = {n: render_annex_pdf(DEMOS[n], final=True, today=DAY) for n in names}
    waiting = []
    for i in range(N_SEND):
        name = names[i % 4]
        case = dataclasses.replace(DEMOS[name], case_id=f"bench{i:06d}")
        pdf = pdfs[name]
        waiting.append(WaitingVersion(case.case_id, 1, 0, case_to_compact_json(case), pdf, sha256_hex(pdf)))
    start = time.perf_counter()
    items = [outgoing(w, FORMS, keys.recipient) for w in waiting]
    prepare_s = time.perf_counter() - start

    with connect(laptop.dsn) as conn:
        start = time.perf_counter()
        for item in items:
            send(conn, item)
        send_s = time.perf_counter() - start
    with psycopg.connect(admin, autocommit=True) as conn:
        columns = ["case_id", "annex_version", "outcome_version", "bundle", "bundle_sha256", "annex_sha256",
                   *items[0].columns]
        conn.execute(
            "CREATE TABLE plain_handovers AS SELECT " + ", ".join(columns) + " FROM cstr_hub.handovers WHERE false")
        insert = (f"INSERT INTO plain_handovers ({', '.join(columns)}) "
                  f"VALUES ({', '.join(['%s'] * len(columns))})")
        start = time.perf_counter()
        for item in items:
            with conn.transaction():
                conn.execute(insert, [f"plain{item.case_id}", 1, 0, item.bundle, sha256_hex(item.bundle),
                                      item.annex_sha256, *item.columns.values()])
        plain_s = time.perf_counter() - start

    print(f"hand-over of {N_SEND} cases (one transaction each, bundles ~{len(items[0].bundle) // 1024} KB):")
    print(f"  send() as a laptop login:  {N_SEND / send_s:8.0f} cases/s")
    print(f"  plain INSERT loop (owner): {N_SEND / plain_s:8.0f} cases/s   ratio {send_s / plain_s:.2f}x the time")
    print(f"  laptop preparation (sheets, zip, age, record): {1000 * prepare_s / N_SEND:.1f} ms a case "
          f"({N_SEND / (prepare_s + send_s):.0f} cases/s end to end)")

    # ---------------------------------------------------------------- site figures at N_CASES
    record = record_for(DEMOS["mhtr_atr_womens_centre"], None, FORMS.programme)
    base = clear_columns(record, DAY)
    bundle = os.urandom(4096)
    digest = sha256_hex(bundle)
    copy_columns = ["laptop", "case_id", "annex_version", "outcome_version", "bundle", "bundle_sha256",
                    "annex_sha256", *base]
    with psycopg.connect(admin, autocommit=True) as conn:
        with conn.cursor().copy(f"COPY cstr_hub.handovers ({', '.join(copy_columns)}) FROM STDIN") as copy:
            for i in range(N_CASES):
                row = dict(base)
                row["hearing_date"] = DAY - timedelta(days=i % 365)
                row["woman"] = i % 3 == 0
                row["mhtr_imposed"] = i % 4 == 0
                # One case in ten has a second (amended) version: the view must count it once.
                copy.write_row([laptop.role, f"fig{i // 10 * 10 if i % 10 == 9 else i:07d}",
                                2 if i % 10 == 9 else 1, 0, bundle, digest, "0" * 64, *row.values()])
        conn.execute("ANALYZE cstr_hub.handovers")
        conn.execute("CREATE TABLE plain_monitoring AS SELECT hearing_date, " + ", ".join(RECORD_COLUMNS)
                     + " FROM cstr_hub.handovers")
        conn.execute("ANALYZE plain_monitoring")
        total = conn.execute("SELECT count(*) FROM cstr_hub.handovers").fetchone()[0]
        start_day, end_day = DAY - timedelta(days=364), DAY
        counted = [c for c in RECORD_COLUMNS if c not in ("month", "unsuitable_group", "outcome_category",
                                                          "custody_in_view", "custody_averted_days")]
        plain_sql = ("SELECT unsuitable_group, count(*), "
                     + ", ".join(f"count(*) FILTER (WHERE {c})" for c in counted)
                     + ", sum(custody_averted_days) FROM plain_monitoring WHERE hearing_date BETWEEN %s AND %s "
                       "GROUP BY unsuitable_group")

        def plain() -> None:
            conn.execute(plain_sql, [start_day, end_day]).fetchall()

        plain_ms = median_ms(plain)
    counts = site_counts(reporter.dsn, start_day, end_day)
    hub_ms = median_ms(lambda: site_counts(reporter.dsn, start_day, end_day))
    with psycopg.connect(reporter.dsn) as conn:
        def view_only() -> None:
            conn.execute("SELECT sum(cases) FROM cstr_hub.monitoring WHERE hearing_date BETWEEN %s AND %s",
                         [start_day, end_day]).fetchone()

        view_ms = median_ms(view_only)
    print(f"site figures over {total} hand-over rows ({counts.counts['cases']} cases at their latest version):")
    print(f"  site_counts() via the monitoring view (new connection each time): {hub_ms:7.1f} ms")
    print(f"  the view's query alone, on an open connection:                     {view_ms:7.1f} ms")
    print(f"  plain count ... GROUP BY on a plain copy (no latest-version step): {plain_ms:7.1f} ms   "
          f"ratio {view_ms / plain_ms:.2f}x")


if __name__ == "__main__":
    main()
