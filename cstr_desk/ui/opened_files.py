"""Where PDFs opened in another program go: a private folder inside the data folder, emptied at close and at the
next start (D14). No Qt here: the main window cleans up at start-up without loading more than it needs."""

from __future__ import annotations

import atexit
import os
from pathlib import Path

OPENED_FOLDER = "opened"  # inside the data folder: private (0700), emptied at close and at the next start
_FOLDER: Path | None = None


def use_data_folder(data_folder: Path) -> None:
    """Opened PDFs go under this data folder; anything left there by a crash is removed now (D14)."""
    global _FOLDER
    _FOLDER = data_folder / OPENED_FOLDER
    clean_temp_folder(keep_folder=True)


def temp_folder() -> Path:
    global _FOLDER
    if _FOLDER is None:  # no data folder known (a test, a headless caller): a private temporary one
        import tempfile

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
                import shutil

                shutil.rmtree(path, ignore_errors=True)
        if not keep_folder:
            import shutil

            shutil.rmtree(_FOLDER, ignore_errors=True)


atexit.register(clean_temp_folder)
