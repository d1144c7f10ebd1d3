"""Fixtures for domain tests: the real forms and fresh copies of the demo cases."""

from __future__ import annotations

import copy

import pytest

from cstr_desk.domain.forms import load_forms
from cstr_desk.paths import forms_dir
from tests.demo_cases import BUILDERS

FORMS = load_forms(forms_dir())
DEMOS = {name: build(FORMS) for name, build in BUILDERS.items()}


@pytest.fixture
def forms():
    return FORMS


@pytest.fixture
def demo():
    """demo(name) gives a fresh, independent copy of a demo case to change."""
    return lambda name: copy.deepcopy(DEMOS[name])
