"""Monitoring on a generated data set: SQL counts against counts worked out here from the case files, and exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from cstr_desk.demo import DEMO_PASSPHRASE
from cstr_desk.domain.casefile import case_to_json
from cstr_desk.domain.consent import current_consent
from cstr_desk.domain.eligibility import ELIGIBLE, ELIGIBLE_UNSUITABLE, decide
from cstr_desk.domain.monitoring import SUPPRESSED
from cstr_desk.domain.outcome import outcome_to_json
from cstr_desk.workflow import Desk, keyring_for
from tests.report.pdftext import body_text, squash

FAST_N = 2**10
END = date(2026, 11, 25)
START = date(2026, 7, 1)
N = 45


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("monitor") / "data"
    admin = Desk.create_first_administrator(keyring_for(folder, FAST_N), "Alex Admin", DEMO_PASSPHRASE)
    admin.add_account("Jo Adeyemi", "duty_officer", DEMO_PASSPHRASE)
    admin.close(backup=False)
    desk = Desk.sign_in(folder, "Jo Adeyemi", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    desk.add_demo_data(N, seed=11, end=END)
    # The case files as they were stored (final version + latest outcome), read back as JSON text.
    files = []
    for summary in desk.list_cases(limit=1000):
        case = desk.final_case(summary.case_id, summary.latest_final)
        outcome = desk.latest_outcome(summary.case_id)
        files.append((case_to_json(case), outcome_to_json(outcome) if outcome else None))
    yield desk, files
    desk.close(backup=False)


def independent_counts(files, forms):
    """The counts of spec section 9 worked out straight from the case and outcome files, without monitoring.py."""
    from cstr_desk.domain.casefile import case_from_json
    from cstr_desk.domain.outcome import outcome_from_json

    c = {k: 0 for k in ("cases", "woman", "link", "outcome", "kept_any", "combined", "averted", "averted_days",
                        "refused", "unsuitable")}
    per = {r: {"proposed": 0, "imposed": 0, "eligible": 0, "kept": 0, "refused": 0} for r in ("MHTR", "DRR", "ATR")}
    for case_text, outcome_text in files:
        case = case_from_json(case_text)
        outcome = outcome_from_json(outcome_text) if outcome_text else None
        if not (START <= case.hearing.hearing_date <= END):
            continue
        c["cases"] += 1
        c["woman"] += case.person.gender == "female"
        c["link"] += case.needs.link_worker_referral
        decisions = {d.requirement: d.outcome for d in decide(case, forms.programme)}
        c["unsuitable"] += any(v == ELIGIBLE_UNSUITABLE for v in decisions.values())
        refused = [r for r in per if (w := current_consent(case.consents, "willingness", r)) and w.status != "given"]
        assessment = current_consent(case.consents, "assessment")
        c["refused"] += bool(refused) or (assessment is not None and assessment.status != "given")
        imposed = []
        if outcome is not None:
            c["outcome"] += 1
            if outcome.category == "probation_sentence" and outcome.sentence:
                imposed = [r.requirement for r in outcome.sentence.requirements]
        kept = {a.requirement for a in (outcome.appointments if outcome else []) if a.status == "kept"} & set(imposed)
        c["kept_any"] += bool(kept)
        c["combined"] += len(imposed) >= 2
        for r in per:
            per[r]["proposed"] += any(p.requirement == r for p in case.proposal.requirements)
            per[r]["imposed"] += r in imposed
            per[r]["eligible"] += decisions[r] in (ELIGIBLE, ELIGIBLE_UNSUITABLE)
            per[r]["kept"] += r in kept
            per[r]["refused"] += r in refused
        # custody averted, by the spec's words
        if (outcome and outcome.category == "probation_sentence" and imposed
                and case.custody.likelihood in ("custody_possible", "custody_indicated")
                and outcome.sentence.order_type in ("community_order", "suspended_sentence_order")):
            c["averted"] += 1
            if outcome.sentence.order_type == "suspended_sentence_order":
                c["averted_days"] += outcome.sentence.custodial_term_days
            else:
                c["averted_days"] += case.custody.indicated_term_days or 0
    return c, per


def test_counts_match_counts_worked_out_from_the_case_files(generated, forms):
    desk, files = generated
    assert len(files) == N
    report = desk.monitoring(START, END)
    got = report.totals.counts
    c, per = independent_counts(files, forms)
    assert c["cases"] > 30 and c["averted"] >= 5  # a data set big enough to test something
    assert got["cases"] == c["cases"] and got["woman"] == c["woman"]
    assert got["link_worker_referral"] == c["link"] and got["outcome_recorded"] == c["outcome"]
    assert got["first_appointment_kept"] == c["kept_any"] and got["combined_order"] == c["combined"]
    assert got["consent_refused"] == c["refused"] and got["eligible_unsuitable"] == c["unsuitable"]
    assert got["custody_averted"] == c["averted"]
    assert report.totals.custody_averted_days == c["averted_days"]
    for r, stages in per.items():
        k = r.lower()
        assert (got[f"{k}_proposed"], got[f"{k}_imposed"], got[f"{k}_eligible"], got[f"{k}_first_kept"],
                got[f"{k}_willingness_refused"]) == (
            stages["proposed"], stages["imposed"], stages["eligible"], stages["kept"], stages["refused"]), r
    assert sum(s["refused"] for s in per.values()) >= 1  # the set has a refusal to count
    assert 0 < got["first_within_5_working_days"] <= c["outcome"]
    # month by month adds up to the period
    months = report.by_month
    assert sum(m.counts["cases"] for m in months.values()) == got["cases"]
    assert sum(m.counts["atr_imposed"] for m in months.values()) == got["atr_imposed"]


def test_exports_hold_no_name_or_identifier(generated):
    from cstr_desk.domain.casefile import case_from_json

    desk, files = generated
    csv_text = desk.monitoring_export(START, END, "csv").decode("utf-8")
    json_text = desk.monitoring_export(START, END, "json").decode("utf-8")
    pdf_text = squash(body_text(desk.monitoring_export(START, END, "pdf")))
    secrets = set()
    for case_text, _ in files:
        case = case_from_json(case_text)
        secrets |= {case.person.family_name, case.identifiers.crn, case.identifiers.pnc_id,
                    case.hearing.case_reference, case.case_id}
    secrets = {s for s in secrets if len(s) >= 4}
    assert secrets
    for secret in secrets:
        assert secret not in csv_text and secret not in json_text and squash(secret) not in pdf_text, secret
    assert "Custody averted" in csv_text and "fewer than 5" in csv_text
    assert json.loads(json_text)["custody_averted_method"].startswith("Custody averted")
    assert squash("How custody averted is counted") in pdf_text
    events = [r[0] for r in desk._store.db.execute("SELECT detail FROM audit WHERE event = 'monitoring_export'")]
    assert events[-3:] == [f"{k} {START.isoformat()} to {END.isoformat()}" for k in ("csv", "json", "pdf")]


def test_small_counts_are_suppressed_in_every_export(generated):
    desk, _ = generated
    one_day = max(d for d in (s.hearing_date for s in desk.list_cases(limit=1000)) if d <= END)
    report = desk.monitoring(one_day, one_day)
    assert 0 < report.totals.counts["cases"] < 5
    rows = list(csv.DictReader(io.StringIO(desk.monitoring_export(one_day, one_day, "csv").decode("utf-8"))))
    values = [r["value"] for r in rows if r["section"] != "Method"]
    assert values and all(v == SUPPRESSED for v in values)
    data = json.loads(desk.monitoring_export(one_day, one_day, "json"))
    assert {c["value"] for c in data["counts"]} == {SUPPRESSED}
    pdf = squash(body_text(desk.monitoring_export(one_day, one_day, "pdf")))
    assert squash("Cases") in pdf and squash(SUPPRESSED) in pdf
    # no count below 5 printed as a number anywhere in the PDF's table rows
    assert not any(squash(f"{label}{n}") in pdf for label in ("Cases", "Peoplescreened") for n in range(1, 5))


def test_pseudonymous_rows_read_back_count_the_same_as_sql(generated):
    from cstr_desk.domain.monitoring import count_records
    from cstr_desk.storage.outcomes import OutcomeStore

    desk, _ = generated
    records = OutcomeStore(desk._store).monitoring_records(START, END)
    report = desk.monitoring(START, END)
    assert count_records(records) == report.totals
    assert all(r.month and not hasattr(r, "case_id") for r in records)
