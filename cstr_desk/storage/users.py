"""Accounts and keys: one random database key, wrapped for each account with a key derived from its passphrase.

The keyring file sits beside the database (it must be read before anything is unlocked). It holds
names, roles, KDF parameters, and wrapped keys; never a passphrase or the database key in clear.
Each wrap is AES-GCM with the account's name and role as associated data, so editing a role in the
file makes that account unable to sign in rather than giving it new powers.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple

from cstr_desk.domain.roles import ADMINISTRATOR, ROLES, Actor
from cstr_desk.storage.errors import KEY_BYTES, StorageError

KEYRING_NAME = "keyring.json"
FORMAT = 1
# scrypt cost: about 0.1 s and 32 MiB on a laptop; stored with each wrap so it can be raised later.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
FREE_ATTEMPTS = 5
FIRST_DELAY_S = 30
MAX_DELAY_S = 3600


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


class SignedIn(NamedTuple):
    key: bytes
    actor: Actor
    failed_attempts: list[dict[str, str]]  # earlier failures to write to the audit log now that it is unlocked


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    import base64

    return base64.b64decode(text.encode("ascii"))


def _random(n: int) -> bytes:
    import secrets

    return secrets.token_bytes(n)


def _aad(name: str, role: str) -> bytes:
    return json.dumps({"format": FORMAT, "name": name, "role": role}, sort_keys=True).encode("utf-8")


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # loaded at first sign-in, not at start-up

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8"))


def _aesgcm(key: bytes):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def delay_after(failures: int) -> int:
    """Seconds to wait after this many wrong passphrases in a row: none for the first five, then doubling."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(MAX_DELAY_S, FIRST_DELAY_S << (failures - FREE_ATTEMPTS))  # doubling: 30, 60, 120 s


class Keyring:
    """The accounts file of one data folder."""

    def __init__(self, folder: Path, scrypt_n: int = SCRYPT_N) -> None:
        self.folder = folder
        self.path = folder / KEYRING_NAME
        self.scrypt_n = scrypt_n
        self.data: dict[str, Any] = {"format": FORMAT, "accounts": {}, "failures": {}}
        if self.path.exists():
            try:
                self.data = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise StorageError(f"The accounts file {self.path} cannot be read ({exc}).") from exc
            if self.data.get("format") != FORMAT:
                raise StorageError("The accounts file was made by a newer version of CSTR Desk.")

    @property
    def exists(self) -> bool:
        return bool(self.data["accounts"])

    def accounts(self) -> list[tuple[str, str]]:
        return sorted((a["name"], a["role"]) for a in self.data["accounts"].values())

    def _save(self) -> None:
        import os
        import tempfile

        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".keyring-", suffix=".part")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(self.data, fh, indent=2, sort_keys=True)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except OSError as exc:
            raise StorageError(f"Could not save the accounts file: {exc.strerror}. Nothing was changed.") from exc

    def _wrap(self, key: bytes, name: str, role: str, passphrase: str) -> dict[str, Any]:
        salt, nonce = _random(16), _random(12)
        kek = _kek(passphrase, salt, self.scrypt_n, SCRYPT_R, SCRYPT_P)
        wrapped = _aesgcm(kek).encrypt(nonce, key, _aad(name, role))
        return {"name": name, "role": role,
                "kdf": {"name": "scrypt", "n": self.scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
                "cipher": "AES-256-GCM", "nonce": _b64(nonce), "wrapped": _b64(wrapped)}

    @staticmethod
    def _id(name: str) -> str:
        return " ".join(name.split()).casefold()

    def create_first_administrator(self, name: str, passphrase: str) -> bytes:
        """First start: a new random database key, wrapped for the administrator. Returns the key."""
        if self.exists:
            raise StorageError("Accounts already exist here; sign in as an administrator to add more.")
        key = _random(KEY_BYTES)
        self._add(key, name, ADMINISTRATOR, passphrase)
        return key

    def _add(self, key: bytes, name: str, role: str, passphrase: str, must_change: bool = False) -> None:
        clean = " ".join(name.split())
        if not clean:
            raise StorageError("Enter a user name.")
        if role not in ROLES:
            raise StorageError(f"Unknown role '{role}'.")
        if self._id(clean) in self.data["accounts"]:
            raise StorageError(f"There is already an account called {clean}.")
        self.data["accounts"][self._id(clean)] = self._wrap(key, clean, role, passphrase)
        if must_change:
            self.data["accounts"][self._id(clean)]["must_change"] = True
        self._save()

    def add_account(self, signed_in: SignedIn, name: str, role: str, passphrase: str, must_change: bool = True) -> None:
        """A new account whose first passphrase the administrator chose: its owner must change it at first sign-in
        (must_change=False only for the throwaway demo folder)."""
        signed_in.actor.require("manage_users")
        self._add(signed_in.key, name, role, passphrase, must_change=must_change)

    def change_passphrase(self, signed_in: SignedIn, name: str, new_passphrase: str) -> None:
        """Rewrap one copy of the key: by the account's owner (which clears must_change), or an administrator
        resetting it (which sets must_change: the owner chooses their own at next sign-in)."""
        account = self.data["accounts"].get(self._id(name))
        if account is None:
            raise StorageError(f"There is no account called {name}.")
        own = self._id(signed_in.actor.name) == self._id(name)
        if not own:
            signed_in.actor.require("manage_users")
        self.data["accounts"][self._id(name)] = self._wrap(signed_in.key, account["name"], account["role"], new_passphrase)
        if not own:
            self.data["accounts"][self._id(name)]["must_change"] = True
        self._save()

    def must_change(self, name: str) -> bool:
        """Whether this account still has a passphrase the administrator chose (to be changed at sign-in).
        Not covered by the wrap's associated data: editing the file can only drop the obligation, not gain access."""
        account = self.data["accounts"].get(self._id(name))
        return bool(account and account.get("must_change"))

    def passphrase_matches(self, name: str, passphrase: str) -> bool:
        """Whether this passphrase unwraps this account's key; not counted as a sign-in attempt (the caller is
        already signed in as this person, e.g. to refuse keeping the administrator's passphrase)."""
        from cryptography.exceptions import InvalidTag

        account = self.data["accounts"].get(self._id(name))
        if account is None:
            return False
        kdf = account["kdf"]
        try:
            kek = _kek(passphrase, _unb64(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
            _aesgcm(kek).decrypt(_unb64(account["nonce"]), _unb64(account["wrapped"]),
                                 _aad(account["name"], account["role"]))
        except (InvalidTag, ValueError, KeyError):
            return False
        return True

    def remove_account(self, signed_in: SignedIn, name: str) -> None:
        signed_in.actor.require("manage_users")
        account = self.data["accounts"].get(self._id(name))
        if account is None:
            raise StorageError(f"There is no account called {name}.")
        admins = [a for a in self.data["accounts"].values() if a["role"] == ADMINISTRATOR]
        if account["role"] == ADMINISTRATOR and len(admins) == 1:
            raise StorageError("This is the only administrator; add another before removing it.")
        del self.data["accounts"][self._id(name)]
        self.data["failures"].pop(self._id(name), None)
        self._save()

    def wait_seconds(self, name: str, now: datetime | None = None) -> int:
        """How long this name must wait before the next try (0: may try now)."""
        now = now or datetime.now(UTC)
        failures = self.data["failures"].get(self._id(name), [])
        delay = delay_after(len(failures))
        if not delay:
            return 0
        last = datetime.fromisoformat(failures[-1])
        remaining = (last + timedelta(seconds=delay) - now).total_seconds()
        return max(0, int(remaining + 0.999))

    def sign_in(self, name: str, passphrase: str, now: datetime | None = None) -> SignedIn:
        """Unwrap the database key with this person's passphrase; wrong ones are counted and slowed down."""
        if not self.exists:
            raise NoAccounts("There are no accounts yet: create the administrator first.")
        now = now or datetime.now(UTC)
        wait = self.wait_seconds(name, now)
        if wait:
            raise TooManyAttempts(wait)
        from cryptography.exceptions import InvalidTag

        account = self.data["accounts"].get(self._id(name))
        key = None
        if account is not None:
            kdf = account["kdf"]
            try:
                kek = _kek(passphrase, _unb64(kdf["salt"]), int(kdf["n"]), int(kdf["r"]), int(kdf["p"]))
                key = _aesgcm(kek).decrypt(_unb64(account["nonce"]), _unb64(account["wrapped"]),
                                          _aad(account["name"], account["role"]))
            except (InvalidTag, ValueError, KeyError):  # wrong passphrase, or a damaged entry
                key = None
        if key is None:
            self.data["failures"].setdefault(self._id(name), []).append(now.isoformat())
            self._save()
            raise WrongPassphrase("That name and passphrase do not match an account here.")
        failures = self.data["failures"].pop(self._id(name), [])
        if failures:
            self._save()
        return SignedIn(key, Actor(account["name"], account["role"]), [{"at": f} for f in failures])
