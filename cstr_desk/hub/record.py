"""The pseudonymous monitoring record that travels in clear beside a bundle: counts only, no name, date of birth,
CRN, PNC or free text. (Issue 13's cstr_desk.domain.monitoring will supply the full record; this is its hub shape.)"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from cstr_desk.domain.case import Case
from cstr_desk.domain.eligibility import ELIGIBLE, ELIGIBLE_UNSUITABLE, decide
from cstr_desk.domain.pathway import assessment_refused, needs_psychologist
from cstr_desk.domain.rules import Programme

REQUIREMENTS = ("mhtr", "drr", "atr")
# The counts a site return adds up, in the order of the hub's monitoring view.
COUNT_FIELDS = (
    "screened", "referred", "consent_refused", "women", "womens_pathway", "link_worker",
    *(f"eligible_{r}" for r in REQUIREMENTS), *(f"proposed_{r}" for r in REQUIREMENTS),
    *(f"unsuitable_{r}" for r in REQUIREMENTS), "combined",
)


@dataclass(frozen=True)
class MonitoringRecord:
    hearing_date: date | None
    screened: bool
    referred: bool
    consent_refused: bool
    women: bool
    womens_pathway: bool
    link_worker: bool
    eligible_mhtr: bool
    eligible_drr: bool
    eligible_atr: bool
    proposed_mhtr: bool
    proposed_drr: bool
    proposed_atr: bool
    unsuitable_mhtr: bool
    unsuitable_drr: bool
    unsuitable_atr: bool
    combined: bool

    def columns(self) -> dict[str, object]:
        return asdict(self)


def monitoring_record(case: Case, programme: Programme) -> MonitoringRecord:
    """What one final case adds to the site's counts."""
    decisions = {d.requirement.lower(): d.outcome for d in decide(case, programme)}
    proposed = {str(p.requirement).lower() for p in case.proposal.requirements}
    women_providers = {p.id for p in programme.providers if p.women_only}
    woman = case.person.gender == "female"
    return MonitoringRecord(
        hearing_date=case.hearing.hearing_date,
        screened=bool(case.screening),
        referred=needs_psychologist(case),
        consent_refused=assessment_refused(case),
        women=woman,
        womens_pathway=woman and any(p.provider_id in women_providers for p in case.proposal.requirements),
        link_worker=case.needs.link_worker_referral,
        eligible_mhtr=decisions.get("mhtr") == ELIGIBLE,
        eligible_drr=decisions.get("drr") == ELIGIBLE,
        eligible_atr=decisions.get("atr") == ELIGIBLE,
        proposed_mhtr="mhtr" in proposed,
        proposed_drr="drr" in proposed,
        proposed_atr="atr" in proposed,
        unsuitable_mhtr=decisions.get("mhtr") == ELIGIBLE_UNSUITABLE,
        unsuitable_drr=decisions.get("drr") == ELIGIBLE_UNSUITABLE,
        unsuitable_atr=decisions.get("atr") == ELIGIBLE_UNSUITABLE,
        combined=len(proposed & set(REQUIREMENTS)) > 1,
    )


def add_up(records: list[MonitoringRecord], start: date, end: date) -> dict[str, int]:
    """The site counts over hearings from start to end inclusive, as the hub's view adds them up."""
    chosen = [r for r in records if r.hearing_date is not None and start <= r.hearing_date <= end]
    return {name: sum(1 for r in chosen if getattr(r, name)) for name in COUNT_FIELDS} | {"cases": len(chosen)}


def suppressed(counts: dict[str, int], threshold: int = 5) -> dict[str, str]:
    """Counts as they may leave the hub: any count from 1 to threshold-1 shows as "fewer than 5"."""
    return {k: ("fewer than 5" if 0 < v < threshold else str(v)) for k, v in counts.items()}
