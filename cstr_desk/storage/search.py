"""Search keys: names folded to plain lower-case letters, and safe full-text queries for search as you type."""

from __future__ import annotations

import re
import unicodedata

# Letters that do not decompose into a base letter plus a mark.
_SPECIAL = str.maketrans({"ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ø": "o", "Ø": "o", "ß": "ss", "æ": "ae",
                          "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d"})


def fold(text: str) -> str:
    """'Łukasz Ștefănescu' -> 'lukasz stefanescu'; other scripts (Cyrillic, Greek) keep their letters."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()


def fts_query(text: str) -> str:
    """Each word as a quoted prefix term, all required: safe for any input, good for search as you type."""
    words = re.findall(r"\w+", fold(text), flags=re.UNICODE)
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)
