"""Save a PNG of every screen (sign-in, case list, each wizard page, lock) at the current scale.

Run at 100% and 150%:
    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/screenshots/make.py
    QT_QPA_PLATFORM=offscreen QT_SCALE_FACTOR=1.5 .venv/bin/python docs/screenshots/make.py
Uses a throwaway demo data folder (fictional cases). The window fills a 1366x768 screen, a small court laptop: at
150% that is 911x512 logical pixels, as a real laptop at that scaling shows it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
from PySide6.QtWidgets import QApplication, QWizard  # noqa: E402

from cstr_desk.demo import DEMO_PASSPHRASE, make_demo_folder  # noqa: E402
from cstr_desk.domain.forms import load_forms  # noqa: E402
from cstr_desk.paths import forms_dir  # noqa: E402
from cstr_desk.ui.main_window import MainWindow  # noqa: E402
from cstr_desk.ui.wizard import ORDER  # noqa: E402

OUT = Path(__file__).resolve().parent
SCALE = os.environ.get("QT_SCALE_FACTOR", "1")
SUFFIX = "100" if SCALE in ("1", "1.0") else str(int(float(SCALE) * 100))


def main() -> int:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    folder = Path(tempfile.mkdtemp(prefix="cstr-shots-")) / "data"
    make_demo_folder(folder, date.today(), scrypt_n=2**12)
    window = MainWindow(folder, load_forms(forms_dir()), demo=True)
    window.keyring.scrypt_n = 2**12
    scale = float(SCALE)
    window.resize(round(1366 / scale), round(768 / scale))
    window.show()
    saved = []

    def shot(name: str) -> None:
        app.processEvents()
        path = OUT / f"{name}-{SUFFIX}.png"
        window.grab().save(str(path))
        saved.append(path.name)

    shot("01-sign-in")
    window.signin.name.setText("Jo Adeyemi")
    window.signin.passphrase.setText(DEMO_PASSPHRASE)
    window.signin.attempt()
    shot("02-case-list")
    target = next(r for r in window.model.rows if r.case_id == "demo-mhtr-atr-women")
    window.open_wizard(window.desk.open_draft(target.case_id))
    wizard = window.wizard
    for page_id, cls in ORDER:
        if not wizard.available(page_id):
            continue
        wizard.setStartId(page_id)
        wizard.restart()
        shot(f"{page_id + 3:02d}-{cls.step}")
    preview_shot(app, window, wizard, saved)
    wizard.setStartId(0)
    wizard.restart()
    wizard.button(QWizard.WizardButton.NextButton).click()  # Next on a page with a problem: what is missing
    window.session.case.person.family_name = ""
    wizard.restart()
    wizard.button(QWizard.WizardButton.NextButton).click()
    shot("50-details-missing")
    window.close_case()
    window.lock()
    shot("99-locked")
    window.close()
    print("\n".join(saved))
    return 0


def preview_shot(app: QApplication, window: MainWindow, wizard, saved: list[str]) -> None:  # type: ignore[no-untyped-def]
    """The draft annex in the in-app preview (Preview and print on the review page), as its own window."""
    from cstr_desk.ui.pdf_preview import show_preview

    preview = show_preview(wizard, window.desk.draft_annex(wizard.session.case, "previewed"), "Annex (draft)")
    preview.resize(1000, 740)
    app.processEvents()
    path = OUT / f"30-preview-{SUFFIX}.png"
    preview.grab().save(str(path))
    saved.append(path.name)
    preview.close()


if __name__ == "__main__":
    sys.exit(main())
