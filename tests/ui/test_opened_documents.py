"""D14: an annex opened in another program is written only to a private folder inside the data folder, readable by
this user alone, emptied at close and again at the next start (after a crash)."""

from __future__ import annotations

import stat

from cstr_desk.ui import documents
from tests.ui.conftest import make_window


def test_opened_pdfs_are_private_and_gone_at_close_and_next_start(qtbot, demo_folder, monkeypatch):
    monkeypatch.setattr(documents.QDesktopServices, "openUrl", lambda url: True)
    window = make_window(qtbot, demo_folder)
    path = documents.open_pdf(b"%PDF-1.4 not really", "annex-v1.pdf")
    assert path.parent == demo_folder / documents.OPENED_FOLDER
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    window.close()
    assert not path.exists(), "emptied at close"

    # A crash leaves one behind: the next start removes it.
    left = documents.open_pdf(b"%PDF-1.4 left by a crash", "annex-v2.pdf")
    assert left.exists()
    again = make_window(qtbot, demo_folder)
    assert not left.exists(), "removed at the next start"
    again.close()
