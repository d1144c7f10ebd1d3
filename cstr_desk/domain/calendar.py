"""Working days: weekends and the bank holidays of England and Wales (data in forms/programme/bank_holidays.toml)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path

from cstr_desk.domain.errors import InstrumentFileError


def load_bank_holidays(path: Path) -> dict[date, str]:
    """Date -> name; the file is checked whole and named in the error when broken."""
    try:
        with open(path, "rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise InstrumentFileError(str(path), [f"cannot be read: {exc}"]) from exc
    entries = data.get("dates")
    problems = []
    holidays: dict[date, str] = {}
    if not isinstance(entries, list):
        raise InstrumentFileError(str(path), ["'dates' must be a list of {date, name} tables"])
    for n, entry in enumerate(entries, 1):
        if not isinstance(entry, dict) or not isinstance(entry.get("date"), date) or not isinstance(entry.get("name"), str):
            problems.append(f"dates[{n}] needs a 'date' (YYYY-MM-DD) and a 'name'")
            continue
        holidays[entry["date"]] = entry["name"]
    if problems:
        raise InstrumentFileError(str(path), problems)
    return holidays


def non_working_day(day: date, holidays: dict[date, str]) -> str | None:
    """Why this is not a working day ('a Sunday', 'Boxing Day (bank holiday)'), or None on a working day."""
    if day in holidays:
        return f"{holidays[day]} (a bank holiday)"
    if day.weekday() >= 5:
        return "a Saturday" if day.weekday() == 5 else "a Sunday"
    return None


def appointment_day_warning(day: date, holidays: dict[date, str]) -> str | None:
    why = non_working_day(day, holidays)
    if why is None:
        return None
    return f"{day:%d/%m/%Y} is {why}: check the service is open that day."
