"""Talking to the hub: set it up, add logins, hand over one case, read receipts, fetch bundles, add up monitoring.

Each function takes a DSN (checked for TLS first) or an open connection; the hub's own errors are translated
into HubError subclasses in words, and PostgreSQL's refusals keep their SQLSTATE for the caller to see.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import sql

from cstr_desk.hub.bundle import checked_recipient, sha256_hex
from cstr_desk.hub.dsn import checked_dsn, dsn_with_login
from cstr_desk.hub.errors import HubError, HubRefused, HubUnavailable
from cstr_desk.hub.schema import (
    LAPTOP_GROUP,
    RECEIVING_GROUP,
    REPORTING_GROUP,
    SCHEMA,
    apply_steps,
)

if TYPE_CHECKING:
    from cstr_desk.domain.monitoring import MonitoringCounts

CONNECT_TIMEOUT_S = 10
KIND_GROUPS = {"laptop": LAPTOP_GROUP, "reporting": REPORTING_GROUP, "receiving": RECEIVING_GROUP}
KIND_PREFIX = {"laptop": "cstr_laptop_", "reporting": "cstr_report_", "receiving": "cstr_receive_"}


@dataclass(frozen=True)
class Credentials:
    kind: str
    label: str
    role: str
    dsn: str  # the hub address with this login's user name and password
    recipient: str  # the site's public key, which a laptop seals bundles to


@dataclass(frozen=True)
class Outgoing:
    """One case version ready to go: the sealed bundle and the clear monitoring columns beside it."""

    case_id: str
    annex_version: int
    outcome_version: int
    bundle: bytes
    annex_sha256: str
    columns: dict[str, object]  # hub/record.py clear_columns: hearing date and the monitoring record


@dataclass(frozen=True)
class Receipt:
    case_id: str
    annex_version: int
    outcome_version: int
    received_at: datetime
    bundle_sha256: str
    annex_sha256: str
    laptop: str


@dataclass(frozen=True)
class StoredBundle:
    handover_id: int
    case_id: str
    annex_version: int
    outcome_version: int
    bundle: bytes
    bundle_sha256: str


@contextmanager
def connect(dsn: str) -> Iterator[Any]:
    """A connection to the hub (TLS checked first); closed on leaving, whatever happened."""
    try:
        conn = psycopg.connect(checked_dsn(dsn), connect_timeout=CONNECT_TIMEOUT_S, autocommit=True)
    except psycopg.OperationalError as exc:
        raise HubUnavailable(f"Cannot reach the hub: {_first_line(exc)}") from None
    try:
        yield conn
    finally:
        conn.close()


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def translate(exc: psycopg.Error, action: str) -> HubError:
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return HubUnavailable(f"Could not {action}: the connection to the hub was lost ({_first_line(exc)}).")
    return HubRefused(f"Could not {action}: the hub refused ({exc.sqlstate}: {_first_line(exc)}).")


# ------------------------------------------------------------------ administrator

def init_hub(dsn: str, recipient: str) -> list[str]:
    """Create or update the schema and roles, and record the site's public key; returns the steps applied."""
    recipient = checked_recipient(recipient)
    with connect(dsn) as conn:
        try:
            done = apply_steps(conn)
            with conn.transaction():
                row = conn.execute(f"SELECT recipient FROM {SCHEMA}.site").fetchone()
                if row is None:
                    conn.execute(f"INSERT INTO {SCHEMA}.site (recipient) VALUES (%s)", [recipient])
                elif row[0] != recipient:
                    raise HubError("This hub already has a different site key. A site key is set once; "
                                   "set up a new hub for a new key.")
        except psycopg.Error as exc:
            raise translate(exc, "set up the hub") from exc
    return done


def _label(name: str) -> str:
    label = re.sub(r"[^a-z0-9]+", "_", name.strip().lower()).strip("_")
    if not label or len(label) > 40:
        raise HubError("A login name needs 1 to 40 letters or digits (for example court-laptop-3).")
    return label


def add_login(dsn: str, name: str, kind: str = "laptop") -> Credentials:
    """A new login role in one group (laptop, reporting or receiving) with a random password."""
    if kind not in KIND_GROUPS:
        raise HubError(f"A login is one of: {', '.join(KIND_GROUPS)}.")
    label = _label(name)
    role = KIND_PREFIX[kind] + label
    password = secrets.token_urlsafe(32)
    with connect(dsn) as conn:
        try:
            with conn.transaction():
                recipient = conn.execute(f"SELECT recipient FROM {SCHEMA}.site").fetchone()
                if recipient is None:
                    raise HubError("Set up the hub first (cstr-desk hub init).")
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role]).fetchone():
                    raise HubError(f"There is already a {kind} login called {label}.")
                conn.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {} IN ROLE {}").format(
                    sql.Identifier(role), sql.Literal(password), sql.Identifier(KIND_GROUPS[kind])))
                conn.execute(f"INSERT INTO {SCHEMA}.logins (role_name, kind, label) VALUES (%s, %s, %s)",
                             [role, kind, label])
        except psycopg.Error as exc:
            raise translate(exc, f"add the {kind} login") from exc
    return Credentials(kind, label, role, dsn_with_login(dsn, role, password), recipient[0])


# ------------------------------------------------------------------ laptop

def send(conn: Any, item: Outgoing) -> Receipt:
    """Hand over one case version in one transaction; sending it again stores nothing and returns the receipt.

    The hub computes nothing from the laptop's word: it checks the bundle's hash itself, stamps the time
    and the laptop's login, and keeps the first copy of a (case, version) pair.
    """
    columns = ["case_id", "annex_version", "outcome_version", "bundle", "bundle_sha256", "annex_sha256",
               *item.columns]
    values = [item.case_id, item.annex_version, item.outcome_version, item.bundle, sha256_hex(item.bundle),
              item.annex_sha256, *item.columns.values()]
    insert = sql.SQL("INSERT INTO {}.handovers ({}) VALUES ({}) ON CONFLICT DO NOTHING").format(
        sql.Identifier(SCHEMA), sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(columns)))
    with conn.transaction():
        conn.execute(insert, values)
        row = conn.execute(
            f"SELECT case_id, annex_version, outcome_version, received_at, bundle_sha256, annex_sha256, laptop "
            f"FROM {SCHEMA}.handovers WHERE case_id = %s AND annex_version = %s AND outcome_version = %s",
            [item.case_id, item.annex_version, item.outcome_version]).fetchone()
    if row is None:
        raise HubError("The hub already holds this case version from another laptop; ask the site's administrator.")
    receipt = Receipt(*row)
    if receipt.annex_sha256 != item.annex_sha256:
        raise HubError("The hub holds a different annex under this case version; ask the site's administrator.")
    return receipt


def receipts(conn: Any) -> list[Receipt]:
    """This laptop's receipts (row-level security shows a laptop its own rows only)."""
    rows = conn.execute(
        f"SELECT case_id, annex_version, outcome_version, received_at, bundle_sha256, annex_sha256, laptop "
        f"FROM {SCHEMA}.handovers ORDER BY id").fetchall()
    return [Receipt(*r) for r in rows]


# ------------------------------------------------------------------ receiving team

def unfetched(conn: Any) -> list[StoredBundle]:
    rows = conn.execute(
        f"SELECT id, case_id, annex_version, outcome_version, bundle, bundle_sha256 FROM {SCHEMA}.handovers h "
        f"WHERE NOT EXISTS (SELECT 1 FROM {SCHEMA}.fetches f WHERE f.handover_id = h.id) ORDER BY id").fetchall()
    return [StoredBundle(r[0], r[1], r[2], r[3], bytes(r[4]), r[5]) for r in rows]


def mark_fetched(conn: Any, handover_id: int) -> None:
    conn.execute(f"INSERT INTO {SCHEMA}.fetches (handover_id) VALUES (%s) ON CONFLICT DO NOTHING", [handover_id])


# ------------------------------------------------------------------ reporting

def site_counts_by_month(dsn: str, start: date, end: date) -> dict[str, MonitoringCounts]:
    """The site's counts for hearings from start to end inclusive, month by month, from the monitoring view:
    the same MonitoringCounts the laptop's own monitoring gives, so the same printing and suppression apply."""
    from cstr_desk.domain.monitoring import COUNT_LABELS, UNSUITABLE_REASON_GROUPS, MonitoringCounts

    counted = [k for k in COUNT_LABELS if k != "cases"]
    query = sql.SQL("SELECT month, unsuitable_group, {}, coalesce(sum(custody_averted_days), 0)::bigint "
                    "FROM {}.monitoring WHERE hearing_date BETWEEN %s AND %s "
                    "GROUP BY month, unsuitable_group ORDER BY month").format(
        sql.SQL(", ").join(sql.SQL("coalesce(sum({}), 0)::bigint").format(sql.Identifier(f))
                           for f in ("cases", *counted)),
        sql.Identifier(SCHEMA))
    with connect(dsn) as conn:
        try:
            rows = conn.execute(query, [start, end]).fetchall()
        except psycopg.Error as exc:
            raise translate(exc, "read the site's figures") from exc
    months: dict[str, tuple[dict[str, int], dict[str, int], list[int]]] = {}
    for month, group, *values in rows:
        counts, groups, days = months.setdefault(
            month, ({k: 0 for k in COUNT_LABELS}, {g: 0 for g in UNSUITABLE_REASON_GROUPS}, [0]))
        for key, value in zip(("cases", *counted), values[:-1], strict=True):
            counts[key] += int(value)
        if group:
            groups[group] = groups.get(group, 0) + int(values[0])
        days[0] += int(values[-1])
    return {m: MonitoringCounts(c, g, d[0]) for m, (c, g, d) in months.items()}


def site_counts(dsn: str, start: date, end: date) -> MonitoringCounts:
    """The period's totals (the months added up)."""
    from cstr_desk.domain.monitoring import sum_counts

    return sum_counts(list(site_counts_by_month(dsn, start, end).values()))
