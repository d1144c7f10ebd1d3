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

OPENED_FOLDER = "opened"  # inside the data folder: private (0700), emptied at close and at the next start
_FOLDER: Path | None = None


def use_data_folder(data_folder: Path) -> None:
    """Opened PDFs go under this data folder; anything left there by a crash is removed now (D14)."""
    global _FOLDER
    _FOLDER = data_folder / OPENED_FOLDER
    clean_temp_folder(keep_folder=True)


def _temp_folder() -> Path:
    global _FOLDER
    if _FOLDER is None:  # no data folder known (a test, a headless caller): a private temporary one
        _FOLDER = Path(tempfile.mkdtemp(prefix="cstr-desk-open-"))
    _FOLDER.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(_FOLDER, 0o700)
    return _FOLDER


def clean_temp_folder(keep_folder: bool = False) -> None:
    """Remove every PDF opened in another program (called at close, at the next start, and at exit)."""
    if _FOLDER is not None and _FOLDER.exists():
        for path in _FOLDER.iterdir():
            if path.is_file() or path.is_symlink():
                path.unlink(missing_ok=True)
            else:
                shutil.rmtree(path, ignore_errors=True)
        if not keep_folder:
            shutil.rmtree(_FOLDER, ignore_errors=True)


atexit.register(clean_temp_folder)


def open_pdf(data: bytes, name: str) -> Path:
    """Show a PDF in the system viewer (from which it can be printed); the in-app preview needs no file at all.

    The file is readable by this user only, and its name carries no personal data."""
    path = _temp_folder() / name
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
