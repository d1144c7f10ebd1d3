"""File names, private file modes and backup names: no database driver here, so the sign-in screen can use it."""

from __future__ import annotations

import contextlib
import os
import re
from datetime import UTC, datetime
from pathlib import Path

DB_NAME = "cstr-desk.db"
LOCK_NAME = "cstr-desk.lock"
BACKUP_DIR = "backups"
ASIDE_DIR = "set-aside"
KEYRING_NAME = "keyring.json"
KEEP_BACKUPS = 5  # the newest five of any kind
KEEP_DAYS = 30  # plus the newest of each of the last thirty days
KEEP_FINALIZE = 10  # plus the newest ten made at a finalize
FILE_MODE, FOLDER_MODE = 0o600, 0o700  # D19: nothing the app writes is readable by other users
_STAMP = re.compile(r"^cstr-desk-(\d{8})-(\d{6})-(\d{6})(?:-([a-z]+))?\.db$")


def private_folder(path: Path) -> None:
    """Make a folder (and its missing parents) that only this user can enter."""
    path.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path, FOLDER_MODE)


def private_file(path: Path) -> None:
    """Create an empty file only this user can read, or narrow an existing one's mode."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, FILE_MODE)
    os.close(fd)
    with contextlib.suppress(OSError):
        os.chmod(path, FILE_MODE)


def keyring_copy_of(backup: Path) -> Path:
    return backup.with_name(backup.name[: -len(".db")] + ".keyring.json")


def backup_time(backup: Path) -> tuple[datetime, str]:
    match = _STAMP.match(backup.name)
    if not match:
        return datetime.min.replace(tzinfo=UTC), ""
    when = datetime.strptime("".join(match.group(1, 2, 3)), "%Y%m%d%H%M%S%f").replace(tzinfo=UTC)
    return when, match.group(4) or ""


def list_backups(folder: Path) -> list[Path]:
    """Backups, newest first."""
    found = [p for p in (folder / BACKUP_DIR).glob("cstr-desk-*.db") if _STAMP.match(p.name)]
    return sorted(found, key=lambda p: backup_time(p)[0], reverse=True)
