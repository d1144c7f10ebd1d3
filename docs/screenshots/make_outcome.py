"""Screenshots of the after-the-hearing screens (outcome step, dashboard) and PNGs of the PDF monitoring return.

Run at 100% and 150%:
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make_outcome.py
    QT_QPA_PLATFORM=offscreen QT_SCALE_FACTOR=1.5 .venv/bin/python docs/screenshots/make_outcome.py
Uses a throwaway demo data folder with four months of fictional court days; the window is 1366x768. The PDF pages
are drawn with pdftoppm (poppler-utils) when it is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication  # noqa: E402

from cstr_desk.demo import DEMO_HISTORY_CASES, DEMO_PASSPHRASE, make_demo_folder  # noqa: E402
from cstr_desk.domain.forms import load_forms  # noqa: E402
from cstr_desk.paths import forms_dir  # noqa: E402
from cstr_desk.ui.main_window import MainWindow  # noqa: E402

OUT = Path(__file__).resolve().parent
SCALE = os.environ.get("QT_SCALE_FACTOR", "1")
SUFFIX = "100" if SCALE in ("1", "1.0") else str(int(float(SCALE) * 100))


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="cstr-shots-")) / "data"
    make_demo_folder(folder, date.today(), scrypt_n=2**12, history=DEMO_HISTORY_CASES)
    window = MainWindow(folder, load_forms(forms_dir()), demo=True)
    window.keyring.scrypt_n = 2**12
    window.resize(1366, 768)
    window.show()
    saved = []

    def shot(name: str) -> None:
        app.processEvents()
        path = OUT / f"{name}-{SUFFIX}.png"
        window.grab().save(str(path))
        saved.append(path.name)

    window.signin.name.setText("Jo Adeyemi")
    window.signin.passphrase.setText(DEMO_PASSPHRASE)
    window.signin.attempt()
    window.to_record.setChecked(True)
    shot("20-outcome-to-record")
    window.table.selectRow(0)
    window.open_outcome()
    page = window.stack.currentWidget()
    page.category.setCurrentIndex(page.category.findData("probation_sentence"))
    page.fill_as_proposed()
    shot("21-outcome")
    window.open_dashboard()
    dashboard = window.stack.currentWidget()
    dashboard.choose_months(4)
    shot("22-dashboard")
    if SUFFIX == "100":
        start, end = dashboard.period()
        pdf = window.desk.monitoring_export(start, end, "pdf")
        target = OUT / "monitoring-return.pdf"
        target.write_bytes(pdf)
        if shutil.which("pdftoppm"):
            subprocess.run(["pdftoppm", "-r", "80", "-png", str(target), str(OUT / "23-monitoring-return")], check=True)
            saved += sorted(p.name for p in OUT.glob("23-monitoring-return*.png"))
        target.unlink()
    window.close()
    shutil.rmtree(folder.parent, ignore_errors=True)
    print("\n".join(saved))
    return 0


if __name__ == "__main__":
    sys.exit(main())
