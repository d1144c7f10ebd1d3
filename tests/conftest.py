"""Shared test set-up: offscreen Qt before any QApplication exists."""

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


import copy

import pytest


@pytest.fixture
def forms():
    from tests.unit.conftest import FORMS

    return FORMS


@pytest.fixture
def demo():
    """demo(name) gives a fresh, independent copy of a demo case to change."""
    from tests.unit.conftest import DEMOS

    return lambda name: copy.deepcopy(DEMOS[name])
