"""The rules in one place: statutory limits (law, as constants) and the site's programme data (from forms/)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from cstr_desk.domain.errors import InstrumentFileError

# --- Law: the Sentencing Code (Sentencing Act 2020) as amended by the Sentencing Act 2026 (c. 2); see
# shared/spec/domain.md, section 2. Not site data. The section is cited beside each constant.

# s.202(1)(a): a community order needs the offender to be aged 18 or over when convicted; an SSO is keyed to
# age when convicted too (s.264: 18 to 20, detention in a young offender institution; s.277: 21 or over).
ADULT_AGE = 18
# s.209(2): a community order must end no more than 3 years after the date of the order.
COMMUNITY_ORDER_MAX_MONTHS = 36
# Schedule 9, paragraphs 21(2)-(3) and 22: court review must be provided for a DRR whose treatment and testing
# period is more than 12 months, and may be otherwise; reviews at intervals of not less than one month.
DRR_REVIEW_REQUIRED_OVER_MONTHS = 12
DRR_REVIEW_MIN_INTERVAL_MONTHS = 1

# Suspended sentence orders. The Sentencing Act 2026 s.2 ("Custodial sentences that may be suspended") raises
# the longest term that may be suspended from 2 years to 3 years for offenders convicted on or after the day
# it came into force, 22 March 2026; which rules apply depends on the date of conviction, not of sentence.
SENTENCING_ACT_2026_SSO_FROM = date(2026, 3, 22)
# ss.264(1) and 277(1): a term of at least 14 days (unchanged by the 2026 Act).
SSO_CUSTODIAL_MIN_DAYS = 14
# ss.264(1) and 277(1) before amendment: not more than 2 years (days: the case file stores the term in days).
SSO_CUSTODIAL_MAX_DAYS_BEFORE_2026 = 2 * 365
# ss.264(1) and 277(1) as amended by the Sentencing Act 2026 s.2: not more than 3 years.
SSO_CUSTODIAL_MAX_DAYS_FROM_2026 = 3 * 365
# s.288(2) (operational period) and s.288(4) (supervision period): each at least 6 months (unchanged).
SSO_OPERATIONAL_MIN_MONTHS = 6
SSO_SUPERVISION_MIN_MONTHS = 6
# s.288(2)-(4) before amendment: operational and supervision periods each not more than 2 years (confirmed in the
# Sentencing Council's Imposition guideline, which quotes s.288), and the supervision period not longer than the
# operational period (s.288(5)).
SSO_OPERATIONAL_MAX_MONTHS_BEFORE_2026 = 24
SSO_SUPERVISION_MAX_MONTHS_BEFORE_2026 = 24
# s.288 as amended for convictions on or after 22 March 2026: 3 years ("three years custody suspended for three
# years" in practitioner summaries of the 2026 Act). NOT CONFIRMED against the amended text of s.288: the
# legislation copies reachable here gave the Act's s.2 heading and the 3-year term for ss.264/277, not the
# amended words of s.288. The supervision period cannot exceed the operational period (s.288(5)), so its
# 3-year cap follows from the operational period's whether or not s.288(4) itself was amended.
SSO_OPERATIONAL_MAX_MONTHS_FROM_2026 = 36
SSO_SUPERVISION_MAX_MONTHS_FROM_2026 = 36


@dataclass(frozen=True)
class SsoLimits:
    """The suspended sentence order limits for one date of conviction, with the law they come from."""

    custodial_min_days: int
    custodial_max_days: int
    custodial_max_text: str
    operational_min_months: int
    operational_max_months: int
    supervision_min_months: int
    supervision_max_months: int
    source: str


def sso_limits(convicted_on: date | None) -> SsoLimits:
    """The limits in force for a conviction on this date; an unknown date gets the current (2026) limits."""
    if convicted_on is not None and convicted_on < SENTENCING_ACT_2026_SSO_FROM:
        return SsoLimits(
            SSO_CUSTODIAL_MIN_DAYS, SSO_CUSTODIAL_MAX_DAYS_BEFORE_2026, "2 years",
            SSO_OPERATIONAL_MIN_MONTHS, SSO_OPERATIONAL_MAX_MONTHS_BEFORE_2026,
            SSO_SUPERVISION_MIN_MONTHS, SSO_SUPERVISION_MAX_MONTHS_BEFORE_2026,
            "Sentencing Code ss.264, 277 and 288 before the Sentencing Act 2026 (conviction before 22 March 2026)",
        )
    return SsoLimits(
        SSO_CUSTODIAL_MIN_DAYS, SSO_CUSTODIAL_MAX_DAYS_FROM_2026, "3 years",
        SSO_OPERATIONAL_MIN_MONTHS, SSO_OPERATIONAL_MAX_MONTHS_FROM_2026,
        SSO_SUPERVISION_MIN_MONTHS, SSO_SUPERVISION_MAX_MONTHS_FROM_2026,
        "Sentencing Code ss.264, 277 and 288 as amended by the Sentencing Act 2026 s.2 "
        "(conviction on or after 22 March 2026)",
    )

TREATMENT_KINDS: dict[str, dict[str, str]] = {
    "MHTR": {
        "in_patient": "In-patient treatment at a hospital or care home",
        "institution_outpatient": "Out-patient treatment at an institution or place",
        "practitioner": "Treatment by or under the direction of a registered medical practitioner or registered psychologist",
    },
    "DRR": {
        "residential": "Resident treatment at an institution or place",
        "non_residential": "Non-resident treatment at an institution or place, at set intervals",
    },
    "ATR": {
        "resident": "Resident treatment at an institution or place",
        "institution": "Non-resident treatment at an institution or place",
        "practitioner": "Treatment by or under the direction of a qualified or experienced person",
    },
}
RESIDENTIAL_KINDS = {"in_patient", "residential", "resident"}
# Kinds of treatment whose order must name the place (Schedule 9: para 16(3)(a)-(b) for an in-patient or
# institution-based out-patient MHTR; para 19(5) for a DRR, resident or not; para 23(3)(a)-(b) for the ATR).
PLACE_REQUIRED_KINDS = {"in_patient", "institution_outpatient", "residential", "non_residential", "resident", "institution"}

# Words that make up job titles and service names. A practitioner-based MHTR names "the particular registered
# medical practitioner or registered psychologist" (Schedule 9, para 16(3)(c)): text made only of these words
# (and initials) is a role, not a person. A heuristic: it catches "Consultant Psychiatrist (registered medical
# practitioner)", it cannot prove that a name is a real registrant.
ROLE_WORDS = frozenset({
    "a", "an", "and", "at", "for", "in", "of", "on", "or", "the", "to", "with", "by", "under", "dr", "doctor",
    "consultant", "psychiatrist", "psychiatry", "psychologist", "psychology", "clinical", "counselling",
    "forensic", "health", "registered", "medical", "practitioner", "practitioners", "clinician", "therapist",
    "psychotherapist", "nurse", "gp", "senior", "principal", "assistant", "trainee", "specialist", "lead", "duty",
    "call", "staff", "approved", "hcpc", "gmc", "nmc", "manager", "worker", "keyworker", "team", "teams",
    "service", "services", "community", "mental", "primary", "secondary", "care", "drug", "drugs", "alcohol",
    "substance", "use", "misuse", "recovery", "unit", "centre", "center", "hospital", "clinic", "trust", "nhs",
    "treatment", "director", "officer", "probation", "provider", "women", "womens", "residential",
    "rehabilitation", "regional", "psychological", "therapy", "therapies", "wellbeing", "adult", "adults",
    "liaison", "diversion", "criminal", "justice", "practice", "qualified", "allocated", "available", "any",
    "be", "confirmed", "tbc", "named", "later", "one", "their", "our",
})


def names_a_particular_person(text: str) -> bool:
    """True when the text has a word that is not part of a job title, e.g. a surname ("Dr A. Example, ...")."""
    words = "".join(ch.lower() if ch.isalpha() else " " for ch in text).split()
    return any(len(word) > 1 and word not in ROLE_WORDS for word in words)


@dataclass(frozen=True)
class EvidenceThresholds:
    """When scores suggest a finding (forms/programme/rules.toml, [evidence]); the finding stays a professional's."""

    audit_dependence_min: int
    audit_judgement_min: int
    audit_dependence_item_min: int
    dast10_min: int
    phq9_min: int
    gad7_min: int
    audit_dependence_items: tuple[str, ...] = ()
    aamr_bands: tuple[str, ...] = ()


@dataclass(frozen=True)
class LengthDefault:
    min: int
    default: int
    max: int | None = None


@dataclass(frozen=True)
class Provider:
    id: str
    name: str
    requirements: tuple[str, ...]
    route: str
    treatment_kinds: tuple[str, ...]
    place: str
    phone: str
    practitioner: str
    women_only: bool = False


@dataclass(frozen=True)
class Programme:
    """A site's programme: evidence thresholds, typical lengths, providers, link-worker service."""

    version: str
    site_name: str
    evidence: EvidenceThresholds
    lengths: Mapping[str, LengthDefault]
    providers: tuple[Provider, ...]
    link_worker_service: str = ""
    link_worker_phone: str = ""
    probation_office: str = ""  # site.toml [probation]: the contact printed on the person's sheet
    probation_phone: str = ""

    def provider(self, provider_id: str) -> Provider | None:
        return next((p for p in self.providers if p.id == provider_id), None)

    def providers_for(self, requirement: str) -> list[Provider]:
        return [p for p in self.providers if requirement in p.requirements]

    def default_provider(self, requirement: str, gender: str, route: str | None = None) -> Provider | None:
        """Women's pathway: a woman's requirement goes to women-specific provision by default where the site has it."""
        candidates = [p for p in self.providers_for(requirement) if route is None or p.route in (route, "community")]
        if gender == "female":
            women = [p for p in candidates if p.women_only]
            if women:
                return women[0]
        general = [p for p in candidates if not p.women_only]
        return general[0] if general else None


def _load_toml(path: Path) -> dict[str, object]:
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentFileError(str(path), [f"not valid TOML: {exc}"]) from exc
    except OSError as exc:
        raise InstrumentFileError(str(path), [f"cannot be read: {exc.strerror}"]) from exc


def load_programme(folder: Path) -> Programme:
    """Read forms/programme/rules.toml and site.toml; every problem names the file and key."""
    rules_path, site_path = folder / "rules.toml", folder / "site.toml"
    rules, site = _load_toml(rules_path), _load_toml(site_path)
    problems: list[str] = []

    evidence_raw = rules.get("evidence", {})
    fields = EvidenceThresholds.__dataclass_fields__
    list_fields = {"audit_dependence_items", "aamr_bands"}
    evidence_values: dict[str, int] = {}
    evidence_lists: dict[str, tuple[str, ...]] = {}
    if not isinstance(evidence_raw, Mapping):
        problems.append("[evidence] must be a table")
        evidence_raw = {}
    for key in fields:
        value = evidence_raw.get(key)
        if key in list_fields:
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v for v in value):
                problems.append(f"evidence.{key} must be a non-empty list of names")
            else:
                evidence_lists[key] = tuple(value)
        elif isinstance(value, bool) or not isinstance(value, int):
            problems.append(f"evidence.{key} must be a whole number")
        else:
            evidence_values[key] = value
    for key in sorted(set(evidence_raw) - set(fields)):
        problems.append(f"evidence: unknown key '{key}'")

    lengths: dict[str, LengthDefault] = {}
    lengths_raw = rules.get("lengths", {})
    if not isinstance(lengths_raw, Mapping):
        problems.append("[lengths] must be a table")
        lengths_raw = {}
    for req in TREATMENT_KINDS:
        entry = lengths_raw.get(req)
        if not isinstance(entry, Mapping) or not isinstance(entry.get("min"), int) or not isinstance(entry.get("default"), int):
            problems.append(f"lengths.{req} needs whole-number 'min' and 'default'")
            continue
        maximum = entry.get("max")
        lengths[req] = LengthDefault(int(entry["min"]), int(entry["default"]), int(maximum) if isinstance(maximum, int) else None)
    if problems:
        raise InstrumentFileError(str(rules_path), problems)

    providers: list[Provider] = []
    site_problems: list[str] = []
    seen: set[str] = set()
    raw_providers = site.get("providers", [])
    if not isinstance(raw_providers, list):
        raw_providers = []
        site_problems.append("[[providers]] must be a list of tables")
    for n, p in enumerate(raw_providers, 1):
        if not isinstance(p, Mapping):
            site_problems.append(f"providers[{n}] must be a table")
            continue
        pid = str(p.get("id", ""))
        if not pid or pid in seen:
            site_problems.append(f"providers[{n}]: missing or duplicate id '{pid}'")
        seen.add(pid)
        reqs = tuple(str(r) for r in p.get("requirements", []))
        kinds = tuple(str(k) for k in p.get("treatment_kinds", []))
        if not reqs or any(r not in TREATMENT_KINDS for r in reqs):
            site_problems.append(f"providers[{n}] ('{pid}'): requirements must list MHTR, DRR or ATR")
        allowed = set().union(*(TREATMENT_KINDS[r] for r in reqs if r in TREATMENT_KINDS)) if reqs else set()
        for kind in kinds:
            if kind not in allowed:
                site_problems.append(f"providers[{n}] ('{pid}'): treatment kind '{kind}' fits none of its requirements")
        for key in ("name", "place", "phone", "practitioner", "route"):
            if not isinstance(p.get(key), str) or not str(p.get(key)).strip():
                site_problems.append(f"providers[{n}] ('{pid}'): '{key}' must be a non-empty string")
        if ("MHTR" in reqs and "practitioner" in kinds and isinstance(p.get("practitioner"), str)
                and not names_a_particular_person(str(p.get("practitioner")))):
            site_problems.append(f"providers[{n}] ('{pid}'): 'practitioner' must name the particular registered "
                                 "medical practitioner or psychologist for a practitioner-based MHTR, not a job title "
                                 "(Schedule 9, paragraph 16(3))")
        providers.append(
            Provider(
                id=pid, name=str(p.get("name", "")), requirements=reqs, route=str(p.get("route", "")),
                treatment_kinds=kinds, place=str(p.get("place", "")), phone=str(p.get("phone", "")),
                practitioner=str(p.get("practitioner", "")), women_only=bool(p.get("women_only", False)),
            )
        )
    if site_problems:
        raise InstrumentFileError(str(site_path), site_problems)
    link = site.get("link_worker", {})
    link = link if isinstance(link, Mapping) else {}
    probation = site.get("probation", {})
    probation = probation if isinstance(probation, Mapping) else {}
    return Programme(
        version=f"rules {rules.get('version', '?')}, site {site.get('version', '?')}",
        site_name=str(site.get("name", "")),
        evidence=EvidenceThresholds(
            **evidence_values,
            audit_dependence_items=evidence_lists["audit_dependence_items"],
            aamr_bands=evidence_lists["aamr_bands"],
        ),
        lengths=lengths,
        providers=tuple(providers),
        link_worker_service=str(link.get("service", "")),
        link_worker_phone=str(link.get("phone", "")),
        probation_office=str(probation.get("name", "")),
        probation_phone=str(probation.get("phone", "")),
    )
