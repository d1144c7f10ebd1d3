"""One Unicode font (DejaVu Sans, shipped in resources/fonts), registered once for every PDF."""

from __future__ import annotations

from functools import cache

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont

from cstr_desk.paths import resources_dir

REGULAR = "CSTRSans"
BOLD = "CSTRSans-Bold"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """ReportLab's ToUnicode CMap with characters outside the BMP written as UTF-16 surrogate pairs.

    ReportLab writes such characters as 5-hex-digit codes, which PDF readers reject, so text copied
    or extracted from the PDF loses them. This is the same CMap with each value UTF-16BE encoded.
    """
    def utf16(code: int) -> str:
        return chr(code).encode("utf-16-be", "surrogatepass").hex().upper()

    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
        f"<< /Registry ({fontname})", f"/Ordering ({fontname})", "/Supplement 0", ">> def",
        f"/CMapName /{fontname} def", "/CMapType 2 def", "1 begincodespacerange",
        f"<00> <{len(subset) - 1:02X}>", "endcodespacerange", f"{len(subset)} beginbfchar",
        *(f"<{i:02X}> <{utf16(v)}>" for i, v in enumerate(subset)),
        "endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end",
    ]
    return "\n".join(lines)


@cache
def register_fonts() -> tuple[str, str]:
    """Register the shipped TTFs (not a system path: court laptops run Windows). Returns (regular, bold)."""
    ttfonts.makeToUnicodeCMap = _to_unicode_cmap
    folder = resources_dir() / "fonts"
    pdfmetrics.registerFont(TTFont(REGULAR, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    addMapping(REGULAR, 0, 0, REGULAR)
    addMapping(REGULAR, 1, 0, BOLD)
    addMapping(REGULAR, 0, 1, REGULAR)
    addMapping(REGULAR, 1, 1, BOLD)
    return REGULAR, BOLD


def font_covers(char: str) -> bool:
    """Whether the shipped font has a glyph for this character."""
    register_fonts()
    font = pdfmetrics.getFont(REGULAR)
    return bool(ord(char) in font.face.charToGlyph)
