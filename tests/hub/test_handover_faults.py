"""Faults and the laptop's clearing: a connection killed mid-send, a lost receipt, retention with tombstones."""

from __future__ import annotations

import shutil
import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
import sqlcipher3

from cstr_desk.hub.handover import hand_over
from cstr_desk.storage.audit import verify_audit
from cstr_desk.storage.db import open_database
from cstr_desk.storage.handover import PENDING, SENT, handover_states
from cstr_desk.storage.retention import (
    clearable_cases,
    overdue_cases,
    purge_expired,
    retention_days,
    set_retention_days,
)
from tests.hub.conftest import ADMIN, OFFICER


def _hub_rows(dsn: str) -> set[tuple[str, int]]:
    with psycopg.connect(dsn) as conn:
        return {(r[0], r[1]) for r in conn.execute("SELECT case_id, annex_version FROM cstr_hub.handovers")}


def _laptop_receipts(laptop) -> set[tuple[str, int]]:  # type: ignore[no-untyped-def]
    return {(r[0], r[1]) for r in laptop.database.db.execute(
        "SELECT case_id, annex_version FROM handover_receipts")}


def test_connection_killed_mid_send_loses_nothing_and_doubles_nothing(hub, laptops, forms):
    a = laptops("a")
    first_sent, lock_held = threading.Event(), threading.Event()

    def after_each(done: int, total: int) -> None:
        if done == 1:
            first_sent.set()
            assert lock_held.wait(30)

    result: dict[str, object] = {}

    def run() -> None:
        try:
            result["run"] = hand_over(a.database, OFFICER, forms, progress=after_each)
        except Exception as exc:  # noqa: BLE001 - the test thread hands any failure back to the test
            result["error"] = exc

    with psycopg.connect(hub.admin_dsn) as admin:
        sender = threading.Thread(target=run)
        sender.start()
        assert first_sent.wait(60)
        # The second case's INSERT will wait on this lock, inside its own open transaction on the hub.
        admin.execute("LOCK TABLE cstr_hub.handovers IN EXCLUSIVE MODE")
        lock_held.set()
        with psycopg.connect(hub.admin_dsn, autocommit=True) as killer:
            for _ in range(300):
                pids = [r[0] for r in killer.execute(
                    "SELECT pid FROM pg_stat_activity WHERE usename = %s AND wait_event_type = 'Lock'",
                    [a.creds.role])]
                if pids:
                    break
                time.sleep(0.05)
            assert pids, "the laptop never got as far as waiting inside its transaction"
            killer.execute("SELECT pg_terminate_backend(%s)", [pids[0]])
        admin.rollback()  # release the lock
        sender.join(60)

    assert "error" not in result, result.get("error")
    run_result = result["run"]
    assert len(run_result.sent) == 1 and len(run_result.failed) == 1 and run_result.not_tried == 2
    assert "connection to the hub was lost" in run_result.failed[0][2]
    # Both sides agree: one case on the hub, one receipt on the laptop, the other three still waiting.
    assert _hub_rows(hub.admin_dsn) == _laptop_receipts(a) and len(_laptop_receipts(a)) == 1
    assert sorted(s.state for s in handover_states(a.database)) == ["failed", PENDING, PENDING, SENT]
    # The next run sends the rest, once each.
    again = hand_over(a.database, OFFICER, forms)
    assert len(again.sent) == 3
    assert _hub_rows(hub.admin_dsn) == _laptop_receipts(a) == {(c, 1) for c in a.case_ids}


def test_receipt_lost_after_the_hub_committed_is_recovered_without_a_second_row(hub, laptops, forms, tmp_path):
    a = laptops("a")
    key = a.database.key
    a.database.close(backup=False)
    # A copy of the laptop as it was before sending: the state it is in if the hub committed but the
    # connection dropped before the receipt reached the laptop (or a backup restored after a hand-over).
    shutil.copytree(a.folder, tmp_path / "before")
    sent = open_database(a.folder, key)
    first = hand_over(sent, OFFICER, forms)
    sent.close(backup=False)
    restored = open_database(tmp_path / "before", key)
    try:
        second = hand_over(restored, OFFICER, forms)
        assert {(r.case_id, r.received_at, r.bundle_sha256) for r in second.sent} == {
            (r.case_id, r.received_at, r.bundle_sha256) for r in first.sent}
        assert len(_hub_rows(hub.admin_dsn)) == 4
    finally:
        restored.close(backup=False)


def test_purge_clears_content_keeps_tombstones_and_the_audit_chain(hub, laptops, forms):
    a = laptops("a")
    db = a.database.db
    assert retention_days(a.database) == 30
    set_retention_days(a.database, ADMIN, 30)
    kept_back = a.case_ids[3]  # amended and not handed over again: never cleared
    hand_over(a.database, OFFICER, forms)
    a.store.amend(kept_back, "Correct the hearing court")
    now = datetime.now(UTC)
    assert clearable_cases(a.database, now) == []  # receipts are fresh: nothing cleared yet
    assert purge_expired(a.database, ADMIN, now).cleared_cases == []
    with pytest.raises(sqlcipher3.Error, match="cannot be changed or deleted"):
        db.execute("DELETE FROM final_versions WHERE case_id = ?", [a.case_ids[0]])

    later = now + timedelta(days=31)
    assert overdue_cases(a.database, later) == {kept_back}
    pages_before = db.execute("PRAGMA page_count").fetchone()[0]
    report = purge_expired(a.database, ADMIN, later)
    assert sorted(report.cleared_cases) == sorted(a.case_ids[:3]) and report.cleared_versions == 3
    for case_id in a.case_ids[:3]:
        for table in ("cases", "final_versions", "drafts"):
            assert db.execute(f"SELECT count(*) FROM {table} WHERE case_id = ?", [case_id]).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM tombstones").fetchone()[0] == 3
    tomb = db.execute("SELECT case_id, version, pdf_sha256, bundle_sha256 FROM tombstones").fetchall()
    receipts = {(r[0], r[1]): r[2] for r in db.execute(
        "SELECT case_id, annex_version, bundle_sha256 FROM handover_receipts")}
    assert all(receipts[(t[0], t[1])] == t[3] for t in tomb)
    # The amended case is untouched, still on the list and flagged.
    assert a.store.summary(kept_back).status == "draft"
    # The names of the cleared people are nowhere in the database any more, and no free pages hold them.
    text = " ".join(str(r) for t in ("cases", "cases_fts", "final_versions", "drafts", "audit", "tombstones")
                    for r in db.execute(f"SELECT * FROM {t}"))
    for name in ("Dafydd", "Tomasz", "Andrei", "X123456"):
        assert name not in text
    assert "Siân" in text  # the kept case's name is still there: the search above is real
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert db.execute("PRAGMA page_count").fetchone()[0] < pages_before
    assert report.backups_replaced >= 1 and len(list((a.folder / "backups").glob("*.db"))) == 1
    # Every clearance is audited, the chain still verifies, and the status still lists the cleared versions.
    assert db.execute("SELECT count(*) FROM audit WHERE event = 'purge'").fetchone()[0] == 3
    assert verify_audit(db).ok
    states = handover_states(a.database)
    assert sum(s.cleared for s in states) == 3 and all(s.state == SENT for s in states if s.cleared)
