"""Every step fits a 1366x768 laptop at 100% and at a real 150% (QT_SCALE_FACTOR=1.5, so a 911x512 window): one
scrollbar per page, vertical; nothing wider than the page (run in a fresh process: the scale is set at start)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, os, sys, tempfile
from datetime import date
from pathlib import Path
from PySide6.QtWidgets import QAbstractScrollArea, QApplication
from cstr_desk.demo import DEMO_PASSPHRASE, make_demo_folder
from cstr_desk.storage.users import Keyring
from cstr_desk.ui.main_window import MainWindow
from cstr_desk.ui.wizard import ORDER
from cstr_desk.workflow import shipped_forms

app = QApplication([])
scale = float(os.environ["QT_SCALE_FACTOR"])
folder = Path(tempfile.mkdtemp()) / "d"
make_demo_folder(folder, date(2026, 11, 23), scrypt_n=2**10)
window = MainWindow(folder, shipped_forms(), keyring=Keyring(folder, 2**10))
window.resize(round(1366 / scale), round(768 / scale))
window.show()
window.signin.name.setText(sys.argv[1])
window.signin.passphrase.setText(DEMO_PASSPHRASE)
window.signin.attempt()
report = {"window": [window.width(), window.height()], "steps": {}}
window.open_wizard(window.desk.open_draft("demo-mhtr-atr-women"))
wizard = window.wizard
for page_id, cls in ORDER:
    if not wizard.available(page_id):
        continue
    wizard.go_to(page_id)
    app.processEvents()
    page = wizard.currentPage()
    inner = [type(a).__name__ for a in page.body.findChildren(QAbstractScrollArea)
             if a.isVisible() and (a.verticalScrollBar().isVisible() or a.horizontalScrollBar().isVisible())]
    report["steps"][cls.step] = {"viewport": page.scroller.viewport().width(),
                                 "body_min": page.body.minimumSizeHint().width(),
                                 "sideways": page.scroller.horizontalScrollBar().isVisible(), "inner": inner}
window.close()
print(json.dumps(report))
"""


@pytest.mark.slow
@pytest.mark.parametrize("scale", ["1", "1.5"])
@pytest.mark.parametrize("user", ["Jo Adeyemi", "Priya Shah"])
def test_every_step_fits_with_one_vertical_scrollbar(scale, user):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", QT_SCALE_FACTOR=scale)
    out = subprocess.run([sys.executable, "-c", SCRIPT, user], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=300, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    report = json.loads(out.stdout.strip().splitlines()[-1])
    assert report["window"] == [round(1366 / float(scale)), round(768 / float(scale))], "the window fits the screen"
    assert len(report["steps"]) >= 13
    for step, seen in report["steps"].items():
        assert not seen["sideways"], f"{step} scrolls sideways at {scale}"
        assert seen["body_min"] <= seen["viewport"], f"{step} is wider than the page at {scale}: {seen}"
        assert not seen["inner"], f"{step} has a scrolling area inside the scrolling page at {scale}: {seen['inner']}"
