"""Labelled inputs with an error line underneath that screen readers announce, and date parsing."""

from __future__ import annotations

import re
from datetime import date, datetime

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from cstr_desk.ui.widgets.wrap_label import WrapLabel

# Patterns as text, compiled by re's own cache on first use: this module is on the sign-in path.
_DMY = r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$"
_ISO = r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$"
_HM = r"^\s*(\d{1,2})[:.](\d{2})\s*$"


def parse_date(text: str) -> date | None:
    """23/11/2026, 23-11-2026 or 2026-11-23; raises ValueError with a plain message, None when empty."""
    if not text.strip():
        return None
    m = re.match(_DMY, text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = re.match(_ISO, text)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError("That date does not exist; check the day and month.") from None
    raise ValueError("Enter a date like 23/11/2026.")


def parse_datetime(date_text: str, time_text: str) -> datetime | None:
    day = parse_date(date_text)
    if day is None:
        return None
    m = re.match(_HM, time_text or "")
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError("Enter a time like 10:30.")
    return datetime(day.year, day.month, day.day, int(m.group(1)), int(m.group(2)))


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class ErrorLabel(WrapLabel):
    """The message beside a field: an error (blocks) or a warning (only asks for a check), or nothing.

    A field's label (`revealed=False`) stays quiet until the person has left the field or pressed Next, so an
    untouched page shows no errors; errors and warnings differ in icon, colour and the words read out."""

    def __init__(self, parent: QWidget | None = None, revealed: bool = True) -> None:
        super().__init__("", parent, plain=False)  # plain text is set on first use, off the start-up path
        self.setVisible(False)
        self.field: QWidget | None = None
        self.revealed = revealed
        self.message = ""
        self.kind = "error"
        self._plain = False
        self._coloured = ""

    def show_error(self, message: str) -> None:
        self._set(message, "error")

    def show_warning(self, message: str) -> None:
        self._set(message, "warning")

    def reveal(self) -> None:
        if not self.revealed:
            self.revealed = True
            self._render()

    @property
    def is_error(self) -> bool:
        return bool(self.message) and self.kind == "error"

    def _set(self, message: str, kind: str) -> None:
        self.message, self.kind = message, kind
        self._render()

    def _render(self) -> None:
        from cstr_desk.ui.theme import ERROR, WARNING

        if not self._plain:  # set on first use, keeping the Qt namespace off the start-up path
            from PySide6.QtCore import Qt

            self.setTextFormat(Qt.TextFormat.PlainText)
            self._plain = True
        shown = self.message if self.revealed else ""
        word = "Error" if self.kind == "error" else "Warning"
        icon = "✖" if self.kind == "error" else "⚠"
        if self._coloured != self.kind:
            # A palette, not a style sheet: a style sheet on every message label made each page slow to show.
            from PySide6.QtGui import QColor, QPalette

            palette = self.palette()
            palette.setColor(QPalette.ColorRole.WindowText, QColor(ERROR if self.kind == "error" else WARNING))
            self.setPalette(palette)
            self._coloured = self.kind
        self.setText(f"{icon} {shown}" if shown else "")
        self.setVisible(bool(shown))
        self.setAccessibleName(f"{word}: {shown}" if shown else "no problem")
        if self.field is not None:
            # Screen readers announce a field's description when it gets focus: the message travels with it.
            help_text = self.field.property("help_text") or ""
            spoken = f"{word}: {shown}" if shown else ""
            self.field.setAccessibleDescription(" ".join(t for t in (spoken, help_text) if t))


_WATCHED: dict[QWidget, list[ErrorLabel]] = {}  # a field (or a composite field's box) -> the messages it reveals
_CONNECTED = False


def _focus_changed(old: QWidget | None, _new: QWidget | None) -> None:
    """Focus left a widget: reveal the message of the field it belongs to (one signal for the whole app; an event
    filter on every field cost a Python call for every event any field received)."""
    widget = old
    while widget is not None:
        for error in _WATCHED.get(widget, ()):
            error.reveal()
        widget = widget.parentWidget()


def reveal_on_leave(widget: QWidget, error: ErrorLabel) -> None:
    """Leaving the widget (or anything inside it, for composite fields) shows its error."""
    global _CONNECTED
    if not _CONNECTED:
        from PySide6.QtWidgets import QApplication

        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(_focus_changed)
            _CONNECTED = True
    _WATCHED.setdefault(widget, []).append(error)
    widget.destroyed.connect(lambda *_: _WATCHED.pop(widget, None))


def add_field(form: QFormLayout, label: str, widget: QWidget, help_text: str = "", name: str = "") -> ErrorLabel:
    """Add a row: a label with a mnemonic, the widget, and its error line. Returns the error line.

    `name` is the accessible name when the label alone would repeat on the page (e.g. "MHTR: Place")."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    error = ErrorLabel(box, revealed=False)
    column.addWidget(error)
    caption = QLabel(label)
    caption.setBuddy(widget)
    plain = label.replace("&", "")
    widget.setAccessibleName(name or plain)
    if help_text:
        widget.setAccessibleDescription(help_text)
        widget.setToolTip(help_text)
        widget.setProperty("help_text", help_text)
    error.field = widget
    reveal_on_leave(widget, error)
    # On a narrow window (150% on a small laptop) a long label goes above its field instead of widening the page.
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.addRow(caption, box)
    return error
