"""The schema, one sqlite-utils migration per step; applied at open, each in its own transaction."""

from __future__ import annotations

import sqlite_utils
from sqlite_utils.migrations import Migrations

from cstr_desk.storage.errors import NewerDatabase

MIGRATION_SET = "cstr_desk"
migrations = Migrations(MIGRATION_SET)


@migrations()
def m001_cases(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE cases (
            case_id TEXT PRIMARY KEY,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('draft', 'final')),
            draft_version INTEGER NOT NULL DEFAULT 1,
            person_name TEXT NOT NULL DEFAULT '',
            crn TEXT NOT NULL DEFAULT '',
            court TEXT NOT NULL DEFAULT '',
            hearing_date TEXT,
            wizard_step TEXT NOT NULL DEFAULT '',
            save_count INTEGER NOT NULL DEFAULT 0,
            last_writer TEXT NOT NULL DEFAULT '',
            draft_json TEXT,
            amend_reason TEXT
        )
        """
    )
    db.execute("CREATE INDEX cases_hearing_date ON cases (hearing_date)")
    db.execute("CREATE INDEX cases_status_updated ON cases (status, updated_at)")


@migrations()
def m002_final_versions(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE final_versions (
            case_id TEXT NOT NULL REFERENCES cases (case_id),
            version INTEGER NOT NULL,
            finalized_at TEXT NOT NULL,
            finalized_by TEXT NOT NULL,
            case_json TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            pdf BLOB NOT NULL,
            pdf_sha256 TEXT NOT NULL,
            instrument_versions TEXT NOT NULL,
            amends_version INTEGER,
            amend_reason TEXT,
            PRIMARY KEY (case_id, version)
        )
        """
    )
    # The database itself guards finals: the UI is not the guard.
    db.execute(
        "CREATE TRIGGER final_versions_no_update BEFORE UPDATE ON final_versions "
        "BEGIN SELECT RAISE(ABORT, 'final versions cannot be changed'); END"
    )
    db.execute(
        "CREATE TRIGGER final_versions_no_delete BEFORE DELETE ON final_versions "
        "BEGIN SELECT RAISE(ABORT, 'final versions cannot be changed or deleted'); END"
    )


@migrations()
def m003_audit(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            event TEXT NOT NULL,
            case_id TEXT,
            detail TEXT NOT NULL DEFAULT '',
            prev_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        )
        """
    )
    db.execute(
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END"
    )
    db.execute(
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit "
        "BEGIN SELECT RAISE(ABORT, 'the audit log cannot be changed'); END"
    )


@migrations()
def m004_case_search(db: sqlite_utils.Database) -> None:
    # search_name is the name folded to plain letters (Łukasz -> lukasz), so a UK keyboard finds it.
    db.execute("ALTER TABLE cases ADD COLUMN search_name TEXT NOT NULL DEFAULT ''")
    from cstr_desk.storage.search import fold

    rows = db.execute("SELECT case_id, person_name FROM cases").fetchall()
    for case_id, name in rows:
        db.execute("UPDATE cases SET search_name = ? WHERE case_id = ?", [fold(name), case_id])
    db.table("cases").enable_fts(
        ["search_name", "crn", "court"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


@migrations()
def m005_drafts_apart(db: sqlite_utils.Database) -> None:
    # Draft JSON is large (about 12 KB a case); kept in the cases rows it made every list and search
    # read and decrypt the whole table. The list now reads small rows; a draft is read when opened.
    db.execute(
        "CREATE TABLE drafts (case_id TEXT PRIMARY KEY REFERENCES cases (case_id) ON DELETE CASCADE, "
        "draft_json TEXT NOT NULL)"
    )
    db.execute("INSERT INTO drafts (case_id, draft_json) SELECT case_id, draft_json FROM cases WHERE draft_json IS NOT NULL")
    db.execute("ALTER TABLE cases DROP COLUMN draft_json")


# ---------------------------------------------------------------- outcomes and monitoring (issue 13)


@migrations()
def m010_outcomes(db: sqlite_utils.Database) -> None:
    # Each recorded outcome is a version; a correction adds the next one with its reason. Never changed.
    db.execute(
        """
        CREATE TABLE outcomes (
            case_id TEXT NOT NULL REFERENCES cases (case_id),
            version INTEGER NOT NULL,
            recorded_at TEXT NOT NULL,
            recorded_by TEXT NOT NULL,
            category TEXT NOT NULL,
            new_hearing_date TEXT,
            outcome_json TEXT NOT NULL,
            correction_reason TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (case_id, version)
        )
        """
    )
    db.execute(
        "CREATE TRIGGER outcomes_no_update BEFORE UPDATE ON outcomes "
        "BEGIN SELECT RAISE(ABORT, 'recorded outcomes cannot be changed'); END"
    )
    db.execute(
        "CREATE TRIGGER outcomes_no_delete BEFORE DELETE ON outcomes "
        "BEGIN SELECT RAISE(ABORT, 'recorded outcomes cannot be changed'); END"
    )


@migrations()
def m011_monitoring(db: sqlite_utils.Database) -> None:
    # One pseudonymous row per case (domain/monitoring.py MonitoringRecord), as plain columns so a return
    # is one SQL aggregate, not a JSON parse per case. hearing_date stays local: it chooses the period.
    flags = [
        "screened",
        *[f"{r}_{s}" for r in ("mhtr", "drr", "atr")
          for s in ("screened", "referred", "eligible", "proposed", "imposed", "first_kept", "willingness_refused")],
        "combined_order", "eligible_unsuitable", "consent_refused", "woman", "womens_pathway",
        "link_worker_referral", "final", "outcome_recorded", "first_appointment_kept", "first_within_5_working_days",
        "custody_averted",
    ]
    columns = ", ".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in flags)
    db.execute(
        f"""
        CREATE TABLE monitoring (
            case_id TEXT PRIMARY KEY REFERENCES cases (case_id),
            hearing_date TEXT NOT NULL DEFAULT '',
            month TEXT NOT NULL DEFAULT '',
            {columns},
            unsuitable_group TEXT NOT NULL DEFAULT '',
            outcome_category TEXT NOT NULL DEFAULT '',
            custody_in_view TEXT NOT NULL DEFAULT '',
            custody_averted_days INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX monitoring_hearing_date ON monitoring (hearing_date)")


@migrations()
def m006_imports(db: sqlite_utils.Database) -> None:
    # Import is idempotent (issue 15, D5): a case file without a case id is recognised again by its content's
    # SHA-256, so a retried import after an unclear failure does not make a duplicate.
    db.execute("CREATE TABLE imports (content_sha256 TEXT PRIMARY KEY, case_id TEXT NOT NULL)")


# ---- site hub and retention (issue 14): receipts, tombstones, the hub link and the retention setting ----

@migrations()
def m015_hub_settings(db: sqlite_utils.Database) -> None:
    # The hub link (address with this laptop's login, the site's public key) and the administrator's
    # retention setting. Inside the encrypted database, like everything else.
    db.execute("CREATE TABLE hub_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations()
def m016_handover_receipts(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE handover_receipts (
            case_id TEXT NOT NULL,
            annex_version INTEGER NOT NULL,
            outcome_version INTEGER NOT NULL DEFAULT 0,
            received_at TEXT NOT NULL,
            bundle_sha256 TEXT NOT NULL,
            annex_sha256 TEXT NOT NULL,
            hub_login TEXT NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (case_id, annex_version, outcome_version)
        )
        """
    )
    db.execute(
        "CREATE TRIGGER handover_receipts_no_change BEFORE UPDATE ON handover_receipts "
        "BEGIN SELECT RAISE(ABORT, 'receipts cannot be changed'); END"
    )
    db.execute(
        "CREATE TRIGGER handover_receipts_no_delete BEFORE DELETE ON handover_receipts "
        "BEGIN SELECT RAISE(ABORT, 'receipts cannot be changed'); END"
    )
    db.execute(
        "CREATE TABLE handover_failures (id INTEGER PRIMARY KEY AUTOINCREMENT, case_id TEXT NOT NULL, "
        "annex_version INTEGER NOT NULL, outcome_version INTEGER NOT NULL DEFAULT 0, at TEXT NOT NULL, "
        "reason TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX handover_failures_key ON handover_failures (case_id, annex_version, outcome_version)")


@migrations()
def m017_tombstones(db: sqlite_utils.Database) -> None:
    # What is left of a cleared case version: ids, the receipt and the fingerprints, no content.
    db.execute(
        """
        CREATE TABLE tombstones (
            case_id TEXT NOT NULL,
            version INTEGER NOT NULL,
            finalized_at TEXT NOT NULL,
            content_sha256 TEXT NOT NULL,
            pdf_sha256 TEXT NOT NULL,
            received_at TEXT NOT NULL,
            bundle_sha256 TEXT NOT NULL,
            purged_at TEXT NOT NULL,
            purged_by TEXT NOT NULL,
            PRIMARY KEY (case_id, version)
        )
        """
    )
    db.execute(
        "CREATE TRIGGER tombstones_no_change BEFORE UPDATE ON tombstones "
        "BEGIN SELECT RAISE(ABORT, 'tombstones cannot be changed'); END"
    )
    db.execute(
        "CREATE TRIGGER tombstones_no_delete BEFORE DELETE ON tombstones "
        "BEGIN SELECT RAISE(ABORT, 'tombstones cannot be changed'); END"
    )
    # A final version may now be deleted, but only once its tombstone (with the hub's receipt) is written:
    # the database, not the purge code, keeps an unacknowledged final from ever being cleared.
    db.execute("DROP TRIGGER final_versions_no_delete")
    db.execute(
        "CREATE TRIGGER final_versions_no_delete BEFORE DELETE ON final_versions "
        "WHEN NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.case_id = OLD.case_id AND t.version = OLD.version) "
        "BEGIN SELECT RAISE(ABORT, 'final versions cannot be changed or deleted'); END"
    )


@migrations()
def m018_outcomes_clearable(db: sqlite_utils.Database) -> None:
    # Outcomes, like final versions, may be deleted only once the case's tombstone is written.
    db.execute("DROP TRIGGER outcomes_no_delete")
    db.execute(
        "CREATE TRIGGER outcomes_no_delete BEFORE DELETE ON outcomes "
        "WHEN NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.case_id = OLD.case_id) "
        "BEGIN SELECT RAISE(ABORT, 'recorded outcomes cannot be changed'); END"
    )


# m006-m019: other branches of issue 16 and its neighbours append theirs above this line.


@migrations()
def m020_deleted_cases(db: sqlite_utils.Database) -> None:
    # A draft deleted by mistake leaves its reason here, inside the encrypted database, not in the audit detail.
    db.execute(
        """
        CREATE TABLE deleted_cases (
            case_id TEXT NOT NULL,
            deleted_at TEXT NOT NULL,
            deleted_by TEXT NOT NULL,
            draft_version INTEGER NOT NULL,
            reason TEXT NOT NULL
        )
        """
    )


def known_names() -> list[str]:
    return [m.name for m in migrations._migrations]


def apply_migrations(db: sqlite_utils.Database, stop_before: str | None = None) -> None:
    """Bring the schema up to date; refuse a database written by a newer version of the app."""
    applied = [m.name for m in migrations.applied(db)]
    unknown = [name for name in applied if name not in known_names()]
    if unknown:
        raise NewerDatabase(
            "This database was made by a newer version of CSTR Desk. Install that version to open it; "
            "this one will not change it."
        )
    migrations.apply(db, stop_before=stop_before)


def pending_migrations(db: sqlite_utils.Database) -> list[str]:
    """Schema steps this app knows that the database has not had yet."""
    applied = {m.name for m in migrations.applied(db)}
    return [name for name in known_names() if name not in applied]
