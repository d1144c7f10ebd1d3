"""WrapLabel: a word-wrapped label that remembers its height for each width.

Laying out a step asks every wrapped label for its height at several widths, many times; Qt shapes the text again
for each question, and that was most of the time a step took to appear. The answer only changes with the text, its
format or the font, so it is kept until one of them does. (No Qt enums at import or construction: the sign-in
screen uses this label, and building those enums is slow.)"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget


class WrapLabel(QLabel):
    def __init__(self, text: str | QWidget = "", parent: QWidget | None = None, plain: bool = True) -> None:
        if isinstance(text, QWidget):  # WrapLabel(parent), like QLabel(parent)
            parent, text = text, ""
        super().__init__(parent)
        self._heights: dict[int, int] = {}
        if plain:
            from PySide6.QtCore import Qt

            self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        if text:
            self.setText(text)

    def setText(self, text: str) -> None:
        if text != self.text():
            self._heights.clear()
        super().setText(text)

    def setTextFormat(self, text_format: Any) -> None:
        self._heights.clear()
        super().setTextFormat(text_format)

    def heightForWidth(self, width: int) -> int:
        height = self._heights.get(width)
        if height is None:
            height = self._heights[width] = super().heightForWidth(width)
        return height

    def changeEvent(self, event: Any) -> None:
        self._heights.clear()  # a font, style or palette change may change the height
        super().changeEvent(event)
