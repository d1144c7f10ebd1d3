"""The data the rules run on, loaded once from forms/: instruments, consent texts, the site's programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from cstr_desk.domain.consent import ConsentText, consent_text_in, load_consent_texts, load_consent_translations
from cstr_desk.domain.instruments import Instrument, load_instruments
from cstr_desk.domain.rules import Programme, load_programme


@dataclass(frozen=True)
class Forms:
    instruments: dict[str, Instrument]
    consent_texts: dict[str, ConsentText]
    programme: Programme
    consent_translations: dict[str, dict[str, ConsentText]] = field(default_factory=dict)  # lang -> id -> text

    def consent_text(self, text_id: str, lang: str = "en") -> ConsentText | None:
        """A consent text in the person's language ("en" or "cy"), English where no translation exists."""
        return consent_text_in(self.consent_texts, self.consent_translations, text_id, lang)


def load_forms(folder: Path) -> Forms:
    consent_texts = load_consent_texts(folder / "consent")
    return Forms(
        instruments=load_instruments(folder / "instruments"),
        consent_texts=consent_texts,
        programme=load_programme(folder / "programme"),
        consent_translations=load_consent_translations(folder / "consent", consent_texts),
    )
