"""The domain's errors: one family under cstr_desk.errors.CstrDeskError, each with enough for a clear message.

Each also keeps the builtin base callers caught before the family existed (ValueError, PermissionError), so
`except ValueError` around a field still works.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from cstr_desk.errors import CstrDeskError


class DomainError(CstrDeskError):
    """A rule of the domain refused something: bad data in a form file, a case file, a field or an answer."""


class InstrumentFileError(DomainError):
    """An instrument or form data file is broken; lists every problem found in it."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


class ValidationError(DomainError, ValueError):
    """One field of a case is wrong; `field` is its dotted path, `message` plain words for the user."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class Problem(NamedTuple):
    """One problem in a case file: where (a JSON path like $.case.person.date_of_birth) and what, in words."""

    path: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"path": self.path, "message": self.message}


class CaseFileError(DomainError, ValueError):
    """A case file that cannot be loaded; `problems` lists every one with its path in the file."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in self.problems))


class AnswerError(DomainError, ValueError):
    """An answer that is not one of the item's options, or an answer set of the wrong shape."""


class NotAllowed(DomainError, PermissionError):
    """The signed-in role may not do this; the message says why in plain words."""
