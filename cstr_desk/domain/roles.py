"""Who may do what: the four roles, the parts of a case each may read and write, and the actions each may take."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from collections.abc import Callable

from cstr_desk.domain.errors import NotAllowed as NotAllowed  # noqa: PLC0414 (importable from here, as before)

DUTY_OFFICER = "duty_officer"
ASSISTANT_PSYCHOLOGIST = "assistant_psychologist"
ADMINISTRATOR = "administrator"
SUPPORT_WORKER = "support_worker"
ROLES = {
    DUTY_OFFICER: "Duty probation officer",
    ASSISTANT_PSYCHOLOGIST: "Assistant psychologist",
    SUPPORT_WORKER: "Support worker",
    ADMINISTRATOR: "Administrator",
}

# The assistant psychologist's part of a case: the assessment, its scores, its judgements and its
# safeguarding actions. Everything else belongs to the duty officer.
PSYCHOLOGIST_INSTRUMENTS = frozenset({"phq9", "gad7"})
PSYCHOLOGIST_CRITERIA = frozenset({"M1", "M2"})
PSYCHOLOGIST_FLAG_PREFIXES = ("phq9:", "gad7:")

# The support worker (from the partner charity, spec section 1) does the mental-health initial screen and records
# the wrap-around needs. They read only the case header and their own part; the duty officer can do both parts too,
# for a site without a support worker.
SUPPORT_WORKER_INSTRUMENTS = frozenset({"mh_screen"})
SUPPORT_WORKER_FLAG_PREFIXES = ("mh_screen:",)
# The case header a support worker may read: which person, which hearing.
CASE_HEADER = {"person": ("given_names", "family_name", "date_of_birth"), "identifiers": ("crn",),
               "hearing": ("court", "hearing_date")}

# Who owns each wizard step (ids as in ui/case_list.py STEP_NAMES), first the role whose job it is; a step is
# read-only for a role not listed.
STEP_OWNERS: dict[str, tuple[str, ...]] = {
    "details": (DUTY_OFFICER,),
    "consent": (DUTY_OFFICER,),
    "alcohol": (DUTY_OFFICER,),
    "audit": (DUTY_OFFICER,),
    "drugs": (DUTY_OFFICER,),
    "mh_screen": (SUPPORT_WORKER, DUTY_OFFICER),
    "assessment": (ASSISTANT_PSYCHOLOGIST,),
    "mh_findings": (ASSISTANT_PSYCHOLOGIST,),
    "needs": (SUPPORT_WORKER, DUTY_OFFICER),
    "mhtr": (DUTY_OFFICER,),
    "drr": (DUTY_OFFICER,),
    "atr": (DUTY_OFFICER,),
    "together": (DUTY_OFFICER,),
    "review": (DUTY_OFFICER,),
    "done": (DUTY_OFFICER,),
}


def owns_step(role: str, step: str) -> bool:
    return role in STEP_OWNERS.get(step, ())


ACTIONS = {
    "read_cases": {DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST, SUPPORT_WORKER},  # a support worker sees a redacted draft
    "read_full_case": {DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST},  # finals and annexes hold everything
    "create_case": {DUTY_OFFICER},
    "edit_case": {DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST, SUPPORT_WORKER},
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


def _support_part(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "screening": [s for s in data["screening"] if s["instrument_id"] in SUPPORT_WORKER_INSTRUMENTS],
        "safeguarding": [a for a in data["safeguarding"] if a["flag"].startswith(SUPPORT_WORKER_FLAG_PREFIXES)],
        "needs": data["needs"],
    }


def _outside_support_part(data: dict[str, Any]) -> dict[str, Any]:
    mine = _support_part(data)
    rest = dict(data)
    rest["screening"] = [s for s in data["screening"] if s not in mine["screening"]]
    rest["safeguarding"] = [a for a in data["safeguarding"] if a not in mine["safeguarding"]]
    rest["needs"] = None
    rest["wizard_step"] = None
    return rest


def visible_case(data: dict[str, Any], blank: dict[str, Any], role: str) -> dict[str, Any]:
    """What this role may read of a case ('case' parts as dicts; blank: a new empty case): a support worker gets the
    header and their own part over a blank case; the other roles read everything."""
    if role != SUPPORT_WORKER:
        return data
    view = dict(blank)
    for key in ("case_id", "created_at", "author", "wizard_step"):
        view[key] = data[key]
    for section, fields in CASE_HEADER.items():
        view[section] = {**blank[section], **{f: data[section][f] for f in fields}}
    view.update(_support_part(data))
    return view


def _replace_in_place(items: list[Any], new: list[Any], is_mine: Callable[[Any], bool]) -> list[Any]:
    """`items` with the entries that are mine replaced by `new`, where the first of mine stood (else at the end)."""
    at = next((n for n, item in enumerate(items) if is_mine(item)), len(items))
    rest = [item for item in items if not is_mine(item)]
    return rest[:at] + list(new) + rest[at:]


def merged_case(stored: dict[str, Any], saved: dict[str, Any], role: str) -> dict[str, Any]:
    """What to store when this role saves `saved` over `stored` (after forbidden_change allowed it): a support
    worker's save carries only their part (and where the wizard is); the rest stays as stored."""
    if role != SUPPORT_WORKER:
        return saved
    merged = dict(stored)
    mine = _support_part(saved)
    merged["screening"] = _replace_in_place(stored["screening"], mine["screening"],
                                            lambda s: s["instrument_id"] in SUPPORT_WORKER_INSTRUMENTS)
    merged["safeguarding"] = _replace_in_place(stored["safeguarding"], mine["safeguarding"],
                                               lambda a: a["flag"].startswith(SUPPORT_WORKER_FLAG_PREFIXES))
    merged["needs"] = mine["needs"]
    merged["wizard_step"] = saved["wizard_step"]
    return merged


def forbidden_change(before: dict[str, Any], after: dict[str, Any], role: str) -> str | None:
    """Why this role may not save this change (both sides as case-file dicts, the 'case' part), or None.

    For a support worker, `before` is what they were shown (visible_case)."""
    if role == DUTY_OFFICER and _psychologist_part(before) != _psychologist_part(after):
        return ("Only the assistant psychologist can change the mental-health assessment, PHQ-9, GAD-7 "
                "and their judgements.")
    if role == ASSISTANT_PSYCHOLOGIST and _officer_part(before) != _officer_part(after):
        return ("The assistant psychologist can change only the mental-health assessment; the rest belongs "
                "to the duty officer.")
    if role == SUPPORT_WORKER and _outside_support_part(before) != _outside_support_part(after):
        return ("The support worker can change only the mental-health initial screen, its safeguarding actions "
                "and the wrap-around needs; the rest belongs to the duty officer and the assistant psychologist.")
    if role not in (DUTY_OFFICER, ASSISTANT_PSYCHOLOGIST, SUPPORT_WORKER):
        return "This role cannot change case content."
    return None


def creation_forbidden(data: dict[str, Any], blank: dict[str, Any], role: str) -> str | None:
    """Why this role may not start a case holding this content (blank: a new empty case, as a dict), or None."""
    if role != DUTY_OFFICER:
        return "Only a duty officer can start a case."
    if _psychologist_part(data) != _psychologist_part(blank):
        return "Only the assistant psychologist can record the mental-health assessment."
    return None
