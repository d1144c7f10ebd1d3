"""`cstr-desk instruments` and `cstr-desk score`, run as a user would."""

import json
import subprocess
import sys

import pytest


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "cstr_desk", *args], capture_output=True, text=True, timeout=60)


def test_instruments_lists_versions():
    out = run("instruments")
    assert out.returncode == 0
    for inst_id in ("audit", "audit_c", "phq9", "gad7", "dast10", "mh_screen"):
        assert inst_id in out.stdout
    assert "1.0.0" in out.stdout


def test_score_prints_json():
    out = run("score", "audit", "4,4,4,4,4,4,4,4,4,4")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["total"] == 40 and data["band"] == "possible_dependence" and data["unanswered"] == []


def test_score_yes_no_and_unanswered():
    out = run("score", "dast10", "yes,no,,no,no,no,no,no,no,no")
    data = json.loads(out.stdout)
    assert data["complete"] is False and data["total"] is None and data["unanswered"] == ["q3"]


@pytest.mark.parametrize(
    "args, fragment",
    [
        (("score", "nosuch", "1"), "unknown instrument"),
        (("score", "audit", "1,2"), "10 items; 2 answers"),
        (("score", "audit", "1,1,1,1,1,1,1,1,1,1"), "not an answer"),
        (("score", "phq9", "0,0,0,0,0,0,0,0,7"), "not an answer"),
    ],
)
def test_score_bad_input_is_one_line_and_nonzero(args, fragment):
    out = run(*args)
    assert out.returncode == 2
    assert fragment in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert "Traceback" not in out.stderr
