"""Limits on what a case file may hold, so hostile or broken input is refused in one line, never a traceback.

A case file is read by `check`, `annex`, `sheet` and `import`, and stored drafts are read when a case opens. Every
value a person could type fits well inside these limits; anything beyond them is refused before it reaches the
eligibility rules, the PDF layout or the database (issue 15: D4, D9, D10).
"""

from __future__ import annotations

from collections.abc import Iterator

MAX_CASE_FILE_BYTES = 5 * 1024 * 1024  # a real case file is about 12 KB
MAX_NAME = 200  # a person's or practitioner's name, as on the details page (domain.case.MAX_NAME)
MAX_TEXT = 10_000  # any other text field (notes, formulation, offence descriptions)
MAX_DEPTH = 16  # the schema needs 6 levels ($ > case > proposal > requirements > [n] > field)
MAX_ITEMS = 1_000  # entries in one list or object
MAX_INT = 10**9  # scores, lengths and counts are small; this keeps arithmetic and SQLite integers safe

NAME_KEYS = frozenset({"given_names", "family_name", "name", "supervisor_name", "assessor", "by", "obtained_by", "practitioner",
                       "officer", "interpreter_language"})


# Control characters and the Unicode bidirectional overrides and isolates (D17: a right-to-left override made a
# name display differently on screen and in search).
_HIDDEN = frozenset([chr(c) for c in range(0x20)] + [chr(c) for c in range(0x7F, 0xA0)]
                    + ["\u200e", "\u200f", "\u061c", *map(chr, range(0x202A, 0x202F)), *map(chr, range(0x2066, 0x206A))])


def size_problem(size: int) -> str:
    """'' when a file of this many bytes may be read as a case file."""
    if size > MAX_CASE_FILE_BYTES:
        # Only the first limit + 1 bytes are read, so say "more than", not a size that may be wrong.
        return (f"the file is larger than a case file may be: at most {MAX_CASE_FILE_BYTES:,} bytes (5 MB); "
                "nothing in it was read")
    return ""


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def tree_problems(data: object) -> Iterator[tuple[str, str]]:
    """(path, message) for each value beyond the limits, walking the parsed JSON without recursion."""
    stack: list[tuple[object, str, int, str]] = [(data, "$", 1, "")]
    while stack:
        value, path, depth, key = stack.pop()
        if depth > MAX_DEPTH:
            yield path, f"nested more than {MAX_DEPTH} levels deep"
            continue
        if isinstance(value, str):
            if _has_lone_surrogate(value):
                yield path, "holds a broken character (a lone UTF-16 surrogate)"
            limit = MAX_NAME if key in NAME_KEYS else MAX_TEXT
            if len(value) > limit:
                yield path, f"is {len(value):,} characters long; at most {limit:,} are allowed here"
            if key in NAME_KEYS and any(ch in _HIDDEN for ch in value):
                yield path, "holds a control or direction-changing character (it would display differently)"
        elif isinstance(value, bool) or value is None or isinstance(value, float):
            continue
        elif isinstance(value, int):
            if abs(value) > MAX_INT:
                yield path, f"is a number beyond {MAX_INT:,}"
        elif isinstance(value, list):
            if len(value) > MAX_ITEMS:
                yield path, f"has {len(value):,} entries; at most {MAX_ITEMS:,} are allowed"
                continue
            stack.extend((item, f"{path}[{n}]", depth + 1, key) for n, item in enumerate(value))
        elif isinstance(value, dict):
            if len(value) > MAX_ITEMS:
                yield path, f"has {len(value):,} entries; at most {MAX_ITEMS:,} are allowed"
                continue
            for k, item in value.items():
                if _has_lone_surrogate(k):
                    yield path, "has a field name with a broken character (a lone UTF-16 surrogate)"
                    continue
                stack.append((item, f"{path}.{k}", depth + 1, k))
