"""The app starts without a display and can save its first window as a PNG."""

import os
import subprocess
import sys

from PySide6.QtGui import QImage


def test_screenshot_flag_saves_png_without_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["CSTR_DESK_DATA"] = str(tmp_path / "data")
    shot = tmp_path / "first.png"
    out = subprocess.run(
        [sys.executable, "-m", "cstr_desk", "--screenshot", str(shot)], env=env, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    image = QImage(str(shot))
    assert not image.isNull() and image.width() > 200


def test_startup_does_not_import_reportlab_or_sqlite_utils():
    code = (
        "import sys, cstr_desk.cli, cstr_desk.app, cstr_desk.ui.main_window;"
        "print(sorted(m for m in ('reportlab', 'sqlite_utils') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
