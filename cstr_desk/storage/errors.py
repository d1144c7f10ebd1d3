"""Every storage error, importable without loading the database drivers (the sign-in screen needs them early).

Import storage errors from here only. All derive from StorageError, which derives from the app's one base error.
"""

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


def _backup_hint(backups: list[Path]) -> str:
    return f" The newest good backup is {backups[0]}." if backups else " No backup was found."


class DatabaseDamaged(StorageError):
    """The file is damaged (or not the one the accounts belong to); it was left exactly as it was."""

    def __init__(self, message: str, backups: list[Path]) -> None:
        self.backups = backups
        super().__init__(message + _backup_hint(backups))


class DatabaseMissing(StorageError):
    """Accounts exist but the database is missing or empty: never silently replaced by a new one (D2)."""

    def __init__(self, message: str, backups: list[Path]) -> None:
        self.backups = backups
        super().__init__(message + _backup_hint(backups))


class NewerDatabase(StorageError):
    pass


class CaseNotFound(StorageError):
    pass


class CaseIsFinal(StorageError):
    pass


class DiskFull(StorageError):
    """The disk is full; the transaction rolled back, so nothing was changed."""


class BackupFailed(StorageError):
    """The change itself was saved; only the backup copy could not be made."""


class SignInError(StorageError):
    pass


class WrongPassphrase(SignInError):
    pass


class TooManyAttempts(SignInError):
    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(f"Too many wrong passphrases. Wait {wait_seconds} seconds, then try again.")


class NoAccounts(SignInError):
    pass


class KeyringDamaged(SignInError):
    """The accounts file cannot be read as one; the newest backup copy of it is named."""


class StaleKeyring(StorageError):
    """The accounts file changed on disk since it was read (another window or command): nothing was written."""
