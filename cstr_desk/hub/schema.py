"""The hub's schema as versioned steps, applied in order, each in its own transaction; and its roles.

Roles are cluster-wide in PostgreSQL, so the three group roles are created only if missing. Every privilege
is granted to a group role; a login (one per laptop, reporter or receiver) is a member of exactly one group.
"""

from __future__ import annotations

from typing import Any

from cstr_desk.hub.errors import HubError

SCHEMA = "cstr_hub"
LAPTOP_GROUP = "cstr_hub_laptop"
REPORTING_GROUP = "cstr_hub_reporting"
RECEIVING_GROUP = "cstr_hub_receiving"
GROUPS = (LAPTOP_GROUP, REPORTING_GROUP, RECEIVING_GROUP)

# Columns in clear beside the sealed bundle: the fields of issue 13's MonitoringRecord (cstr_desk.domain.monitoring),
# written out here because a hub's schema changes only by a new step (a test checks they still match).
# Every clear column is a boolean, an integer, a date, a hash, or a word from a fixed list (checked by pattern):
# no name, date of birth, CRN, PNC or free text can be stored in clear.
H001_COUNTED = (
    "screened",
    *(f"{r}_{s}" for r in ("mhtr", "drr", "atr")
      for s in ("screened", "referred", "eligible", "proposed", "imposed", "first_kept", "willingness_refused")),
    "combined_order", "eligible_unsuitable", "consent_refused", "woman", "womens_pathway", "link_worker_referral",
    "final", "outcome_recorded", "first_appointment_kept", "custody_averted",
)
WORD_COLUMNS = ("unsuitable_group", "outcome_category", "custody_in_view")
H004_COUNTED = ("first_within_5_working_days",)  # added to MonitoringRecord after h001 (issue 13)
COUNTED_COLUMNS = (*H001_COUNTED, *H004_COUNTED)
H001_RECORD_COLUMNS = ("month", *H001_COUNTED, *WORD_COLUMNS, "custody_averted_days")
RECORD_COLUMNS = (*H001_RECORD_COLUMNS, *H004_COUNTED)
H001_LAPTOP_INSERT_COLUMNS = (
    "case_id", "annex_version", "outcome_version", "bundle", "bundle_sha256", "annex_sha256", "hearing_date",
    *H001_RECORD_COLUMNS,
)
RECEIPT_COLUMNS = ("id", "laptop", "case_id", "annex_version", "outcome_version", "received_at",
                   "bundle_sha256", "annex_sha256")

_CLEAR_DEFINITIONS = ",\n    ".join([
    "month text NOT NULL CHECK (month ~ '^([0-9]{4}-[0-9]{2})?$')",
    *(f"{c} boolean NOT NULL" for c in H001_COUNTED),
    *(f"{c} text NOT NULL CHECK ({c} ~ '^[a-z_]{{0,40}}$')" for c in WORD_COLUMNS),
    "custody_averted_days integer NOT NULL CHECK (custody_averted_days BETWEEN 0 AND 36500)",
])

_H001_TABLES = f"""
CREATE TABLE {SCHEMA}.site (
    only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
    recipient text NOT NULL CHECK (recipient ~ '^age1[0-9a-z]{{58}}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {SCHEMA}.logins (
    role_name name PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('laptop', 'reporting', 'receiving')),
    label text NOT NULL CHECK (label ~ '^[a-z0-9_]{{1,40}}$'),
    added_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE {SCHEMA}.handovers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    laptop name NOT NULL DEFAULT current_user,
    case_id text NOT NULL CHECK (case_id ~ '^[A-Za-z0-9_-]{{1,64}}$'),
    annex_version integer NOT NULL CHECK (annex_version >= 1),
    outcome_version integer NOT NULL DEFAULT 0 CHECK (outcome_version >= 0),
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    bundle bytea NOT NULL,
    bundle_sha256 text NOT NULL,
    annex_sha256 text NOT NULL CHECK (annex_sha256 ~ '^[0-9a-f]{{64}}$'),
    hearing_date date,
    {_CLEAR_DEFINITIONS},
    UNIQUE (case_id, annex_version, outcome_version),
    -- The hub checks the fingerprint itself: a receipt's hash is the hash of what the hub holds.
    CHECK (bundle_sha256 = encode(sha256(bundle), 'hex'))
);
CREATE FUNCTION {SCHEMA}.refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'hand-overs cannot be changed' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER handovers_no_update BEFORE UPDATE ON {SCHEMA}.handovers
    FOR EACH ROW EXECUTE FUNCTION {SCHEMA}.refuse_change();
CREATE TABLE {SCHEMA}.fetches (
    handover_id bigint PRIMARY KEY REFERENCES {SCHEMA}.handovers (id),
    fetched_at timestamptz NOT NULL DEFAULT now(),
    fetched_by name NOT NULL DEFAULT current_user
);
"""

_H002_ROLES = f"""
DO $$
DECLARE g text;
BEGIN
    FOREACH g IN ARRAY ARRAY['{LAPTOP_GROUP}', '{REPORTING_GROUP}', '{RECEIVING_GROUP}'] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = g) THEN
            EXECUTE format('CREATE ROLE %I NOLOGIN', g);
        END IF;
    END LOOP;
END $$;
REVOKE ALL ON SCHEMA {SCHEMA} FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA {SCHEMA} FROM PUBLIC;
GRANT USAGE ON SCHEMA {SCHEMA} TO {LAPTOP_GROUP}, {REPORTING_GROUP}, {RECEIVING_GROUP};

GRANT INSERT ({", ".join(H001_LAPTOP_INSERT_COLUMNS)}) ON {SCHEMA}.handovers TO {LAPTOP_GROUP};
GRANT SELECT ({", ".join(RECEIPT_COLUMNS)}) ON {SCHEMA}.handovers TO {LAPTOP_GROUP};
GRANT SELECT ON {SCHEMA}.handovers TO {RECEIVING_GROUP};
GRANT SELECT, INSERT ON {SCHEMA}.fetches TO {RECEIVING_GROUP};

ALTER TABLE {SCHEMA}.handovers ENABLE ROW LEVEL SECURITY;
CREATE POLICY laptop_inserts_own ON {SCHEMA}.handovers FOR INSERT TO {LAPTOP_GROUP}
    WITH CHECK (laptop = current_user);
CREATE POLICY laptop_reads_own ON {SCHEMA}.handovers FOR SELECT TO {LAPTOP_GROUP}
    USING (laptop = current_user);
CREATE POLICY receiving_reads_all ON {SCHEMA}.handovers FOR SELECT TO {RECEIVING_GROUP} USING (true);
"""

# One row per hearing date (and reason group): the latest version of each case (an amendment or a new outcome replaces the
# earlier one), added up. The reporting role reads this view and nothing else.
def _monitoring_view(counted: tuple[str, ...]) -> str:
    # Column order matters: a later step may only append columns (CREATE OR REPLACE VIEW).
    return f"""
CREATE OR REPLACE VIEW {SCHEMA}.monitoring AS
SELECT hearing_date, month, unsuitable_group, count(*) AS cases,
    {", ".join(f"count(*) FILTER (WHERE {c}) AS {c}" for c in H001_COUNTED)},
    sum(custody_averted_days) AS custody_averted_days
    {"".join(f", count(*) FILTER (WHERE {c}) AS {c}" for c in counted)}
FROM {SCHEMA}.handovers h
-- The latest version of each case: no row of the same case with a later (annex, outcome) version. Written as
-- an anti-join (not DISTINCT ON) so a period's filter on hearing_date reaches the table scan.
WHERE NOT EXISTS (
    SELECT 1 FROM {SCHEMA}.handovers later
    WHERE later.case_id = h.case_id
      AND (later.annex_version, later.outcome_version) > (h.annex_version, h.outcome_version)
)
GROUP BY hearing_date, month, unsuitable_group;
"""


_H003_MONITORING = _monitoring_view(()) + f"""
CREATE INDEX handovers_hearing_date ON {SCHEMA}.handovers (hearing_date);
GRANT SELECT ON {SCHEMA}.monitoring TO {REPORTING_GROUP};
"""

# Issue 13 added "first appointment within 5 working days of sentence" (probation's own measure) to the record.
# Rows handed over before this step hold false: that measure is unknown for them.
_H004_FIRST_WITHIN_5 = f"""
ALTER TABLE {SCHEMA}.handovers ADD COLUMN first_within_5_working_days boolean NOT NULL DEFAULT false;
GRANT INSERT (first_within_5_working_days) ON {SCHEMA}.handovers TO {LAPTOP_GROUP};
""" + _monitoring_view(H004_COUNTED)


STEPS: tuple[tuple[str, str], ...] = (
    ("h001_tables", _H001_TABLES),
    ("h002_roles", _H002_ROLES),
    ("h003_monitoring", _H003_MONITORING),
    ("h004_first_within_5_working_days", _H004_FIRST_WITHIN_5),
)


def apply_steps(conn: Any) -> list[str]:
    """Apply the steps this hub lacks, in order, each in its own transaction; returns the names applied now.

    A lock held for the duration of each step keeps two administrators from applying the same step twice.
    """
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(hashtext('cstr_hub schema'))")
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        conn.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.schema_steps "
                     "(name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())")
        conn.execute(f"REVOKE ALL ON {SCHEMA}.schema_steps FROM PUBLIC")
    done: list[str] = []
    for name, sql in STEPS:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('cstr_hub schema'))")
            applied = {r[0] for r in conn.execute(f"SELECT name FROM {SCHEMA}.schema_steps")}
            unknown = applied - {n for n, _ in STEPS}
            if unknown:
                raise HubError("This hub was set up by a newer version of CSTR Desk; install that version.")
            if name in applied:
                continue
            conn.execute(sql)
            conn.execute(f"INSERT INTO {SCHEMA}.schema_steps (name) VALUES (%s)", [name])
            done.append(name)
    return done
