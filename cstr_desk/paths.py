"""Every location the app uses: shipped data (forms, resources) and the user's data folder."""

from __future__ import annotations

import os
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
APP_NAME = "cstr-desk"
APP_AUTHOR = "CSTR Desk"


def _shipped(name: str) -> Path:
    # In a built wheel, forms/ and resources/ are placed inside the package;
    # in a source checkout (editable install) they sit at the repository root.
    inside = _PACKAGE_DIR / name
    if inside.is_dir():
        return inside
    beside = _PACKAGE_DIR.parent / name
    if beside.is_dir():
        return beside
    raise FileNotFoundError(f"CSTR Desk cannot find its '{name}' folder (looked in {inside} and {beside})")


def forms_dir() -> Path:
    return _shipped("forms")


def resources_dir() -> Path:
    return _shipped("resources")


def instruments_dir() -> Path:
    return forms_dir() / "instruments"


def data_dir(override: str | os.PathLike[str] | None = None) -> Path:
    """The folder for the database and backups: --data-dir, else CSTR_DESK_DATA, else platformdirs."""
    if override:
        return Path(override)
    env = os.environ.get("CSTR_DESK_DATA")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
