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


# The MoJ person-record service's own vectors (hmpps-person-record, PNCIdentifierTest.kt), with or without the
# slash, short and long forms: an ID typed from a police record must match what probation systems hold.
MOJ_CANONICAL = [
    ("81/34U", "1981/0000034U"), ("02/73319Z", "2002/0073319Z"), ("00/223R", "2000/0000223R"),
    ("79/163001B", "1979/0163001B"), ("0273319Z", "2002/0073319Z"), ("79163001B", "1979/0163001B"),
    ("033Y", "2003/0000003Y"), ("20020073319Z", "2002/0073319Z"), ("19790163001B", "1979/0163001B"),
    ("2002/0073319Z", "2002/0073319Z"), ("1979/0163001B", "1979/0163001B"),
]
MOJ_VALID = ["2008/0056560Z", "20030011985X", "20120052494Q", "20230583843L", "2001/0171310W", "2011/0275516Q",
             "2003/0062845E", "1981/0154257C"]
MOJ_INVALID = ["01", "012", "0123", "01234", "012345", "0123567", "012345678", "0123456789", "01234567890",
               "01234567890123", "TOTALLYINVALID", "1X23/1234567A", "1923[1234567A", "1923/1Z34567A",
               "1923/1234567AA", "20030011985Z", "20120052494O", "20230583843N", "2001/0171310S"]


@pytest.mark.parametrize("raw, canonical", MOJ_CANONICAL)
def test_pnc_canonical_form_as_the_moj_parser(raw, canonical):
    assert normalise_pnc(raw, this_year=2026) == canonical


@pytest.mark.parametrize("raw", MOJ_VALID)
def test_pnc_valid_as_the_moj_parser(raw):
    assert normalise_pnc(raw, this_year=2026)


@pytest.mark.parametrize("raw", MOJ_INVALID)
def test_pnc_invalid_as_the_moj_parser(raw):
    with pytest.raises(ValidationError):
        normalise_pnc(raw, this_year=2026)


@pytest.mark.parametrize("raw, canonical", [
    ("79/123456T", "1979/0123456T"), ("79123456T", "1979/0123456T"), ("19790123456T", "1979/0123456T"),
    ("2019/0123456E", "2019/0123456E"), ("20190123456E", "2019/0123456E"), ("2001/0000001Q", "2001/0000001Q"),
    (" 79/123456t ", "1979/0123456T"),
])
def test_pnc_spec_examples_with_and_without_the_slash(raw, canonical):
    assert normalise_pnc(raw, this_year=2026) == canonical


def test_pnc_1979123456T_reads_as_the_moj_parser_does():
    """Eleven characters without a slash is the long form: year 1979, serial the last seven digits (9123456), so
    its check letter is B, not T (the spec lists this string as 79/123456T without the slash; the MoJ parser,
    which the spec says to follow exactly, does not read it so)."""
    with pytest.raises(ValidationError, match="expected B"):
        normalise_pnc("1979123456T", this_year=2026)
    assert normalise_pnc("1979123456B", this_year=2026) == "1979/9123456B"


@pytest.mark.parametrize("two, this_year, year", [("26", 2026, 2026), ("27", 2026, 1927), ("00", 2026, 2000),
                                                   ("99", 2026, 1999), ("27", 2027, 2027)])
def test_pnc_two_digit_years_split_at_the_current_year(two, this_year, year):
    serial = 1234
    letter = pnc_check_letter(year, serial)
    assert normalise_pnc(f"{two}/{serial}{letter}", this_year=this_year) == f"{year}/{serial:07d}{letter}"


def test_pnc_long_form_year_in_the_future_is_refused():
    letter = pnc_check_letter(2027, 1)
    with pytest.raises(ValidationError, match="in the future"):
        normalise_pnc(f"2027/0000001{letter}", this_year=2026)
    assert normalise_pnc(f"2027/0000001{letter}", this_year=2027) == f"2027/0000001{letter}"
