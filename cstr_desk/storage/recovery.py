"""Getting the cases back: restore a backup safely, and list the backups with whether each one is good."""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cstr_desk.domain.roles import Actor
from cstr_desk.storage.db import _ProcessLock, check_file, open_database, translate_error
from cstr_desk.storage.errors import StorageError
from cstr_desk.storage.files import (
    ASIDE_DIR,
    BACKUP_DIR,
    DB_NAME,
    LOCK_NAME,
    backup_time,
    list_backups,
    private_file,
    private_folder,
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    made_at: datetime
    kind: str
    good: bool  # opens with the current key and passes quick_check


@dataclass(frozen=True)
class Restored:
    backup: Path
    set_aside: list[Path]  # where the previous database (and its WAL/SHM) now are; never deleted


def backups(folder: Path, key: bytes) -> list[BackupInfo]:
    """Every backup, newest first, checked read-only against the key."""
    return [BackupInfo(b, *backup_time(b), good=not check_file(b, key)) for b in list_backups(folder)]


def _aside_name(folder: Path, stamp: str, name: str) -> Path:
    target = folder / ASIDE_DIR / f"{stamp}-{name}"
    n = 1
    while target.exists():  # never overwrite anything set aside before
        target = folder / ASIDE_DIR / f"{stamp}-{n}-{name}"
        n += 1
    return target


def restore_backup(folder: Path, backup: Path, key: bytes, actor: Actor) -> Restored:
    """Put a backup in place of the database, safely (D12).

    The backup must open with the key and pass quick_check before anything moves. The current database file
    and any leftover WAL and SHM files are moved, together, into set-aside/ (never overwritten, never deleted),
    so a stale WAL cannot be applied to the restored file. The copy is written to a .part file, synced, and
    renamed into place; then the restore is written to the audit log of the restored database. Nobody may have
    the folder open meanwhile (the one-writer lock is held throughout).
    """
    actor.require("manage_users")
    backup = Path(backup)
    if not backup.is_absolute() and not backup.exists():
        backup = folder / BACKUP_DIR / backup
    if not backup.is_file():
        raise StorageError(f"There is no backup file {backup}.")
    problem = check_file(backup, key)
    if problem:
        raise StorageError(f"The backup {backup.name} cannot be restored: it does not open with this folder's key, "
                           "or it is damaged. Nothing was changed.")
    lock = _ProcessLock(folder / LOCK_NAME)
    lock.acquire()
    moved: list[tuple[Path, Path]] = []
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    database = folder / DB_NAME
    partial = folder / (DB_NAME + ".part")
    try:
        private_folder(folder / ASIDE_DIR)
        private_file(partial)
        with open(backup, "rb") as src, open(partial, "wb") as dst:
            shutil.copyfileobj(src, dst)
            dst.flush()
            os.fsync(dst.fileno())
        for name in (DB_NAME, DB_NAME + "-wal", DB_NAME + "-shm", DB_NAME + "-journal"):
            current = folder / name
            if current.exists():
                target = _aside_name(folder, stamp, name)
                os.replace(current, target)
                moved.append((current, target))
        os.replace(partial, database)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        for current, target in moved:  # put back what was moved: the folder is as it was
            with contextlib.suppress(OSError):
                os.replace(target, current)
        raise translate_error(exc, "restore the backup") from exc
    finally:
        lock.release()
    opened = open_database(folder, key, create=False, key_verified=True)
    try:
        from cstr_desk.storage.audit import append_audit

        with opened.db.atomic():
            append_audit(opened.db, actor.name, "restore", None, f"from {backup.name}")
    finally:
        opened.close(backup=False)
    return Restored(backup, [target for _, target in moved])
