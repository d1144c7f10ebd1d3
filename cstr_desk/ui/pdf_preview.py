"""Show a PDF's pages inside the app and print them with Qt's print dialog: no other program needed at court.

pypdfium2 renders each page to a bitmap (PySide6-Essentials has no QtPdf); printing paints the pages at the
printer's resolution. Who opened or printed what is audited by the caller, through the Desk (`on_printed`).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPainter, QPixmap, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

SCREEN_DPI = 96
PRINT_DPI_MAX = 300  # enough for 7 pt type; higher only makes the print job larger
ZOOMS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)


def page_count(pdf: bytes) -> int:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


def render_pages(pdf: bytes, dpi: float, first: int = 0, last: int | None = None) -> list[QImage]:
    """Pages first..last (inclusive, 0-based) as RGB images at dpi dots per inch."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        end = len(document) - 1 if last is None else min(last, len(document) - 1)
        images = []
        for index in range(first, end + 1):
            page = document[index]
            bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
            image = QImage(bitmap.buffer, bitmap.width, bitmap.height, bitmap.stride, QImage.Format.Format_RGB888)
            images.append(image.copy())  # the bitmap's memory goes with it; the copy owns its pixels
            bitmap.close()
            page.close()
        return images
    finally:
        document.close()


def print_pdf(pdf: bytes, printer: QPrinter) -> int:
    """Paint the pages the printer's settings ask for, one per sheet, scaled to fit; returns the pages printed."""
    total = page_count(pdf)
    first, last = 0, total - 1
    if printer.printRange() == QPrinter.PrintRange.PageRange and printer.fromPage() > 0:
        first, last = printer.fromPage() - 1, min(printer.toPage(), total) - 1
    dpi = min(printer.resolution(), PRINT_DPI_MAX)
    painter = QPainter()
    if not painter.begin(printer):
        raise OSError("the printer could not be started")
    printed = 0
    try:
        for index in range(first, last + 1):
            if printed:
                printer.newPage()
            image = render_pages(pdf, dpi, index, index)[0]
            area = painter.viewport()
            size = image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
            painter.setViewport(area.x(), area.y(), size.width(), size.height())
            painter.setWindow(image.rect())
            painter.drawImage(0, 0, image)
            painter.setViewport(area)
            printed += 1
    finally:
        painter.end()
    return printed


class PdfPreview(QDialog):
    """The pages of one PDF, scrolled top to bottom, with zoom and Print…. Esc closes."""

    def __init__(self, pdf: bytes, title: str, parent: QWidget | None = None,
                 on_printed: Callable[[int], None] | None = None) -> None:
        super().__init__(parent)
        self.pdf = pdf
        self.on_printed = on_printed
        self.zoom = ZOOMS.index(1.0)
        self.printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.resize(900, 760)
        layout = QVBoxLayout(self)
        bar = QHBoxLayout()
        self.print_button = QPushButton("&Print…")
        self.zoom_out = QPushButton("Zoom &out")
        self.zoom_in = QPushButton("Zoom &in")
        self.close_button = QPushButton("&Close")
        self.status = QLabel()
        for widget in (self.print_button, self.zoom_out, self.zoom_in, self.status):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.close_button)
        layout.addLayout(bar)
        self.pages_widget = QWidget()
        self.pages_layout = QVBoxLayout(self.pages_widget)
        self.pages_layout.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.scroller = QScrollArea()
        self.scroller.setWidget(self.pages_widget)
        self.scroller.setWidgetResizable(True)
        self.scroller.setStyleSheet("QScrollArea { background: #6b6b6b; }")
        layout.addWidget(self.scroller, 1)
        self.page_labels: list[QLabel] = []
        self.print_button.clicked.connect(self.choose_printer_and_print)
        self.zoom_in.clicked.connect(lambda: self.set_zoom(self.zoom + 1))
        self.zoom_out.clicked.connect(lambda: self.set_zoom(self.zoom - 1))
        self.close_button.clicked.connect(self.accept)
        for keys, action in (("Ctrl++", lambda: self.set_zoom(self.zoom + 1)),
                             ("Ctrl+=", lambda: self.set_zoom(self.zoom + 1)),
                             ("Ctrl+-", lambda: self.set_zoom(self.zoom - 1)),
                             ("Ctrl+P", self.choose_printer_and_print)):
            QShortcut(QKeySequence(keys), self, action)
        self.show_pages()

    def set_zoom(self, step: int) -> None:
        step = max(0, min(len(ZOOMS) - 1, step))
        if step != self.zoom:
            self.zoom = step
            self.show_pages()

    def show_pages(self) -> None:
        images = render_pages(self.pdf, SCREEN_DPI * ZOOMS[self.zoom] * self.devicePixelRatioF())
        while len(self.page_labels) < len(images):
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            label.setAccessibleName(f"Page {len(self.page_labels) + 1} of {len(images)}")
            self.pages_layout.addWidget(label)
            self.page_labels.append(label)
        for label, image in zip(self.page_labels, images):
            pixmap = QPixmap.fromImage(image)
            pixmap.setDevicePixelRatio(self.devicePixelRatioF())
            label.setPixmap(pixmap)
        self.status.setText(f"{len(images)} page{'s' if len(images) != 1 else ''} · {round(ZOOMS[self.zoom] * 100)}%")
        self.zoom_in.setEnabled(self.zoom < len(ZOOMS) - 1)
        self.zoom_out.setEnabled(self.zoom > 0)

    def choose_printer_and_print(self) -> None:
        dialog = QPrintDialog(self.printer, self)
        dialog.setWindowTitle("Print")
        dialog.setMinMax(1, len(self.page_labels))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_now()

    def print_now(self) -> int:
        printed = print_pdf(self.pdf, self.printer)
        if self.on_printed is not None:
            self.on_printed(printed)
        return printed


def show_preview(parent: QWidget, pdf: bytes, title: str,
                 on_printed: Callable[[int], None] | None = None) -> PdfPreview:
    """Open the preview over parent without blocking it (window-modal); parent keeps it as `pdf_preview`."""
    preview = PdfPreview(pdf, title, parent, on_printed)
    preview.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    parent.pdf_preview = preview  # type: ignore[attr-defined]
    preview.open()
    return preview
