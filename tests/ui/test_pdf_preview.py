"""The in-app PDF preview: real pages rendered by pypdfium2, zoom by keyboard and mouse, and printing through
Qt's print dialog to a real PDF file that is read back."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtCore import Qt, QTimer
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication

from cstr_desk.ui.pdf_preview import PdfPreview, print_pdf, render_pages
from cstr_desk.workflow import render_annex_pdf, render_sheet_pdf
from tests.unit.conftest import DEMOS, FORMS


@pytest.fixture(scope="module")
def annex_pdf():
    return render_annex_pdf(DEMOS["mhtr_atr_womens_centre"], forms=FORMS)


def ink(image) -> int:
    """How many sampled pixels are not white: a blank page has none."""
    return sum(1 for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)
               if image.pixelColor(x, y).lightness() < 200)


def test_every_page_is_rendered_with_ink(annex_pdf):
    expected = len(PdfReader(io.BytesIO(annex_pdf)).pages)
    images = render_pages(annex_pdf, 50)
    assert len(images) == expected >= 2
    for image in images:
        assert image.width() == pytest.approx(595 * 50 / 72, abs=2) and ink(image) > 50


def test_preview_shows_all_pages_and_zooms_with_keys_and_buttons(qtbot, annex_pdf):
    preview = PdfPreview(annex_pdf, "Annex (draft)")
    qtbot.addWidget(preview)
    preview.show()
    qtbot.waitExposed(preview)
    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)  # the zoom keys are window shortcuts
    assert len(preview.page_labels) == len(PdfReader(io.BytesIO(annex_pdf)).pages)
    width = preview.page_labels[0].pixmap().width()
    assert "100%" in preview.status.text()
    qtbot.keyClick(preview, Qt.Key.Key_Plus, Qt.KeyboardModifier.ControlModifier)
    assert preview.page_labels[0].pixmap().width() > width and "125%" in preview.status.text()
    qtbot.mouseClick(preview.zoom_out, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(preview.zoom_out, Qt.MouseButton.LeftButton)
    assert preview.page_labels[0].pixmap().width() < width and "75%" in preview.status.text()
    qtbot.mouseClick(preview.close_button, Qt.MouseButton.LeftButton)
    assert not preview.isVisible()


def test_print_button_opens_the_print_dialog_and_prints_every_page(qtbot, tmp_path, annex_pdf):
    printed: list[int] = []
    preview = PdfPreview(annex_pdf, "Annex", on_printed=printed.append)
    qtbot.addWidget(preview)
    preview.show()
    out = tmp_path / "printed.pdf"
    preview.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    preview.printer.setOutputFileName(str(out))
    seen = []

    def accept_dialog():
        dialog = QApplication.activeModalWidget()
        seen.append(type(dialog).__name__)
        if isinstance(dialog, QPrintDialog):
            dialog.accept()

    QTimer.singleShot(300, accept_dialog)
    qtbot.mouseClick(preview.print_button, Qt.MouseButton.LeftButton)
    assert seen == ["QPrintDialog"]
    pages = len(PdfReader(io.BytesIO(annex_pdf)).pages)
    assert printed == [pages]
    back = out.read_bytes()
    assert len(PdfReader(io.BytesIO(back)).pages) == pages
    assert all(ink(image) > 50 for image in render_pages(back, 30))


def test_print_a_page_range_of_the_sheet(tmp_path):
    pdf = render_sheet_pdf(DEMOS["drr_only"], "cy", FORMS, large_print=True)
    total = len(PdfReader(io.BytesIO(pdf)).pages)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "one.pdf"))
    printer.setPrintRange(QPrinter.PrintRange.PageRange)
    printer.setFromTo(total, total)
    assert print_pdf(pdf, printer) == 1
    assert len(PdfReader(str(tmp_path / "one.pdf")).pages) == 1


def _export_details(window, case_id):
    rows = window.desk._store.db.execute(
        "SELECT detail FROM audit WHERE event = 'export' AND case_id = ? ORDER BY id", [case_id]).fetchall()
    return [r[0] for r in rows]


def test_case_list_previews_and_prints_a_final_annex_with_audit(qtbot, officer_window, tmp_path):
    from datetime import date

    window = officer_window
    desk = window.desk
    ready = next(r for r in desk.list_cases(today=date.today())
                 if not desk.finalisation_problems(desk.open_draft(r.case_id), date.today()))
    stored = desk.finalize(desk.open_draft(ready.case_id), date.today())
    window.reload_cases()
    row = next(n for n, r in enumerate(window.model.rows) if r.case_id == ready.case_id)
    window.table.selectRow(row)
    qtbot.mouseClick(window.preview_button, Qt.MouseButton.LeftButton)
    preview = window.pdf_preview
    qtbot.waitExposed(preview)
    assert len(preview.page_labels) == len(PdfReader(io.BytesIO(stored.pdf)).pages)
    assert _export_details(window, ready.case_id) == [f"annex v{stored.version} previewed"]
    out = tmp_path / "court-printer.pdf"
    preview.printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    preview.printer.setOutputFileName(str(out))
    dialogs = []

    def accept_print_dialog():
        dialog = QApplication.activeModalWidget()
        dialogs.append(dialog)
        if isinstance(dialog, QPrintDialog):
            dialog.accept()

    preview.activateWindow()
    qtbot.waitUntil(preview.isActiveWindow)
    QTimer.singleShot(300, accept_print_dialog)
    qtbot.keyClick(preview, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    assert [type(d).__name__ for d in dialogs] == ["QPrintDialog"]
    pages = len(PdfReader(io.BytesIO(stored.pdf)).pages)
    assert len(PdfReader(str(out)).pages) == pages
    assert _export_details(window, ready.case_id)[-1] == f"annex v{stored.version} printed, {pages} pages"
    preview.close()
