"""An installed wheel carries forms/ and resources/ and works outside the source tree."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
        check=True,
        timeout=300,
    )
    (path,) = out.glob("cstr_desk-*.whl")
    return path


@pytest.mark.slow
def test_wheel_contains_forms_and_resources(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for instrument in ("audit", "audit_c", "phq9", "gad7", "dast10", "mh_screen"):
        assert f"cstr_desk/forms/instruments/{instrument}.toml" in names
    assert "cstr_desk/resources/fonts/DejaVuSans.ttf" in names


@pytest.mark.slow
def test_installed_wheel_finds_its_forms_outside_the_source_tree(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        timeout=300,
    )
    env = dict(os.environ, PYTHONPATH=str(target))
    code = (
        "import cstr_desk, cstr_desk.paths as p, sys;"
        "print(cstr_desk.__file__); print(p.instruments_dir()); print(p.resources_dir())"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    lines = out.stdout.splitlines()
    assert all(line.startswith(str(target)) for line in lines), lines
    listing = subprocess.run(
        [sys.executable, "-m", "cstr_desk", "instruments"], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert listing.returncode == 0 and "phq9" in listing.stdout
