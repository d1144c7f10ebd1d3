"""Storage errors, importable without loading the database drivers (the sign-in screen needs them early)."""

from __future__ import annotations

from pathlib import Path

from cstr_desk.errors import CstrDeskError

KEY_BYTES = 32


class StorageError(CstrDeskError):
    """A storage problem explained in plain words for the person at the laptop."""


class CannotUnlock(StorageError):
    pass


class AlreadyOpen(StorageError):
    pass


class DatabaseDamaged(StorageError):
    def __init__(self, message: str, backups: list[Path]) -> None:
        self.backups = backups
        hint = f" The latest backup is {backups[0]}." if backups else " No backup was found."
        super().__init__(message + hint)


class NewerDatabase(StorageError):
    pass
