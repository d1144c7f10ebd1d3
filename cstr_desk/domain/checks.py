"""Everything wrong with a case, as one list of problems with paths: fields, consent, scores, order, proposal."""

from __future__ import annotations

from datetime import date

from cstr_desk.domain.case import Case
from cstr_desk.domain.casefile import Problem
from cstr_desk.domain.consent import KINDS, METHODS, STATUSES
from cstr_desk.domain.eligibility import Decision
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.forms import Forms
from cstr_desk.domain.instruments import AnswerError, score_instrument
from cstr_desk.domain.proposal import check_order, check_proposal


def _p(err: ValidationError) -> Problem:
    return Problem(f"$.case.{err.field}", err.message)


def case_problems(case: Case, today: date, forms: Forms) -> list[Problem]:
    """Problems with what was recorded (not with the proposal): these make a case file invalid."""
    from cstr_desk.domain.case import validate_case

    problems = [_p(e) for e in validate_case(case, today)]
    problems += [_p(e) for e in check_order(case)]
    problems += consent_problems(case, forms)
    problems += screening_problems(case, forms)
    return problems


def consent_problems(case: Case, forms: Forms) -> list[Problem]:
    problems: list[Problem] = []
    for n, record in enumerate(case.consents):
        where = f"$.case.consents[{n}]"
        if record.kind not in KINDS:
            problems.append(Problem(f"{where}.kind", f"must be one of {', '.join(KINDS)}"))
        if record.status not in STATUSES:
            problems.append(Problem(f"{where}.status", f"must be one of {', '.join(STATUSES)}"))
        if record.method not in METHODS:
            problems.append(Problem(f"{where}.method", "must be verbal or signed"))
        if not record.obtained_by.strip():
            problems.append(Problem(f"{where}.obtained_by", "say who obtained this consent"))
        if record.obtained_at is None:
            problems.append(Problem(f"{where}.obtained_at", "say when this consent was obtained"))
        if record.kind == "willingness" and record.requirement not in ("MHTR", "DRR", "ATR"):
            problems.append(Problem(f"{where}.requirement", "willingness is recorded for MHTR, DRR or ATR"))
        text = forms.consent_texts.get(record.text_id)
        if text is None:
            problems.append(Problem(f"{where}.text_id", f"no consent text '{record.text_id}' is known"))
        elif text.kind != record.kind:
            problems.append(Problem(f"{where}.text_id", f"'{record.text_id}' is a {text.kind} text, not {record.kind}"))
        elif record.partners:
            known = {pid for pid, _ in text.partners}
            for partner in record.partners:
                if partner not in known:
                    problems.append(Problem(f"{where}.partners", f"unknown partner '{partner}'"))
    return problems


def screening_problems(case: Case, forms: Forms) -> list[Problem]:
    """Each stored score must be what its instrument version gives for its answers."""
    problems: list[Problem] = []
    for n, result in enumerate(case.screening):
        where = f"$.case.screening[{n}]"
        if forms.instrument(result.instrument_id) is None:
            problems.append(Problem(f"{where}.instrument_id", f"unknown instrument '{result.instrument_id}'"))
            continue
        # Re-scored with the version it was scored with (in force or archived), never with today's.
        inst = forms.instrument(result.instrument_id, result.instrument_version)
        if inst is None:
            problems.append(Problem(
                f"{where}.instrument_version",
                f"scored with version {result.instrument_version}, which this app does not have, so it cannot "
                "re-check it"))
            continue
        try:
            score = score_instrument(inst, result.answers)
        except AnswerError as exc:
            problems.append(Problem(f"{where}.answers", str(exc)))
            continue
        stored = (result.total, result.band, sorted(result.flags), result.complete)
        fresh = (score.total, score.band_key, sorted(f.id for f in score.flags), score.complete)
        if stored != fresh:
            problems.append(Problem(where, f"the stored score {stored} does not match the answers, which give {fresh}"))
    return problems


def proposal_problems(case: Case, decisions: list[Decision], forms: Forms) -> list[Problem]:
    return [_p(e) for e in check_proposal(case, decisions, forms.programme)]


# What an MHTR annex needs from the assessment before it can be FINAL: the CSTR route rests on the assistant
# psychologist's assessment under a supervising psychologist (spec section 2), so "final" means all of these.
MHTR_ASSESSMENT_FIELDS = {
    "assessor": "the assistant psychologist who made the assessment",
    "supervisor_name": "the supervising psychologist's name",
    "supervisor_consulted_at": "when the supervising psychologist was consulted",
    "formulation": "the formulation",
}


def mhtr_assessment_missing(case: Case) -> list[Problem]:
    """Each part of the mental-health assessment an MHTR annex cannot be FINAL without, if it is missing.

    For the assessment page's Next and the Finalize button, which say which of these is missing."""
    mh = case.mental_health
    missing: list[Problem] = []
    for name, label in MHTR_ASSESSMENT_FIELDS.items():
        value = getattr(mh, name)
        if value is None or (isinstance(value, str) and not value.strip()):
            missing.append(Problem(f"$.case.mental_health.{name}", f"An MHTR cannot be made final without {label}."))
    return missing


def finalisation_problems(case: Case, today: date, forms: Forms, decisions: list[Decision]) -> list[Problem]:
    """What stops an annex being made FINAL: invalid fields, an unlawful proposal, unanswered safeguarding flags,
    and for a proposed MHTR an incomplete assessment."""
    problems = case_problems(case, today, forms) + proposal_problems(case, decisions, forms)
    for flag in case.open_safeguarding_flags():
        problems.append(Problem("$.case.safeguarding", f"record the action taken for the safeguarding flag {flag}"))
    if "MHTR" in case.proposal.proposed:
        problems += mhtr_assessment_missing(case)
    return problems


def conviction_report(case: Case) -> dict[str, object]:
    """The date of conviction the rules used, and whether it was assumed: for `check` (key "conviction").

    A case file of schema version 1 has no conviction date, and a version 2 file may leave it null: both are
    read as a conviction on the hearing date."""
    h = case.hearing
    day = h.convicted_on
    if h.conviction_date is not None:
        reason = "recorded in the case"
    elif day is not None:
        reason = "no date of conviction recorded, so the hearing date is taken (a plea entered and sentenced the same day)"
    else:
        reason = "neither a date of conviction nor a hearing date is recorded"
    return {"date": day.isoformat() if day else None, "assumed": h.conviction_date is None, "reason": reason}
