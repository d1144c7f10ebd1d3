"""Outcomes through the Desk on a real encrypted database: versions, corrections, the annex untouched, the to-do list."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date, datetime, timedelta

import pytest

from cstr_desk.demo import DEMO_PASSPHRASE
from cstr_desk.domain.outcome import FirstAppointment, Outcome, SentencePassed
from cstr_desk.domain.roles import NotAllowed
from cstr_desk.storage.errors import StorageError
from cstr_desk.workflow import Desk, OutcomeProblems, keyring_for

FAST_N = 2**10
DAY = date(2026, 11, 23)


@pytest.fixture
def desk(tmp_path):
    folder = tmp_path / "data"
    admin = Desk.create_first_administrator(keyring_for(folder, FAST_N), "Alex Admin", DEMO_PASSPHRASE)
    admin.add_account("Jo Adeyemi", "duty_officer", DEMO_PASSPHRASE)
    admin.add_account("Priya Shah", "assistant_psychologist", DEMO_PASSPHRASE)
    admin.close(backup=False)
    d = Desk.sign_in(folder, "Jo Adeyemi", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    yield d
    if d._store.database.lock.handle is not None:
        d.close(backup=False)


def finalized(desk, case):
    desk.import_case(case)
    return desk.finalize(case, today=DAY, when=datetime(2026, 11, 23, 15, 0))


def sentenced(desk, case_id):
    sentence = desk.as_proposed(case_id)
    return Outcome("probation_sentence", DAY, sentence,
                   appointments=[FirstAppointment(r.requirement, "kept", DAY + timedelta(days=3))
                                 for r in sentence.requirements])


def test_outcome_recorded_then_corrected_keeps_history_and_audit(desk, demo):
    case = demo("drr_only")
    finalized(desk, case)
    first = desk.record_outcome(case.case_id, sentenced(desk, case.case_id))
    assert first.version == 1 and first.recorded_by == "Jo Adeyemi"
    with pytest.raises(OutcomeProblems, match="correct it"):
        desk.record_outcome(case.case_id, sentenced(desk, case.case_id))
    with pytest.raises(OutcomeProblems, match="reason"):
        desk.correct_outcome(case.case_id, first, "   ")
    shorter = dataclasses.replace(first.sentence.requirements[0], length_months=12)
    corrected = dataclasses.replace(first, sentence=dataclasses.replace(first.sentence, requirements=[shorter]))
    second = desk.correct_outcome(case.case_id, corrected, "Legal adviser confirmed 12 months, not 18")
    history = desk.outcome_history(case.case_id)
    assert [o.version for o in history] == [1, 2]
    assert history[0] == first and history[0].sentence.requirements[0].length_months == 18
    assert history[1] == second and second.correction_reason == "Legal adviser confirmed 12 months, not 18"
    events = [(r[0], r[1]) for r in desk._store.db.execute(
        "SELECT event, detail FROM audit WHERE case_id = ? AND event LIKE 'outcome%' ORDER BY id", [case.case_id])]
    assert events == [("outcome", "version 1"), ("outcome_corrected", "version 2")]
    assert desk.verify_audit().ok


def test_database_refuses_changes_to_recorded_outcomes(desk, demo):
    case = demo("atr_only")
    finalized(desk, case)
    desk.record_outcome(case.case_id, sentenced(desk, case.case_id))
    for sql in ("UPDATE outcomes SET category = 'fine'", "DELETE FROM outcomes"):
        with pytest.raises(Exception, match="cannot be changed"):
            desk._store.db.execute(sql)
    assert desk.latest_outcome(case.case_id).category == "probation_sentence"


def test_final_annex_bytes_unchanged_after_outcome_and_correction(desk, demo):
    case = demo("mhtr_atr_womens_centre")
    done = finalized(desk, case)
    before = desk.final_annex(case.case_id, done.version)
    record_before = desk.final_versions(case.case_id)
    outcome = desk.record_outcome(case.case_id, sentenced(desk, case.case_id))
    desk.correct_outcome(case.case_id, dataclasses.replace(outcome, category="fine", sentence=None, appointments=[]),
                         "Keyed against the wrong case")
    after = desk.final_annex(case.case_id, done.version)
    assert after == before == done.pdf
    assert hashlib.sha256(after).hexdigest() == record_before[0].pdf_sha256
    assert desk.final_versions(case.case_id) == record_before
    assert desk.summary(case.case_id).status == "final"


def test_outcome_to_record_list_and_count(desk, demo):
    cases = [demo(n) for n in ("mhtr_only", "drr_only", "atr_only")]
    for case in cases:
        finalized(desk, case)
    draft = demo("mhtr_atr_womens_centre")
    desk.import_case(draft)
    assert desk.count_outcomes_to_record(DAY) == 0  # hearing today: not passed yet
    later = DAY + timedelta(days=1)
    assert desk.count_outcomes_to_record(later) == 3
    desk.record_outcome(cases[0].case_id, sentenced(desk, cases[0].case_id))
    desk.record_outcome(cases[1].case_id, Outcome("adjourned", DAY, None, DAY + timedelta(days=14)))
    assert {s.case_id for s in desk.outcomes_to_record(later)} == {cases[2].case_id}
    # the adjournment comes back once its new hearing has passed; then the next hearing's outcome is version 2
    after_adjourned = DAY + timedelta(days=15)
    assert {s.case_id for s in desk.outcomes_to_record(after_adjourned)} == {cases[1].case_id, cases[2].case_id}
    nxt = dataclasses.replace(sentenced(desk, cases[1].case_id), hearing_date=DAY + timedelta(days=14),
                              appointments=[])
    assert desk.record_outcome(cases[1].case_id, nxt).version == 2
    assert desk.count_outcomes_to_record(after_adjourned) == 1


def test_adjourned_draft_moves_to_the_new_hearing_and_stays_a_draft(desk, demo):
    case = demo("atr_only")
    desk.import_case(case)
    with pytest.raises(OutcomeProblems, match="only an adjournment"):
        desk.record_outcome(case.case_id, sentenced(desk, case.case_id))
    desk.record_outcome(case.case_id, Outcome("adjourned", DAY, None, DAY + timedelta(days=21)))
    assert desk.summary(case.case_id).status == "draft"
    assert desk.open_draft(case.case_id).hearing.hearing_date == DAY + timedelta(days=21)
    assert desk.summary(case.case_id).hearing_date == DAY + timedelta(days=21)


def test_invalid_outcome_refused_with_every_problem(desk, demo):
    case = demo("drr_only")
    finalized(desk, case)
    bad = Outcome("probation_sentence", DAY - timedelta(days=3), SentencePassed("community_order"))
    with pytest.raises(OutcomeProblems) as err:
        desk.record_outcome(case.case_id, bad)
    text = str(err.value)
    assert "hearing_date" in text and "order_length_months" in text
    assert desk.outcome_history(case.case_id) == []


def test_only_the_duty_officer_records_outcomes(tmp_path, desk, demo):
    case = demo("drr_only")
    finalized(desk, case)
    desk.close(backup=False)
    psych = Desk.sign_in(desk.folder, "Priya Shah", DEMO_PASSPHRASE, scrypt_n=FAST_N)
    try:
        with pytest.raises(NotAllowed):
            psych.record_outcome(case.case_id, Outcome("fine", DAY))
        assert psych.outcome_history(case.case_id) == []
    finally:
        psych.close(backup=False)


def test_stale_version_refused(desk, demo):
    from cstr_desk.storage.outcomes import OutcomeStore

    case = demo("atr_only")
    finalized(desk, case)
    desk.record_outcome(case.case_id, Outcome("fine", DAY))
    with pytest.raises(StorageError, match="next version is 2"):
        OutcomeStore(desk._store).record_outcome(case.case_id, Outcome("fine", DAY, version=1), None, DAY)


def test_after_sentence_sheet_only_after_a_requirement_is_imposed_and_audited(desk, demo):
    case = demo("atr_only")
    finalized(desk, case)
    with pytest.raises(OutcomeProblems, match="no treatment requirement"):
        desk.after_sentence_sheet(case.case_id, "en")
    desk.record_outcome(case.case_id, sentenced(desk, case.case_id))
    pdf = desk.after_sentence_sheet(case.case_id, "cy", purpose="saved")
    assert pdf.startswith(b"%PDF")
    detail = desk._store.db.execute(
        "SELECT detail FROM audit WHERE event = 'export' ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert detail == "after-sentence sheet cy saved"
