"""Outcomes (versioned, never changed) and the pseudonymous monitoring rows, counted in SQL for a period."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from cstr_desk.domain.case import Case
from cstr_desk.domain.monitoring import (
    COUNT_LABELS,
    UNSUITABLE_REASON_GROUPS,
    MonitoringCounts,
    MonitoringRecord,
    sum_counts,
)
from cstr_desk.domain.outcome import Outcome, outcome_from_json, outcome_to_json
from cstr_desk.storage.audit import append_audit
from cstr_desk.storage.cases import CaseStore, CaseSummary
from cstr_desk.storage.errors import CaseNotFound, StorageError

RECORD_FIELDS = tuple(f.name for f in dataclasses.fields(MonitoringRecord))
_COUNTED = [k for k in COUNT_LABELS if k != "cases"]
# One aggregate gives every count of a return; the column names come from the record, never from input.
_COUNT_SQL = "count(*), " + ", ".join(f"coalesce(sum({k}), 0)" for k in _COUNTED) + \
    ", coalesce(sum(custody_averted_days), 0)"

_GROUP_SQL = ", ".join(f"coalesce(sum(unsuitable_group = '{g}'), 0)" for g in UNSUITABLE_REASON_GROUPS)

# A final case whose hearing has passed with no outcome yet, or whose last outcome was an adjournment to a
# hearing that has now passed: the officer still has an outcome to record.
_TO_RECORD = (
    "c.status = 'final' AND ("
    " (NOT EXISTS (SELECT 1 FROM outcomes o WHERE o.case_id = c.case_id) AND c.hearing_date < ?)"
    " OR EXISTS (SELECT 1 FROM outcomes o WHERE o.case_id = c.case_id AND o.category = 'adjourned'"
    "   AND o.new_hearing_date < ? AND o.version = (SELECT max(version) FROM outcomes x WHERE x.case_id = c.case_id)))"
)


class OutcomeConflict(StorageError):
    pass


class OutcomeStore:
    """Outcomes and monitoring rows of one unlocked database, as the signed-in person of its CaseStore."""

    def __init__(self, store: CaseStore) -> None:
        self.store = store
        self.db = store.db
        self.actor = store.actor

    # ------------------------------------------------------------ outcomes

    def record_outcome(self, case_id: str, outcome: Outcome, record: MonitoringRecord | None,
                       hearing_date: date | None) -> int:
        """Store the outcome as the next version (1 for the first; a correction needs a reason) and the case's
        monitoring row, with its audit event, in one transaction. Returns the version stored."""
        self.actor.require("record_outcome")

        def store() -> int:
            if self.db.execute("SELECT 1 FROM cases WHERE case_id = ?", [case_id]).fetchone() is None:
                raise CaseNotFound(f"No case with id {case_id}.")
            latest = self.db.execute("SELECT max(version) FROM outcomes WHERE case_id = ?", [case_id]).fetchone()[0]
            expected = (latest or 0) + 1
            if outcome.version != expected:
                raise OutcomeConflict(
                    f"This outcome would be version {outcome.version}, but the next version is {expected}: "
                    "someone else recorded an outcome meanwhile. Reopen the case and try again.")
            previous = self.db.execute(
                "SELECT category FROM outcomes WHERE case_id = ? AND version = ?", [case_id, expected - 1]).fetchone()
            # After an adjournment the next hearing's outcome is a new version, not a correction of the last.
            if previous and previous[0] != "adjourned" and not outcome.correction_reason.strip():
                raise StorageError("A correction of a recorded outcome needs a reason.")
            self.db.execute(
                "INSERT INTO outcomes (case_id, version, recorded_at, recorded_by, category, new_hearing_date, "
                "outcome_json, correction_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [case_id, expected, datetime.now(UTC).isoformat(timespec="seconds"), self.actor.name,
                 outcome.category, outcome.new_hearing_date.isoformat() if outcome.new_hearing_date else None,
                 outcome_to_json(outcome), outcome.correction_reason.strip()],
            )
            if record is not None:
                self._put_monitoring(case_id, hearing_date, record)
            event = "outcome_corrected" if outcome.correction_reason.strip() else "outcome"
            append_audit(self.db, self.actor.name, event, case_id, f"version {expected}")
            return expected

        return int(self.store._write("record the outcome", store))

    def outcome_history(self, case_id: str) -> list[Outcome]:
        """Every version, oldest first."""
        self.actor.require("read_cases")
        rows = self.db.execute(
            "SELECT outcome_json FROM outcomes WHERE case_id = ? ORDER BY version", [case_id]).fetchall()
        return [outcome_from_json(r[0]) for r in rows]

    def latest_outcome(self, case_id: str) -> Outcome | None:
        history = self.outcome_history(case_id)
        return history[-1] if history else None

    def outcome_to_record(self, today: date, limit: int = 200) -> list[CaseSummary]:
        """Final cases whose hearing has passed with no outcome recorded, oldest hearing first."""
        day = today.isoformat()
        return self.store._summaries(f"WHERE {_TO_RECORD}", [day, day], "ORDER BY c.hearing_date", limit)

    def count_outcome_to_record(self, today: date) -> int:
        self.actor.require("read_cases")
        day = today.isoformat()
        return int(self.db.execute(f"SELECT count(*) FROM cases c WHERE {_TO_RECORD}", [day, day]).fetchone()[0])

    # ------------------------------------------------------------ monitoring rows

    def put_monitoring(self, case_id: str, hearing_date: date | None, record: MonitoringRecord) -> None:
        """Write (or replace) the case's monitoring row: at save, finalize, and outcome."""
        self.actor.require("read_cases")
        self.store._write("update the monitoring figures", lambda: self._put_monitoring(case_id, hearing_date, record))

    def put_monitoring_many(self, rows: list[tuple[str, date | None, MonitoringRecord]]) -> None:
        """Many rows in one transaction (demo data, a refresh after an upgrade)."""
        self.actor.require("read_cases")
        sql = self._upsert_sql()

        def write() -> None:
            self.db.conn.executemany(sql, [self._row(cid, day, rec) for cid, day, rec in rows])

        self.store._write("update the monitoring figures", write)

    @staticmethod
    def _upsert_sql() -> str:
        names = ("case_id", "hearing_date", *RECORD_FIELDS)
        return (f"INSERT OR REPLACE INTO monitoring ({', '.join(names)}) "
                f"VALUES ({', '.join('?' for _ in names)})")

    @staticmethod
    def _row(case_id: str, hearing_date: date | None, record: MonitoringRecord) -> list[Any]:
        values = [getattr(record, name) for name in RECORD_FIELDS]
        return [case_id, hearing_date.isoformat() if hearing_date else "",
                *[int(v) if isinstance(v, bool) else v for v in values]]

    def _put_monitoring(self, case_id: str, hearing_date: date | None, record: MonitoringRecord) -> None:
        self.db.execute(self._upsert_sql(), self._row(case_id, hearing_date, record))

    def import_drafts_with_monitoring(self, rows: list[tuple[Case, MonitoringRecord]]) -> None:
        """Many generated cases at once, as drafts with their monitoring rows: one transaction, no per-row
        audit entry (one for the batch). For benches and large demo sets, where rendering annexes would take hours."""
        self.actor.require("create_case")
        from cstr_desk.domain.casefile import case_to_compact_json
        from cstr_desk.storage.search import fold

        now = datetime.now(UTC).isoformat(timespec="seconds")
        monitoring_sql = self._upsert_sql()

        def write() -> None:
            conn = self.db.conn
            conn.executemany(
                "INSERT INTO cases (case_id, created_at, updated_at, status, draft_version, person_name, search_name, "
                "crn, court, hearing_date, wizard_step, save_count, last_writer) "
                "VALUES (?, ?, ?, 'draft', 1, ?, ?, ?, ?, ?, ?, 0, ?)",
                [(c.case_id, now, now, c.person.full_name, fold(c.person.full_name), c.identifiers.crn, c.hearing.court,
                  c.hearing.hearing_date.isoformat() if c.hearing.hearing_date else None, c.wizard_step,
                  self.actor.name) for c, _ in rows])
            conn.executemany("INSERT INTO drafts (case_id, draft_json) VALUES (?, ?)",
                             [(c.case_id, case_to_compact_json(c)) for c, _ in rows])
            conn.executemany(monitoring_sql, [self._row(c.case_id, c.hearing.hearing_date, r) for c, r in rows])
            append_audit(self.db, self.actor.name, "import", None, f"{len(rows)} generated cases")

        self.store._write("import the generated cases", write)

    def cases_without_monitoring(self) -> list[str]:
        self.actor.require("read_cases")
        # Two counts first (cheap): the anti-join runs only when some row is really missing.
        cases, rows_ = self.db.execute("SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM monitoring)").fetchone()
        if cases == rows_:
            return []
        rows = self.db.execute(
            "SELECT case_id FROM cases c WHERE NOT EXISTS (SELECT 1 FROM monitoring m WHERE m.case_id = c.case_id)")
        return [r[0] for r in rows]

    # ------------------------------------------------------------ counting

    def monitoring_counts(self, start: date, end: date) -> MonitoringCounts:
        """Every count of a return for hearings from start to end inclusive."""
        return sum_counts(list(self.monitoring_by_month(start, end).values()))

    def monitoring_by_month(self, start: date, end: date) -> dict[str, MonitoringCounts]:
        """The counts month by month (the dashboard's trend), oldest first: one aggregate, one pass over the rows."""
        self.actor.require("read_monitoring")
        rows = self.db.execute(
            f"SELECT month, {_COUNT_SQL}, {_GROUP_SQL} FROM monitoring WHERE hearing_date BETWEEN ? AND ? "
            "GROUP BY month ORDER BY month", [start.isoformat(), end.isoformat()]).fetchall()
        return {r[0]: self._counts(r[1:]) for r in rows}

    def monitoring_records(self, start: date, end: date) -> list[MonitoringRecord]:
        """The pseudonymous rows of a period (no case id), for the site hub."""
        self.actor.require("read_monitoring")
        rows = self.db.execute(
            f"SELECT {', '.join(RECORD_FIELDS)} FROM monitoring WHERE hearing_date BETWEEN ? AND ? "
            "ORDER BY hearing_date", [start.isoformat(), end.isoformat()]).fetchall()
        kinds = {f.name: f.type for f in dataclasses.fields(MonitoringRecord)}
        out = []
        for row in rows:
            values: dict[str, Any] = {name: bool(v) if kinds[name] in ("bool", bool) else v
                                      for name, v in zip(RECORD_FIELDS, row, strict=True)}
            out.append(MonitoringRecord(**values))
        return out

    @staticmethod
    def _counts(row: Any) -> MonitoringCounts:
        n = len(_COUNTED)
        counts = {"cases": int(row[0]), **{k: int(v) for k, v in zip(_COUNTED, row[1:n + 1], strict=True)}}
        groups = {g: int(v) for g, v in zip(UNSUITABLE_REASON_GROUPS, row[n + 2:], strict=True)}
        return MonitoringCounts(counts, groups, int(row[n + 1]))
