"""Issue 15 (D5): an import killed at a random point. Every import reported as done is there after reopening,
nothing is there twice, and a retried import of the interrupted file stores it exactly once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from cstr_desk.domain.roles import Actor
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import open_database
from tests.unit.conftest import DEMOS

CHILD = """
import copy, sys
from pathlib import Path
from cstr_desk.domain.roles import Actor
from cstr_desk.storage.cases import CaseStore
from cstr_desk.storage.db import open_database
from tests.unit.conftest import DEMOS
store = CaseStore(open_database(Path(sys.argv[1]), bytes.fromhex(sys.argv[2])), Actor("child", "duty_officer"))
n = 0
while True:
    case = copy.deepcopy(DEMOS["mhtr_only"])
    case.case_id = ""  # no id: recognised again by its content
    case.person.contact_needs = f"file {n}"
    print("start", n, flush=True)
    store.import_case(case)
    print("done", n, flush=True)
    n += 1
"""


def test_d5_import_killed_at_a_random_point_then_retried_stores_once(tmp_path):
    # D5: a retried import after an unclear failure made a duplicate.
    key = os.urandom(32)
    folder = tmp_path / "data"
    rng = random.Random(os.environ.get("CSTR_DESK_KILL_SEED", "15"))
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(folder), key.hex()], stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parents[2])
    done, started = -1, -1
    stop_at = rng.randint(20, 60)
    deadline = time.monotonic() + 60
    while done < stop_at and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        what, n = line.split()
        if what == "done":
            done = int(n)
        else:
            started = int(n)
    time.sleep(rng.random() * 0.01)  # somewhere inside the next import
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    for line in proc.stdout.read().splitlines():  # what the child said before it died, not yet read
        what, n = line.split()
        done, started = (int(n), started) if what == "done" else (done, int(n))
    assert done >= 20
    database = open_database(folder, key)
    try:
        store = CaseStore(database, Actor("after", "duty_officer"))
        assert database.db.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        notes = sorted(int(c.split()[1]) for (c,) in database.db.execute(
            "SELECT json_extract(draft_json, '$.case.person.contact_needs') FROM drafts"))
        assert notes[: done + 1] == list(range(done + 1))  # every import reported as done is there
        assert len(notes) == len(set(notes)) and len(notes) <= started + 1
        # Retry every file the child had started: each is stored exactly once.
        import copy

        for n in range(started + 2):
            case = copy.deepcopy(DEMOS["mhtr_only"])
            case.case_id = ""
            case.person.contact_needs = f"file {n}"
            store.import_case_once(case)
        assert store.count() == started + 2
        assert store.verify_audit().ok
    finally:
        database.close(backup=False)
