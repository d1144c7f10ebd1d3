"""Who may do what: the three roles, the parts of a case each may write, and the actions each may take."""

from __future__ import annotations

from typing import Any, NamedTuple

from cstr_desk.domain.errors import NotAllowed as NotAllowed  # noqa: PLC0414 (importable from here, as before)

DUTY_OFFICER = "duty_officer"
ASSISTANT_PSYCHOLOGIST = "assistant_psychologist"
ADMINISTRATOR = "administrator"
SUPPORT_WORKER = "support_worker"
ROLES = {
    DUTY_OFFICER: "Duty probation officer",
    ASSISTANT_PSYCHOLOGIST: "Assistant psychologist",
    ADMINISTRATOR: "Administrator",
}

# The assistant psychologist's part of a case: the assessment, its scores, its judgements and its
# safeguarding actions. Everything else belongs to the duty officer.
PSYCHOLOGIST_INSTRUMENTS = frozenset({"phq9", "gad7"})
PSYCHOLOGIST_CRITERIA = frozenset({"M1", "M2"})
PSYCHOLOGIST_FLAG_PREFIXES = ("phq9:", "gad7:")

ACTIONS = {
    "read_cases": {DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST},
    "create_case": {DUTY_OFFICER},
    "edit_case": {DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST},
    "finalize": {DUTY_OFFICER},
    "amend": {DUTY_OFFICER},
    "delete_draft": {DUTY_OFFICER},
    "export": {DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST},
    "manage_users": {ADMINISTRATOR},
    "verify_audit": {ADMINISTRATOR, DUTY_OFFICER},
    "record_outcome": {DUTY_OFFICER},
    "read_monitoring": {DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST, ADMINISTRATOR},
    "hand_over": {DUTY_OFFICER},
    "manage_hub": {ADMINISTRATOR},
    "clear_expired": {DUTY_OFFICER, ADMINISTRATOR},  # retention runs after each hand-over, whoever sends
}


class Actor(NamedTuple):
    """Who is signed in. A NamedTuple, not a dataclass: it is needed on the start-up path, where importing
    dataclasses (and inspect with it) would cost as much as the rest of the sign-in screen."""

    name: str
    role: str

    def may(self, action: str) -> bool:
        return self.role in ACTIONS.get(action, set())

    def require(self, action: str) -> None:
        if not self.may(action):
            role = ROLES.get(self.role, self.role).lower()
            raise NotAllowed(f"Signed in as {self.name} ({role}), you cannot {action.replace('_', ' ')}.")


def _psychologist_part(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "mental_health": data["mental_health"],
        "screening": [s for s in data["screening"] if s["instrument_id"] in PSYCHOLOGIST_INSTRUMENTS],
        "judgements": [j for j in data["judgements"] if j["criterion"] in PSYCHOLOGIST_CRITERIA],
        "safeguarding": [a for a in data["safeguarding"] if a["flag"].startswith(PSYCHOLOGIST_FLAG_PREFIXES)],
    }


def _officer_part(data: dict[str, Any]) -> dict[str, Any]:
    psych = _psychologist_part(data)
    rest = dict(data)
    rest["mental_health"] = None
    rest["screening"] = [s for s in data["screening"] if s not in psych["screening"]]
    rest["judgements"] = [j for j in data["judgements"] if j not in psych["judgements"]]
    rest["safeguarding"] = [a for a in data["safeguarding"] if a not in psych["safeguarding"]]
    rest["wizard_step"] = None  # where the wizard is, not content
    return rest


def forbidden_change(before: dict[str, Any], after: dict[str, Any], role: str) -> str | None:
    """Why this role may not save this change (both sides as case-file dicts, the 'case' part), or None."""
    if role == DUTY_OFFICER and _psychologist_part(before) != _psychologist_part(after):
        return ("Only the assistant psychologist can change the mental-health assessment, PHQ-9, GAD-7 "
                "and their judgements.")
    if role == ASSISTANT_PSYCHOLOGIST and _officer_part(before) != _officer_part(after):
        return ("The assistant psychologist can change only the mental-health assessment; the rest belongs "
                "to the duty officer.")
    if role not in (DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST):
        return "This role cannot change case content."
    return None


def creation_forbidden(data: dict[str, Any], blank: dict[str, Any], role: str) -> str | None:
    """Why this role may not start a case holding this content (blank: a new empty case, as a dict), or None."""
    if role != DUTY_OFFICER:
        return "Only a duty officer can start a case."
    if _psychologist_part(data) != _psychologist_part(blank):
        return "Only the assistant psychologist can record the mental-health assessment."
    return None
