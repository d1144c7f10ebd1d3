"""QuestionnaireWidget: draws any instrument from its data file, with a live total, band and flags."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QButtonGroup, QFrame, QRadioButton, QVBoxLayout, QWidget

from cstr_desk.domain.instruments import Instrument, Score, score_instrument
from cstr_desk.ui.widgets.flow import FlowLayout
from cstr_desk.ui.widgets.wrap_label import WrapLabel


class QuestionnaireWidget(QWidget):
    """One group of radio buttons per item; arrow keys move within a question, Tab moves between questions."""

    answers_changed = Signal()

    def __init__(self, instrument: Instrument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.instrument = instrument
        self.groups: dict[str, QButtonGroup] = {}
        self._codes: dict[str, list[str]] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        header = WrapLabel(f"<b>{_esc(instrument.title)}</b> (version {_esc(instrument.version)})", self, plain=False)
        header.setWordWrap(True)
        layout.addWidget(header)
        if instrument.instructions:
            intro = WrapLabel(instrument.instructions, self)
            intro.setWordWrap(True)
            intro.setTextFormat(Qt.TextFormat.PlainText)
            layout.addWidget(intro)
        for number, item in enumerate(instrument.items, 1):
            # The question wraps (a group box title would not, and would widen the page); answers flow onto a
            # second line when the page is narrow.
            box = QFrame(self)
            box.setFrameShape(QFrame.Shape.NoFrame)
            box.setAccessibleName(f"{instrument.short_title} question {number}: {item.text}")
            column = QVBoxLayout(box)
            column.setContentsMargins(0, 6, 0, 4)
            column.setSpacing(2)
            # Plain text: a rich-text label costs far more to lay out, and a page holds many of them.
            question = WrapLabel(f"{number}. {item.text}", box)
            column.addWidget(question)
            row = FlowLayout()
            column.addLayout(row)
            group = QButtonGroup(box)
            group.setExclusive(True)
            codes = []
            for index, option in enumerate(item.options):
                button = QRadioButton(option.label, box)
                button.setAccessibleName(f"{instrument.short_title} question {number}: {option.label}")
                button.setAccessibleDescription(f"scores {option.score}")
                group.addButton(button, index)
                row.addWidget(button)
                codes.append(option.code)
            group.idToggled.connect(self._toggled)
            self.groups[item.id] = group
            self._codes[item.id] = codes
            layout.addWidget(box)
        self.result_label = WrapLabel(self)
        self.result_label.setWordWrap(True)
        self.result_label.setAccessibleName(f"{instrument.short_title} result")
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.result_label)
        self._show_result()

    def _toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._show_result()
            self.answers_changed.emit()

    def answers(self) -> dict[str, str | None]:
        out: dict[str, str | None] = {}
        for item_id, group in self.groups.items():
            checked = group.checkedId()
            out[item_id] = self._codes[item_id][checked] if checked >= 0 else None
        return out

    def set_answers(self, answers: dict[str, str]) -> None:
        for item_id, group in self.groups.items():
            code = answers.get(item_id)
            group.blockSignals(True)
            if code in self._codes[item_id]:
                button = group.button(self._codes[item_id].index(code))
                button.setChecked(True)
            else:
                group.setExclusive(False)
                for button in group.buttons():
                    button.setChecked(False)
                group.setExclusive(True)
            group.blockSignals(False)
        self._show_result()

    def score(self) -> Score:
        return score_instrument(self.instrument, self.answers())

    def _show_result(self) -> None:
        result = self.score()
        if result.total is not None:
            text = f"Total {result.total} of {self.instrument.max_total}: {result.band_label}."
        elif result.complete:
            text = "All questions answered."
        else:
            text = f"{len(result.unanswered)} of {len(self.instrument.items)} questions still to answer."
        for flag in result.flags:
            text += f"  ⚠ {flag.message}"
        self.result_label.setText(text)


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
