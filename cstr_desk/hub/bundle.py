"""A case bundle: its files in a zip with a manifest of SHA-256 fingerprints, encrypted to the site's age key.

The receiving team can open one with standard tools and no CSTR Desk: ``age -d -i site.key BUNDLE > b.zip``,
then unzip. Only the public recipient (``age1...``) is ever on a laptop or the hub.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass

import pyrage
from pyrage import x25519

from cstr_desk.hub.errors import BundleError, HubError

MANIFEST = "manifest.json"
BUNDLE_FORMAT = "cstr-desk-bundle/1"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip entries carry no clock time, so a bundle depends only on its files


@dataclass(frozen=True)
class SiteKeys:
    identity: str  # AGE-SECRET-KEY-1...: the receiving team keeps it; never on a laptop or the hub
    recipient: str  # age1...: the public half, given to every laptop


@dataclass(frozen=True)
class OpenedBundle:
    case_id: str
    annex_version: int
    outcome_version: int
    files: dict[str, bytes]


def generate_site_keys() -> SiteKeys:
    identity = x25519.Identity.generate()
    return SiteKeys(str(identity), str(identity.to_public()))


def checked_recipient(text: str) -> str:
    """An age X25519 recipient, or a plain refusal (a secret key pasted by mistake is refused too)."""
    text = text.strip()
    if text.upper().startswith("AGE-SECRET-KEY"):
        raise HubError("That is the site's private key. Laptops and the hub take only the public key (age1...).")
    try:
        x25519.Recipient.from_str(text)
    except pyrage.RecipientError:
        raise HubError("The site key is not an age public key (it starts with age1).") from None
    return text


def pack(case_id: str, annex_version: int, outcome_version: int, files: Mapping[str, bytes]) -> bytes:
    """The zip: every file plus a manifest naming the case, the versions and each file's SHA-256."""
    manifest = {
        "format": BUNDLE_FORMAT,
        "case_id": case_id,
        "annex_version": annex_version,
        "outcome_version": outcome_version,
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in sorted(files.items())},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in [(MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode()), *sorted(files.items())]:
            info = zipfile.ZipInfo(name, _FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


def seal(plain: bytes, recipient: str) -> bytes:
    """Encrypt to the site's public key (age v1, X25519)."""
    sealed: bytes = pyrage.encrypt(plain, [x25519.Recipient.from_str(checked_recipient(recipient))])
    return sealed


def open_bundle(sealed: bytes, identity: str) -> OpenedBundle:
    """Decrypt with the site's private key and check every file against the manifest."""
    try:
        key = x25519.Identity.from_str(identity.strip())
    except pyrage.IdentityError:
        raise BundleError("The site key is not an age private key (AGE-SECRET-KEY-1...).") from None
    try:
        plain = pyrage.decrypt(sealed, [key])
    except pyrage.DecryptError:
        raise BundleError("This bundle was not sealed to this site key, or it is damaged.") from None
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        files = {name: archive.read(name) for name in archive.namelist() if name != MANIFEST}
    if manifest.get("format") != BUNDLE_FORMAT:
        raise BundleError("This bundle was made by a newer version of CSTR Desk.")
    expected = manifest["files"]
    if set(expected) != set(files) or any(hashlib.sha256(files[n]).hexdigest() != d for n, d in expected.items()):
        raise BundleError("A file in this bundle does not match its fingerprint.")
    return OpenedBundle(manifest["case_id"], int(manifest["annex_version"]), int(manifest["outcome_version"]), files)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
