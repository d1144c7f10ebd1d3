"""Read a PDF back as text, as a person would copy it, for assertions."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

_FOOTER = re.compile(r"^(.*Page \d+ of \d+|DRAFT · version .*|FINAL · version .*|DRAFT)$")


def pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [page.extract_text() or "" for page in reader.pages]


def body_text(pdf: bytes, repeated_headers: tuple[str, ...] = ()) -> str:
    """All pages' text without footers, page marks and table headers repeated after a page break."""
    kept = []
    for text in pages(pdf):
        for line in text.splitlines():
            if _FOOTER.match(line.strip()) or line.strip() in repeated_headers:
                continue
            kept.append(line)
    return "\n".join(kept)


def squash(text: str) -> str:
    """Text with all white space removed, so line wrapping cannot hide a match."""
    return "".join(text.split())
