"""Issue 15: generated hostile case files through check / annex / sheet / import. A clean exit every time, and a
valid PDF whenever one is written. 200 examples per run; more with CSTR_DESK_FUZZ_EXAMPLES=5000."""

from __future__ import annotations

import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cstr_desk.cli import main
from cstr_desk.domain.casefile import CaseFileError, case_from_json
from cstr_desk.domain.roles import Actor
from cstr_desk.errors import CstrDeskError
from cstr_desk.paths import resources_dir
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import open_database

EXAMPLES = int(os.environ.get("CSTR_DESK_FUZZ_EXAMPLES", "200"))
DEMOS = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((resources_dir() / "demo").glob("*.json"))]

HOSTILE_TEXT = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["<b>bold</b> & <i>", "\x1b[2J\x1b[31m", "\u202eevil", "\ud800", "\udfff lone", "Łukasz Ș ŵ ŷ",
                     "", " ", "\n\t", "x" * 10_001, "é" * 201, "2026-11-23T09:40:00+14:00", "2026-11-23T09:40:00Z",
                     "2026-02-30", "9999-12-31T23:59:59", "0001-01-01", "null", "NaN"]),
)
HOSTILE = st.one_of(
    HOSTILE_TEXT,
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from([0, -1, 2**63, True, False, None, 1.5, float("inf")]),
    st.lists(st.integers(0, 5), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(0, 3), max_size=2),
    st.recursive(st.none(), lambda inner: st.lists(inner, max_size=2), max_leaves=30),
)


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _paths(v, (*prefix, n))


def _leaf(data, path) -> bool:
    for part in path:
        data = data[part]
    return not isinstance(data, (dict, list))


@st.composite
def case_files(draw):
    data = json.loads(json.dumps(draw(st.sampled_from(DEMOS))))
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in _paths(data) if p]
        leaves = [p for p in paths if _leaf(data, p)]
        paths = leaves if draw(st.integers(0, 3)) else paths
        path = draw(st.sampled_from(paths))
        target = data
        for part in path[:-1]:
            target = target[part]
        current = target[path[-1]]
        if draw(st.integers(0, 3)) and isinstance(current, str):  # mostly keep the type: deeper into the app
            target[path[-1]] = draw(HOSTILE_TEXT)
        elif draw(st.integers(0, 3)) and isinstance(current, int) and not isinstance(current, bool):
            target[path[-1]] = draw(st.integers(-(10**6), 10**6))
        else:
            target[path[-1]] = draw(HOSTILE)
    text = json.dumps(data, ensure_ascii=draw(st.booleans()), allow_nan=True)
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]  # a cut-off file
    return text


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    database = open_database(tmp_path_factory.mktemp("fuzz") / "d", os.urandom(32))
    yield CaseStore(database, Actor("Jo Adeyemi", "duty_officer"))
    database.close(backup=False)


def _valid_pdf(path: Path) -> None:
    from pypdf import PdfReader

    data = path.read_bytes()
    assert data.startswith(b"%PDF-") and b"%%EOF" in data[-64:]
    assert len(PdfReader(io.BytesIO(data)).pages) >= 1


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                        HealthCheck.too_slow])
@given(text=case_files())
def test_fuzz_check_annex_sheet_import_exit_cleanly(tmp_path_factory, store, text):
    # D4/D9/D10: generated case files through check, annex, sheet and import: a clean exit, a valid PDF.
    folder = tmp_path_factory.mktemp("case")
    path = folder / "case.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    code = main(["check", str(path), "--today", "2026-11-23"])
    assert code in (0, 1, 2)
    try:
        case = case_from_json(path.read_text(encoding="utf-8", errors="surrogatepass"))
    except CaseFileError:
        case = None
    assert (case is None) == (code == 2)
    for command, out in ((["annex", str(path)], folder / "annex.pdf"), (["sheet", str(path)], folder / "sheet.pdf")):
        result = main([*command, "--out", str(out)])
        assert result in (0, 2)
        assert result == 0 or case is None
        if result == 0:
            _valid_pdf(out)
    if case is not None:
        try:
            imported = store.import_case_once(case)
        except CstrDeskError:
            return  # refused with a message (e.g. the same id with other content)
        assert store.exists(imported.case_id)
        store.load_draft(imported.case_id)
