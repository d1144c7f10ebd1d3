"""Passphrase rules after NCSC advice: length over complexity, at least 12 characters, no common ones."""

from __future__ import annotations

from functools import cache
from pathlib import Path

MIN_LENGTH = 12
MAX_LENGTH = 1024


@cache
def _common(path: Path) -> frozenset[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def passphrase_problems(passphrase: str, user_name: str, common_list: Path) -> list[str]:
    """Plain-word reasons a passphrase is not good enough; an empty list means it is."""
    problems = []
    if len(passphrase) < MIN_LENGTH:
        problems.append(f"Use at least {MIN_LENGTH} characters. Three random words make a good passphrase.")
    if len(passphrase) > MAX_LENGTH:
        problems.append(f"Use at most {MAX_LENGTH} characters.")
    folded = passphrase.casefold()
    squashed = "".join(folded.split())
    if folded in _common(common_list) or squashed in _common(common_list):
        problems.append("This is one of the most commonly used passphrases; choose another.")
    elif len(set(squashed)) <= 2 and squashed:
        problems.append("A passphrase made of one or two repeated characters is easy to guess.")
    elif user_name.strip() and user_name.strip().casefold() in folded:
        problems.append("Do not include your user name.")
    elif squashed and (squashed in "abcdefghijklmnopqrstuvwxyz" * 2 or squashed in "01234567890123456789"
                       or squashed in "qwertyuiopasdfghjklzxcvbnm"):
        problems.append("A run of keyboard letters or numbers is easy to guess.")
    return problems
