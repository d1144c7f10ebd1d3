"""A new database key when an account is removed or a passphrase reset (issue 15, D6).

Every account holds the database key sealed to its own public key, so the new key can be given to everyone who
stays without knowing their passphrases. An old copy of a removed account's entry (or of a reset passphrase)
then unwraps only the old key, which opens neither the database nor any backup: the database is rekeyed with
SQLCipher's PRAGMA rekey, and each backup is re-encrypted under the new key (or, if it cannot be read, retired).

Order, so that a crash at any point loses nothing: (1) the accounts file gets the new key sealed beside the old
one ('previous'); (2) the database is rekeyed, in one transaction; (3) the backups are re-encrypted one by one,
each through a checked .part file; (4) 'previous' is dropped. A sign-in after a crash finds the old key beside
the new one and completes the steps that are missing (complete_rekey).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import sqlcipher3

from cstr_desk.storage.db import Database, _keyed_connect, check_file, translate_error
from cstr_desk.storage.errors import KEY_BYTES, StorageError
from cstr_desk.storage.files import KEYRING_NAME, keyring_copy_of, list_backups, private_file
from cstr_desk.storage.users import Keyring, SignedIn


@dataclass(frozen=True)
class Rekeyed:
    signed_in: SignedIn  # the same person, now holding the new key
    reencrypted: list[Path]
    retired: list[Path]  # backups that could not be read with the old key: deleted, never left under it
    dropped: list[str]  # old-format accounts that could not be moved to the new key (add them again)

    @property
    def summary(self) -> str:
        """For the audit event of the change that caused the rekey (counts only, never names)."""
        return (f"new database key; backups re-encrypted {len(self.reencrypted)}, retired {len(self.retired)}"
                + (f"; {len(self.dropped)} old-format account(s) not moved" if self.dropped else ""))


def rekey(database: Database, keyring: Keyring, signed_in: SignedIn, *, remove: str | None = None,
          reset: tuple[str, str] | None = None) -> Rekeyed:
    """Remove an account, or reset a passphrase, and move the database and its backups to a new key."""
    new_key = os.urandom(KEY_BYTES)
    old_key = signed_in.key
    if database.key != old_key:
        raise StorageError("The database is not open with this person's key; nothing was changed.")
    dropped = keyring.begin_rekey(signed_in, new_key, remove=remove, reset=reset)
    rekey_database(database, new_key)
    reencrypted, retired = complete_rekey(database, keyring, (old_key,))
    return Rekeyed(SignedIn(new_key, signed_in.actor, []), reencrypted, retired, dropped)


def rekey_database(database: Database, new_key: bytes) -> None:
    """SQLCipher's PRAGMA rekey on the open connection: every page rewritten under the new key, one transaction."""
    try:
        database.db.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"").fetchall()
    except sqlcipher3.Error as exc:
        raise translate_error(exc, "change the database key") from exc
    database.key = new_key


def complete_rekey(database: Database, keyring: Keyring, old_keys: tuple[bytes, ...]) -> tuple[list[Path], list[Path]]:
    """Steps 3 and 4: re-encrypt every backup still under an old key, retire unreadable ones, drop 'previous',
    and refresh the accounts-file copies beside the backups (so none still lists a removed account)."""
    reencrypted: list[Path] = []
    retired: list[Path] = []
    for backup in list_backups(database.folder):
        if not check_file(backup, database.key):
            continue  # already under the new key
        old = next((k for k in old_keys if not check_file(backup, k)), None)
        if old is None:
            with contextlib.suppress(OSError):
                backup.unlink()
                keyring_copy_of(backup).unlink(missing_ok=True)
            retired.append(backup)
            continue
        _reencrypt(backup, old, database.key)
        reencrypted.append(backup)
    keyring.finish_rekey()
    for backup in list_backups(database.folder):
        copy = keyring_copy_of(backup)
        partial = copy.with_suffix(".part")
        try:
            private_file(partial)
            shutil.copyfile(database.folder / KEYRING_NAME, partial)
            os.replace(partial, copy)
        except OSError as exc:
            raise translate_error(exc, "refresh the backup copies of the accounts file") from exc
    return reencrypted, retired


def _reencrypt(backup: Path, old_key: bytes, new_key: bytes) -> None:
    partial = backup.with_suffix(".part")
    try:
        private_file(partial)
        source = _keyed_connect(backup, old_key, read_only=True)
        try:
            dest = _keyed_connect(partial, new_key)
            try:
                source.backup(dest)
            finally:
                dest.close()
        finally:
            source.close()
        problem = check_file(partial, new_key)
        if problem:
            raise StorageError(f"The re-encrypted copy of {backup.name} did not pass its check ({problem}).")
        os.replace(partial, backup)
    except (sqlcipher3.Error, OSError) as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise translate_error(exc, f"re-encrypt the backup {backup.name}") from exc
