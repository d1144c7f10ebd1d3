"""The case file: one JSON document per case (schema_version 2; version 1 still read), loaded with every problem listed."""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from typing import Any, Union

from cstr_desk.domain.case import Case
from cstr_desk.domain.errors import CaseFileError as CaseFileError  # noqa: PLC0414 (importable from here, as before)
from cstr_desk.domain.errors import Problem as Problem  # noqa: PLC0414

SCHEMA_VERSION = 2
# Versions this app reads. Version 1 lacks hearing.conviction_date, which reads as null: the conviction is
# then taken to be on the hearing date (Hearing.convicted_on), and `check` says so. Nothing else changed,
# so a version 1 file loses nothing on the way to version 2.
READABLE_SCHEMA_VERSIONS = (1, 2)


# ---------------------------------------------------------------- writing


def _to_plain(value: object) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _to_plain(v) for k, v in value.items()}
    return value


def case_to_dict(case: Case) -> dict[str, object]:
    return {"schema_version": SCHEMA_VERSION, "case": _to_plain(case)}


def case_to_json(case: Case) -> str:
    """Canonical text: the same case always gives the same bytes."""
    return json.dumps(case_to_dict(case), ensure_ascii=False, indent=2) + "\n"


def case_to_compact_json(case: Case) -> str:
    """The same content without layout, for the database (saved on every edit, so size and speed matter)."""
    return json.dumps(case_to_dict(case), ensure_ascii=False, separators=(",", ":"))


# ---------------------------------------------------------------- reading


class _Reader:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(Problem(path or "$", message))

    def read(self, tp: Any, value: object, path: str) -> Any:
        origin = typing.get_origin(tp)
        if origin in (Union, types.UnionType):
            args = typing.get_args(tp)
            if value is None and type(None) in args:
                return None
            inner = [a for a in args if a is not type(None)]
            return self.read(inner[0], value, path)
        if tp is type(None):
            if value is not None:
                self.fail(path, "must be null")
            return None
        if origin is list:
            if not isinstance(value, list):
                self.fail(path, "must be a list")
                return []
            (item_tp,) = typing.get_args(tp)
            return [self.read(item_tp, v, f"{path}[{n}]") for n, v in enumerate(value)]
        if origin is dict:
            if not isinstance(value, dict):
                self.fail(path, "must be an object")
                return {}
            _, val_tp = typing.get_args(tp)
            return {str(k): self.read(val_tp, v, f"{path}.{k}") for k, v in value.items()}
        if dataclasses.is_dataclass(tp):
            return self.read_dataclass(tp, value, path)
        if tp is bool:
            if not isinstance(value, bool):
                self.fail(path, "must be true or false")
                return False
            return value
        if tp is int:
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(path, "must be a whole number")
                return 0
            return value
        if tp is str:
            if not isinstance(value, str):
                self.fail(path, "must be text")
                return ""
            return value
        if tp is datetime:
            if isinstance(value, str):
                try:
                    parsed = datetime.fromisoformat(value)
                except ValueError:
                    pass
                else:
                    if parsed.tzinfo is None:
                        return parsed
                    # D4: date-times are naive local time by definition; a zone made annex and sheet fail later.
                    self.fail(path, "must be local time without a time zone, like 2026-11-23T10:30:00")
                    return None
            self.fail(path, "must be a date and time like 2026-11-23T10:30:00")
            return None
        if tp is date:
            if isinstance(value, str) and len(value) == 10:
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            self.fail(path, "must be a date like 2026-11-23")
            return None
        raise TypeError(f"case file reader has no rule for {tp!r}")  # a programming error, not bad input

    def read_dataclass(self, cls: Any, value: object, path: str) -> Any:
        if not isinstance(value, dict):
            self.fail(path, "must be an object")
            return None
        hints = typing.get_type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key in value:
            if key not in fields:
                self.fail(f"{path}.{key}", "unknown field")
        kwargs: dict[str, Any] = {}
        failed = False
        for name, f in fields.items():
            if name in value:
                before = len(self.problems)
                kwargs[name] = self.read(hints[name], value[name], f"{path}.{name}")
                failed = failed or len(self.problems) > before
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                self.fail(f"{path}.{name}", "is missing")
                failed = True
        if failed:
            return None
        return cls(**kwargs)


def case_from_dict(data: object) -> Case:
    """Build a Case from parsed JSON or raise CaseFileError listing every problem."""
    reader = _Reader()
    if not isinstance(data, dict):
        raise CaseFileError([Problem("$", "a case file is a JSON object")])
    for key in data:
        if key not in ("schema_version", "case"):
            reader.fail(f"$.{key}", "unknown field")
    version = data.get("schema_version")
    if isinstance(version, bool) or version not in READABLE_SCHEMA_VERSIONS:
        readable = " or ".join(str(v) for v in READABLE_SCHEMA_VERSIONS)
        reader.fail("$.schema_version", f"must be {readable} (this file says {version!r})")
    if "case" not in data:
        reader.fail("$.case", "is missing")
        raise CaseFileError(reader.problems)
    body = data["case"]
    hearing = body.get("hearing") if isinstance(body, dict) else None
    if version == 1 and isinstance(hearing, dict) and "conviction_date" in hearing:
        reader.fail("$.case.hearing.conviction_date", "is not a field of schema version 1 (use schema_version 2)")
    case = reader.read_dataclass(Case, body, "$.case")
    if reader.problems:
        raise CaseFileError(reader.problems)
    return typing.cast(Case, case)


def case_from_json(text: str) -> Case:
    from cstr_desk.domain.limits import size_problem, tree_problems

    too_big = size_problem(len(text))  # characters: at least as many bytes, checked before parsing
    if too_big:
        raise CaseFileError([Problem("$", too_big)])
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CaseFileError([Problem("$", f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}")]) from None
    except (RecursionError, ValueError) as exc:  # 100,000 levels of nesting; integers over 4,300 digits (D9)
        reason = "nested far too deeply" if isinstance(exc, RecursionError) else "holds a number too long to read"
        raise CaseFileError([Problem("$", f"not a usable case file: it {reason}")]) from None
    beyond = [Problem(path, message) for path, message in tree_problems(data)]
    if beyond:
        raise CaseFileError(beyond[:20])
    return case_from_dict(data)
