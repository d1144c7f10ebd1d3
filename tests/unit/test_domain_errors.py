"""The domain's errors are one family under CstrDeskError and keep the builtin bases callers catch."""

from __future__ import annotations

import pytest

from cstr_desk.domain.casefile import case_from_json
from cstr_desk.domain.errors import (
    AnswerError,
    CaseFileError,
    DomainError,
    InstrumentFileError,
    NotAllowed,
    ValidationError,
)
from cstr_desk.domain.instruments import score_instrument
from cstr_desk.domain.roles import Actor
from cstr_desk.errors import CstrDeskError


@pytest.mark.parametrize("error, builtin", [
    (ValidationError("person.family_name", "Enter it."), ValueError),
    (CaseFileError([]), ValueError),
    (AnswerError("no such answer"), ValueError),
    (NotAllowed("not for you"), PermissionError),
    (InstrumentFileError("x.toml", ["broken"]), Exception),
])
def test_every_domain_error_is_a_cstr_desk_error_and_keeps_its_builtin_base(error, builtin):
    assert isinstance(error, DomainError)
    assert isinstance(error, CstrDeskError)
    assert isinstance(error, builtin)


def test_the_errors_raised_in_use_are_caught_by_the_base(forms):
    with pytest.raises(CstrDeskError):
        case_from_json("{not json")
    with pytest.raises(CstrDeskError):
        score_instrument(forms.instruments["phq9"], {"q1": "7"})
    with pytest.raises(CstrDeskError, match="cannot finalize"):
        Actor("Priya Shah", "assistant_psychologist").require("finalize")


def test_old_import_places_still_work():
    from cstr_desk.domain.casefile import CaseFileError as FromCasefile
    from cstr_desk.domain.instruments import AnswerError as FromInstruments
    from cstr_desk.domain.roles import NotAllowed as FromRoles

    assert (FromCasefile, FromInstruments, FromRoles) == (CaseFileError, AnswerError, NotAllowed)
