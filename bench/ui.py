"""UI speed, measured in one run against baselines from the same run.

1. Cold start of cstr-desk to its first interactive window (sign-in) against a bare PySide6 QMainWindow started
   the same way (a fresh process that shows the window, grabs it to PNG and quits): printed as a ratio.
2. Wizard page turns (Next) through a whole case: median and worst, in ms.
3. Search as you type in the case list with 50,000 cases stored: time to refresh the list per keystroke.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python bench/ui.py [N_CASES]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
N_CASES = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
RUNS = 7

BARE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow()
window.resize(1200, 760)
window.show()
def grab():
    window.grab().save(sys.argv[1], "PNG")
    app.exit(0)
QTimer.singleShot(0, grab)
sys.exit(app.exec())
"""


def cold_start(folder: Path) -> tuple[float, float]:
    # An installed wheel has its bytecode compiled (pip does it, as it did for PySide6 here); an editable checkout
    # under PYTHONDONTWRITEBYTECODE (as on this machine) would compile every module from source on each start.
    import compileall

    compileall.compile_dir(str(ROOT / "cstr_desk"), quiet=1)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", CSTR_DESK_DATA=str(folder))
    shot = folder.parent / "shot.png"
    app_times, bare_times = [], []
    for _ in range(RUNS):
        for cmd, times in (([sys.executable, "-m", "cstr_desk", "--screenshot", str(shot)], app_times),
                           ([sys.executable, "-c", BARE, str(shot)], bare_times)):
            start = time.perf_counter()
            subprocess.run(cmd, env=env, cwd=ROOT, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return statistics.median(app_times), statistics.median(bare_times)


def page_turns(folder: Path) -> list[float]:
    from PySide6.QtWidgets import QApplication

    from cstr_desk.demo import DEMO_PASSPHRASE
    from cstr_desk.domain.forms import load_forms
    from cstr_desk.paths import forms_dir
    from cstr_desk.storage.users import Keyring
    from cstr_desk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(folder, load_forms(forms_dir()), keyring=Keyring(folder, 2**10))
    window.resize(1366, 768)
    window.show()
    window.signin.name.setText("Jo Adeyemi")
    window.signin.passphrase.setText(DEMO_PASSPHRASE)
    window.signin.attempt()
    turns = []
    for _ in range(3):
        case = window.desk.open_draft("demo-mhtr-atr-women")
        case.wizard_step = "details"
        window.open_wizard(case)
        wizard = window.wizard
        app.processEvents()
        from cstr_desk.ui.wizard import P_REVIEW

        while wizard.currentId() < P_REVIEW:  # up to the review page
            start = time.perf_counter()
            wizard.next()
            app.processEvents()
            window.repaint()
            turns.append((time.perf_counter() - start) * 1000)
        window.close_case()
    window.close()
    return turns


def search_as_you_type(folder: Path) -> list[float]:
    from PySide6.QtWidgets import QApplication

    from bench.storage import insert_rows
    from cstr_desk.demo import DEMO_PASSPHRASE
    from cstr_desk.domain.forms import load_forms
    from cstr_desk.paths import forms_dir
    from cstr_desk.storage.db import open_database
    from cstr_desk.storage.users import Keyring
    from cstr_desk.ui.main_window import MainWindow

    keyring = Keyring(folder, 2**10)
    signed = keyring.sign_in("Jo Adeyemi", DEMO_PASSPHRASE)
    database = open_database(folder, signed.key)
    insert_rows(database.db, N_CASES)
    database.close(backup=False)
    app = QApplication.instance() or QApplication([])
    window = MainWindow(folder, load_forms(forms_dir()), keyring=keyring)
    window.show()
    window.signin.name.setText("Jo Adeyemi")
    window.signin.passphrase.setText(DEMO_PASSPHRASE)
    window.signin.attempt()
    times = []
    for word in ("Łukaszewski1234", "O'Neill77", "Leeds", "X000123"):
        for n in range(1, len(word) + 1):
            window.search.setText(word[:n])
            start = time.perf_counter()
            window.reload_cases()
            app.processEvents()
            times.append((time.perf_counter() - start) * 1000)
    window.close()
    return times


def main() -> None:
    from cstr_desk.demo import make_demo_folder

    with tempfile.TemporaryDirectory() as tmp:
        start_folder = Path(tmp) / "start"
        make_demo_folder(start_folder, date.today(), scrypt_n=2**10)
        app_s, bare_s = cold_start(start_folder)
        print(f"cold start to sign-in window: {app_s * 1000:.0f} ms; bare PySide6 QMainWindow: {bare_s * 1000:.0f} ms "
              f"(medians of {RUNS})")
        print(f"start-up {app_s / bare_s:.2f}x bare Qt (goal 1.3x or less)")
        turns_folder = Path(tmp) / "turns"
        make_demo_folder(turns_folder, date.today(), scrypt_n=2**10)
        turns = page_turns(turns_folder)
        print(f"wizard page turn: median {statistics.median(turns):.1f} ms, worst {max(turns):.1f} ms "
              f"over {len(turns)} turns (goal: median 16 ms or less)")
        search_folder = Path(tmp) / "search"
        make_demo_folder(search_folder, date.today(), scrypt_n=2**10)
        typed = search_as_you_type(search_folder)
        print(f"search as you type with {N_CASES} cases: median {statistics.median(typed):.1f} ms, "
              f"worst {max(typed):.1f} ms per keystroke ({len(typed)} keystrokes)")


if __name__ == "__main__":
    main()
