"""Typed errors the domain raises, each carrying enough for a clear message to the user."""

from __future__ import annotations

from cstr_desk.errors import CstrDeskError


class InstrumentFileError(CstrDeskError):
    """An instrument or form data file is broken; lists every problem found in it."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(f"{source}: " + "; ".join(self.problems))


class ValidationError(CstrDeskError, ValueError):
    """One field of a case is wrong; `field` is its dotted path, `message` plain words for the user."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")
