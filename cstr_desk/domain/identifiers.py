"""Check and normalise the identifiers on a case: CRN, PNC ID, court case reference (URN)."""

from __future__ import annotations

import re

from cstr_desk.domain.errors import ValidationError

PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_CRN = re.compile(r"^[A-Z]\d{6}$")
_PNC = re.compile(r"^(\d{2}|\d{4})/(\d{1,7})([A-Z])$")
_URN = re.compile(r"^[A-Z0-9][A-Z0-9 /\-]{3,29}$")


def normalise_crn(raw: str, field: str = "identifiers.crn") -> str:
    """An nDelius CRN: one capital letter then six digits, e.g. X123456."""
    crn = raw.strip().upper()
    if not _CRN.match(crn):
        raise ValidationError(field, "A CRN is one letter followed by six digits, for example X123456.")
    return crn


def pnc_check_letter(year: int, serial: int) -> str:
    return PNC_CHECK_LETTERS[int(f"{year % 100:02d}{serial:07d}") % 23]


def normalise_pnc(raw: str, field: str = "identifiers.pnc_id", this_year: int | None = None) -> str:
    """Canonical PNC ID YYYY/NNNNNNNC; short forms like 79/123456Z are expanded, the check letter verified."""
    text = raw.strip().upper().replace(" ", "")
    match = _PNC.match(text)
    if not match:
        raise ValidationError(field, "A PNC ID looks like 2019/0123456X (year, slash, serial number, check letter).")
    year_text, serial_text, letter = match.groups()
    if len(year_text) == 2:
        two = int(year_text)
        pivot = (this_year or 2099) % 100
        year = (2000 if two <= pivot else 1900) + two
    else:
        year = int(year_text)
    serial = int(serial_text)
    expected = pnc_check_letter(year, serial)
    if letter != expected:
        raise ValidationError(field, f"The check letter of this PNC ID does not match: please check the number (expected {expected}).")
    return f"{year:04d}/{serial:07d}{letter}"


def urn_warning(raw: str) -> str | None:
    """Courts use several reference schemes, so this only warns, never blocks."""
    text = raw.strip().upper()
    if not text:
        return None
    if not _URN.match(text):
        return "This case reference looks unusual; please check it (it will still be saved)."
    return None
