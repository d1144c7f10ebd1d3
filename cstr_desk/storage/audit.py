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


def _entry_hash(prev_hash: str, at: str, actor: str, event: str, case_id: str | None, detail: str) -> str:
    payload = json.dumps([prev_hash, at, actor, event, case_id, detail], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def append_audit(db: sqlite_utils.Database, actor: str, event: str, case_id: str | None = None, detail: str = "") -> None:
    """Add one entry; call inside the same transaction as the change it records."""
    if event not in EVENTS:
        raise ValueError(f"unknown audit event {event!r}")
    row = db.execute("SELECT hash FROM audit ORDER BY id DESC LIMIT 1").fetchone()
    prev = row[0] if row else GENESIS
    at = datetime.now(UTC).isoformat(timespec="microseconds")
    digest = _entry_hash(prev, at, actor, event, case_id, detail)
    db.execute(
        "INSERT INTO audit (at, actor, event, case_id, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [at, actor, event, case_id, detail, prev, digest],
    )


def verify_audit(db: sqlite_utils.Database) -> AuditReport:
    """Walk the chain from the first entry and report the first one that does not fit."""
    prev = GENESIS
    count = 0
    for row in db.execute("SELECT id, at, actor, event, case_id, detail, prev_hash, hash FROM audit ORDER BY id"):
        entry_id, at, actor, event, case_id, detail, prev_hash, digest = row
        count += 1
        if prev_hash != prev:
            return AuditReport(False, count, entry_id, f"entry {entry_id} does not follow the entry before it")
        if _entry_hash(prev_hash, at, actor, event, case_id, detail) != digest:
            return AuditReport(False, count, entry_id, f"entry {entry_id} has been changed")
        prev = digest
    return AuditReport(True, count, None, f"all {count} entries are intact")
