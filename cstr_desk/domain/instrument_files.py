"""Read instrument files (forms/instruments/*.toml and their archived versions) and check every key in them."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from itertools import pairwise
from pathlib import Path

from cstr_desk.domain.errors import InstrumentFileError
from cstr_desk.domain.instruments import Band, Flag, Instrument, Item, Option

ARCHIVE = "archive"  # forms/instruments/archive/<id>-<version>.toml: versions no longer in use, kept to re-score old results

_TOP_KEYS = {
    "id", "version", "title", "short_title", "source", "licence", "domain",
    "timeframe", "instructions", "scoring", "bands", "flags", "items",
}
_REQUIRED_TOP = {"id", "version", "title", "short_title", "source", "licence", "scoring", "items"}
_ITEM_KEYS = {"id", "text", "options", "note"}
_OPTION_KEYS = {"code", "label", "score"}
_BAND_KEYS = {"min", "max", "key", "label"}
_FLAG_KEYS = {"id", "kind", "message", "items", "min_score", "total_min", "sum_min"}
_SCORING_METHODS = {"sum", "none"}
_DOMAINS = {"alcohol", "drugs", "mental_health"}


# ---------------------------------------------------------------- loading


class _Checker:
    """Collects every problem in one file so the loader can report them all at once."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def keys(self, where: str, table: Mapping[str, object], allowed: set[str], required: set[str]) -> None:
        for key in sorted(set(table) - allowed):
            self.fail(where, f"unknown key '{key}'")
        for key in sorted(required - set(table)):
            self.fail(where, f"missing key '{key}'")

    def text(self, where: str, table: Mapping[str, object], key: str, required: bool = True) -> str:
        value = table.get(key)
        if value is None:
            if required:
                return ""  # reported as a missing key already
            return ""
        if not isinstance(value, str) or (required and not value.strip()):
            self.fail(f"{where}.{key}", "must be a non-empty string")
            return ""
        return value

    def integer(self, where: str, value: object) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(where, f"must be a whole number, not {value!r}")
            return None
        return value


def parse_instrument(data: Mapping[str, object], source: str) -> Instrument:
    """Build an Instrument from parsed TOML, or raise InstrumentFileError listing every problem."""
    c = _Checker(source)
    if not isinstance(data, Mapping):
        raise InstrumentFileError(source, ["the file is not a table"])
    c.keys("top level", data, _TOP_KEYS, _REQUIRED_TOP)
    inst_id = c.text("top level", data, "id")
    version = c.text("top level", data, "version")
    domain = c.text("top level", data, "domain", required=False)
    if domain and domain not in _DOMAINS:
        c.fail("domain", f"must be one of {sorted(_DOMAINS)}, not '{domain}'")

    scoring = data.get("scoring", {})
    method = ""
    if not isinstance(scoring, Mapping):
        c.fail("scoring", "must be a table")
    else:
        c.keys("scoring", scoring, {"method"}, {"method"})
        method = str(scoring.get("method", ""))
        if "method" in scoring and method not in _SCORING_METHODS:
            c.fail("scoring.method", f"must be one of {sorted(_SCORING_METHODS)}, not '{method}'")

    items = _parse_items(c, data.get("items"))
    bands = _parse_bands(c, data.get("bands", []))
    flags = _parse_flags(c, data.get("flags", []), {i.id for i in items})

    instrument = Instrument(
        id=inst_id,
        version=version,
        title=c.text("top level", data, "title"),
        short_title=c.text("top level", data, "short_title"),
        source=c.text("top level", data, "source"),
        licence=c.text("top level", data, "licence"),
        scoring_method=method,
        items=tuple(items),
        bands=tuple(bands),
        flags=tuple(flags),
        domain=domain,
        timeframe=c.text("top level", data, "timeframe", required=False),
        instructions=c.text("top level", data, "instructions", required=False),
    )
    if not c.problems:
        _check_bands_cover_range(c, instrument)
    if c.problems:
        raise InstrumentFileError(source, c.problems)
    return instrument


def _parse_items(c: _Checker, raw: object) -> list[Item]:
    if not isinstance(raw, list) or not raw:
        c.fail("items", "must be a non-empty list of [[items]] tables")
        return []
    items: list[Item] = []
    seen: set[str] = set()
    for n, table in enumerate(raw, 1):
        where = f"items[{n}]"
        if not isinstance(table, Mapping):
            c.fail(where, "must be a table")
            continue
        c.keys(where, table, _ITEM_KEYS, {"id", "text", "options"})
        item_id = c.text(where, table, "id")
        if item_id:
            where = f"items[{n}] (id '{item_id}')"
            if item_id in seen:
                c.fail(where, f"duplicate item id '{item_id}'")
            seen.add(item_id)
        options = _parse_options(c, where, table.get("options"))
        items.append(
            Item(
                id=item_id,
                text=c.text(where, table, "text"),
                options=tuple(options),
                note=c.text(where, table, "note", required=False),
            )
        )
    return items


def _parse_options(c: _Checker, where: str, raw: object) -> list[Option]:
    if not isinstance(raw, list) or len(raw) < 2:
        c.fail(f"{where}.options", "must list at least two options")
        return []
    options: list[Option] = []
    codes: set[str] = set()
    for n, table in enumerate(raw, 1):
        owhere = f"{where}.options[{n}]"
        if not isinstance(table, Mapping):
            c.fail(owhere, "must be a table")
            continue
        c.keys(owhere, table, _OPTION_KEYS, _OPTION_KEYS)
        code = table.get("code")
        if not isinstance(code, str) or not code.strip():
            if "code" in table:
                c.fail(f"{owhere}.code", "must be a non-empty string")
            code = ""
        elif code in codes:
            c.fail(f"{owhere}.code", f"duplicate option code '{code}'")
        codes.add(code)
        score = c.integer(f"{owhere}.score", table["score"]) if "score" in table else None
        options.append(Option(code=code, label=c.text(owhere, table, "label"), score=score or 0))
    return options


def _parse_bands(c: _Checker, raw: object) -> list[Band]:
    if not isinstance(raw, list):
        c.fail("bands", "must be a list of [[bands]] tables")
        return []
    bands: list[Band] = []
    for n, table in enumerate(raw, 1):
        where = f"bands[{n}]"
        if not isinstance(table, Mapping):
            c.fail(where, "must be a table")
            continue
        c.keys(where, table, _BAND_KEYS, _BAND_KEYS)
        lo = c.integer(f"{where}.min", table["min"]) if "min" in table else None
        hi = c.integer(f"{where}.max", table["max"]) if "max" in table else None
        if lo is not None and hi is not None and lo > hi:
            c.fail(where, f"min {lo} is greater than max {hi}")
        bands.append(
            Band(min=lo or 0, max=hi or 0, key=c.text(where, table, "key"), label=c.text(where, table, "label"))
        )
    return bands


def _parse_flags(c: _Checker, raw: object, item_ids: set[str]) -> list[Flag]:
    if not isinstance(raw, list):
        c.fail("flags", "must be a list of [[flags]] tables")
        return []
    flags: list[Flag] = []
    for n, table in enumerate(raw, 1):
        where = f"flags[{n}]"
        if not isinstance(table, Mapping):
            c.fail(where, "must be a table")
            continue
        c.keys(where, table, _FLAG_KEYS, {"id", "kind", "message"})
        items = table.get("items", [])
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            c.fail(f"{where}.items", "must be a list of item ids")
            items = []
        for item_id in items:
            if item_id not in item_ids:
                c.fail(f"{where}.items", f"names unknown item '{item_id}'")
        min_score = c.integer(f"{where}.min_score", table["min_score"]) if "min_score" in table else None
        total_min = c.integer(f"{where}.total_min", table["total_min"]) if "total_min" in table else None
        sum_min = c.integer(f"{where}.sum_min", table["sum_min"]) if "sum_min" in table else None
        conditions = [key for key in ("min_score", "total_min", "sum_min") if key in table]
        if len(conditions) != 1:
            c.fail(where, "needs exactly one condition: 'min_score' (any of the items), 'sum_min' (the sum of "
                          "the items) or 'total_min' (the total)")
        if items and "total_min" in table:
            c.fail(where, "'items' needs 'min_score' or 'sum_min', not 'total_min'")
        if "sum_min" in table and not items:
            c.fail(where, "'sum_min' needs the 'items' it adds up")
        flags.append(
            Flag(
                id=c.text(where, table, "id"),
                kind=c.text(where, table, "kind"),
                message=c.text(where, table, "message"),
                items=tuple(items),
                min_score=min_score,
                total_min=total_min,
                sum_min=sum_min,
            )
        )
    return flags


def _check_bands_cover_range(c: _Checker, inst: Instrument) -> None:
    if inst.scoring_method == "none":
        if inst.bands:
            c.fail("bands", "an instrument with scoring method 'none' has no total, so it cannot have bands")
        for flag in inst.flags:
            if flag.total_min is not None:
                c.fail(f"flag '{flag.id}'", "uses 'total_min' but the instrument has no total")
        return
    if not inst.bands:
        c.fail("bands", "a summed instrument needs bands covering its whole range")
        return
    lo, hi = inst.min_total, inst.max_total
    ordered = sorted(inst.bands, key=lambda b: b.min)
    if ordered[0].min != lo:
        c.fail("bands", f"the lowest band starts at {ordered[0].min}, but the lowest possible total is {lo}")
    if ordered[-1].max != hi:
        c.fail("bands", f"the highest band ends at {ordered[-1].max}, but the highest possible total is {hi}")
    for prev, nxt in pairwise(ordered):
        if nxt.min <= prev.max:
            c.fail("bands", f"bands '{prev.key}' ({prev.min}-{prev.max}) and '{nxt.key}' ({nxt.min}-{nxt.max}) overlap")
        elif nxt.min > prev.max + 1:
            c.fail("bands", f"gap between '{prev.key}' (ends {prev.max}) and '{nxt.key}' (starts {nxt.min})")
    keys = [b.key for b in inst.bands]
    if len(set(keys)) != len(keys):
        c.fail("bands", "band keys must be unique")


def load_instrument(path: Path) -> Instrument:
    """Read and validate one instrument file in force (named <id>.toml); errors name the file and every wrong key."""
    instrument = load_instrument_data(path)
    if instrument.id != path.stem:
        raise InstrumentFileError(str(path), [f"id '{instrument.id}' does not match the file name '{path.stem}'"])
    return instrument


def load_instrument_data(path: Path) -> Instrument:
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise InstrumentFileError(str(path), [f"not valid TOML: {exc}"]) from exc
    except OSError as exc:
        raise InstrumentFileError(str(path), [f"cannot be read: {exc.strerror}"]) from exc
    return parse_instrument(data, str(path))


def load_instruments(folder: Path) -> dict[str, Instrument]:
    """Every instrument in force in a folder, keyed by id, in file-name order."""
    files = sorted(folder.glob("*.toml"))
    if not files:
        raise InstrumentFileError(str(folder), ["no instrument files (*.toml) found"])
    return {inst.id: inst for inst in (load_instrument(f) for f in files)}


def load_archived_instrument(path: Path) -> Instrument:
    """One archived version, in a file named <id>-<version>.toml."""
    instrument = load_instrument_data(path)
    expected = f"{instrument.id}-{instrument.version}"
    if path.stem != expected:
        message = f"an archived instrument file is named after its id and version: '{expected}.toml', not '{path.name}'"
        raise InstrumentFileError(str(path), [message])
    return instrument


def load_instrument_versions(
    folder: Path, in_force: Mapping[str, Instrument] | None = None
) -> dict[tuple[str, str], Instrument]:
    """Every version this app can score, in force or archived, keyed by (id, version).

    A result keeps the version it was scored with; a new version of a form never rewrites it, so the
    old version stays here to re-check and display that result.
    """
    current = in_force if in_force is not None else load_instruments(folder)
    versions = {(inst.id, inst.version): inst for inst in current.values()}
    for path in sorted((folder / ARCHIVE).glob("*.toml")):
        inst = load_archived_instrument(path)
        if (inst.id, inst.version) in versions:
            raise InstrumentFileError(str(path), [f"{inst.id} version {inst.version} is also in force or archived twice"])
        versions[(inst.id, inst.version)] = inst
    return versions


