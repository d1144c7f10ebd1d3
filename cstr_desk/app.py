"""Start-up: choose a Qt platform that works here, resolve the data folder, show the first window."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def choose_qt_platform() -> str | None:
    """Fall back to offscreen when there is no display, instead of letting Qt abort."""
    if os.environ.get("QT_QPA_PLATFORM"):
        return None
    if sys.platform.startswith("linux") and not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
        return "offscreen"
    return None


def _quiet_excepthook(exc_type, exc, tb) -> None:  # type: ignore[no-untyped-def]
    """An unexpected error is reported without its details: they may hold case content."""
    print(f"cstr-desk: unexpected error ({exc_type.__name__}); your last saved draft is safe.", file=sys.stderr)


def _clean_opened_documents() -> None:
    documents = sys.modules.get("cstr_desk.ui.documents")  # only loaded if a PDF was opened
    if documents is not None:
        documents.clean_temp_folder()


def run_app(data_dir: str | None = None, demo: bool = False, screenshot: str | None = None,
            idle_minutes: float | None = None) -> int:
    fallback = choose_qt_platform()
    if fallback and not screenshot:
        print("cstr-desk: no display found; running offscreen (nothing will be visible).", file=sys.stderr)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cstr_desk.paths import data_dir as resolve_data_dir
    from cstr_desk.ui.idle_lock import DEFAULT_IDLE_MINUTES
    from cstr_desk.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CSTR Desk")
    hint = ""
    temp = None
    if demo:
        import shutil
        import tempfile
        from datetime import date

        from cstr_desk.demo import DEMO_HINT, DEMO_HISTORY_CASES, make_demo_folder

        temp = Path(tempfile.mkdtemp(prefix="cstr-desk-demo-"))
        folder = temp / "data"
        make_demo_folder(folder, date.today(), history=DEMO_HISTORY_CASES)
        hint = DEMO_HINT
    else:
        folder = resolve_data_dir(data_dir)
        folder.mkdir(parents=True, exist_ok=True)
    if not screenshot:
        sys.excepthook = _quiet_excepthook
    window = MainWindow(data_folder=folder, demo=demo, demo_hint=hint,
                        idle_minutes=idle_minutes or DEFAULT_IDLE_MINUTES)
    window.show()
    app.aboutToQuit.connect(_clean_opened_documents)

    if screenshot:
        def grab_and_quit() -> None:
            ok = window.grab().save(screenshot, "PNG")
            if not ok:
                print(f"cstr-desk: could not write screenshot to {screenshot}", file=sys.stderr)
            window.close()
            app.exit(0 if ok else 1)

        QTimer.singleShot(0, grab_and_quit)
    status = app.exec()
    if temp is not None:
        shutil.rmtree(temp, ignore_errors=True)
    return status
