"""Append-only audit log, each entry SHA-256 chained to the one before; holds ids and event kinds, never case content."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlite_utils

EVENTS = frozenset({
    "create", "save", "finalize", "amend", "export", "delete", "unlock", "import", "backup",
    "sign_in_failed", "user_added", "user_removed", "passphrase_changed", "lock",
    "recover", "restore", "rekey",
    "outcome", "outcome_corrected", "monitoring_export",
    "hub_linked", "handover", "handover_failed", "purge", "retention_set",
})
GENESIS = "0" * 64


@dataclass(frozen=True)
class AuditReport:
    ok: bool
    entries: int
    first_broken_id: int | None = None
    message: str = ""
    head: str = GENESIS  # the chain's head hash: compare it with one printed on a final annex (D8)


def _entry_hash(prev_hash: str, at: str, actor: str, event: str, case_id: str | None, detail: str) -> str:
    payload = json.dumps([prev_hash, at, actor, event, case_id, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def chain_head(db: sqlite_utils.Database) -> str:
    """The hash of the newest entry (the chain's head), or the genesis hash of an empty log."""
    row = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    return str(row[0]) if row else GENESIS


def append_audit(db: sqlite_utils.Database, actor: str, event: str, case_id: str | None = None, detail: str = "",
                 at: str | None = None) -> None:
    """Add one entry; call inside the same transaction as the change it records (at: when it happened)."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    prev = chain_head(db)
    at = at or datetime.now(UTC).isoformat(timespec="microseconds")
    digest = _entry_hash(prev, at, actor, event, case_id, detail)
    db.execute(
        "INSERT INTO audit (at, actor, event, case_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [at, actor, event, case_id, detail, prev, digest],
    )


def verify_audit(db: sqlite_utils.Database) -> AuditReport:
    """Walk the chain from the first entry and report the first one that does not fit; then check every stored
    final PDF against its recorded SHA-256 and against the SHA-256 its finalize event recorded (D8)."""
    prev = GENESIS
    count = 0
    recorded: dict[tuple[str, str], str] = {}
    for row in db.execute("SELECT id, at, actor, event, case_id, detail, prev_hash, hash FROM audit ORDER BY id"):
        entry_id, at, actor, event, case_id, detail, prev_hash, digest = row
        count += 1
        if prev_hash != prev:
            return AuditReport(False, count, entry_id, f"entry {entry_id} does not follow the entry before it", prev)
        if _entry_hash(prev_hash, at, actor, event, case_id, detail) != digest:
            return AuditReport(False, count, entry_id, f"entry {entry_id} has been changed", prev)
        if event == "finalize" and " pdf " in detail:
            version, _, pdf_sha = detail.partition(" pdf ")
            recorded[(case_id, version.removeprefix("version "))] = pdf_sha
        prev = digest
    for case_id, version, pdf, pdf_sha in db.execute(
            "SELECT case_id, version, pdf, pdf_sha256 FROM final_versions ORDER BY case_id, version"):
        actual = hashlib.sha256(bytes(pdf)).hexdigest()
        expected = recorded.get((case_id, str(version)), actual)
        if actual != pdf_sha or actual != expected:
            return AuditReport(False, count, None,
                               f"the stored annex of case {case_id} version {version} does not match its "
                               "recorded fingerprint", prev)
    return AuditReport(True, count, None, f"all {count} entries are intact, and every stored annex matches its "
                       "fingerprint", prev)
