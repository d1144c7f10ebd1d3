"""What the person's plain-language sheet says, in English or Welsh, from a case and the texts in resources/."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from cstr_desk.domain.case import Case, ProposedRequirement
from cstr_desk.domain.errors import InstrumentFileError
from cstr_desk.domain.forms import Forms

LANGUAGES = ("en", "cy")
_REQUIRED = ("title", "intro", "for_label", "court_label", "date_label", "length", "none_proposed",
             "appointments_heading", "appointment", "appointment_unknown", "drr_tests", "drr_tests_unknown",
             "drr_attend", "drr_review", "drr_no_review", "interval_one", "interval_many", "call_heading",
             "probation_text", "call_text", "call_intro", "missed_heading", "missed_text", "sso_text",
             "support_heading", "link_worker_text", "crisis_text", "footer", "large_print_note", "months", "weekdays",
             "date_format", "time_format", "requirements")


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
    large_print_note: str = ""

    def texts(self) -> list[str]:
        """Every piece of text the person reads, in reading order (for the plain-words check)."""
        out = [self.title, self.intro]
        for block in self.blocks:
            out.append(block.heading)
            out += list(block.lines)
        return out


@dataclass(frozen=True)
class PlainWords:
    """The plain-words rules: the longest sentence, words to avoid, hard words explained once (per language)."""

    max_sentence_words: int
    banned: dict[str, tuple[str, ...]]
    explained: dict[str, dict[str, str]]


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


def load_plain_words(folder: Path) -> PlainWords:
    path = folder / "plain_words.toml"
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InstrumentFileError(str(path), [f"cannot be read: {exc}"]) from exc
    limit = data.get("max_sentence_words")
    if not isinstance(limit, int) or limit < 5:
        raise InstrumentFileError(str(path), ["'max_sentence_words' must be a whole number, 5 or more"])
    banned = {lang: tuple(str(w) for w in data.get("banned", {}).get(lang, [])) for lang in LANGUAGES}
    explained = {lang: {str(k): str(v) for k, v in data.get("explained", {}).get(lang, {}).items()}
                 for lang in LANGUAGES}
    return PlainWords(limit, banned, explained)


def _date(texts: dict[str, Any], day: date) -> str:
    return str(texts["date_format"]).format(
        weekday=texts["weekdays"][day.weekday()], day=day.day, month=texts["months"][day.month - 1], year=day.year)


def _when(texts: dict[str, Any], moment: datetime) -> str:
    clock = str(texts["time_format"]).format(hour=f"{moment.hour:02d}", minute=f"{moment.minute:02d}")
    return f"{_date(texts, moment.date())}, {clock}"


def _interval(texts: dict[str, Any], months: int | None) -> str:
    if months is None or months <= 1:
        return str(texts["interval_one"])
    return str(texts["interval_many"]).format(n=months)


def _who(req: ProposedRequirement, provider_name: str) -> str:
    """Who the person will see: the named practitioner (up to the first comma, without the qualifications that
    follow it) at the provider."""
    person = req.practitioner.split(",")[0].strip()
    if person and provider_name and provider_name not in person:
        return f"{person}, {provider_name}"
    return person or provider_name


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]


def _appointments(case: Case, forms: Forms, texts: dict[str, Any]) -> SheetBlock:
    """Every first appointment, in date order; requirements with none booked come last."""
    reqs = [r for r in case.proposal.requirements if r.requirement in texts["requirements"]]
    booked = sorted((r for r in reqs if r.first_appointment_at is not None),
                    key=lambda r: (r.first_appointment_at or datetime.max, r.requirement))
    lines = []
    for req in booked:
        provider = forms.programme.provider(req.provider_id)
        name = texts["requirements"][req.requirement]["name"]
        assert req.first_appointment_at is not None
        lines.append(str(texts["appointment"]).format(
            when=_when(texts, req.first_appointment_at), what=name,
            place=(req.first_appointment_place.strip() or req.place.strip()).rstrip("."),
            who=_who(req, provider.name if provider else "")))
    for req in reqs:
        if req.first_appointment_at is None:
            lines.append(str(texts["appointment_unknown"]).format(what=texts["requirements"][req.requirement]["name"]))
    return SheetBlock(texts["appointments_heading"], tuple(lines))


def _requirement_block(req: ProposedRequirement, texts: dict[str, Any]) -> SheetBlock:
    words = texts["requirements"][req.requirement]
    lines = [words["what"], words["ask"]]
    if req.length_months:
        lines.append(str(texts["length"]).format(months=req.length_months))
    if req.requirement == "DRR":
        testing = req.testing_arrangements.strip().rstrip(".")
        lines.append(str(texts["drr_tests"]).format(testing=testing) if testing else texts["drr_tests_unknown"])
        if req.treatment_kind == "non_residential" and req.treatment_intervals.strip():
            lines.append(str(texts["drr_attend"]).format(intervals=req.treatment_intervals.strip().rstrip(".")))
        lines.append(str(texts["drr_review"]).format(interval=_interval(texts, req.review_interval_months))
                     if req.court_review else texts["drr_no_review"])
    return SheetBlock(words["name"], tuple(lines))


def build_person_sheet(case: Case, forms: Forms, texts: dict[str, Any], generated_at: datetime) -> PersonSheet:
    header = [(texts["for_label"], case.person.full_name)]
    if case.hearing.court:
        header.append((texts["court_label"], case.hearing.court))
    if case.hearing.hearing_date:
        header.append((texts["date_label"], _date(texts, case.hearing.hearing_date)))
    proposed = [r for r in case.proposal.requirements if r.requirement in texts["requirements"]]
    blocks: list[SheetBlock] = []
    if not proposed:
        blocks.append(SheetBlock(texts["title"], (texts["none_proposed"],)))
    else:
        blocks.append(_appointments(case, forms, texts))
        blocks += [_requirement_block(r, texts) for r in proposed]
        missed = [texts["missed_text"]]
        if case.sentence.order_type == "suspended_sentence_order":
            missed.append(texts["sso_text"])
        blocks.append(SheetBlock(texts["missed_heading"], tuple(missed)))
    calls = [texts["call_intro"]] if proposed else []
    programme = forms.programme
    if programme.probation_phone:
        calls.append(str(texts["probation_text"]).format(name=programme.probation_office, phone=programme.probation_phone))
    for pid in dict.fromkeys(r.provider_id for r in proposed):
        provider = programme.provider(pid)
        if provider is not None:
            calls.append(str(texts["call_text"]).format(provider=provider.name, phone=provider.phone))
    if calls:
        blocks.append(SheetBlock(texts["call_heading"], tuple(calls)))
    support = []
    if programme.link_worker_phone:
        support.append(str(texts["link_worker_text"]).format(phone=programme.link_worker_phone))
    support.append(texts["crisis_text"])
    blocks.append(SheetBlock(texts["support_heading"], tuple(support)))
    return PersonSheet(texts["lang"], texts["title"], texts["intro"], tuple(header), tuple(blocks), texts["footer"],
                       generated_at, texts["large_print_note"])


def plain_words_problems(sheet: PersonSheet, rules: PlainWords) -> list[str]:
    """Where the sheet is not in plain words: long sentences, words from the banned list, hard words used before
    they are explained or explained more than once. Empty: the sheet passes."""
    problems = []
    texts = sheet.texts()
    for text in texts:
        for sentence in _sentences(text):
            words = len(sentence.split())
            if words > rules.max_sentence_words:
                problems.append(f"{words} words (more than {rules.max_sentence_words}): '{sentence}'")
        for word in rules.banned.get(sheet.lang, ()):
            if re.search(r"(?<![\w-])" + re.escape(word), text, re.IGNORECASE):
                problems.append(f"'{word}' is on the list of words to avoid: '{text}'")
    whole = "\n".join(texts)
    for term, explanation in rules.explained.get(sheet.lang, {}).items():
        first = next((t for t in texts if re.search(r"\b" + re.escape(term), t, re.IGNORECASE)), None)
        if first is None:
            continue
        if explanation not in first:
            problems.append(f"'{term}' is first used without its explanation: '{first}'")
        if whole.count(explanation) > 1:
            problems.append(f"'{term}' is explained more than once")
    return problems
