"""Open and unlock the encrypted database (SQLCipher), check it, keep one writer, and make backups."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlcipher3
import sqlite_utils

from cstr_desk.storage.errors import (  # noqa: F401 - re-exported: callers import them from here
    KEY_BYTES,
    AlreadyOpen,
    CannotUnlock,
    DatabaseDamaged,
    NewerDatabase,
    StorageError,
)

DB_NAME = "cstr-desk.db"
LOCK_NAME = "cstr-desk.lock"
BACKUP_DIR = "backups"
KEEP_BACKUPS = 5
BUSY_TIMEOUT_MS = 5000


def _keyed_connect(path: Path, key: bytes) -> Any:
    if len(key) != KEY_BYTES:
        raise CannotUnlock("The database key must be 32 bytes.")
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    # SQLCipher otherwise prints its own errors (a wrong key, a damaged page) to the terminal.
    conn.execute("PRAGMA cipher_log_level = NONE")
    # A raw key (x'...') skips SQLCipher's own passphrase derivation: the key is already random.
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def translate_error(exc: Exception, action: str) -> StorageError:
    """Turn a driver error into a sentence; the previous state is intact because the transaction rolled back."""
    text = str(exc).lower()
    if "full" in text:
        return StorageError(f"Could not {action}: the disk is full. Nothing was changed; free some space and try again.")
    if "readonly" in text or "read-only" in text or "permission" in text:
        return StorageError(f"Could not {action}: the data folder is read-only. Nothing was changed.")
    if "locked" in text or "busy" in text:
        return StorageError(f"Could not {action}: the database is busy. Nothing was changed; try again.")
    if "constraint failed: final" in text or "cannot be changed" in text:
        return StorageError(f"Could not {action}: a final version cannot be changed or deleted.")
    return StorageError(f"Could not {action}: {exc}. Nothing was changed.")


class _ProcessLock:
    """One writer per data folder: an OS lock on a file, released by the OS if the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[bytes] | None = None

    def acquire(self) -> None:
        try:
            handle = open(self.path, "a+b")  # noqa: SIM115 - held open: the lock lives as long as the handle
        except OSError as exc:
            raise translate_error(exc, "open the data folder") from exc
        try:
            if sys.platform == "win32":
                import msvcrt

                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            raise AlreadyOpen(
                "CSTR Desk already has this data folder open (another window or command). "
                "Close it first, then try again."
            ) from None
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            self.handle.close()  # closing the file drops the lock
            self.handle = None


@dataclass
class Database:
    """An unlocked, checked, migrated database and the folder it lives in."""

    folder: Path
    db: sqlite_utils.Database
    key: bytes = field(repr=False)
    lock: _ProcessLock = field(repr=False)
    keep_backups: int = KEEP_BACKUPS

    @property
    def path(self) -> Path:
        return self.folder / DB_NAME

    def close(self, backup: bool = True) -> None:
        try:
            if backup:
                self.backup()
        finally:
            self.db.conn.close()
            self.lock.release()

    def backup(self) -> Path:
        """A consistent encrypted copy (same key) by the SQLite backup API; keeps the newest few."""
        folder = self.folder / BACKUP_DIR
        folder.mkdir(exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"cstr-desk-{stamp}.db"
        partial = target.with_suffix(".part")
        try:
            dest = _keyed_connect(partial, self.key)
            try:
                self.db.conn.backup(dest)
            finally:
                dest.close()
            os.replace(partial, target)
        except (sqlcipher3.Error, OSError) as exc:
            partial.unlink(missing_ok=True)
            raise translate_error(exc, "make a backup") from exc
        for old in list_backups(self.folder)[self.keep_backups:]:
            old.unlink(missing_ok=True)
        return target


def list_backups(folder: Path) -> list[Path]:
    """Backups, newest first."""
    return sorted((folder / BACKUP_DIR).glob("cstr-desk-*.db"), reverse=True)


def open_database(folder: Path, key: bytes, *, create: bool = True, keep_backups: int = KEEP_BACKUPS) -> Database:
    """Unlock the database in folder (creating it if new), check its integrity and bring its schema up to date."""
    from cstr_desk.storage.migrations import apply_migrations

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise translate_error(exc, "create the data folder") from exc
    lock = _ProcessLock(folder / LOCK_NAME)
    lock.acquire()
    path = folder / DB_NAME
    existed = path.exists() and path.stat().st_size > 0
    if not existed and not create:
        lock.release()
        raise StorageError(f"There is no CSTR Desk database in {folder}.")
    conn = None
    try:
        conn = _keyed_connect(path, key)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError:
            raise CannotUnlock(
                "Cannot unlock the database: the key is wrong, or the file is not a CSTR Desk database."
            ) from None
        if existed:
            _check_integrity(conn, folder)
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA synchronous = NORMAL")
        db = sqlite_utils.Database(conn)
        apply_migrations(db)
    except StorageError:
        if conn is not None:
            conn.close()
        lock.release()
        raise
    except sqlcipher3.Error as exc:
        if conn is not None:
            conn.close()
        lock.release()
        raise translate_error(exc, "open the database") from exc
    return Database(folder=folder, db=db, key=key, lock=lock, keep_backups=keep_backups)


def _check_integrity(conn: Any, folder: Path) -> None:
    """Refuse a damaged file before anything writes to it."""
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
    except sqlcipher3.DatabaseError as exc:
        rows = [(str(exc),)]
    if [r[0] for r in rows] != ["ok"]:
        raise DatabaseDamaged(
            "The database file is damaged, so CSTR Desk will not write to it. It has been left exactly as it is.",
            list_backups(folder),
        )
