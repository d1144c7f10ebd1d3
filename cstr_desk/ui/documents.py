"""Opening and saving PDFs: opened ones go to a private temporary folder removed at exit; saved ones where the user says."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

_TEMP: Path | None = None


def _temp_folder() -> Path:
    global _TEMP
    if _TEMP is None:
        _TEMP = Path(tempfile.mkdtemp(prefix="cstr-desk-open-"))
        os.chmod(_TEMP, 0o700)
        atexit.register(clean_temp_folder)
    return _TEMP


def clean_temp_folder() -> None:
    global _TEMP
    if _TEMP is not None:
        shutil.rmtree(_TEMP, ignore_errors=True)
        _TEMP = None


def open_pdf(data: bytes, name: str) -> Path:
    """Show a PDF in the system viewer (from which it can be printed). The file name carries no personal data."""
    path = _temp_folder() / name
    path.write_bytes(data)
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
    return path


def choose_save_path(parent: QWidget, suggested: str) -> Path | None:
    target, _ = QFileDialog.getSaveFileName(parent, "Save a copy", str(Path.home() / suggested), "PDF (*.pdf)")
    return Path(target) if target else None


def write_file(path: Path, data: bytes) -> None:
    """Whole or not at all: written beside the target, then renamed over it."""
    partial = path.with_suffix(path.suffix + ".part")
    partial.write_bytes(data)
    os.replace(partial, path)
