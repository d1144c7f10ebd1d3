"""The hub commands end to end through cli.main: key, init, logins, link, handover, status, fetch, figures, retention."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

from cstr_desk.cli import main
from cstr_desk.demo import DEMO_PASSPHRASE, make_demo_folder
from cstr_desk.workflow import Desk


def test_site_set_up_and_court_day_hand_over_from_the_command_line(hub, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "laptop"
    today = date.today()
    make_demo_folder(folder, today)
    desk = Desk.sign_in(folder, "Jo Adeyemi", DEMO_PASSPHRASE)
    try:
        finals = []
        for summary in desk.list_cases():
            case = desk.open_draft(summary.case_id)
            desk.finalize(case, today=today)
            finals.append(summary.case_id)
    finally:
        desk.close(backup=False)
    monkeypatch.setenv("CSTR_DESK_PASSPHRASE", DEMO_PASSPHRASE)
    monkeypatch.setenv("CSTR_HUB_DSN", hub.admin_dsn)

    assert main(["hub", "keygen", "--out", str(tmp_path / "site.key")]) == 0
    public = capsys.readouterr().out.strip()
    assert public.startswith("age1") and (tmp_path / "site.key").stat().st_mode & 0o077 == 0
    assert main(["hub", "init", "--site-key", public]) != 0  # this hub already has another site key
    capsys.readouterr()
    assert main(["hub", "add-laptop", f"court{hub.n}", "--out", str(tmp_path / "laptop.json")]) == 0
    assert main(["hub", "add-login", f"pm{hub.n}", "--role", "reporting", "--out", str(tmp_path / "pm.json")]) == 0
    assert main(["hub", "add-login", f"pp{hub.n}", "--role", "receiving", "--out", str(tmp_path / "pp.json")]) == 0
    assert main(["--data-dir", str(folder), "hub", "link", str(tmp_path / "laptop.json"), "--user", "Alex Admin"]) == 0
    assert main(["--data-dir", str(folder), "handover", "--user", "Jo Adeyemi"]) == 0
    out = capsys.readouterr().out
    assert f"{len(finals)} sent, 0 failed" in out
    assert main(["--data-dir", str(folder), "handover", "--status", "--user", "Jo Adeyemi"]) == 0
    assert f"{len(finals)} sent" in capsys.readouterr().out

    reporting = json.loads((tmp_path / "pm.json").read_text())["dsn"]
    assert main(["hub", "monitor", "--dsn", reporting, "--from", today.isoformat(), "--to", today.isoformat(),
                 "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["counts"]["cases"] == "fewer than 5"  # four demo cases: suppressed as on the laptop
    # `monitor --hub` gives exactly the laptop's own return for the same period: same counts, same suppression.
    period = ["--from", today.replace(day=1).isoformat(), "--to", today.isoformat(), "--json"]
    assert main(["--data-dir", str(folder), "monitor", *period, "--user", "Jo Adeyemi"]) == 0
    from_laptop = json.loads(capsys.readouterr().out)
    assert main(["monitor", *period, "--hub", reporting]) == 0
    from_hub = json.loads(capsys.readouterr().out)
    assert from_hub == from_laptop and from_hub["counts"]
    receiving = json.loads((tmp_path / "pp.json").read_text())["dsn"]
    # The site key here is the fixture's (the hub was set up with it); a key file like keygen's.
    (tmp_path / "fixture.key").write_text(hub.keys.identity + "\n")
    assert main(["hub", "fetch", "--dsn", receiving, "--key", str(tmp_path / "fixture.key"),
                 "--out", str(tmp_path / "out")]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == len(finals)
    assert main(["--data-dir", str(folder), "retention", "--days", "45", "--user", "Alex Admin"]) == 0
    assert "retention: 45 days" in capsys.readouterr().out
    assert main(["--data-dir", str(folder), "retention", "--days", "45", "--user", "Jo Adeyemi"]) == 2
    assert main(["--data-dir", str(folder), "audit", "verify", "--user", "Alex Admin"]) == 0


def test_desk_hand_over_runs_retention_after_sending(hub, tmp_path, forms):
    """Receipts older than the setting (here: the hub already held the rows, received 40 days ago, and the
    laptop had lost the receipts) are cleared by the retention run that follows every hand-over."""
    import psycopg
    from psycopg import sql

    from cstr_desk.hub.handover import outgoing
    from cstr_desk.storage.handover import waiting_versions

    folder = tmp_path / "laptop"
    today = date.today()
    make_demo_folder(folder, today)
    creds = hub.login("court", "laptop")
    admin = Desk.sign_in(folder, "Alex Admin", DEMO_PASSPHRASE)
    try:
        admin.link_hub(json.dumps({"dsn": creds.dsn, "recipient": creds.recipient, "role": creds.role}))
    finally:
        admin.close(backup=False)
    desk = Desk.sign_in(folder, "Jo Adeyemi", DEMO_PASSPHRASE)
    try:
        first = desk.list_cases()[0].case_id
        desk.finalize(desk.open_draft(first), today=today)
        item = outgoing(waiting_versions(desk._store.database, desk.actor)[0], forms, creds.recipient)
        columns = ["laptop", "received_at", "case_id", "annex_version", "outcome_version", "bundle", "bundle_sha256",
                   "annex_sha256", *item.columns]
        from cstr_desk.hub.bundle import sha256_hex

        with psycopg.connect(hub.admin_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("INSERT INTO cstr_hub.handovers ({}) VALUES ({})").format(
                sql.SQL(", ").join(map(sql.Identifier, columns)), sql.SQL(", ").join(sql.Placeholder() * len(columns))),
                [creds.role, datetime.now(UTC) - timedelta(days=40), item.case_id, 1, 0, item.bundle, sha256_hex(item.bundle),
                 item.annex_sha256, *item.columns.values()])
        run = desk.hand_over()
        assert [r.case_id for r in run.sent] == [first] and run.cleared == [first]
        assert first not in {s.case_id for s in desk.list_cases()}
        assert desk.verify_audit().ok
    finally:
        desk.close(backup=False)
