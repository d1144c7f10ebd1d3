"""Pseudonymous monitoring: one record per case (no name, no identifier, no free text), and the counts of spec section 9."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from cstr_desk.domain.case import Case
from cstr_desk.domain.consent import consent_state
from cstr_desk.domain.eligibility import ELIGIBLE, ELIGIBLE_UNSUITABLE, Decision
from cstr_desk.domain.outcome import Outcome
from cstr_desk.domain.pathway import FULL_AUDIT_FLAG, assessment_refused, needs_psychologist
from cstr_desk.domain.rules import Programme

REQUIREMENTS = ("MHTR", "DRR", "ATR")
# The funnel, in order: screened -> referred -> eligible -> proposed -> imposed -> first appointment kept.
FUNNEL_SHORT = {"screened": "Screened", "referred": "Referred", "eligible": "Eligible", "proposed": "Proposed",
                "imposed": "Imposed", "first_kept": "1st appt kept"}
FUNNEL_STAGES = {
    "screened": "Screened",
    "referred": "Referred for assessment",
    "eligible": "Eligible",
    "proposed": "Proposed",
    "imposed": "Imposed",
    "first_kept": "First appointment kept",
}
CUSTODY_IN_VIEW = ("custody_possible", "custody_indicated")
COMMUNITY_DISPOSALS = ("community_order", "suspended_sentence_order")
DAYS_PER_WEEK = 7
# Probation's own measure of starting treatment (spec section 9): the first appointment within 5 working days.
FIRST_APPOINTMENT_WORKING_DAYS = 5
SUPPRESS_BELOW = 5  # spec section 9: a count under 5 is shown as "fewer than 5" outside the laptop
SUPPRESSED = "fewer than 5"

CUSTODY_AVERTED_METHOD = (
    "Custody averted (CSTR Desk's definition; the seed sites' own method is not published): a case where the "
    "officer recorded custody as possible or indicated by the court, and the court made a community order or "
    "suspended sentence order with at least one treatment requirement. Weeks averted: the suspended custodial "
    "term for a suspended sentence order; for a community order, the term the court indicated, where it did "
    "(otherwise the case counts without weeks)."
)

# Eligible-but-unsuitable reasons are free text; only their group leaves the case. First match wins.
UNSUITABLE_REASON_GROUPS: dict[str, tuple[str, ...]] = {
    "no_capacity": ("capacity", "waiting list", "no place", "no provider", "not available", "full"),
    "engagement": ("engage", "motivat", "attend", "comply", "compliance", "chaotic"),
    "other_disposal": ("aamr", "abstinence", "hospital", "secondary", "other order", "another order", "custody"),
    "other": (),
}
UNSUITABLE_GROUP_LABELS = {
    "no_capacity": "No treatment capacity or place",
    "engagement": "Unlikely to engage or comply",
    "other_disposal": "Another disposal fits better",
    "other": "Other reason",
}


@dataclass(frozen=True)
class MonitoringRecord:
    """What one case adds to the counts. Pseudonymous by construction: flags, a month, groups and numbers only.

    Field names are stable: they are the column names of the local monitoring table and what the site hub
    receives. Boolean fields are counted; the rest are grouped or summed."""

    month: str  # "YYYY-MM" of the court day the report was written for
    screened: bool = False
    mhtr_screened: bool = False
    mhtr_referred: bool = False  # referred to the assistant psychologist
    mhtr_eligible: bool = False
    mhtr_proposed: bool = False
    mhtr_imposed: bool = False
    mhtr_first_kept: bool = False
    mhtr_willingness_refused: bool = False
    drr_screened: bool = False
    drr_referred: bool = False
    drr_eligible: bool = False
    drr_proposed: bool = False
    drr_imposed: bool = False
    drr_first_kept: bool = False
    drr_willingness_refused: bool = False
    atr_screened: bool = False
    atr_referred: bool = False
    atr_eligible: bool = False
    atr_proposed: bool = False
    atr_imposed: bool = False
    atr_first_kept: bool = False
    atr_willingness_refused: bool = False
    combined_order: bool = False  # two or more treatment requirements imposed
    eligible_unsuitable: bool = False
    unsuitable_group: str = ""  # a key of UNSUITABLE_REASON_GROUPS, "" when none
    consent_refused: bool = False  # consent to assessment, or willingness for any requirement, refused or withdrawn
    woman: bool = False
    womens_pathway: bool = False
    link_worker_referral: bool = False
    final: bool = False  # the annex is final
    outcome_recorded: bool = False
    outcome_category: str = ""
    first_appointment_kept: bool = False  # for at least one imposed requirement
    first_within_5_working_days: bool = False  # the earliest first appointment, counted from the sentence
    custody_in_view: str = ""  # Case.custody.likelihood
    custody_averted: bool = False
    custody_averted_days: int = 0

    @property
    def custody_averted_weeks(self) -> float:
        return self.custody_averted_days / DAYS_PER_WEEK


COUNTED_FIELDS: tuple[str, ...] = tuple(
    f.name for f in dataclasses.fields(MonitoringRecord) if f.type in ("bool", bool)
)

# The counts of a return, in the order printed, with their labels (spec section 9).
COUNT_LABELS: dict[str, str] = {
    "cases": "Cases",
    "screened": "People screened",
    "mhtr_referred": "Referred to the psychologist",
    **{f"{r.lower()}_{stage}": f"{r}: {label.lower()}" for r in REQUIREMENTS
       for stage, label in FUNNEL_STAGES.items() if not (r == "MHTR" and stage == "referred")},
    **{f"{r.lower()}_willingness_refused": f"{r}: willingness refused" for r in REQUIREMENTS},
    "combined_order": "Combined orders (two or more treatment requirements)",
    "eligible_unsuitable": "Eligible but unsuitable",
    "consent_refused": "Consent or willingness refused",
    "woman": "Women",
    "womens_pathway": "Women on the women's pathway",
    "link_worker_referral": "Link-worker referrals",
    "outcome_recorded": "Outcomes recorded",
    "first_appointment_kept": "First appointments kept",
    "first_within_5_working_days": "First appointment within 5 working days of sentence",
    "custody_averted": "Custody averted (cases)",
}


def unsuitable_group(reason: str) -> str:
    text = reason.lower()
    for group, words in UNSUITABLE_REASON_GROUPS.items():
        if any(w in text for w in words):
            return group
    return "other"


def working_days_after(start: date, end: date, holidays: Mapping[date, str]) -> int:
    """Working days after start up to and including end (weekends and bank holidays left out)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in holidays:
            count += 1
    return count


def first_within_working_days(case: Case, outcome: Outcome | None, holidays: Mapping[date, str]) -> bool:
    """The earliest first appointment of an imposed requirement (as booked on the day, or the date it was
    rearranged to) falls within FIRST_APPOINTMENT_WORKING_DAYS working days of the sentence."""
    if outcome is None or outcome.hearing_date is None or not outcome.imposed:
        return False
    days = []
    for req in outcome.imposed:
        appointment = outcome.appointment(req)
        proposed = case.proposal.get(req)
        if appointment is not None and appointment.status == "rearranged" and appointment.on:
            days.append(appointment.on)
        elif proposed is not None and proposed.first_appointment_at is not None:
            days.append(proposed.first_appointment_at.date())
        elif appointment is not None and appointment.on:
            days.append(appointment.on)
    if not days:
        return False
    first = min(days)
    return first >= outcome.hearing_date and (
        working_days_after(outcome.hearing_date, first, holidays) <= FIRST_APPOINTMENT_WORKING_DAYS)


def monitoring_record(case: Case, decisions: list[Decision], programme: Programme,
                      outcome: Outcome | None = None, final: bool = False,
                      holidays: Mapping[date, str] | None = None) -> MonitoringRecord:
    """The case's pseudonymous record: decisions are the eligibility decisions for the case (decide());
    holidays the bank holidays (forms/programme/bank_holidays.toml) for working days."""
    day: date | None = case.hearing.hearing_date
    outcome_of = {d.requirement: d.outcome for d in decisions}
    screened_by = {
        "MHTR": case.latest_screening("mh_screen") is not None,
        "DRR": case.latest_screening("dast10") is not None,
        "ATR": case.latest_screening("audit_c") is not None or case.latest_screening("audit") is not None,
    }
    dast = case.latest_screening("dast10")
    audit_c = case.latest_screening("audit_c")
    referred_by = {
        "MHTR": needs_psychologist(case),
        "DRR": bool(case.substance_use.regular_opiate_or_crack_use)
        or (dast is not None and dast.total is not None and dast.total >= programme.evidence.dast10_min),
        "ATR": (audit_c is not None and FULL_AUDIT_FLAG in audit_c.flags) or case.latest_screening("audit") is not None,
    }
    proposed = set(case.proposal.proposed)
    imposed = set(outcome.imposed) if outcome else set()
    kept = {r for r in imposed if outcome and (a := outcome.appointment(r)) is not None and a.status == "kept"}
    refused = {r for r in REQUIREMENTS if consent_state(case.consents, "willingness", r) in ("refused", "withdrawn")}
    values: dict[str, object] = {}
    for r in REQUIREMENTS:
        k = r.lower()
        values[f"{k}_screened"] = screened_by[r]
        values[f"{k}_referred"] = referred_by[r]
        values[f"{k}_eligible"] = outcome_of.get(r) in (ELIGIBLE, ELIGIBLE_UNSUITABLE)
        values[f"{k}_proposed"] = r in proposed
        values[f"{k}_imposed"] = r in imposed
        values[f"{k}_first_kept"] = r in kept
        values[f"{k}_willingness_refused"] = r in refused
    unsuitable = [d for d in decisions if d.outcome == ELIGIBLE_UNSUITABLE]
    woman = case.person.gender == "female"
    # The pathway follows the requirements the court imposed, or those proposed while there is no sentence yet.
    if outcome and outcome.sentence and imposed:
        provider_ids = [r.provider_id for r in outcome.sentence.requirements]
    else:
        provider_ids = [r.provider_id for r in case.proposal.requirements]
    womens_provider = any((p := programme.provider(pid)) is not None and p.women_only for pid in provider_ids)
    averted, averted_days = custody_averted(case, outcome)
    return MonitoringRecord(
        month=day.strftime("%Y-%m") if day else "",
        screened=bool(case.screening),
        combined_order=len(imposed) >= 2,
        eligible_unsuitable=bool(unsuitable),
        unsuitable_group=unsuitable_group(unsuitable[0].unsuitable_reason) if unsuitable else "",
        consent_refused=assessment_refused(case) or bool(refused),
        woman=woman,
        womens_pathway=woman and womens_provider,
        link_worker_referral=case.needs.link_worker_referral,
        final=final,
        outcome_recorded=outcome is not None,
        outcome_category=outcome.category if outcome else "",
        first_appointment_kept=bool(kept),
        first_within_5_working_days=first_within_working_days(case, outcome, holidays or {}),
        custody_in_view=case.custody.likelihood,
        custody_averted=averted,
        custody_averted_days=averted_days,
        **values,  # type: ignore[arg-type]
    )


def custody_averted(case: Case, outcome: Outcome | None) -> tuple[bool, int]:
    """Spec section 9's method: (averted?, days averted). See CUSTODY_AVERTED_METHOD."""
    if outcome is None or outcome.category != "probation_sentence" or outcome.sentence is None:
        return False, 0
    if case.custody.likelihood not in CUSTODY_IN_VIEW:
        return False, 0
    sentence = outcome.sentence
    if sentence.order_type not in COMMUNITY_DISPOSALS or not sentence.requirements:
        return False, 0
    if sentence.order_type == "suspended_sentence_order":
        return True, sentence.custodial_term_days or 0
    return True, case.custody.indicated_term_days or 0


# ---------------------------------------------------------------- counting


@dataclass(frozen=True)
class MonitoringCounts:
    """The counts for a set of records: every key of COUNT_LABELS, reason groups, and days averted."""

    counts: dict[str, int]
    unsuitable_groups: dict[str, int]
    custody_averted_days: int

    @property
    def custody_averted_weeks(self) -> float:
        return round(self.custody_averted_days / DAYS_PER_WEEK, 1)

    def funnel(self, requirement: str) -> list[tuple[str, int]]:
        k = requirement.lower()
        return [(label, self.counts[f"{k}_{stage}"]) for stage, label in FUNNEL_STAGES.items()]


def empty_counts() -> MonitoringCounts:
    return MonitoringCounts({key: 0 for key in COUNT_LABELS}, {g: 0 for g in UNSUITABLE_REASON_GROUPS}, 0)


def count_records(records: Iterable[MonitoringRecord]) -> MonitoringCounts:
    """Count a list of records in Python (the storage layer counts the same in SQL)."""
    counts = {key: 0 for key in COUNT_LABELS}
    counted = [k for k in COUNT_LABELS if k != "cases"]
    groups = {g: 0 for g in UNSUITABLE_REASON_GROUPS}
    days = 0
    for rec in records:
        counts["cases"] += 1
        for key in counted:
            counts[key] += bool(getattr(rec, key))
        if rec.unsuitable_group:
            groups[rec.unsuitable_group] = groups.get(rec.unsuitable_group, 0) + 1
        days += rec.custody_averted_days
    return MonitoringCounts(counts, groups, days)


def sum_counts(parts: list[MonitoringCounts]) -> MonitoringCounts:
    """Counts of disjoint sets added up (the months of a period)."""
    total = empty_counts()
    counts, groups = dict(total.counts), dict(total.unsuitable_groups)
    for part in parts:
        for key, n in part.counts.items():
            counts[key] = counts.get(key, 0) + n
        for group, n in part.unsuitable_groups.items():
            groups[group] = groups.get(group, 0) + n
    return MonitoringCounts(counts, groups, sum(p.custody_averted_days for p in parts))


def count_by_month(records: Iterable[MonitoringRecord]) -> dict[str, MonitoringCounts]:
    by_month: dict[str, list[MonitoringRecord]] = {}
    for rec in records:
        by_month.setdefault(rec.month, []).append(rec)
    return {month: count_records(recs) for month, recs in sorted(by_month.items())}


def suppressed(n: int) -> str:
    """A count as it may leave the laptop: under 5 (zero included, as the spec says) is 'fewer than 5'."""
    return SUPPRESSED if n < SUPPRESS_BELOW else str(n)


def suppressed_weeks(counts: MonitoringCounts) -> str:
    """Weeks averted leave the laptop only when the cases behind them are 5 or more."""
    if counts.counts["custody_averted"] < SUPPRESS_BELOW:
        return SUPPRESSED
    return f"{counts.custody_averted_weeks:g}"


def last_calendar_month(today: date) -> tuple[date, date]:
    first_this = today.replace(day=1)
    last_prev = date.fromordinal(first_this.toordinal() - 1)
    return last_prev.replace(day=1), last_prev


# ---------------------------------------------------------------- the return (what may leave the laptop)


@dataclass(frozen=True)
class MonitoringReport:
    """A period's counts, overall and by month, for the dashboard and the returns."""

    start: date
    end: date
    site_name: str
    totals: MonitoringCounts
    by_month: dict[str, MonitoringCounts]


def return_rows(report: MonitoringReport) -> list[tuple[str, str, str]]:
    """(section, measure, value) rows of the return, every count suppressed under 5: the CSV and the PDF table."""
    t = report.totals
    rows: list[tuple[str, str, str]] = []
    general = ["cases", "screened", "mhtr_referred", "combined_order", "eligible_unsuitable", "consent_refused",
               "woman", "womens_pathway", "link_worker_referral", "outcome_recorded", "first_appointment_kept",
               "first_within_5_working_days"]
    for key in general:
        rows.append(("All cases", COUNT_LABELS[key], suppressed(t.counts[key])))
    for r in REQUIREMENTS:
        for stage, label in FUNNEL_STAGES.items():
            rows.append((r, label, suppressed(t.counts[f"{r.lower()}_{stage}"])))
        rows.append((r, "Willingness refused", suppressed(t.counts[f"{r.lower()}_willingness_refused"])))
    for group, label in UNSUITABLE_GROUP_LABELS.items():
        rows.append(("Eligible but unsuitable: reasons", label, suppressed(t.unsuitable_groups.get(group, 0))))
    rows.append(("Custody averted", "Cases", suppressed(t.counts["custody_averted"])))
    rows.append(("Custody averted", "Weeks", suppressed_weeks(t)))
    return rows


def return_csv(report: MonitoringReport) -> str:
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["site", "period_start", "period_end", "section", "measure", "value"])
    for section, measure, value in return_rows(report):
        writer.writerow([report.site_name, report.start.isoformat(), report.end.isoformat(), section, measure, value])
    writer.writerow([report.site_name, report.start.isoformat(), report.end.isoformat(), "Method",
                     "Custody averted", CUSTODY_AVERTED_METHOD])
    return out.getvalue()


def return_json(report: MonitoringReport) -> str:
    import json

    return json.dumps({
        "site": report.site_name,
        "period": {"from": report.start.isoformat(), "to": report.end.isoformat()},
        "counts": [{"section": s, "measure": m, "value": v} for s, m, v in return_rows(report)],
        "by_month": {month: {key: suppressed(n) for key, n in c.counts.items()}
                     for month, c in report.by_month.items()},
        "custody_averted_method": CUSTODY_AVERTED_METHOD,
        "suppression": f"counts under {SUPPRESS_BELOW} are shown as '{SUPPRESSED}'",
    }, ensure_ascii=False, indent=2) + "\n"
