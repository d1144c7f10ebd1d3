"""The real forms and the demo cases, built once for every test layer (fixtures in tests/conftest.py)."""

from __future__ import annotations

from cstr_desk.domain.forms import load_forms
from cstr_desk.paths import forms_dir
from tests.demo_cases import BUILDERS

FORMS = load_forms(forms_dir())
DEMOS = {name: build(FORMS) for name, build in BUILDERS.items()}

