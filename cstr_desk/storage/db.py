"""Open and unlock the encrypted database (SQLCipher), check it, keep one writer, and make backups."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import sqlcipher3
import sqlite_utils

from cstr_desk.storage.errors import (
    KEY_BYTES,
    AlreadyOpen,
    BackupFailed,
    CannotUnlock,
    DatabaseDamaged,
    DatabaseMissing,
    DiskFull,
    StorageError,
)
from cstr_desk.storage.files import (  # noqa: F401 - names used across storage
    ASIDE_DIR,
    BACKUP_DIR,
    DB_NAME,
    FILE_MODE,
    FOLDER_MODE,
    KEEP_BACKUPS,
    KEEP_DAYS,
    KEEP_FINALIZE,
    KEYRING_NAME,
    LOCK_NAME,
    backup_time,
    keyring_copy_of,
    list_backups,
    private_file,
    private_folder,
)

BUSY_TIMEOUT_MS = 5000


def _keyed_connect(path: Path, key: bytes, read_only: bool = False) -> Any:
    if len(key) != KEY_BYTES:
        raise CannotUnlock("The database key must be 32 bytes.")
    if read_only:
        # Read-only: a refused open must not checkpoint a WAL into a damaged file or delete it (D12).
        # Without a WAL (the usual case after a clean close) the file is opened immutable: no -shm is made, so
        # this also works on a full disk (D13).
        wal = Path(str(path) + "-wal")
        immutable = not wal.exists() or wal.stat().st_size == 0
        uri = path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=ro")
        conn = sqlcipher3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    else:
        conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    # SQLCipher otherwise prints its own errors (a wrong key, a damaged page) to the terminal.
    conn.execute("PRAGMA cipher_log_level = NONE")
    # A raw key (x'...') skips SQLCipher's own passphrase derivation: the key is already random.
    conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    return conn


def translate_error(exc: Exception, action: str) -> StorageError:
    """Turn a driver error into a sentence; the previous state is intact because the transaction rolled back."""
    text = str(exc).lower()
    if "full" in text or getattr(exc, "errno", None) == errno.ENOSPC:
        return DiskFull(f"Could not {action}: the disk is full. Nothing was changed; free some space and try again.")
    if "readonly" in text or "read-only" in text or "permission" in text:
        return StorageError(f"Could not {action}: the data folder is read-only. Nothing was changed.")
    if "locked" in text or "busy" in text:
        return StorageError(f"Could not {action}: the database is busy. Nothing was changed; try again.")
    if "constraint failed: final" in text or "cannot be changed" in text:
        return StorageError(f"Could not {action}: a final version cannot be changed or deleted.")
    return StorageError(f"Could not {action}: {getattr(exc, 'strerror', None) or exc}. Nothing was changed.")


class _ProcessLock:
    """One writer per data folder: an OS lock on a file, released by the OS if the process dies."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: IO[bytes] | None = None

    def acquire(self) -> None:
        try:
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, FILE_MODE)
            handle = open(fd, "a+b")  # noqa: SIM115 - held open: the lock lives as long as the handle
            with contextlib.suppress(OSError):
                os.chmod(self.path, FILE_MODE)
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


class IntegrityCheck:
    """PRAGMA quick_check on its own read-only connection, on a thread: a big database's check (seconds at 50,000
    cases) no longer stands between sign-in and the case list. Changes wait for it and are refused if it fails.
    The connection is made, used and closed on the check's own thread (a SQLCipher connection that crossed
    threads crashed the interpreter at exit)."""

    def __init__(self, path: Path, key: bytes) -> None:
        import threading

        self._problem: str | None = None
        self._thread = threading.Thread(target=self._run, args=(path, key), name="cstr-desk-quick-check",
                                        daemon=True)
        self._thread.start()

    def _run(self, path: Path, key: bytes) -> None:
        self._problem = check_file(path, key)

    @property
    def done(self) -> bool:
        return not self._thread.is_alive()

    def wait(self) -> str:
        """'' when the file passed, else what is wrong; waits for the check to finish."""
        self._thread.join()
        return self._problem or ""


@dataclass
class Database:
    """An unlocked, checked, migrated database and the folder it lives in."""

    folder: Path
    db: sqlite_utils.Database
    key: bytes = field(repr=False)
    lock: _ProcessLock = field(repr=False)
    keep_backups: int = KEEP_BACKUPS
    read_only: bool = False  # opened on a full disk (D13): reading works, changes are refused as "disk full"
    integrity: IntegrityCheck | None = field(default=None, repr=False)  # still running when opened in background

    @property
    def checked(self) -> bool:
        """The integrity check has finished (it may have found a problem: see require_intact)."""
        return self.integrity is None or self.integrity.done

    def require_intact(self) -> None:
        """Before any change: wait for the integrity check and refuse to write to a damaged file."""
        if self.integrity is None:
            return
        problem = self.integrity.wait()
        if problem:
            raise DatabaseDamaged(
                "The database file is damaged, so CSTR Desk will not write to it. It has been left as it is.",
                good_backups(self.folder, self.key))

    @property
    def path(self) -> Path:
        return self.folder / DB_NAME

    def reopen_writable(self) -> bool:
        """After a read-only open on a full disk: open for writing again if there is room now (D13)."""
        if not self.read_only or _disk_full(self.folder):
            return not self.read_only
        try:
            conn = _keyed_connect(self.path, self.key)
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlcipher3.Error:
            return False
        for pragma in ("foreign_keys = ON", f"busy_timeout = {BUSY_TIMEOUT_MS}", "synchronous = NORMAL"):
            conn.execute(f"PRAGMA {pragma}")
        self.db.conn.close()
        self.db = sqlite_utils.Database(conn)
        self.read_only = False
        return True

    def close(self, backup: bool = True) -> str | None:
        """Close (after a backup copy). Returns a warning when only the backup failed: nothing saved is lost."""
        warning = None
        try:
            if backup and not self.read_only:
                try:
                    self.backup(kind="close")
                except StorageError as exc:
                    warning = str(exc)
        finally:
            self.db.conn.close()
            self.lock.release()
        return warning

    def backup(self, kind: str = "manual") -> Path:
        """A consistent encrypted copy (same key) by the SQLite backup API, checked before it counts, with a copy of
        the accounts file beside it (D3); then old ones are rotated out (never the newest good one, D2)."""
        self.require_intact()
        folder = self.folder / BACKUP_DIR
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
        target = folder / f"cstr-desk-{stamp}-{kind}.db"
        partial = target.with_suffix(".part")
        try:
            private_folder(folder)
            private_file(partial)
            dest = _keyed_connect(partial, self.key)
            try:
                self.db.conn.backup(dest)
            finally:
                dest.close()
            problem = check_file(partial, self.key)
            if problem:
                raise BackupFailed(f"The backup copy did not pass its check ({problem}); the old backups are kept.")
            keyring = self.folder / KEYRING_NAME
            if keyring.exists():
                copy = keyring_copy_of(target)
                private_file(copy.with_suffix(".part"))
                shutil.copyfile(keyring, copy.with_suffix(".part"))
                os.replace(copy.with_suffix(".part"), copy)
            os.replace(partial, target)
        except BackupFailed:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            raise
        except (sqlcipher3.Error, OSError) as exc:
            with contextlib.suppress(OSError):
                partial.unlink(missing_ok=True)
            error = translate_error(exc, "make a backup")
            raise BackupFailed(str(error).replace("Nothing was changed", "Your work is saved; only the backup "
                                                  "copy is missing")) from exc
        for old in backups_to_retire(list_backups(self.folder), datetime.now(UTC), self.keep_backups):
            old.unlink(missing_ok=True)
            keyring_copy_of(old).unlink(missing_ok=True)
        return target


def backups_to_retire(backups: list[Path], now: datetime, newest: int = KEEP_BACKUPS) -> list[Path]:
    """Generations: the newest KEEP_BACKUPS, the newest of each of the last KEEP_DAYS days, the newest
    KEEP_FINALIZE finalize copies. The newest backup is always kept (every backup was checked when made)."""
    keep: set[Path] = set(backups[:max(1, newest)])
    days: set[str] = set()
    finals = 0
    for backup in backups:  # newest first
        when, kind = backup_time(backup)
        day = when.strftime("%Y%m%d")
        if (now - when).days < KEEP_DAYS and day not in days:
            days.add(day)
            keep.add(backup)
        if kind == "finalize" and finals < KEEP_FINALIZE:
            finals += 1
            keep.add(backup)
    return [b for b in backups if b not in keep]


def good_backups(folder: Path, key: bytes | None) -> list[Path]:
    """Backups newest first; with a key, only those that open with it and pass quick_check."""
    backups = list_backups(folder)
    if key is None:
        return backups
    return [b for b in backups if not check_file(b, key)]


def check_file(path: Path, key: bytes) -> str:
    """'' when the file opens with key and passes quick_check, else what is wrong. Opens read-only."""
    try:
        conn = _keyed_connect(path, key, read_only=True)
    except sqlcipher3.Error as exc:
        return str(exc)
    try:
        rows = conn.execute("PRAGMA quick_check").fetchall()
        return "" if [r[0] for r in rows] == ["ok"] else "; ".join(str(r[0]) for r in rows[:3])
    except sqlcipher3.Error as exc:
        return str(exc)
    finally:
        conn.close()


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove the half-written files a killed backup or accounts save leaves behind (D15)."""
    import time

    removed = []
    for pattern in (f"{BACKUP_DIR}/*.part", ".keyring-*.part", f"{DB_NAME}.part"):
        for leftover in folder.glob(pattern):
            with contextlib.suppress(OSError):
                # The accounts file is written without the database lock: leave a very fresh one to its writer.
                if leftover.name.startswith(".keyring-") and time.time() - leftover.stat().st_mtime < 60:
                    continue
                leftover.unlink()
                removed.append(leftover)
    return removed


def open_database(folder: Path, key: bytes, *, create: bool | None = None, keep_backups: int = KEEP_BACKUPS,
                  key_verified: bool = False, previous_keys: tuple[bytes, ...] = (),
                  background_check: bool = False) -> Database:
    """Unlock the database in folder, check its integrity and bring its schema up to date.

    A new database is made only when create is true, or (create None) when the folder has no accounts file yet,
    the first run. Otherwise a missing or empty file is refused
    with the newest backup named (D2). A file that does not open is checked read-only and left exactly as it was;
    with key_verified (the key was just unwrapped from the accounts file) it is reported as damaged, not as a
    wrong key, and the newest good backup is named (D12). previous_keys (a rekey a crash interrupted): a file
    still under one of them is opened with it and rekeyed to key at once (see storage/rekey.py).
    """
    from cstr_desk.storage.migrations import apply_migrations, pending_migrations

    try:
        private_folder(folder)
    except OSError as exc:
        raise translate_error(exc, "create the data folder") from exc
    lock = _ProcessLock(folder / LOCK_NAME)
    lock.acquire()
    clean_leftovers(folder)
    path = folder / DB_NAME
    existed = path.exists() and path.stat().st_size > 0
    if create is None:
        create = not (folder / KEYRING_NAME).exists()
    if not existed and not create:
        lock.release()
        raise DatabaseMissing(
            f"The database file {path} is {'empty' if path.exists() else 'missing'}, but this folder has accounts, "
            "so CSTR Desk will not start a new, empty one. Restore a backup (cstr-desk restore).",
            good_backups(folder, key))
    conn = None
    shm = Path(str(path) + "-shm")
    shm_existed = shm.exists()
    open_key = key
    if existed and previous_keys and check_file(path, key):
        open_key = next((k for k in previous_keys if not check_file(path, k)), key)
    integrity: IntegrityCheck | None = None
    try:
        if existed and background_check and open_key == key and not _opens(path, key):
            _check_before_writing(path, open_key, folder, key_verified)  # a wrong key or a broken file: say which
        elif existed and background_check and open_key == key:
            integrity = IntegrityCheck(path, key)
        elif existed:
            _check_before_writing(path, open_key, folder, key_verified)
        else:
            private_file(path)
        read_only = False
        try:
            conn = _keyed_connect(path, open_key)
            conn.execute("PRAGMA journal_mode = WAL")
        except sqlcipher3.OperationalError:
            if not (existed and _disk_full(folder)):
                raise
            # D13: no room even for the WAL's index. Open read-only so the cases can still be read; every
            # change is refused as "disk full" until the database is opened again with space.
            if conn is not None:
                conn.close()
            conn = _keyed_connect(path, open_key, read_only=True)
            read_only = True
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not read_only:
            conn.execute("PRAGMA synchronous = NORMAL")
        if open_key != key:
            if read_only:
                raise DiskFull("The disk is full and an interrupted change of key must be finished first: free "
                               "some space, then sign in again.")
            conn.execute(f"PRAGMA rekey = \"x'{key.hex()}'\"").fetchall()
        db = sqlite_utils.Database(conn)
        if integrity is not None and pending_migrations(db):
            problem = integrity.wait()  # never change the schema of a file that has not passed its check
            if problem:
                raise DatabaseDamaged("The database file is damaged, so CSTR Desk will not write to it. It has been "
                                      "left exactly as it is.", good_backups(folder, key))
        try:
            apply_migrations(db)
        except sqlcipher3.Error:
            if read_only:
                raise DiskFull("The disk is full and this database needs an update first: free some space, "
                               "then sign in again.") from None
            raise
    except StorageError:
        if conn is not None:
            conn.close()
        if existed and not shm_existed:
            shm.unlink(missing_ok=True)  # the read-only check's index file: leave the folder as it was
        lock.release()
        raise
    except sqlcipher3.Error as exc:
        if conn is not None:
            conn.close()
        lock.release()
        raise translate_error(exc, "open the database") from exc
    return Database(folder=folder, db=db, key=key, lock=lock, keep_backups=keep_backups, read_only=read_only,
                    integrity=integrity)


def _opens(path: Path, key: bytes) -> bool:
    """The key opens the file (its schema reads): cheap, unlike quick_check, which reads every page."""
    try:
        conn = _keyed_connect(path, key, read_only=True)
    except sqlcipher3.Error:
        return False
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlcipher3.Error:
        return False
    finally:
        conn.close()


def _disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < 1024 * 1024
    except OSError:
        return False


def _check_before_writing(path: Path, key: bytes, folder: Path, key_verified: bool) -> None:
    """Refuse a damaged file (or a wrong key) before anything writes to it: checked on a read-only connection."""
    problem = check_file(path, key)
    if not problem:
        return
    backups = good_backups(folder, key)
    opens = "not a database" not in problem and "file is encrypted" not in problem
    if key_verified or opens or backups:
        raise DatabaseDamaged(
            "The database file is damaged, so CSTR Desk will not write to it. It has been left exactly as it is.",
            backups)
    raise CannotUnlock("Cannot unlock the database: the key is wrong, or the file is not a CSTR Desk database.")
