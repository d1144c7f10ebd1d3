"""Labelled inputs with an error line underneath that screen readers announce, and date parsing."""

from __future__ import annotations

import re
from datetime import date, datetime

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

_DMY = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})\s*$")
_ISO = re.compile(r"^\s*(\d{4})-(\d{2})-(\d{2})\s*$")
_HM = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_date(text: str) -> date | None:
    """23/11/2026, 23-11-2026 or 2026-11-23; raises ValueError with a plain message, None when empty."""
    if not text.strip():
        return None
    m = _DMY.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        m = _ISO.match(text)
        if m:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueError("That date does not exist; check the day and month.") from None
    raise ValueError("Enter a date like 23/11/2026.")


def parse_datetime(date_text: str, time_text: str) -> datetime | None:
    day = parse_date(date_text)
    if day is None:
        return None
    m = _HM.match(time_text or "")
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError("Enter a time like 10:30.")
    return datetime(day.year, day.month, day.day, int(m.group(1)), int(m.group(2)))


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


class ErrorLabel(QLabel):
    """The message beside a field; empty when the field is fine."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet("color: #b00020;")
        self.setVisible(False)
        self.field: QWidget | None = None
        self._plain = False

    def show_error(self, message: str) -> None:
        if not self._plain:  # set on first use, keeping the Qt namespace off the start-up path
            from PySide6.QtCore import Qt

            self.setTextFormat(Qt.TextFormat.PlainText)
            self._plain = True
        self.setText(message)
        self.setVisible(bool(message))
        self.setAccessibleName(message or "no error")
        if self.field is not None:
            # Screen readers announce a field's description when it gets focus: the error travels with it.
            help_text = self.field.property("help_text") or ""
            self.field.setAccessibleDescription(" ".join(t for t in (message, help_text) if t))


def add_field(form: QFormLayout, label: str, widget: QWidget, help_text: str = "") -> ErrorLabel:
    """Add a row: a label with a mnemonic, the widget, and its error line. Returns the error line."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    column.addWidget(widget)
    error = ErrorLabel(box)
    column.addWidget(error)
    caption = QLabel(label)
    caption.setBuddy(widget)
    plain = label.replace("&", "")
    widget.setAccessibleName(plain)
    if help_text:
        widget.setAccessibleDescription(help_text)
        widget.setToolTip(help_text)
        widget.setProperty("help_text", help_text)
    error.field = widget
    form.addRow(caption, box)
    return error
