"""The laptop's side of the hand-over: the hub link, what is waiting to go, receipts and failures, each audited."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cstr_desk.domain.roles import Actor
from cstr_desk.storage.audit import append_audit
from cstr_desk.storage.db import Database
from cstr_desk.storage.errors import StorageError

SENT, PENDING, FAILED = "sent", "pending", "failed"
LINK_KEY = "hub_link"


@dataclass(frozen=True)
class HubLink:
    dsn: str  # includes this laptop's login; lives only inside the encrypted database
    recipient: str  # the site's public key
    login: str


@dataclass(frozen=True)
class WaitingVersion:
    """A final version with no receipt yet, with what the bundle needs."""

    case_id: str
    annex_version: int
    outcome_version: int
    case_json: str
    pdf: bytes
    pdf_sha256: str
    outcome_json: str | None = None


@dataclass(frozen=True)
class HandoverState:
    case_id: str
    annex_version: int
    outcome_version: int
    state: str  # sent, pending or failed
    finalized_at: str
    received_at: str | None = None
    bundle_sha256: str | None = None
    reason: str = ""
    cleared: bool = False


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _atomic(database: Database, fn: Any) -> Any:
    import sqlcipher3

    from cstr_desk.storage.db import translate_error

    database.require_intact()  # like every change: wait for the integrity check; a damaged file takes none
    try:
        with database.db.atomic():
            return fn()
    except sqlcipher3.Error as exc:
        raise translate_error(exc, "record the hand-over") from exc


def save_hub_link(database: Database, actor: Actor, link: HubLink) -> None:
    """Store the hub address, login and site key that `hub add-laptop` issued (administrator only)."""
    actor.require("manage_hub")
    text = json.dumps({"dsn": link.dsn, "recipient": link.recipient, "login": link.login})

    def write() -> None:
        database.db.execute("INSERT OR REPLACE INTO hub_settings (name, value) VALUES (?, ?)", [LINK_KEY, text])
        append_audit(database.db, actor.name, "hub_linked", None, f"login {link.login}")

    _atomic(database, write)


def hub_link(database: Database) -> HubLink | None:
    row = database.db.execute("SELECT value FROM hub_settings WHERE name = ?", [LINK_KEY]).fetchone()
    if row is None:
        return None
    data = json.loads(row[0])
    return HubLink(data["dsn"], data["recipient"], data["login"])


_WAITING_SQL = """
    WITH latest_outcome AS (
        SELECT case_id, max(version) AS version FROM outcomes GROUP BY case_id
    ), latest_final AS (
        SELECT case_id, max(version) AS version FROM final_versions GROUP BY case_id
    )
    SELECT {columns}
    FROM final_versions f
    JOIN latest_final lf ON lf.case_id = f.case_id
    LEFT JOIN latest_outcome o ON o.case_id = f.case_id
    LEFT JOIN outcomes oj ON oj.case_id = o.case_id AND oj.version = o.version
    WHERE NOT EXISTS (SELECT 1 FROM handover_receipts r WHERE r.case_id = f.case_id AND r.annex_version = f.version)
       OR (f.version = lf.version AND o.version IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM handover_receipts r WHERE r.case_id = f.case_id AND r.annex_version = f.version
           AND r.outcome_version = o.version))
    ORDER BY f.finalized_at, f.case_id, f.version
"""


def waiting_keys(database: Database) -> set[tuple[str, int]]:
    """(case id, annex version) of everything waiting to go, without reading the documents."""
    return {(r[0], r[1]) for r in database.db.execute(_WAITING_SQL.format(columns="f.case_id, f.version"))}


def waiting_versions(database: Database, actor: Actor) -> list[WaitingVersion]:
    """What is waiting to go, oldest first: every final version with no receipt, and the latest final version
    again when its latest outcome has no receipt. Each goes with the case's latest outcome at the time of
    sending (outcome version 0: none yet). Drafts are not in final_versions, so they never leave.
    """
    actor.require("hand_over")
    rows = database.db.execute(_WAITING_SQL.format(
        columns="f.case_id, f.version, coalesce(o.version, 0), f.case_json, f.pdf, f.pdf_sha256, oj.outcome_json"
    )).fetchall()
    return [WaitingVersion(r[0], r[1], r[2], r[3], bytes(r[4]), r[5], r[6]) for r in rows]


def record_receipt(database: Database, actor: Actor, case_id: str, annex_version: int, outcome_version: int,
                   received_at: datetime, bundle_sha256: str, annex_sha256: str, hub_login: str) -> None:
    """The hub's receipt, kept in its own table and in the audit chain, in one transaction."""
    def write() -> None:
        if database.db.execute(
            "SELECT 1 FROM handover_receipts WHERE case_id = ? AND annex_version = ? AND outcome_version = ?",
            [case_id, annex_version, outcome_version]).fetchone():
            return
        database.db.execute(
            "INSERT INTO handover_receipts (case_id, annex_version, outcome_version, received_at, bundle_sha256, "
            "annex_sha256, hub_login, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [case_id, annex_version, outcome_version, received_at.isoformat(), bundle_sha256, annex_sha256,
             hub_login, _now()])
        append_audit(database.db, actor.name, "handover", case_id,
                     f"version {annex_version} outcome {outcome_version} received {received_at.isoformat()} "
                     f"bundle {bundle_sha256}")

    _atomic(database, write)


def record_failure(database: Database, actor: Actor, case_id: str, annex_version: int, outcome_version: int,
                   reason: str) -> None:
    def write() -> None:
        database.db.execute(
            "INSERT INTO handover_failures (case_id, annex_version, outcome_version, at, reason) VALUES (?, ?, ?, ?, ?)",
            [case_id, annex_version, outcome_version, _now(), reason])
        append_audit(database.db, actor.name, "handover_failed", case_id, f"version {annex_version}: {reason}")

    _atomic(database, write)


def handover_states(database: Database) -> list[HandoverState]:
    """Every final version on this laptop (or cleared from it): sent, pending, or failed with the last reason.

    A version whose latest outcome has not gone yet is pending again, even though an earlier send has a receipt.
    """
    waiting = waiting_keys(database)
    rows = database.db.execute(
        """
        WITH versions AS (
            SELECT case_id, version, finalized_at, 0 AS cleared FROM final_versions
            UNION ALL SELECT case_id, version, finalized_at, 1 FROM tombstones
        ), last_receipt AS (
            SELECT case_id, annex_version, max(outcome_version) AS outcome_version FROM handover_receipts
            GROUP BY case_id, annex_version
        )
        SELECT v.case_id, v.version, v.finalized_at, v.cleared, r.outcome_version, r.received_at, r.bundle_sha256,
            (SELECT reason FROM handover_failures f WHERE f.case_id = v.case_id AND f.annex_version = v.version
             AND NOT EXISTS (SELECT 1 FROM handover_receipts x WHERE x.case_id = f.case_id
                             AND x.annex_version = f.annex_version AND x.outcome_version = f.outcome_version)
             ORDER BY f.id DESC LIMIT 1)
        FROM versions v
        LEFT JOIN last_receipt lr ON lr.case_id = v.case_id AND lr.annex_version = v.version
        LEFT JOIN handover_receipts r ON r.case_id = lr.case_id AND r.annex_version = lr.annex_version
            AND r.outcome_version = lr.outcome_version
        ORDER BY v.finalized_at, v.case_id, v.version
        """
    ).fetchall()
    states = []
    for case_id, version, finalized_at, cleared, outcome_version, received_at, bundle_sha256, reason in rows:
        if (case_id, version) not in waiting:
            state = SENT
        else:
            state = FAILED if reason else PENDING
        states.append(HandoverState(case_id, version, outcome_version or 0, state, finalized_at, received_at,
                                    bundle_sha256, (reason or "") if state == FAILED else "", bool(cleared)))
    return states


def require_link(database: Database) -> HubLink:
    link = hub_link(database)
    if link is None:
        raise StorageError("This laptop is not linked to a site hub yet: the administrator links it with the "
                           "credentials from `cstr-desk hub add-laptop`.")
    return link
