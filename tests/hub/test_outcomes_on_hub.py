"""Outcomes and amendments on the hub: each a new row, counted once per case at its latest version; cleared together."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg

from cstr_desk.domain.outcome import FirstAppointment, Outcome, as_proposed
from cstr_desk.hub.client import site_counts
from cstr_desk.hub.fetch import fetch_new
from cstr_desk.hub.handover import hand_over
from cstr_desk.hub.record import record_for
from cstr_desk.storage.audit import verify_audit
from cstr_desk.storage.handover import SENT, handover_states
from cstr_desk.storage.outcomes import OutcomeStore
from cstr_desk.storage.retention import purge_expired
from cstr_desk.workflow import finalize_case
from tests.hub.conftest import ADMIN, OFFICER, TODAY, WHEN


def _rows(dsn: str) -> list[tuple[str, int, int]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute("SELECT case_id, annex_version, outcome_version FROM cstr_hub.handovers "
                            "ORDER BY id").fetchall()


def test_outcome_and_amendment_are_new_rows_counted_once(hub, laptops, forms, tmp_path):
    a = laptops("a")
    hand_over(a.database, OFFICER, forms)
    sentenced, amended = a.case_ids[0], a.case_ids[1]  # the MHTR-only case; the DRR-only case

    case = a.store.final_case(sentenced, 1)
    outcome = Outcome(category="probation_sentence", hearing_date=TODAY, sentence=as_proposed(case),
                      appointments=[FirstAppointment("MHTR", "kept", TODAY + timedelta(days=7))],
                      recorded_by=OFFICER.name, recorded_at=WHEN, version=1)
    OutcomeStore(a.store).record_outcome(sentenced, outcome, record_for(case, outcome, forms.programme), TODAY)
    reopened = a.store.amend(amended, "Correct the treatment provider's address")
    finalize_case(a.store, reopened, forms, TODAY, WHEN + timedelta(hours=1))

    run = hand_over(a.database, OFFICER, forms)
    assert sorted((r.case_id, r.annex_version, r.outcome_version) for r in run.sent) == sorted(
        [(sentenced, 1, 1), (amended, 2, 0)])
    assert len(_rows(hub.admin_dsn)) == 6 and hand_over(a.database, OFFICER, forms).sent == []
    states = {(s.case_id, s.annex_version): s for s in handover_states(a.database)}
    assert states[(sentenced, 1)].state == SENT and states[(sentenced, 1)].outcome_version == 1

    reporter = hub.login("manager", "reporting")
    figures = site_counts(reporter.dsn, TODAY, TODAY)
    assert figures.counts["cases"] == 4  # six rows, four cases: each counted at its latest version
    assert figures.counts["mhtr_imposed"] == 1 and figures.counts["first_appointment_kept"] == 1
    assert figures.counts["outcome_recorded"] == 1

    receiver = hub.login("probation", "receiving")
    fetched = {(f.case_id, f.annex_version, f.outcome_version): f for f in
               fetch_new(receiver.dsn, hub.keys.identity, tmp_path / "out")}
    assert "outcome.json" in fetched[(sentenced, 1, 1)].files
    assert "outcome.json" not in fetched[(sentenced, 1, 0)].files
    assert (fetched[(amended, 2, 0)].folder / "annex-v2.pdf").read_bytes() == a.store.final_pdf(amended, 2)

    # Cleared together after the period: versions, outcome and monitoring row; tombstones for both versions.
    report = purge_expired(a.database, ADMIN, datetime.now(UTC) + timedelta(days=31))
    assert set(report.cleared_cases) == set(a.case_ids) and report.cleared_versions == 5
    db = a.database.db
    assert db.execute("SELECT count(*) FROM outcomes").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM tombstones WHERE case_id = ?", [amended]).fetchone()[0] == 2
    assert verify_audit(db).ok
    # The hub still has every row: clearing the laptop never touches it.
    assert len(_rows(hub.admin_dsn)) == 6
