"""The person's after-sentence sheet (English or Welsh): what the court ordered, every first appointment, who to call."""

from __future__ import annotations

import tomllib
from datetime import datetime
from pathlib import Path
from typing import Any

from cstr_desk.domain.case import Case
from cstr_desk.domain.errors import InstrumentFileError
from cstr_desk.domain.forms import Forms
from cstr_desk.domain.outcome import Outcome
from cstr_desk.domain.sheet import PersonSheet, SheetBlock, _date, _when, load_sheet_texts

_AFTER_KEYS = ("title", "intro", "ordered_heading", "co_text", "sso_text", "other_order", "firsts_heading",
               "first_line", "first_day_line", "first_unknown_line")


def load_after_sentence_texts(folder: Path, lang: str) -> dict[str, Any]:
    """The proposal sheet's texts with the after-sentence texts (folder/after_sentence/LANG.toml) under 'after'."""
    texts = load_sheet_texts(folder, lang)
    path = folder / "after_sentence" / f"{lang}.toml"
    try:
        with open(path, "rb") as fh:
            after = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InstrumentFileError(str(path), [f"cannot be read: {exc}"]) from exc
    missing = [k for k in _AFTER_KEYS if k not in after]
    if missing:
        raise InstrumentFileError(str(path), [f"missing key '{k}'" for k in missing])
    return {**texts, "after": after}


def build_after_sentence_sheet(case: Case, outcome: Outcome, forms: Forms, texts: dict[str, Any],
                               generated_at: datetime) -> PersonSheet:
    """From the same data as the proposal sheet, but for what the court imposed (outcome.sentence)."""
    after = texts["after"]
    sentence = outcome.sentence
    if sentence is None or not outcome.imposed:
        raise ValueError("the court imposed no treatment requirement, so there is no after-sentence sheet")
    header = [(texts["for_label"], case.person.full_name)]
    if case.hearing.court:
        header.append((texts["court_label"], case.hearing.court))
    if outcome.hearing_date:
        header.append((texts["date_label"], _date(texts, outcome.hearing_date)))
    if sentence.order_type == "community_order" and sentence.order_length_months:
        order = after["co_text"].format(months=sentence.order_length_months)
    elif sentence.order_type == "suspended_sentence_order" and sentence.custodial_term_days:
        order = after["sso_text"].format(days=sentence.custodial_term_days,
                                         months=sentence.operational_period_months or "?")
    else:
        order = after["other_order"]
    blocks = [SheetBlock(after["ordered_heading"], (order,))]
    for imposed in sentence.requirements:
        words = texts["requirements"].get(imposed.requirement)
        if words is None:
            continue
        lines = [words["what"], words["ask"]]
        if imposed.length_months:
            lines.append(texts["length"].format(months=imposed.length_months))
        blocks.append(SheetBlock(words["name"], tuple(lines)))
    firsts = []
    for imposed in sentence.requirements:
        name = texts["requirements"].get(imposed.requirement, {}).get("name", imposed.requirement)
        proposed = case.proposal.get(imposed.requirement)
        place = (proposed.first_appointment_place if proposed else "") or imposed.place
        appointment = outcome.appointment(imposed.requirement)
        if appointment is not None and appointment.status == "rearranged" and appointment.on:
            firsts.append(after["first_day_line"].format(requirement=name, day=_date(texts, appointment.on), place=place))
        elif proposed and proposed.first_appointment_at and proposed.provider_id == imposed.provider_id:
            firsts.append(after["first_line"].format(requirement=name, when=_when(texts, proposed.first_appointment_at),
                                                     place=place))
        else:
            firsts.append(after["first_unknown_line"].format(requirement=name))
    blocks.append(SheetBlock(after["firsts_heading"], tuple(firsts)))
    calls = []
    for pid in dict.fromkeys(r.provider_id for r in sentence.requirements):
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
    return PersonSheet(texts["lang"], after["title"], after["intro"], tuple(header), tuple(blocks), texts["footer"],
                       generated_at)
