"""A real PostgreSQL (pgserver, from PyPI) started once for the hub tests in a temporary folder, and stopped."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from cstr_desk.domain.roles import Actor
from cstr_desk.hub.bundle import SiteKeys, generate_site_keys
from cstr_desk.hub.client import Credentials, add_login, init_hub
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import Database, open_database
from cstr_desk.storage.handover import HubLink, save_hub_link
from cstr_desk.workflow import finalize_case

TODAY = date(2026, 11, 23)
WHEN = datetime(2026, 11, 23, 15, 30)
OFFICER = Actor("Jo Adeyemi", "duty_officer")
ADMIN = Actor("Alex Admin", "administrator")
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server():
    import pgserver

    # Run as root, pgserver starts PostgreSQL as its own unprivileged user, which must be able to reach the
    # folder: pytest's own temporary folders are private to root, so this one is made open to read (0755).
    parent = Path(tempfile.mkdtemp(prefix="cstr-hub-pg-"))
    parent.chmod(0o755)
    folder = parent / "data"
    server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        yield server, folder
    finally:
        server.cleanup()
        shutil.rmtree(parent, ignore_errors=True)


@dataclass
class Hub:
    admin_dsn: str
    data_dir: Path
    keys: SiteKeys
    n: int

    def login(self, name: str, kind: str) -> Credentials:
        return add_login(self.admin_dsn, f"{name}{self.n}", kind)


@pytest.fixture
def hub(pg_server) -> Hub:
    """A fresh hub database for one test (roles are cluster-wide, so login names carry the test's number)."""
    server, folder = pg_server
    n = next(_numbers)
    uri = server.get_uri()
    with psycopg.connect(uri, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE hub_{n}")
    admin_dsn = make_conninfo(uri, dbname=f"hub_{n}")
    keys = generate_site_keys()
    init_hub(admin_dsn, keys.recipient)
    return Hub(admin_dsn, folder, keys, n)


@dataclass
class Laptop:
    folder: Path
    database: Database
    store: CaseStore
    case_ids: list[str]
    creds: Credentials | None = None


def make_laptop(folder: Path, forms, demo, hub: Hub | None = None, name: str = "laptop") -> Laptop:  # type: ignore[no-untyped-def]
    """A data folder holding the four demo cases, finalized, each with a fresh id (two laptops never share ids)."""
    database = open_database(folder, os.urandom(32))
    store = CaseStore(database, OFFICER)
    ids = []
    for demo_name in ("mhtr_only", "drr_only", "atr_only", "mhtr_atr_womens_centre"):
        case = demo(demo_name)
        case.case_id = ""
        store.import_case(case)
        finalize_case(store, case, forms, TODAY, WHEN)
        ids.append(case.case_id)
    laptop = Laptop(folder, database, store, ids)
    if hub is not None:
        creds = hub.login(name, "laptop")
        save_hub_link(database, ADMIN, HubLink(creds.dsn, creds.recipient, creds.role))
        laptop.creds = creds
    return laptop


@pytest.fixture
def laptops(tmp_path, hub, forms, demo):
    made: list[Laptop] = []

    def make(name: str) -> Laptop:
        laptop = make_laptop(tmp_path / name, forms, demo, hub, name)
        made.append(laptop)
        return laptop

    yield make
    for laptop in made:
        if laptop.database.lock.handle is not None:
            laptop.database.close(backup=False)
