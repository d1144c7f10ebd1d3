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
from cstr_desk.storage.errors import (
    KEY_BYTES,
    KeyringDamaged,
    NoAccounts,
    SignInError,
    StaleKeyring,
    StorageError,
    TooManyAttempts,
    WrongPassphrase,
)

KEYRING_NAME = "keyring.json"
FORMAT = 1  # entries with a "public" key are key-pair entries (rekeyable); older ones are moved at sign-in
# scrypt cost: about 0.1 s and 32 MiB on a laptop; stored with each wrap so it can be raised later.
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**15, 8, 1
FREE_ATTEMPTS = 5
FIRST_DELAY_S = 30
MAX_DELAY_S = 3600
# D16: the only administrator is never kept out longer than this (and the recovery key always works).
LAST_ADMIN_MAX_DELAY_S = 30
MAX_UNKNOWN_FAILURES = 100  # failures under names that have no account: counted, never stored by name
MAX_NAME = 200
RECOVERY_ID = "\x00recovery"  # key of the recovery wrap in data; no typed user name can equal it
RECOVERY_GROUPS = 8  # 8 groups of 5 base32 letters: 200 bits


class SignedIn(NamedTuple):
    key: bytes
    actor: Actor
    failed_attempts: list[dict[str, str]]  # earlier failures to write to the audit log now that it is unlocked
    previous_keys: tuple[bytes, ...] = ()  # set only while a change of database key is unfinished (a crash)


def _b64(data: bytes) -> str:
    import base64

    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    import base64

    return base64.b64decode(text.encode("ascii"), validate=True)


def _random(n: int) -> bytes:
    import secrets

    return secrets.token_bytes(n)


def _aad(name: str, role: str) -> bytes:
    return json.dumps({"format": FORMAT, "name": name, "role": role}, sort_keys=True).encode("utf-8")


def _kek(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt  # loaded at first sign-in, not at start-up

    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(passphrase.encode("utf-8", "surrogatepass"))


def _aesgcm(key: bytes):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    return AESGCM(key)


def _raw_private(private: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    raw: bytes = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                       serialization.NoEncryption())
    return raw


def _raw_public(public: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    raw: bytes = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return raw


def _seal_kek(shared: bytes, ephemeral_public: bytes, recipient_public: bytes, name: str, role: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    info = b"cstr-desk seal v1" + ephemeral_public + recipient_public + _aad(name, role)
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(shared)


def _seal(key: bytes, recipient_public: bytes, name: str, role: str) -> dict[str, str]:
    """The database key sealed to one account's public key (X25519 + HKDF-SHA256 + AES-256-GCM)."""
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = _raw_public(ephemeral.public_key())
    shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    nonce = _random(12)
    kek = _seal_kek(shared, ephemeral_public, recipient_public, name, role)
    sealed = _aesgcm(kek).encrypt(nonce, key, _aad(name, role))
    return {"epk": _b64(ephemeral_public), "nonce": _b64(nonce), "ct": _b64(sealed)}


def _unseal(sealed: dict[str, str], private_raw: bytes, name: str, role: str,
            invalid_tag: type[Exception]) -> bytes | None:
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

    private = X25519PrivateKey.from_private_bytes(private_raw)
    ephemeral_public = _unb64(sealed["epk"])
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public))
    kek = _seal_kek(shared, ephemeral_public, _raw_public(private.public_key()), name, role)
    try:
        key: bytes = _aesgcm(kek).decrypt(_unb64(sealed["nonce"]), _unb64(sealed["ct"]), _aad(name, role))
    except invalid_tag:
        return None
    return key


def delay_after(failures: int) -> int:
    """Seconds to wait after this many wrong passphrases in a row: none for the first five, then doubling."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(MAX_DELAY_S, FIRST_DELAY_S * (1 << min(failures - FREE_ATTEMPTS, 20)))


def normal_name(name: str) -> str:
    """A user name as typed, tidied: Unicode NFKC, single spaces (look-alike full-width letters become plain)."""
    import unicodedata

    return " ".join(unicodedata.normalize("NFKC", name).split())


def name_problem(name: str) -> str:
    """Why this cannot be a user name ('' if it can): control and bidirectional-override characters are refused."""
    import unicodedata

    clean = normal_name(name)
    if not clean:
        return "Enter a user name."
    if len(clean) > MAX_NAME:
        return f"A user name can have at most {MAX_NAME} characters."
    for ch in clean:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            return "A user name cannot hold control, invisible or direction-changing characters."
    return ""


# Letters from other scripts that look like Latin ones (the common Cyrillic and Greek capitals and small letters):
# a new user name that looks like an existing one is refused (D17), so a list of accounts cannot hide a twin.
_LOOKALIKE = str.maketrans({
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y",
    "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ӏ": "l", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ё": "e", "ї": "i",
    "α": "a", "β": "b", "ε": "e", "ζ": "z", "η": "n", "ι": "i", "κ": "k", "μ": "m", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "0": "o", "1": "l", "|": "l",
})


def lookalike_key(name: str) -> str:
    """The name with case, width, accents and cross-script look-alike letters folded away (Zoë and Zoe clash)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", normal_name(name).casefold())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return plain.translate(_LOOKALIKE).replace("i", "l")


def format_recovery_key(raw: bytes) -> str:
    import base64

    text = base64.b32encode(raw).decode("ascii").rstrip("=")
    return "-".join(text[i:i + 5] for i in range(0, len(text), 5))


def _recovery_secret(text: str) -> str:
    """The recovery key as typed, without dashes, spaces or case, and with look-alike digits read as letters."""
    return "".join(ch for ch in text.upper() if ch.isalnum()).replace("0", "O").replace("1", "I").replace("8", "B")


class Keyring:
    """The accounts file of one data folder. Re-read before every change and written with a compare-and-swap."""

    def __init__(self, folder: Path, scrypt_n: int = SCRYPT_N) -> None:
        self.folder = folder
        self.path = folder / KEYRING_NAME
        self.scrypt_n = scrypt_n
        self.data: dict[str, Any] = self._empty()
        self._raw: bytes | None = None  # the file as last read or written: a change by anyone else shows
        self._recovery_to_show: str | None = None
        self.restored_from: Path | None = None
        self._restore_if_lost()
        self.reload()

    @staticmethod
    def _empty() -> dict[str, Any]:
        return {"format": FORMAT, "accounts": {}, "failures": {}, "unknown_failures": []}

    def _restore_if_lost(self) -> None:
        """D3: the accounts file is gone but the database is not: put back the newest backup copy of it."""
        import shutil

        from cstr_desk.storage.files import DB_NAME, keyring_copy_of, list_backups

        database = self.folder / DB_NAME
        if self.path.exists() or not database.exists() or database.stat().st_size == 0:
            return
        for backup in list_backups(self.folder):
            copy = keyring_copy_of(backup)
            if copy.exists():
                try:
                    shutil.copyfile(copy, self.path)
                    self.path.chmod(0o600)
                except OSError:
                    return
                self.restored_from = copy
                return

    def _newest_copy(self) -> str:
        from cstr_desk.storage.files import keyring_copy_of, list_backups

        for backup in list_backups(self.folder):
            if keyring_copy_of(backup).exists():
                return f" The newest backup copy of it is {keyring_copy_of(backup)}."
        return " No backup copy of it was found."

    def reload(self) -> None:
        """Read the file again (another window or command may have changed it)."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            self.data, self._raw = self._empty(), None
            return
        except OSError as exc:
            raise KeyringDamaged(f"The accounts file {self.path} cannot be read ({exc.strerror}).") from None
        try:
            data = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            raise KeyringDamaged(f"The accounts file {self.path} is damaged." + self._newest_copy()) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT and isinstance(data.get("format"), int) \
                and data["format"] > FORMAT:
            raise KeyringDamaged("The accounts file was made by a newer version of CSTR Desk.")
        if data.get("format") != FORMAT or not isinstance(data.get("accounts"), dict) \
                or not isinstance(data.get("failures", {}), dict):
            raise KeyringDamaged(f"The accounts file {self.path} is damaged." + self._newest_copy())
        data.setdefault("failures", {})
        if not isinstance(data.setdefault("unknown_failures", []), list):
            data["unknown_failures"] = []
        self.data, self._raw = data, raw

    @property
    def exists(self) -> bool:
        return any(k != RECOVERY_ID for k in self.data["accounts"])

    def accounts(self) -> list[tuple[str, str]]:
        return sorted((a["name"], a["role"]) for k, a in self.data["accounts"].items()
                      if k != RECOVERY_ID and isinstance(a, dict))

    def _change(self, mutate: Any) -> Any:
        """Re-read the file, apply mutate to what is on disk now, and write it back atomically, all under a lock;
        the write is refused if the file changed underneath (compare-and-swap, D1). Returns mutate's result."""
        with _FileLock(self.folder / ".keyring.lock"):
            self.reload()
            expected = self._raw
            result = mutate(self.data)
            self._save(expected)
        return result

    def _save(self, expected: bytes | None) -> None:
        import os
        import tempfile

        from cstr_desk.storage.files import private_folder

        try:
            private_folder(self.folder)
            try:
                current: bytes | None = self.path.read_bytes()
            except FileNotFoundError:
                current = None
            if current != expected:
                self.reload()
                raise StaleKeyring("The accounts were changed by another window or command meanwhile; "
                                   "nothing was written. Try again.")
            text = json.dumps(self.data, indent=2, sort_keys=True).encode("utf-8")
            fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".keyring-", suffix=".part")
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(text)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.replace(tmp, self.path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
            self._raw = text
        except OSError as exc:
            self.reload_quietly()
            raise StorageError(f"Could not save the accounts file: {exc.strerror}. Nothing was changed.") from exc

    def reload_quietly(self) -> None:
        try:
            self.reload()
        except StorageError:
            pass

    def _wrap(self, key: bytes, name: str, role: str, passphrase: str) -> dict[str, Any]:
        """A new account entry: its own X25519 key pair, the private half wrapped (AES-256-GCM) under a key derived
        from the passphrase, and the database key sealed to the public half. A change of database key (rekey,
        D6) seals the new key to every remaining public key without needing anyone's passphrase."""
        from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

        private = X25519PrivateKey.generate()
        private_raw, public_raw = _raw_private(private), _raw_public(private.public_key())
        salt, nonce = _random(16), _random(12)
        kek = _kek(passphrase, salt, self.scrypt_n, SCRYPT_R, SCRYPT_P)
        wrapped = _aesgcm(kek).encrypt(nonce, private_raw, _aad(name, role))
        return {"name": name, "role": role,
                "kdf": {"name": "scrypt", "n": self.scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(salt)},
                "cipher": "AES-256-GCM", "nonce": _b64(nonce), "wrapped": _b64(wrapped),
                "public": _b64(public_raw), "sealed": _seal(key, public_raw, name, role)}

    def _open(self, account: dict[str, Any], passphrase: str,
              invalid_tag: type[Exception]) -> tuple[bytes, tuple[bytes, ...]] | None:
        """(database key, keys of an unfinished rekey) for the right passphrase; None for a wrong one."""
        try:
            kdf = account["kdf"]
            n, r, p = int(kdf["n"]), int(kdf["r"]), int(kdf["p"])
            if not (2**10 <= n <= 2**20 and n & (n - 1) == 0 and 1 <= r <= 32 and 1 <= p <= 16):
                return None  # damaged (or hostile) parameters: never run scrypt with them
            kek = _kek(passphrase, _unb64(kdf["salt"]), n, r, p)
            aad = _aad(account["name"], account["role"])
            inner: bytes = _aesgcm(kek).decrypt(_unb64(account["nonce"]), _unb64(account["wrapped"]), aad)
            if "public" not in account:  # format 1: the database key itself was wrapped
                return (inner, ()) if len(inner) == KEY_BYTES else None
            key = _unseal(account["sealed"], inner, account["name"], account["role"], invalid_tag)
            previous = account.get("previous")
            old = _unseal(previous, inner, account["name"], account["role"], invalid_tag) if previous else None
        except (invalid_tag, ValueError, KeyError, TypeError, AttributeError, OverflowError, MemoryError):
            return None  # wrong passphrase, or a damaged entry
        if key is None or len(key) != KEY_BYTES:
            return None
        return key, (old,) if old else ()

    def _unwrap(self, account: dict[str, Any], passphrase: str, invalid_tag: type[Exception]) -> bytes | None:
        opened = self._open(account, passphrase, invalid_tag)
        return opened[0] if opened else None

    # ------------------------------------------------------------ changing the database key (D6)

    def begin_rekey(self, signed_in: SignedIn, new_key: bytes, *, remove: str | None = None,
                    reset: tuple[str, str] | None = None) -> list[str]:
        """Step 1 of a rekey, one atomic write: remove an account, or give one a new passphrase and key pair, and
        seal new_key to every remaining account (and the recovery key), keeping the old key sealed beside it as
        'previous' until finish_rekey(), so a crash in between loses nobody. Returns the names of old-format
        accounts that cannot be moved to the new key (they must be added again)."""
        if remove is not None or (reset is not None and self._id(reset[0]) != self._id(signed_in.actor.name)):
            signed_in.actor.require("manage_users")
        old_key = signed_in.key
        dropped: list[str] = []

        def mutate(data: dict[str, Any]) -> None:
            accounts = data["accounts"]
            if remove is not None:
                ident = self._id(remove)
                account = accounts.get(ident)
                if account is None or ident == RECOVERY_ID:
                    raise StorageError(f"There is no account called {remove}.")
                admins = [a for k, a in accounts.items() if k != RECOVERY_ID and a.get("role") == ADMINISTRATOR]
                if account["role"] == ADMINISTRATOR and len(admins) == 1:
                    raise StorageError("This is the only administrator; add another before removing it.")
                del accounts[ident]
                data["failures"].pop(ident, None)
            reset_id = self._id(reset[0]) if reset else None
            if reset is not None:
                account = accounts.get(reset_id)
                if account is None or reset_id == RECOVERY_ID:
                    raise StorageError(f"There is no account called {reset[0]}.")
            for ident, account in list(accounts.items()):
                if ident == reset_id and reset is not None:
                    fresh = self._wrap(new_key, account["name"], account["role"], reset[1])
                    fresh["previous"] = _seal(old_key, _unb64(fresh["public"]), account["name"], account["role"])
                    if ident != self._id(signed_in.actor.name):
                        fresh["must_change"] = True  # an administrator's reset: the owner chooses their own next
                    accounts[ident] = fresh
                elif "public" not in account:
                    dropped.append(account.get("name", ident))
                    del accounts[ident]
                else:
                    public = _unb64(account["public"])
                    account["previous"] = _seal(old_key, public, account["name"], account["role"])
                    account["sealed"] = _seal(new_key, public, account["name"], account["role"])
            if reset_id is not None:
                data["failures"].pop(reset_id, None)

        self._change(mutate)
        return dropped

    def finish_rekey(self) -> None:
        """Last step of a rekey: the old key is no longer sealed to anyone."""
        def mutate(data: dict[str, Any]) -> None:
            for account in data["accounts"].values():
                if isinstance(account, dict):
                    account.pop("previous", None)
        self._change(mutate)

    @staticmethod
    def _id(name: str) -> str:
        """Names are compared after Unicode normalisation and case folding (D17)."""
        import unicodedata

        return unicodedata.normalize("NFKC", normal_name(name).casefold())

    def create_first_administrator(self, name: str, passphrase: str) -> bytes:
        """First start: a new random database key, wrapped for the administrator and for a recovery key, and a new
        empty database. Refused when this folder already holds a database or backups (D3): a new key beside them
        would make them unreadable for ever. Returns the key; take_recovery_key() gives the recovery key once."""
        from cstr_desk.storage.db import open_database
        from cstr_desk.storage.files import DB_NAME, list_backups

        self.reload()
        if self.exists:
            raise StorageError("Accounts already exist here; sign in as an administrator to add more.")
        database = self.folder / DB_NAME
        if (database.exists() and database.stat().st_size > 0) or list_backups(self.folder):
            raise StorageError(
                "This folder already holds a CSTR Desk database or its backups, but its accounts file is missing. "
                "A new administrator would make them unreadable, so none is created. Put keyring.json back from a "
                "copy, or use the recovery key (cstr-desk recover).")
        problem = name_problem(name)
        if problem:
            raise StorageError(problem)
        key = _random(KEY_BYTES)
        if database.exists():
            database.unlink()  # an empty file left by an earlier failed start
        open_database(self.folder, key, create=True).close(backup=False)
        recovery = format_recovery_key(_random(25))
        try:
            def add(data: dict[str, Any]) -> None:
                self._add_to(data, key, name, ADMINISTRATOR, passphrase)
                data["accounts"][RECOVERY_ID] = self._wrap(key, "(recovery key)", "recovery",
                                                           _recovery_secret(recovery))
            self._change(add)
        except BaseException:
            database.unlink(missing_ok=True)  # no accounts file: the new database could never be opened
            raise
        self._recovery_to_show = recovery
        return key

    def take_recovery_key(self) -> str | None:
        """The recovery key made at first run, once: show it, ask for confirmation it was written down, forget it."""
        shown, self._recovery_to_show = self._recovery_to_show, None
        return shown

    def new_recovery_key(self, signed_in: SignedIn) -> str:
        """An administrator replaces the recovery key (the old one stops working). Shown once by the caller."""
        signed_in.actor.require("manage_users")
        recovery = format_recovery_key(_random(25))

        def replace(data: dict[str, Any]) -> None:
            data["accounts"][RECOVERY_ID] = self._wrap(signed_in.key, "(recovery key)", "recovery",
                                                       _recovery_secret(recovery))
        self._change(replace)
        return recovery

    def recover(self, recovery_key: str, admin_name: str, new_passphrase: str) -> SignedIn:
        """Get back in with the recovery key: the named administrator gets a new passphrase (or is created), and
        its failed sign-ins are cleared. No delay applies: the key has 200 bits."""
        from cryptography.exceptions import InvalidTag

        entry = self.data["accounts"].get(RECOVERY_ID)
        if not isinstance(entry, dict):
            raise SignInError("This accounts file has no recovery key.")
        key = self._unwrap(entry, _recovery_secret(recovery_key), InvalidTag)
        if key is None:
            raise WrongPassphrase("That recovery key does not match this data folder.")
        problem = name_problem(admin_name)
        if problem:
            raise StorageError(problem)
        clean = normal_name(admin_name)

        def reset(data: dict[str, Any]) -> None:
            ident = self._id(clean)
            account = data["accounts"].get(ident)
            if account is not None and account.get("role") != ADMINISTRATOR:
                raise StorageError(f"{clean} is not an administrator; give the name of an administrator, or a new one.")
            name = account["name"] if account else clean
            data["accounts"][ident] = self._wrap(key, name, ADMINISTRATOR, new_passphrase)
            data["failures"].pop(ident, None)

        self._change(reset)
        account = self.data["accounts"][self._id(clean)]
        return SignedIn(key, Actor(account["name"], ADMINISTRATOR), [])

    def _add_to(self, data: dict[str, Any], key: bytes, name: str, role: str, passphrase: str,
                must_change: bool = False) -> None:
        problem = name_problem(name)
        if problem:
            raise StorageError(problem)
        clean = normal_name(name)
        if role not in ROLES:
            raise StorageError(f"Unknown role '{role}'.")
        if self._id(clean) in data["accounts"]:
            raise StorageError(f"There is already an account called {clean}.")
        twin = next((a["name"] for k, a in data["accounts"].items() if k != RECOVERY_ID and isinstance(a, dict)
                     and lookalike_key(str(a.get("name", ""))) == lookalike_key(clean)), None)
        if twin is not None:
            raise StorageError(f"{clean} looks the same as the existing account {twin}; choose a name that reads "
                               "differently.")
        data["accounts"][self._id(clean)] = self._wrap(key, clean, role, passphrase)
        if must_change:
            data["accounts"][self._id(clean)]["must_change"] = True

    def add_account(self, signed_in: SignedIn, name: str, role: str, passphrase: str, must_change: bool = True) -> None:
        """A new account whose first passphrase the administrator chose: its owner must change it at first sign-in
        (must_change=False only for the throwaway demo folder)."""
        signed_in.actor.require("manage_users")
        self._change(lambda data: self._add_to(data, signed_in.key, name, role, passphrase, must_change))

    def change_passphrase(self, signed_in: SignedIn, name: str, new_passphrase: str) -> None:
        """Rewrap one copy of the key (same database key; the Desk rekeys instead, see storage/rekey.py): by the
        account's owner (which clears must_change), or an administrator resetting it (which sets must_change)."""
        own = self._id(signed_in.actor.name) == self._id(name)
        if not own:
            signed_in.actor.require("manage_users")

        def rewrap(data: dict[str, Any]) -> None:
            account = data["accounts"].get(self._id(name))
            if account is None or self._id(name) == RECOVERY_ID:
                raise StorageError(f"There is no account called {name}.")
            data["accounts"][self._id(name)] = self._wrap(signed_in.key, account["name"], account["role"],
                                                          new_passphrase)
            if not own:
                data["accounts"][self._id(name)]["must_change"] = True
        self._change(rewrap)

    def must_change(self, name: str) -> bool:
        """Whether this account still has a passphrase the administrator chose (to be changed at sign-in).
        Not covered by the wrap's associated data: editing the file can only drop the obligation, not gain access."""
        self.reload_quietly()
        account = self.data["accounts"].get(self._id(name))
        return bool(isinstance(account, dict) and account.get("must_change"))

    def passphrase_matches(self, name: str, passphrase: str) -> bool:
        """Whether this passphrase opens this account; not counted as a sign-in attempt (the caller is already
        signed in as this person, e.g. to refuse keeping the administrator's passphrase)."""
        from cryptography.exceptions import InvalidTag

        account = self.data["accounts"].get(self._id(name))
        if not isinstance(account, dict) or self._id(name) == RECOVERY_ID:
            return False
        return self._open(account, passphrase, InvalidTag) is not None

    def remove_account(self, signed_in: SignedIn, name: str) -> None:
        signed_in.actor.require("manage_users")

        def remove(data: dict[str, Any]) -> None:
            account = data["accounts"].get(self._id(name))
            if account is None or self._id(name) == RECOVERY_ID:
                raise StorageError(f"There is no account called {name}.")
            admins = [a for k, a in data["accounts"].items() if k != RECOVERY_ID and a.get("role") == ADMINISTRATOR]
            if account["role"] == ADMINISTRATOR and len(admins) == 1:
                raise StorageError("This is the only administrator; add another before removing it.")
            del data["accounts"][self._id(name)]
            data["failures"].pop(self._id(name), None)
        self._change(remove)

    def _only_admin(self, ident: str) -> bool:
        account = self.data["accounts"].get(ident)
        if not isinstance(account, dict) or account.get("role") != ADMINISTRATOR:
            return False
        admins = [a for k, a in self.data["accounts"].items()
                  if k != RECOVERY_ID and isinstance(a, dict) and a.get("role") == ADMINISTRATOR]
        return len(admins) == 1

    def _failures(self, ident: str) -> list[str]:
        known = ident in self.data["accounts"] and ident != RECOVERY_ID
        found = self.data["failures"].get(ident, []) if known else self.data.get("unknown_failures", [])
        return [f for f in found if isinstance(f, str)] if isinstance(found, list) else []

    def wait_seconds(self, name: str, now: datetime | None = None) -> int:
        """How long this name must wait before the next try (0: may try now)."""
        now = now or datetime.now(UTC)
        ident = self._id(name)
        failures = self._failures(ident)
        delay = delay_after(len(failures))
        if self._only_admin(ident):
            delay = min(delay, LAST_ADMIN_MAX_DELAY_S)  # D16: the last administrator is never locked out for long
        if not delay:
            return 0
        try:
            last = datetime.fromisoformat(failures[-1])
            if last.tzinfo is None:
                last = last.replace(tzinfo=UTC)
        except ValueError:
            return 0
        remaining = (last + timedelta(seconds=delay) - now).total_seconds()
        return max(0, min(delay, int(remaining + 0.999)))

    def sign_in(self, name: str, passphrase: str, now: datetime | None = None) -> SignedIn:
        """Unwrap the database key with this person's passphrase; wrong ones are counted and slowed down.

        Known and unknown names cost the same (one scrypt and one AES-GCM check each, D16); failures under
        unknown names are counted together, without their names."""
        self.reload()
        if not self.exists:
            raise NoAccounts("There are no accounts yet: create the administrator first.")
        now = now or datetime.now(UTC)
        wait = self.wait_seconds(name, now)
        if wait:
            raise TooManyAttempts(wait)
        from cryptography.exceptions import InvalidTag

        ident = self._id(name)
        account = self.data["accounts"].get(ident) if ident != RECOVERY_ID else None
        if not isinstance(account, dict):
            account = None
        opened = self._open(account if account is not None else self._decoy(), passphrase, InvalidTag)
        if account is None:
            opened = None
        if opened is None:
            def count(data: dict[str, Any]) -> None:
                if ident in data["accounts"] and ident != RECOVERY_ID:
                    data["failures"].setdefault(ident, []).append(now.isoformat())
                else:
                    data["unknown_failures"] = (data.get("unknown_failures", []) + [now.isoformat()])[
                        -MAX_UNKNOWN_FAILURES:]
            try:
                self._change(count)
            except StorageError:
                pass  # a full disk or a busy file must not turn a wrong passphrase into another message
            raise WrongPassphrase("That name and passphrase do not match an account here.")
        assert account is not None
        key, previous = opened
        failures = self._failures(ident)
        legacy = "public" not in account

        def tidy(data: dict[str, Any]) -> None:
            data["failures"].pop(ident, None)
            if legacy and ident in data["accounts"]:  # format 1 entry: move it to a key pair now
                data["accounts"][ident] = self._wrap(key, account["name"], account["role"], passphrase)
        if failures or legacy:
            try:
                self._change(tidy)
            except StorageError:
                pass  # reading needs no disk space (D13): the failures are cleared at a later sign-in
        return SignedIn(key, Actor(account["name"], account["role"]), [{"at": f} for f in failures], previous)

    def _decoy(self) -> dict[str, Any]:
        """A wrap no passphrase opens, at the same cost as a real one: unknown names take as long as known ones."""
        return {"name": "(no such account)", "role": "none",
                "kdf": {"name": "scrypt", "n": self.scrypt_n, "r": SCRYPT_R, "p": SCRYPT_P, "salt": _b64(_random(16))},
                "cipher": "AES-256-GCM", "nonce": _b64(_random(12)), "wrapped": _b64(_random(KEY_BYTES + 16)),
                "public": _b64(_random(32))}


class _FileLock:
    """Waits for the accounts file's lock (held only for a read-modify-write, a fraction of a second)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.handle: Any = None

    def __enter__(self) -> None:
        import os
        import sys

        from cstr_desk.storage.files import private_folder

        try:
            private_folder(self.path.parent)
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
        except OSError as exc:
            raise StorageError(f"Could not open the accounts file's lock: {exc.strerror}. Nothing was changed.") from exc
        self.handle = os.fdopen(fd, "r+b")
        if sys.platform == "win32":
            import msvcrt
            import time

            for _ in range(100):
                try:
                    msvcrt.locking(self.handle.fileno(), msvcrt.LK_NBLCK, 1)
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                self.handle.close()
                raise StaleKeyring("The accounts file is busy (another window or command is changing it). "
                                   "Nothing was written; try again.")
        else:
            import fcntl

            fcntl.flock(self.handle.fileno(), fcntl.LOCK_EX)

    def __exit__(self, *exc: object) -> None:
        self.handle.close()
