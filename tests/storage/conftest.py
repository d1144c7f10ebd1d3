"""Real encrypted database files in tmp_path."""

from __future__ import annotations

import os

import pytest

from cstr_desk.domain.roles import Actor
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import open_database


@pytest.fixture
def key() -> bytes:
    return os.urandom(32)


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "data"


@pytest.fixture
def store(folder, key):
    database = open_database(folder, key)
    s = CaseStore(database, actor=Actor("officer-1", "duty_officer"))
    yield s
    if database.lock.handle is not None:
        database.close(backup=False)

