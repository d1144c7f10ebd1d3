"""The receiving end: write each new bundle's files, decrypted and checked, to a folder for case management."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import psycopg

from cstr_desk.hub.bundle import open_bundle, sha256_hex
from cstr_desk.hub.client import connect, mark_fetched, translate, unfetched
from cstr_desk.hub.errors import BundleError


@dataclass(frozen=True)
class Fetched:
    case_id: str
    annex_version: int
    outcome_version: int
    folder: Path
    files: tuple[str, ...]


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)


def fetch_new(dsn: str, identity: str, out: Path) -> list[Fetched]:
    """Every bundle not fetched before: checked against its hash, decrypted, written, then marked fetched.

    A bundle is marked only after its files are on disk, so an interrupted fetch writes it again next time.
    """
    out.mkdir(parents=True, exist_ok=True)
    done: list[Fetched] = []
    with connect(dsn) as conn:
        try:
            for stored in unfetched(conn):
                if sha256_hex(stored.bundle) != stored.bundle_sha256:
                    raise BundleError(f"Bundle {stored.handover_id} does not match its fingerprint on the hub.")
                opened = open_bundle(stored.bundle, identity)
                if (opened.case_id, opened.annex_version, opened.outcome_version) != (
                        stored.case_id, stored.annex_version, stored.outcome_version):
                    raise BundleError(f"Bundle {stored.handover_id} holds a different case than its label.")
                suffix = f"-o{stored.outcome_version}" if stored.outcome_version else ""
                folder = out / f"{stored.case_id}-v{stored.annex_version}{suffix}"
                folder.mkdir(exist_ok=True)
                for name, data in opened.files.items():
                    _write_atomically(folder / Path(name).name, data)
                mark_fetched(conn, stored.handover_id)
                done.append(Fetched(stored.case_id, stored.annex_version, stored.outcome_version, folder,
                                    tuple(sorted(opened.files))))
        except psycopg.Error as exc:
            raise translate(exc, "fetch the bundles") from exc
    return done
