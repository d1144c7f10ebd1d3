"""Retention on the laptop: clear a case's content a set number of days after the hub's receipt, keep a tombstone.

A case is cleared only when every final version has a receipt, the newest receipt is older than the setting,
and no amendment is open. The tombstone keeps the case id, each version's fingerprints and its receipt; the
audit log (ids and event kinds only) is never touched, so its chain still verifies. Afterwards VACUUM rewrites
the file so cleared text does not linger in free pages, and older backups (which still hold it) are replaced.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlcipher3

from cstr_desk.domain.roles import Actor
from cstr_desk.storage.audit import append_audit
from cstr_desk.storage.db import Database, translate_error
from cstr_desk.storage.errors import StorageError
from cstr_desk.storage.files import keyring_copy_of, list_backups
from cstr_desk.storage.handover import waiting_keys

DEFAULT_RETENTION_DAYS = 30
RETENTION_KEY = "retention_days"
MAX_RETENTION_DAYS = 3650


@dataclass(frozen=True)
class PurgeReport:
    cleared_cases: list[str]
    cleared_versions: int
    backups_replaced: int


def retention_days(database: Database) -> int:
    row = database.db.execute("SELECT value FROM hub_settings WHERE name = ?", [RETENTION_KEY]).fetchone()
    return int(row[0]) if row else DEFAULT_RETENTION_DAYS


def set_retention_days(database: Database, actor: Actor, days: int) -> None:
    """The administrator's setting: days after the hub's receipt before a case's content is cleared."""
    actor.require("manage_hub")
    if not 1 <= days <= MAX_RETENTION_DAYS:
        raise StorageError(f"Retention is a whole number of days from 1 to {MAX_RETENTION_DAYS}.")
    database.require_intact()
    try:
        with database.db.atomic():
            database.db.execute("INSERT OR REPLACE INTO hub_settings (name, value) VALUES (?, ?)",
                                [RETENTION_KEY, str(days)])
            append_audit(database.db, actor.name, "retention_set", None, f"{days} days")
    except sqlcipher3.Error as exc:
        raise translate_error(exc, "save the retention setting") from exc


def _cutoff(database: Database, now: datetime | None) -> str:
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return (moment - timedelta(days=retention_days(database))).isoformat()


def clearable_cases(database: Database, now: datetime | None = None) -> list[str]:
    """Final cases whose every version the hub has acknowledged, the newest receipt older than the setting."""
    waiting = {case_id for case_id, _ in waiting_keys(database)}
    rows = database.db.execute(
        """
        SELECT c.case_id FROM cases c
        WHERE c.status = 'final'
          AND EXISTS (SELECT 1 FROM final_versions f WHERE f.case_id = c.case_id)
          AND (SELECT max(r.received_at) FROM handover_receipts r WHERE r.case_id = c.case_id) < ?
        ORDER BY c.case_id
        """,
        [_cutoff(database, now)],
    ).fetchall()
    return [r[0] for r in rows if r[0] not in waiting]


def overdue_cases(database: Database, now: datetime | None = None) -> set[str]:
    """Cases whose hearing is further back than the setting and that are not fully handed over (a draft, or a
    final version or outcome without a receipt): flagged on the case list, never cleared."""
    waiting = {case_id for case_id, _ in waiting_keys(database)}
    # The period runs from the hearing (or, with no hearing date yet, from when the case was made).
    rows = database.db.execute(
        "SELECT c.case_id, c.status FROM cases c WHERE coalesce(c.hearing_date, substr(c.created_at, 1, 10)) < ?",
        [_cutoff(database, now)[:10]]).fetchall()
    return {case_id for case_id, status in rows if status == "draft" or case_id in waiting}


def purge_expired(database: Database, actor: Actor, now: datetime | None = None) -> PurgeReport:
    """Clear every clearable case (one transaction each, audited), then VACUUM and replace the backups."""
    actor.require("clear_expired")
    database.require_intact()
    db = database.db
    cleared: list[str] = []
    versions = 0
    purged_at = datetime.now(UTC).isoformat(timespec="microseconds")
    try:
        # Deleted content is overwritten with zeros, not only unlinked, until VACUUM rebuilds the file.
        db.execute("PRAGMA secure_delete = ON")
        for case_id in clearable_cases(database, now):
            with db.atomic():
                # Each version's newest receipt (the one that carried the latest outcome, for the last version).
                rows = db.execute(
                    "SELECT f.version, f.finalized_at, f.content_sha256, f.pdf_sha256, r.received_at, r.bundle_sha256 "
                    "FROM final_versions f JOIN handover_receipts r ON r.case_id = f.case_id "
                    "AND r.annex_version = f.version WHERE f.case_id = ? AND r.outcome_version = (SELECT "
                    "max(outcome_version) FROM handover_receipts x WHERE x.case_id = f.case_id "
                    "AND x.annex_version = f.version) ORDER BY f.version",
                    [case_id]).fetchall()
                for version, finalized_at, content_sha, pdf_sha, received_at, bundle_sha in rows:
                    db.execute(
                        "INSERT INTO tombstones (case_id, version, finalized_at, content_sha256, pdf_sha256, "
                        "received_at, bundle_sha256, purged_at, purged_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [case_id, version, finalized_at, content_sha, pdf_sha, received_at, bundle_sha, purged_at,
                         actor.name])
                db.execute("DELETE FROM final_versions WHERE case_id = ?", [case_id])
                db.execute("DELETE FROM outcomes WHERE case_id = ?", [case_id])
                # The laptop's own figures lose the cleared case; the hub keeps its pseudonymous row.
                db.execute("DELETE FROM monitoring WHERE case_id = ?", [case_id])
                db.execute("DELETE FROM drafts WHERE case_id = ?", [case_id])
                db.execute("DELETE FROM cases WHERE case_id = ?", [case_id])
                append_audit(db, actor.name, "purge", case_id,
                             f"versions {','.join(str(r[0]) for r in rows)} cleared after receipt")
            cleared.append(case_id)
            versions += len(rows)
        replaced = 0
        if cleared:
            db.execute("VACUUM")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            old = list_backups(database.folder)
            database.backup(kind="purge")  # checked when made; only then do the older copies go
            for path in old:
                path.unlink(missing_ok=True)
                keyring_copy_of(path).unlink(missing_ok=True)
                replaced += 1
    except sqlcipher3.Error as exc:
        raise translate_error(exc, "clear handed-over cases") from exc
    finally:
        db.execute("PRAGMA secure_delete = OFF")
    return PurgeReport(cleared, versions, replaced)
