"""The data the rules run on, loaded once from forms/: instruments, consent texts, the site's programme."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cstr_desk.domain.consent import ConsentText, load_consent_texts
from cstr_desk.domain.instruments import Instrument, load_instruments
from cstr_desk.domain.rules import Programme, load_programme


@dataclass(frozen=True)
class Forms:
    instruments: dict[str, Instrument]
    consent_texts: dict[str, ConsentText]
    programme: Programme


def load_forms(folder: Path) -> Forms:
    return Forms(
        instruments=load_instruments(folder / "instruments"),
        consent_texts=load_consent_texts(folder / "consent"),
        programme=load_programme(folder / "programme"),
    )
