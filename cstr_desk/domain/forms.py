"""The data the rules run on, loaded once from forms/: instruments, consent texts, the site's programme."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from cstr_desk.domain.consent import ConsentText, consent_text_in, load_consent_texts, load_consent_translations
from cstr_desk.domain.instrument_files import load_instrument_versions, load_instruments
from cstr_desk.domain.instruments import Instrument
from cstr_desk.domain.rules import Programme, load_programme


@dataclass(frozen=True)
class Forms:
    instruments: dict[str, Instrument]  # the versions in force, by id
    consent_texts: dict[str, ConsentText]
    programme: Programme
    instrument_versions: Mapping[tuple[str, str], Instrument] = field(default_factory=dict)  # in force and archived
    consent_translations: dict[str, dict[str, ConsentText]] = field(default_factory=dict)  # lang -> id -> text

    def instrument(self, instrument_id: str, version: str | None = None) -> Instrument | None:
        """The version a result was scored with (or the one in force when version is None); None if unknown."""
        current = self.instruments.get(instrument_id)
        if version is None or (current is not None and current.version == version):
            return current
        return self.instrument_versions.get((instrument_id, version))

    def consent_text(self, text_id: str, lang: str = "en") -> ConsentText | None:
        """A consent text in the person's language ("en" or "cy"), English where no translation exists."""
        return consent_text_in(self.consent_texts, self.consent_translations, text_id, lang)


def load_forms(folder: Path) -> Forms:
    instruments = load_instruments(folder / "instruments")
    consent_texts = load_consent_texts(folder / "consent")
    return Forms(
        instruments=instruments,
        consent_texts=consent_texts,
        programme=load_programme(folder / "programme"),
        instrument_versions=load_instrument_versions(folder / "instruments", instruments),
        consent_translations=load_consent_translations(folder / "consent", consent_texts),
    )
