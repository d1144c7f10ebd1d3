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


def run_app(data_dir: str | None = None, demo: bool = False, screenshot: str | None = None) -> int:
    fallback = choose_qt_platform()
    if fallback and not screenshot:
        print("cstr-desk: no display found; running offscreen (nothing will be visible).", file=sys.stderr)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from cstr_desk.paths import data_dir as resolve_data_dir
    from cstr_desk.ui.main_window import MainWindow

    if demo:
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="cstr-desk-demo-"))
    else:
        folder = resolve_data_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CSTR Desk")
    window = MainWindow(data_folder=folder, demo=demo)
    window.show()

    if screenshot:
        def grab_and_quit() -> None:
            ok = window.grab().save(screenshot, "PNG")
            if not ok:
                print(f"cstr-desk: could not write screenshot to {screenshot}", file=sys.stderr)
            app.exit(0 if ok else 1)

        QTimer.singleShot(0, grab_and_quit)
    return app.exec()
