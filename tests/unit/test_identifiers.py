"""CRN and PNC ID checks, as the spec defines them."""

import pytest

from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.identifiers import PNC_CHECK_LETTERS, normalise_crn, normalise_pnc, pnc_check_letter, urn_warning


@pytest.mark.parametrize("raw, expected", [("X123456", "X123456"), (" x123456 ", "X123456")])
def test_crn_ok(raw, expected):
    assert normalise_crn(raw) == expected


@pytest.mark.parametrize("raw", ["123456", "XX12345", "X12345", "X1234567", ""])
def test_crn_bad(raw):
    with pytest.raises(ValidationError):
        normalise_crn(raw)


def test_pnc_check_letter_matches_the_formula():
    # (last two digits of the year then seven serial digits) mod 23, into the letter table.
    assert pnc_check_letter(2012, 345678) == PNC_CHECK_LETTERS[120345678 % 23]
    assert pnc_check_letter(1979, 123456) == PNC_CHECK_LETTERS[790123456 % 23]


def test_pnc_short_form_is_expanded():
    letter = pnc_check_letter(1979, 123456)
    assert normalise_pnc(f"79/123456{letter}", this_year=2026) == f"1979/0123456{letter}"
    letter = pnc_check_letter(2012, 345678)
    assert normalise_pnc(f"12/345678{letter}", this_year=2026) == f"2012/0345678{letter}"


def test_pnc_wrong_check_letter_is_refused():
    letter = pnc_check_letter(2012, 345678)
    wrong = next(c for c in PNC_CHECK_LETTERS if c != letter)
    with pytest.raises(ValidationError, match="check letter"):
        normalise_pnc(f"2012/0345678{wrong}")


def test_urn_only_warns():
    assert urn_warning("44GH1234526") is None
    assert urn_warning("??") is not None
    assert urn_warning("") is None
