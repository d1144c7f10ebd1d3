"""What the person's plain-language sheet says, in English or Welsh, from a case and the texts in resources/."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cstr_desk.domain.case import Case
from cstr_desk.domain.errors import InstrumentFileError
from cstr_desk.domain.forms import Forms

LANGUAGES = ("en", "cy")
_REQUIRED = ("title", "intro", "for_label", "court_label", "date_label", "length",
             "none_proposed", "first_heading", "first_when", "first_where", "first_with", "first_unknown",
             "call_heading", "call_text", "missed_heading", "missed_text", "support_heading", "link_worker_text",
             "crisis_text", "footer", "months", "weekdays", "date_format", "time_format", "requirements")


@dataclass(frozen=True)
class SheetBlock:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class PersonSheet:
    lang: str
    title: str
    intro: str
    header: tuple[tuple[str, str], ...]
    blocks: tuple[SheetBlock, ...]
    footer: str
    generated_at: datetime


def load_sheet_texts(folder: Path, lang: str) -> dict[str, Any]:
    if lang not in LANGUAGES:
        raise ValueError(f"the sheet is available in {', '.join(LANGUAGES)}, not '{lang}'")
    path = folder / f"{lang}.toml"
    try:
        with open(path, "rb") as fh:
            texts = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InstrumentFileError(str(path), [f"cannot be read: {exc}"]) from exc
    missing = [k for k in _REQUIRED if k not in texts]
    for req in ("MHTR", "DRR", "ATR"):
        entry = texts.get("requirements", {}).get(req, {})
        missing += [f"requirements.{req}.{k}" for k in ("name", "what", "ask") if k not in entry]
    if missing:
        raise InstrumentFileError(str(path), [f"missing key '{k}'" for k in missing])
    return texts


def _date(texts: dict[str, Any], day: date) -> str:
    return str(texts["date_format"]).format(
        weekday=texts["weekdays"][day.weekday()], day=day.day, month=texts["months"][day.month - 1], year=day.year)


def _when(texts: dict[str, Any], moment: datetime) -> str:
    clock = str(texts["time_format"]).format(hour=f"{moment.hour:02d}", minute=f"{moment.minute:02d}")
    return f"{_date(texts, moment.date())}, {clock}"


def build_person_sheet(case: Case, forms: Forms, texts: dict[str, Any], generated_at: datetime) -> PersonSheet:
    header = [(texts["for_label"], case.person.full_name)]
    if case.hearing.court:
        header.append((texts["court_label"], case.hearing.court))
    if case.hearing.hearing_date:
        header.append((texts["date_label"], _date(texts, case.hearing.hearing_date)))
    blocks: list[SheetBlock] = []
    booked = [r for r in case.proposal.requirements if r.first_appointment_at is not None and r.requirement in texts["requirements"]]
    first = min(booked, key=lambda r: r.first_appointment_at or datetime.max) if booked else None
    for req in case.proposal.requirements:
        words = texts["requirements"].get(req.requirement)
        if words is None:
            continue
        lines = [words["what"], words["ask"]]
        if req.length_months:
            lines.append(texts["length"].format(months=req.length_months))
        blocks.append(SheetBlock(words["name"], tuple(lines)))
    if not blocks:
        blocks.append(SheetBlock(texts["title"], (texts["none_proposed"],)))
    else:
        if first is not None and first.first_appointment_at is not None:
            provider = forms.programme.provider(first.provider_id)
            lines = [texts["first_when"].format(when=_when(texts, first.first_appointment_at)),
                     texts["first_where"].format(place=first.first_appointment_place or first.place)]
            if provider is not None:
                lines.append(texts["first_with"].format(provider=provider.name))
            blocks.append(SheetBlock(texts["first_heading"], tuple(lines)))
        else:
            blocks.append(SheetBlock(texts["first_heading"], (texts["first_unknown"],)))
        calls = []
        for pid in dict.fromkeys(r.provider_id for r in case.proposal.requirements):
            provider = forms.programme.provider(pid)
            if provider is not None:
                calls.append(texts["call_text"].format(provider=provider.name, phone=provider.phone))
        if calls:
            blocks.append(SheetBlock(texts["call_heading"], tuple(calls)))
        blocks.append(SheetBlock(texts["missed_heading"], (texts["missed_text"],)))
    support = []
    if forms.programme.link_worker_service:
        support.append(texts["link_worker_text"].format(service=forms.programme.link_worker_service,
                                                        phone=forms.programme.link_worker_phone))
    support.append(texts["crisis_text"])
    blocks.append(SheetBlock(texts["support_heading"], tuple(support)))
    return PersonSheet(texts["lang"], texts["title"], texts["intro"], tuple(header), tuple(blocks), texts["footer"],
                       generated_at)
