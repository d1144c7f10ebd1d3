"""The site hub against a real PostgreSQL: schema steps, hand-over from two laptops, refusals, fetch, monitoring."""

from __future__ import annotations

import shutil

import psycopg
import pytest
from psycopg import errors as pg_errors

from cstr_desk.domain.casefile import case_from_json
from cstr_desk.domain.monitoring import MonitoringRecord, count_records
from cstr_desk.domain.monitoring import suppressed as suppress
from cstr_desk.hub.bundle import open_bundle, pack, seal
from cstr_desk.hub.client import connect, receipts, send, site_counts
from cstr_desk.hub.dsn import checked_dsn
from cstr_desk.hub.errors import BundleError, HubError, InsecureConnection
from cstr_desk.hub.fetch import fetch_new
from cstr_desk.hub.handover import hand_over, outgoing
from cstr_desk.hub.record import record_for
from cstr_desk.hub.schema import RECORD_COLUMNS, STEPS, apply_steps
from cstr_desk.storage.handover import FAILED, PENDING, SENT, handover_states, waiting_versions
from tests.hub.conftest import OFFICER, TODAY

DEMO_SECRETS = ("Dafydd", "Llŷr", "Tomasz", "Łukaszewski", "Andrei", "Ștefănescu", "Siân", "O'Neill",
                "X123456", "1991-04-12", "1986-09-02", "1979-01-20", "1995-06-30", "12/04/1991", "30/06/1995",
                "Criminal damage", "Sofa-surfing")


def _count(dsn: str, sql: str) -> int:
    with psycopg.connect(dsn) as conn:
        return int(conn.execute(sql).fetchone()[0])


def test_schema_steps_in_order_once(hub):
    with psycopg.connect(hub.admin_dsn, autocommit=True) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM cstr_hub.schema_steps ORDER BY applied_at, name")]
        assert names == [n for n, _ in STEPS]
        assert apply_steps(conn) == []  # a second init applies nothing
        conn.execute("INSERT INTO cstr_hub.schema_steps (name) VALUES ('h999_from_the_future')")
        with pytest.raises(HubError, match="newer version"):
            apply_steps(conn)


def test_a_remote_pghost_counts_too(monkeypatch):
    monkeypatch.setenv("PGHOST", "hub.probation.example")
    with pytest.raises(InsecureConnection):
        checked_dsn("dbname=hub user=laptop")


@pytest.mark.parametrize("dsn, allowed", [
    ("postgresql://u@/hub?host=/var/run/postgresql", True),
    ("host=localhost dbname=hub", True),
    ("host=127.0.0.1 dbname=hub sslmode=disable", True),
    ("host=hub.probation.example dbname=hub", False),
    ("host=hub.probation.example dbname=hub sslmode=require", False),
    ("postgresql://u@10.0.0.5/hub?sslmode=verify-ca", False),
    ("host=hub.probation.example dbname=hub sslmode=verify-full", True),
    ("host=localhost,hub.probation.example dbname=hub", False),
])
def test_non_local_hub_needs_verify_full(dsn, allowed):
    if allowed:
        assert checked_dsn(dsn) == dsn
    else:
        with pytest.raises(InsecureConnection, match="verify-full"):
            checked_dsn(dsn)


def test_two_laptops_hand_over_once_and_the_hub_adds_them_up(hub, laptops, forms):
    a, b = laptops("a"), laptops("b")
    run_a = hand_over(a.database, OFFICER, forms)
    run_b = hand_over(b.database, OFFICER, forms)
    assert len(run_a.sent) == 4 and len(run_b.sent) == 4 and not run_a.failed and not run_b.failed
    assert _count(hub.admin_dsn, "SELECT count(*) FROM cstr_hub.handovers") == 8
    assert {s.state for s in handover_states(a.database)} == {SENT}

    # A second run finds nothing waiting; sending the same versions again by hand stores nothing new.
    assert hand_over(a.database, OFFICER, forms).sent == []
    before = {(r.case_id, r.received_at, r.bundle_sha256) for r in run_a.sent}
    with connect(a.creds.dsn) as conn:
        for version in a.database.db.execute("SELECT case_id FROM final_versions").fetchall():
            assert version
        again = [send(conn, outgoing(w, forms, a.creds.recipient))
                 for w in _all_versions(a)]
    assert {(r.case_id, r.received_at, r.bundle_sha256) for r in again} == before
    assert _count(hub.admin_dsn, "SELECT count(*) FROM cstr_hub.handovers") == 8

    # The laptop keeps each receipt in its audit chain too.
    details = [r[0] for r in a.database.db.execute("SELECT detail FROM audit WHERE event = 'handover'")]
    assert len(details) == 4 and all(r.bundle_sha256 in " ".join(details) for r in run_a.sent)

    # Site figures from the hub (reporting login) equal the two laptops' own counts added together.
    reporter = hub.login("manager", "reporting")
    from_hub = site_counts(reporter.dsn, TODAY, TODAY)
    laptop_a, laptop_b = count_records(_records(a, forms)), count_records(_records(b, forms))
    assert from_hub.counts == {k: laptop_a.counts[k] + laptop_b.counts[k] for k in laptop_a.counts}
    assert from_hub.unsuitable_groups == {k: laptop_a.unsuitable_groups[k] + laptop_b.unsuitable_groups[k]
                                          for k in laptop_a.unsuitable_groups}
    assert from_hub.counts["cases"] == 8 and from_hub.counts["mhtr_proposed"] == 4
    assert from_hub.counts["woman"] == 2 and suppress(from_hub.counts["woman"]) == "fewer than 5"
    assert site_counts(reporter.dsn, TODAY.replace(day=1), TODAY.replace(day=22)).counts["cases"] == 0


def test_hub_columns_are_the_monitoring_record():
    import dataclasses

    assert sorted(RECORD_COLUMNS) == sorted(f.name for f in dataclasses.fields(MonitoringRecord))


def _all_versions(laptop):  # type: ignore[no-untyped-def]
    from cstr_desk.storage.handover import WaitingVersion

    rows = laptop.database.db.execute("SELECT case_id, version, case_json, pdf, pdf_sha256 FROM final_versions")
    return [WaitingVersion(r[0], r[1], 0, r[2], bytes(r[3]), r[4]) for r in rows]


def _records(laptop, forms):  # type: ignore[no-untyped-def]
    rows = laptop.database.db.execute("SELECT case_json FROM final_versions").fetchall()
    return [record_for(case_from_json(r[0]), None, forms.programme) for r in rows]


def test_postgresql_refuses_what_each_role_may_not_do(hub, laptops, forms):
    a, b = laptops("a"), laptops("b")
    hand_over(a.database, OFFICER, forms)
    hand_over(b.database, OFFICER, forms)
    with psycopg.connect(a.creds.dsn, autocommit=True) as conn:
        # Row-level security: laptop a sees its own four receipts and none of b's.
        mine = receipts(conn)
        assert {r.case_id for r in mine} == set(a.case_ids)
        assert conn.execute("SELECT count(*) FROM cstr_hub.handovers WHERE case_id = ANY(%s)",
                            [b.case_ids]).fetchone()[0] == 0
        refusals = [
            "SELECT bundle FROM cstr_hub.handovers",
            "SELECT * FROM cstr_hub.handovers",
            f"UPDATE cstr_hub.handovers SET hearing_date = NULL WHERE case_id = '{a.case_ids[0]}'",
            f"DELETE FROM cstr_hub.handovers WHERE case_id = '{a.case_ids[0]}'",
            "SELECT * FROM cstr_hub.monitoring",
            "SELECT * FROM cstr_hub.fetches",
            "TRUNCATE cstr_hub.handovers",
        ]
        for statement in refusals:
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)
        # A laptop cannot write a row in another laptop's name, nor choose its own receipt time.
        item = outgoing(_all_versions(a)[0], forms, a.creds.recipient)
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("INSERT INTO cstr_hub.handovers (laptop, case_id, annex_version, bundle, bundle_sha256, "
                         "annex_sha256) VALUES (%s, 'x', 1, '\\x00', 'y', 'z')", [b.creds.role])
        with pytest.raises(pg_errors.InsufficientPrivilege):
            conn.execute("INSERT INTO cstr_hub.handovers (received_at, case_id) VALUES (now(), 'x')")
        # The hub checks a bundle's fingerprint itself.
        with pytest.raises(pg_errors.CheckViolation):
            send_bad = dict(item.columns)
            conn.execute(
                "INSERT INTO cstr_hub.handovers (case_id, annex_version, bundle, bundle_sha256, annex_sha256, "
                f"{', '.join(send_bad)}) VALUES ('zz', 1, %s, %s, %s, {', '.join(['%s'] * len(send_bad))})",
                [item.bundle, "0" * 64, item.annex_sha256, *send_bad.values()])

    reporter = hub.login("manager", "reporting")
    with psycopg.connect(reporter.dsn, autocommit=True) as conn:
        assert conn.execute("SELECT sum(cases) FROM cstr_hub.monitoring").fetchone()[0] == 8
        for statement in ("SELECT case_id FROM cstr_hub.handovers", "SELECT * FROM cstr_hub.fetches"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)

    receiver = hub.login("probation", "receiving")
    with psycopg.connect(receiver.dsn, autocommit=True) as conn:
        assert conn.execute("SELECT count(bundle) FROM cstr_hub.handovers").fetchone()[0] == 8
        for statement in ("DELETE FROM cstr_hub.handovers",
                          "INSERT INTO cstr_hub.handovers (case_id) VALUES ('x')",
                          "SELECT * FROM cstr_hub.monitoring"):
            with pytest.raises(pg_errors.InsufficientPrivilege):
                conn.execute(statement)
    # Not even the owner can change a stored hand-over.
    with psycopg.connect(hub.admin_dsn, autocommit=True) as conn, pytest.raises(pg_errors.InsufficientPrivilege):
        conn.execute("UPDATE cstr_hub.handovers SET hearing_date = NULL")


def _personal_data(demo) -> set[str]:  # type: ignore[no-untyped-def]
    """What must never be on the hub in clear, read from the demo cases themselves (so it follows them)."""
    found = set(DEMO_SECRETS)
    for name in ("mhtr_only", "drr_only", "atr_only", "mhtr_atr_womens_centre"):
        case = demo(name)
        found |= {case.person.given_names, case.person.family_name, case.identifiers.crn, case.identifiers.pnc_id,
                  case.person.date_of_birth.isoformat(), case.person.date_of_birth.strftime("%d/%m/%Y"),
                  *(o.description for o in case.offences)}
    return {s for s in found if s}


def test_hub_holds_no_readable_personal_data(hub, laptops, forms, demo, pg_server):
    a, b = laptops("a"), laptops("b")
    hand_over(a.database, OFFICER, forms)
    hand_over(b.database, OFFICER, forms)
    with psycopg.connect(hub.admin_dsn, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # everything on disk, not only in shared buffers and the WAL
        dump = " ".join(str(row) for row in conn.execute("SELECT * FROM cstr_hub.handovers"))
    raw = b"".join(p.read_bytes() for p in hub.data_dir.rglob("*") if p.is_file())
    assert len(raw) > 1_000_000
    assert a.case_ids[0].encode() in raw  # the search does see the hub's rows on disk
    secrets = _personal_data(demo)
    assert len(secrets) >= 30
    for secret in secrets:
        assert secret not in dump, secret
        for encoding in ("utf-8", "utf-16-le"):
            assert secret.encode(encoding) not in raw, secret
    assert b"%PDF" not in raw


def test_fetch_writes_byte_identical_annexes_once(hub, laptops, forms, tmp_path):
    a, b = laptops("a"), laptops("b")
    hand_over(a.database, OFFICER, forms)
    hand_over(b.database, OFFICER, forms)
    receiver = hub.login("probation", "receiving")
    got = fetch_new(receiver.dsn, hub.keys.identity, tmp_path / "out")
    assert len(got) == 8
    for laptop in (a, b):
        for case_id in laptop.case_ids:
            folder = tmp_path / "out" / f"{case_id}-v1"
            assert (folder / "annex-v1.pdf").read_bytes() == laptop.store.final_pdf(case_id, 1)
            assert (folder / "sheet-en.pdf").read_bytes().startswith(b"%PDF")
            assert (folder / "sheet-cy.pdf").read_bytes().startswith(b"%PDF")
            assert case_from_json((folder / "case.json").read_text()).case_id == case_id
    assert fetch_new(receiver.dsn, hub.keys.identity, tmp_path / "out") == []  # nothing new the second time
    with pytest.raises(BundleError, match="not sealed to this site key"):
        from cstr_desk.hub.bundle import generate_site_keys

        hand_over_more = laptops("c")
        hand_over(hand_over_more.database, OFFICER, forms)
        fetch_new(receiver.dsn, generate_site_keys().identity, tmp_path / "out2")


def test_bundle_refuses_tampering_and_secret_keys():
    from cstr_desk.hub.bundle import checked_recipient, generate_site_keys
    from cstr_desk.hub.errors import HubError

    keys = generate_site_keys()
    plain = pack("abc", 1, 0, {"annex-v1.pdf": b"%PDF-1.4 one", "case.json": b"{}"})
    assert plain == pack("abc", 1, 0, {"case.json": b"{}", "annex-v1.pdf": b"%PDF-1.4 one"})  # no clock inside
    opened = open_bundle(seal(plain, keys.recipient), keys.identity)
    assert opened.files["annex-v1.pdf"] == b"%PDF-1.4 one" and opened.case_id == "abc"
    bad = bytearray(seal(plain, keys.recipient))
    bad[-5] ^= 1
    with pytest.raises(BundleError):
        open_bundle(bytes(bad), keys.identity)
    with pytest.raises(HubError, match="private key"):
        checked_recipient(keys.identity)


def test_status_lists_sent_pending_and_failed(hub, laptops, forms):
    a = laptops("a")
    assert {s.state for s in handover_states(a.database)} == {PENDING}
    # A hub that is not there: every version stays on the laptop, failed with the reason, nothing lost.
    a.database.db.execute("UPDATE hub_settings SET value = replace(value, 'hub_', 'nohub_') WHERE name = 'hub_link'")
    run = hand_over(a.database, OFFICER, forms)
    assert len(run.failed) == 4 and not run.sent
    states = handover_states(a.database)
    assert {s.state for s in states} == {FAILED} and all("reach the hub" in s.reason for s in states)
    assert len(waiting_versions(a.database, OFFICER)) == 4
    a.database.db.execute("UPDATE hub_settings SET value = replace(value, 'nohub_', 'hub_') WHERE name = 'hub_link'")
    hand_over(a.database, OFFICER, forms)
    assert {s.state for s in handover_states(a.database)} == {SENT}


@pytest.mark.skipif(shutil.which("age") is None, reason="the age command (Debian package age) is not installed")
def test_the_standard_age_tool_opens_a_bundle(tmp_path):
    """The receiving team needs no CSTR Desk: `age -d -i site.key` and any unzip open a bundle."""
    import io
    import subprocess
    import zipfile

    from cstr_desk.hub.bundle import generate_site_keys

    keys = generate_site_keys()
    (tmp_path / "site.key").write_text(keys.identity + "\n")
    sealed = seal(pack("abc123", 1, 0, {"annex-v1.pdf": b"%PDF-1.4 fictional"}), keys.recipient)
    plain = subprocess.run(["age", "-d", "-i", str(tmp_path / "site.key")], input=sealed, capture_output=True,
                           check=True).stdout
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        assert archive.read("annex-v1.pdf") == b"%PDF-1.4 fictional"
        assert b'"case_id": "abc123"' in archive.read("manifest.json")
