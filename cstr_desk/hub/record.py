"""What travels in clear beside a bundle: issue 13's pseudonymous MonitoringRecord (flags, groups, a month, days)
and the hearing date that chooses the period. No name, date of birth, CRN, PNC or free text."""

from __future__ import annotations

import dataclasses
from datetime import date

from cstr_desk.domain.case import Case
from cstr_desk.domain.eligibility import decide
from cstr_desk.domain.monitoring import MonitoringRecord, monitoring_record
from cstr_desk.domain.outcome import Outcome
from cstr_desk.domain.rules import Programme


def record_for(case: Case, outcome: Outcome | None, programme: Programme) -> MonitoringRecord:
    """The same record the laptop's own monitoring keeps for a final case (Desk._monitoring_record)."""
    return monitoring_record(case, decide(case, programme), programme, outcome, final=True)


def clear_columns(record: MonitoringRecord, hearing_date: date | None) -> dict[str, object]:
    """Column name -> value for the hub's hand-over row; names are the record's field names."""
    return {"hearing_date": hearing_date, **dataclasses.asdict(record)}
