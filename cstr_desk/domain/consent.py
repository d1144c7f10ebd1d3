"""Consent: the kinds, the versioned texts shown, the records given/refused/withdrawn, and the current state."""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from cstr_desk.domain.errors import InstrumentFileError

KINDS = ("assessment", "information_sharing", "willingness")
STATUSES = ("given", "refused", "withdrawn")
METHODS = ("verbal", "signed")


@dataclass(frozen=True)
class ConsentRecord:
    """One act of consent. A change of mind is a new record, never an edit of an old one."""

    kind: str
    status: str
    text_id: str
    text_version: str
    obtained_by: str
    obtained_at: datetime | None
    method: str = "verbal"
    requirement: str | None = None  # for willingness: MHTR, DRR or ATR
    partners: list[str] | None = None  # for information sharing: partner ids agreed
    note: str = ""


@dataclass(frozen=True)
class ConsentText:
    id: str
    version: str
    kind: str
    title: str
    text: str
    requirement: str | None = None
    lawful_basis: str = ""
    partners: tuple[tuple[str, str], ...] = ()  # (id, plain description)


def current_consent(
    records: Iterable[ConsentRecord], kind: str, requirement: str | None = None
) -> ConsentRecord | None:
    """The record in force: the last one recorded. Records are only ever appended, so list order is the
    order they were given in; their clock times are for the reader and may be out of order (a laptop
    clock put right, a demo case dated later in the day)."""
    matching = [r for r in records if r.kind == kind and (requirement is None or r.requirement == requirement)]
    return matching[-1] if matching else None


def consent_state(records: Iterable[ConsentRecord], kind: str, requirement: str | None = None) -> str:
    """'given', 'refused', 'withdrawn' or 'missing'."""
    record = current_consent(records, kind, requirement)
    return record.status if record else "missing"


def withdraw(record: ConsentRecord, by: str, at: datetime, method: str = "verbal", note: str = "") -> ConsentRecord:
    """A withdrawal is a new record pointing at the same text, kind and requirement."""
    return ConsentRecord(
        kind=record.kind,
        status="withdrawn",
        text_id=record.text_id,
        text_version=record.text_version,
        obtained_by=by,
        obtained_at=at,
        method=method,
        requirement=record.requirement,
        partners=record.partners,
        note=note,
    )


_TEXT_KEYS = {"id", "version", "kind", "title", "text", "requirement", "lawful_basis", "partners"}


def _parse_consent_text(data: Mapping[str, object], source: str) -> ConsentText:
    problems: list[str] = []
    for key in sorted(set(data) - _TEXT_KEYS):
        problems.append(f"unknown key '{key}'")
    for key in ("id", "version", "kind", "title", "text"):
        if not isinstance(data.get(key), str) or not str(data.get(key)).strip():
            problems.append(f"'{key}' must be a non-empty string")
    if data.get("kind") not in KINDS:
        problems.append(f"'kind' must be one of {list(KINDS)}")
    if data.get("kind") == "willingness" and data.get("requirement") not in ("MHTR", "DRR", "ATR"):
        problems.append("a willingness text needs 'requirement' = MHTR, DRR or ATR")
    partners_raw = data.get("partners", [])
    partners: list[tuple[str, str]] = []
    if not isinstance(partners_raw, list):
        problems.append("'partners' must be a list of {id, description} tables")
    else:
        for n, p in enumerate(partners_raw, 1):
            if not isinstance(p, Mapping) or set(p) != {"id", "description"}:
                problems.append(f"partners[{n}] needs exactly 'id' and 'description'")
            else:
                partners.append((str(p["id"]), str(p["description"])))
    if problems:
        raise InstrumentFileError(source, problems)
    req = data.get("requirement")
    return ConsentText(
        id=str(data["id"]),
        version=str(data["version"]),
        kind=str(data["kind"]),
        title=str(data["title"]),
        text=str(data["text"]).strip(),
        requirement=str(req) if req else None,
        lawful_basis=str(data.get("lawful_basis", "")).strip(),
        partners=tuple(partners),
    )


def load_consent_texts(folder: Path) -> dict[str, ConsentText]:
    texts: dict[str, ConsentText] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except tomllib.TOMLDecodeError as exc:
            raise InstrumentFileError(str(path), [f"not valid TOML: {exc}"]) from exc
        text = _parse_consent_text(data, str(path))
        if text.id != path.stem:
            raise InstrumentFileError(str(path), [f"id '{text.id}' does not match the file name"])
        texts[text.id] = text
    return texts


def willingness_text_id(requirement: str) -> str:
    return f"willingness_{requirement.lower()}"
