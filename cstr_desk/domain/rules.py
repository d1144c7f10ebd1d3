"""The rules in one place: statutory limits (law, as constants) and the site's programme data (from forms/)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cstr_desk.domain.errors import InstrumentFileError

# --- Law: Sentencing Act 2020 (see shared/spec/domain.md, section 2). Not site data.
ADULT_AGE = 18
COMMUNITY_ORDER_MAX_MONTHS = 36
SSO_CUSTODIAL_MIN_DAYS = 14
SSO_CUSTODIAL_MAX_DAYS = 730
SSO_OPERATIONAL_MIN_MONTHS = 6
SSO_OPERATIONAL_MAX_MONTHS = 24
DRR_REVIEW_REQUIRED_OVER_MONTHS = 12
DRR_REVIEW_MIN_INTERVAL_MONTHS = 1

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


@dataclass(frozen=True)
class EvidenceThresholds:
    audit_dependence_min: int
    audit_judgement_min: int
    dast10_min: int
    phq9_min: int
    gad7_min: int


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
    evidence_values: dict[str, int] = {}
    if not isinstance(evidence_raw, Mapping):
        problems.append("[evidence] must be a table")
        evidence_raw = {}
    for key in fields:
        value = evidence_raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int):
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
        evidence=EvidenceThresholds(**evidence_values),
        lengths=lengths,
        providers=tuple(providers),
        link_worker_service=str(link.get("service", "")),
        link_worker_phone=str(link.get("phone", "")),
        probation_office=str(probation.get("name", "")),
        probation_phone=str(probation.get("phone", "")),
    )
