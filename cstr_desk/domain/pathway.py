"""Which court-day steps a case needs: the branch rules the wizard follows, in one place."""

from __future__ import annotations

from cstr_desk.domain.case import Case, ScreeningResult
from cstr_desk.domain.consent import current_consent

# Flag ids from the instrument files (forms/instruments): the instrument data says when they are raised.
FULL_AUDIT_FLAG = "complete_full_audit"  # audit_c.toml: a positive AUDIT-C screen
REFER_FLAG = "refer_psychologist"  # mh_screen.toml: any Yes on the initial screen's checklist
# mh_screen.toml from 2.0.0: current symptoms, PHQ-2 or GAD-2 of 3 or more, also refer.
REFER_FLAGS = frozenset({REFER_FLAG, "positive_phq2", "positive_gad2"})


def screen_referred(result: ScreeningResult) -> bool:
    """The initial screen (any version) referred the person to the assistant psychologist."""
    return bool(REFER_FLAGS & set(result.flags))


def assessment_refused(case: Case) -> bool:
    """Consent to screening and assessment is refused or withdrawn: screening stops, the report goes on."""
    record = current_consent(case.consents, "assessment")
    return record is not None and record.status != "given"


def needs_full_audit(case: Case) -> bool:
    result = case.latest_screening("audit_c")
    return result is not None and FULL_AUDIT_FLAG in result.flags


def needs_psychologist(case: Case) -> bool:
    """The initial screen refers, or the assessment has already been started."""
    screen = case.latest_screening("mh_screen")
    referred = screen is not None and screen_referred(screen)
    return referred or case.latest_screening("phq9") is not None or case.latest_screening("gad7") is not None
