"""Check and normalise the identifiers on a case: CRN, PNC ID, court case reference (URN)."""

from __future__ import annotations

import re
from datetime import date

from cstr_desk.domain.errors import ValidationError

PNC_CHECK_LETTERS = "ZABCDEFGHJKLMNPQRTUVWXY"
_CRN = re.compile(r"^[A-Z]\d{6}$")
# As the MoJ's parser (hmpps-person-record, PNCIdentifier.kt): 2 to 4 digits, an optional slash, 1 to 7
# digits, a letter. Without the slash, a form of 10 or more characters is long (four-digit year, the last seven
# digits the serial); a shorter one is short (two-digit year, the rest the serial).
_PNC = re.compile(r"^\d{2,4}/?\d{1,7}[A-Z]$")
_PNC_LONG_FORM_LENGTH = 10
_PNC_SERIAL_LENGTH = 7
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
    """Canonical PNC ID YYYY/NNNNNNNC, parsed exactly as the MoJ's person-record service does.

    With or without the slash: 79/123456T, 79123456T, 1979/0123456T and 19790123456T are the same ID. A
    two-digit year up to this year's last two digits is this century, above it the last (79 is 1979 in 2026).
    In addition to the MoJ's checks, a long-form year in the future is refused.
    """
    year_now = this_year if this_year is not None else date.today().year
    text = raw.strip().upper().replace(" ", "")
    if not _PNC.match(text):
        raise ValidationError(field, "A PNC ID looks like 2019/0123456E or 19/123456E (year, serial number, check "
                                     "letter; the slash may be left out).")
    digits, letter = text.replace("/", "")[:-1], text[-1]
    if len(digits) + 1 < _PNC_LONG_FORM_LENGTH:  # short form: two-digit year, then the serial
        two = int(digits[:2])
        year = (2000 if two <= year_now % 100 else 1900) + two
        serial_text = digits[2:]
    else:  # long form: four-digit year, the serial is the last seven digits
        year = int(digits[:4])
        serial_text = digits[-_PNC_SERIAL_LENGTH:]
        if year > year_now:
            raise ValidationError(field, f"This PNC ID's year ({year}) is in the future; please check it.")
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
