"""The headless after-the-hearing commands, run as a user would: finalize, outcome, monitor, demo-data."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from cstr_desk.paths import resources_dir
from tests.report.pdftext import body_text, squash


def test_finalize_outcome_monitor_and_demo_data_from_the_command_line(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSTR_DESK_")}
    env["CSTR_DESK_DATA"] = str(tmp_path / "d")

    def run(*args, stdin=""):
        return subprocess.run([sys.executable, "-m", "cstr_desk", *args], env=env, input=stdin,
                              capture_output=True, text=True, timeout=300)

    assert run("users", "add", "Admin", "--role", "administrator", stdin="amber kettle sunrise\n").returncode == 0
    assert run("users", "add", "Jo Adeyemi", "--role", "duty_officer", "--user", "Admin",
               stdin="amber kettle sunrise\ngreen lantern harbour\n").returncode == 0
    # a first passphrase set by the administrator is changed before anything else
    assert run("users", "passwd", "Jo Adeyemi", "--user", "Jo Adeyemi",
               stdin="green lantern harbour\nsilver harbour lantern\n").returncode == 0
    env.update(CSTR_DESK_USER="Jo Adeyemi", CSTR_DESK_PASSPHRASE="silver harbour lantern")

    # a draft with a problem left is refused, every problem listed, and stays a draft
    data = json.loads((resources_dir() / "demo" / "drr_only.json").read_text(encoding="utf-8"))
    data["case"]["consents"] = [c for c in data["case"]["consents"] if c["kind"] != "willingness"]
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps(data), encoding="utf-8")
    assert run("import", str(broken)).returncode == 0
    refused = run("finalize", "demo-drr-only", "--today", "2026-11-23")
    assert refused.returncode == 1 and "problem(s) remain" in refused.stderr and "C4" in refused.stderr

    assert run("import", str(resources_dir() / "demo" / "atr_only.json")).returncode == 0
    done = run("finalize", "demo-atr-only", "--today", "2026-11-23")
    assert done.returncode == 0, done.stderr
    assert "final version 1" in done.stdout

    outcome = tmp_path / "outcome.json"
    outcome.write_text(json.dumps({"schema_version": 1, "outcome": {
        "category": "probation_sentence", "hearing_date": "2026-11-23",
        "appointments": [{"requirement": "ATR", "status": "kept", "on": "2026-11-26"}]}}), encoding="utf-8")
    recorded = run("outcome", "demo-atr-only", "--file", str(outcome), "--as-proposed")
    assert recorded.returncode == 0, recorded.stderr
    assert "outcome version 1: probation_sentence" in recorded.stdout
    again = run("outcome", "demo-atr-only", "--file", str(outcome), "--as-proposed")
    assert again.returncode == 1 and "correct it" in again.stderr
    fixed = run("outcome", "demo-atr-only", "--file", str(outcome), "--as-proposed", "--correct", "Date keyed wrong")
    assert fixed.returncode == 0 and "version 2" in fixed.stdout
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "outcome": {"category": "probation_sentence"}}', encoding="utf-8")
    invalid = run("outcome", "demo-atr-only", "--file", str(bad), "--correct", "x")
    assert invalid.returncode == 1 and "hearing_date" in invalid.stderr

    added = run("demo-data", "--cases", "6", "--seed", "4", "--end", "2026-11-20")
    assert added.returncode == 0, added.stderr
    csv_path, pdf_path = tmp_path / "return.csv", tmp_path / "return.pdf"
    monitor = run("monitor", "--from", "2026-07-01", "--to", "2026-11-30", "--json", "--csv", str(csv_path),
                  "--pdf", str(pdf_path))
    assert monitor.returncode == 0, monitor.stderr
    counts = {(c["section"], c["measure"]): c["value"] for c in json.loads(monitor.stdout)["counts"]}
    assert counts[("All cases", "Cases")] == "8"  # 6 generated, 2 imported
    assert counts[("ATR", "Imposed")] in ("fewer than 5",) or int(counts[("ATR", "Imposed")]) >= 5
    for text in (csv_path.read_text(encoding="utf-8"), monitor.stdout, squash(body_text(pdf_path.read_bytes()))):
        for secret in ("Ștefănescu", "R246810", "demo-atr-only", "44GH2233426"):
            assert squash(secret) not in squash(text)
    table = run("monitor", "--from", "2026-07-01", "--to", "2026-11-30")
    assert table.returncode == 0 and "People screened" in table.stdout and "Method:" in table.stdout
    wrong = run("monitor", "--from", "2026-11-30", "--to", "2026-07-01")
    assert wrong.returncode == 2 and "before" in wrong.stderr
    assert run("audit", "verify").returncode == 0
