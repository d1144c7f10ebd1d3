"""Opening and saving PDFs: opened ones go to a private temporary folder removed at exit; saved ones where the user says."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from cstr_desk.ui.opened_files import OPENED_FOLDER, clean_temp_folder, temp_folder, use_data_folder

__all__ = ["OPENED_FOLDER", "choose_save_path", "clean_temp_folder", "open_pdf", "use_data_folder", "write_file"]

def open_pdf(data: bytes, name: str) -> Path:
    """Show a PDF in the system viewer (from which it can be printed); the in-app preview needs no file at all.

    The file is readable by this user only, and its name carries no personal data."""
    path = temp_folder() / name
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
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
