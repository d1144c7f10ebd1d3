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
    language: str = ""  # the language of the text shown: "en" or "cy" ("" on records made before it was kept)
    # Willingness: the officer's statement that the requirement was explained in ordinary language, and in which.
    explained_in_ordinary_language: bool = False
    explained_language: str = ""


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
    lang: str = "en"
    translation_note: str = ""  # a translation says who must check it before live use


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


_TEXT_KEYS = {"id", "version", "kind", "title", "text", "requirement", "lawful_basis", "partners", "lang",
              "translation_note"}
TRANSLATIONS = ("cy",)  # forms/consent/<lang>/: the same texts in another language, same ids and versions


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
        lang=str(data.get("lang", "en")),
        translation_note=" ".join(str(data.get("translation_note", "")).split()),
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


def written_language(interview_language: str) -> str:
    """The language of the texts shown to the person: Welsh ("cy") when the interview is in Welsh, else English."""
    words = interview_language.strip().lower()
    return "cy" if words in ("cy", "welsh", "cymraeg") or words.startswith(("welsh", "cymraeg")) else "en"


def willingness_text_id(requirement: str) -> str:
    return f"willingness_{requirement.lower()}"


def load_consent_translations(folder: Path, english: Mapping[str, ConsentText]) -> dict[str, dict[str, ConsentText]]:
    """Translations in forms/consent/<lang>/: each matches an English text's id, kind and partners, and carries a
    note saying it needs checking by a qualified translator before live use. Only those of the English text's
    current version are returned (stale_translations lists the others)."""
    found: dict[str, dict[str, ConsentText]] = {}
    for lang in TRANSLATIONS:
        sub = folder / lang
        if not sub.is_dir():
            continue
        texts = load_consent_texts(sub)
        for text in texts.values():
            source = str(sub / f"{text.id}.toml")
            original = english.get(text.id)
            problems = []
            if original is None:
                problems.append(f"no English text '{text.id}' to translate")
            else:
                if (text.kind, text.requirement) != (original.kind, original.requirement):
                    problems.append("kind or requirement differs from the English text")
                if [p for p, _ in text.partners] != [p for p, _ in original.partners]:
                    problems.append("partners must list the same ids, in the same order, as the English text")
            if text.lang != lang:
                problems.append(f"'lang' must be '{lang}'")
            if not text.translation_note:
                problems.append("'translation_note' must say the text needs a check by a qualified translator")
            if problems:
                raise InstrumentFileError(source, problems)
        # A translation of an older version of the English text is not shown: the person would be asked to agree
        # to different words from the English record. Such a text falls back to English until it is translated.
        found[lang] = {i: t for i, t in texts.items() if t.version == english[i].version}
    return found


def consent_text_in(english: Mapping[str, ConsentText], translations: Mapping[str, Mapping[str, ConsentText]],
                    text_id: str, lang: str) -> ConsentText | None:
    """The text in the person's language where a translation exists, otherwise the English text."""
    return translations.get(lang, {}).get(text_id) or english.get(text_id)


def stale_translations(folder: Path, english: Mapping[str, ConsentText]) -> list[str]:
    """Translations whose version is not the English text's current version (so not shown): 'cy/willingness_drr'."""
    stale = []
    for lang in TRANSLATIONS:
        sub = folder / lang
        if sub.is_dir():
            stale += [f"{lang}/{t.id}" for t in load_consent_texts(sub).values()
                      if t.id in english and t.version != english[t.id].version]
    return stale
