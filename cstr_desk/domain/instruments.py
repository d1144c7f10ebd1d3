"""The screening instruments as data (items, options, bands, flags) and the scoring of an answer set.

Reading and checking the TOML files is instrument_files.py's job.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from cstr_desk.domain.errors import AnswerError as AnswerError  # noqa: PLC0414 (importable from here, as before)


@dataclass(frozen=True)
class Option:
    code: str
    label: str
    score: int


@dataclass(frozen=True)
class Item:
    id: str
    text: str
    options: tuple[Option, ...]
    note: str = ""

    def option_for(self, code: str) -> Option | None:
        for option in self.options:
            if option.code == code:
                return option
        return None


@dataclass(frozen=True)
class Band:
    min: int
    max: int
    key: str
    label: str


@dataclass(frozen=True)
class Flag:
    """A prompt raised by answers: any chosen item reaching a score (min_score), the sum of some items
    (sum_min: e.g. the PHQ-2 inside a longer form; raised only once all of them are answered), or the total."""

    id: str
    kind: str
    message: str
    items: tuple[str, ...] = ()
    min_score: int | None = None
    total_min: int | None = None
    sum_min: int | None = None


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    title: str
    short_title: str
    source: str
    licence: str
    scoring_method: str
    items: tuple[Item, ...]
    bands: tuple[Band, ...] = ()
    flags: tuple[Flag, ...] = ()
    domain: str = ""
    timeframe: str = ""
    instructions: str = ""

    @property
    def min_total(self) -> int:
        return sum(min(o.score for o in item.options) for item in self.items)

    @property
    def max_total(self) -> int:
        return sum(max(o.score for o in item.options) for item in self.items)

    def item(self, item_id: str) -> Item:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def band_for(self, total: int) -> Band | None:
        for band in self.bands:
            if band.min <= total <= band.max:
                return band
        return None


@dataclass(frozen=True)
class RaisedFlag:
    id: str
    kind: str
    message: str


@dataclass(frozen=True)
class Score:
    """The result of scoring one answer set. total and band are None unless complete."""

    instrument_id: str
    instrument_version: str
    answers: Mapping[str, str]
    total: int | None
    band_key: str | None
    band_label: str | None
    flags: tuple[RaisedFlag, ...]
    unanswered: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return not self.unanswered

    def has_flag(self, flag_id: str) -> bool:
        return any(f.id == flag_id for f in self.flags)

    def to_json(self) -> dict[str, object]:
        return {
            "instrument": self.instrument_id,
            "version": self.instrument_version,
            "complete": self.complete,
            "total": self.total,
            "band": self.band_key,
            "band_label": self.band_label,
            "flags": [{"id": f.id, "kind": f.kind, "message": f.message} for f in self.flags],
            "unanswered": list(self.unanswered),
        }


# ---------------------------------------------------------------- scoring


def score_instrument(instrument: Instrument, answers: Mapping[str, str | None]) -> Score:
    """Score an answer set keyed by item id; a missing or empty answer is unanswered, never zero."""
    unknown = sorted(set(answers) - {i.id for i in instrument.items})
    if unknown:
        raise AnswerError(f"{instrument.short_title} has no item {', '.join(unknown)}")
    chosen: dict[str, Option] = {}
    unanswered: list[str] = []
    for item in instrument.items:
        code = answers.get(item.id)
        if code is None or code == "":
            unanswered.append(item.id)
            continue
        option = item.option_for(code)
        if option is None:
            allowed = ", ".join(o.code for o in item.options)
            raise AnswerError(f"{instrument.short_title} item {item.id}: '{code}' is not an answer (use {allowed})")
        chosen[item.id] = option

    total: int | None = None
    band: Band | None = None
    if not unanswered and instrument.scoring_method == "sum":
        total = sum(o.score for o in chosen.values())
        band = instrument.band_for(total)

    raised: list[RaisedFlag] = []
    for flag in instrument.flags:
        if flag.min_score is not None:
            targets = flag.items or tuple(i.id for i in instrument.items)
            hit = any(t in chosen and chosen[t].score >= flag.min_score for t in targets)
        elif flag.sum_min is not None:
            hit = all(t in chosen for t in flag.items) and sum(chosen[t].score for t in flag.items) >= flag.sum_min
        else:
            hit = total is not None and flag.total_min is not None and total >= flag.total_min
        if hit:
            raised.append(RaisedFlag(flag.id, flag.kind, flag.message))

    return Score(
        instrument_id=instrument.id,
        instrument_version=instrument.version,
        answers={k: v for k, v in ((i.id, answers.get(i.id)) for i in instrument.items) if v},
        total=total,
        band_key=band.key if band else None,
        band_label=band.label if band else None,
        flags=tuple(raised),
        unanswered=tuple(unanswered),
    )


def answers_from_list(instrument: Instrument, codes: Sequence[str]) -> dict[str, str]:
    """Pair answers given in item order (as on the paper form) with item ids."""
    if len(codes) != len(instrument.items):
        raise AnswerError(
            f"{instrument.short_title} has {len(instrument.items)} items; {len(codes)} answers were given"
        )
    return {item.id: code.strip() for item, code in zip(instrument.items, codes) if code.strip()}


@dataclass
class InstrumentSet:
    """The instruments in force, looked up by id."""

    instruments: dict[str, Instrument] = field(default_factory=dict)

    def get(self, instrument_id: str) -> Instrument:
        try:
            return self.instruments[instrument_id]
        except KeyError:
            known = ", ".join(sorted(self.instruments))
            raise AnswerError(f"unknown instrument '{instrument_id}' (known: {known})") from None
