"""Court-day steps that span layers (domain, report, storage) without Qt: finalize a case, export its documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from cstr_desk.domain.annex import build_annex
from cstr_desk.domain.case import Case
from cstr_desk.domain.casefile import Problem
from cstr_desk.domain.checks import finalisation_problems
from cstr_desk.domain.eligibility import decide
from cstr_desk.domain.forms import Forms
from cstr_desk.storage.cases import CaseStore


class NotReadyToFinalize(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))


@dataclass(frozen=True)
class Finalized:
    case_id: str
    version: int
    pdf: bytes
    content_sha256: str


def finalize_case(store: CaseStore, case: Case, forms: Forms, today: date, when: datetime) -> Finalized:
    """Check, render the FINAL annex, then store PDF, hashes and instrument versions and lock: one transaction."""
    from cstr_desk.report.annex_pdf import render_annex  # ReportLab loads only when a report is built

    decisions = decide(case, forms.programme)
    problems = finalisation_problems(case, today, forms, decisions)
    if problems:
        raise NotReadyToFinalize(problems)
    version = store.summary(case.case_id).draft_version
    annex = build_annex(case, forms, final=True, version=version, generated_at=when, decisions=decisions)
    pdf = render_annex(annex)
    instrument_versions = {s.instrument_id: s.instrument_version for s in case.screening}
    stored = store.finalize(case, pdf, annex.content_sha256, instrument_versions, when)
    return Finalized(case.case_id, stored, pdf, annex.content_sha256)
