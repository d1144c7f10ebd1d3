"""Eligibility: every test for MHTR, DRR and ATR with its finding and reason, live; record eligible-but-unsuitable."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QCheckBox, QGroupBox, QHBoxLayout, QLineEdit, QTextBrowser, QVBoxLayout

from cstr_desk.domain.annex import OUTCOME_TEXT, STATUS_TEXT
from cstr_desk.domain.case import REQUIREMENT_NAMES, Requirement, Unsuitability
from cstr_desk.domain.eligibility import Decision
from cstr_desk.ui.pages.base import CasePage
from cstr_desk.ui.widgets.fields import ErrorLabel

COLOURS = {"met": "#1b5e20", "not_met": "#b00020", "unknown": "#6d4c00"}


def decisions_html(decisions: list[Decision]) -> str:
    parts = []
    for d in decisions:
        name = REQUIREMENT_NAMES[Requirement(d.requirement)]
        parts.append(f"<h3>{escape(name)} ({d.requirement}): {escape(OUTCOME_TEXT[d.outcome])}</h3>")
        parts.append("<table border='1' cellspacing='0' cellpadding='3' width='100%'>"
                     "<tr><th align='left'>Test</th><th align='left'>Finding</th><th align='left'>Reason</th></tr>")
        for c in d.criteria:
            parts.append(f"<tr><td>{c.code} {escape(c.title)}</td>"
                         f"<td style='color:{COLOURS[c.status]}'><b>{STATUS_TEXT[c.status]}</b></td>"
                         f"<td>{escape(c.reason)}</td></tr>")
        parts.append("</table>")
        for note in d.notes:
            parts.append(f"<p><i>{escape(note)}</i></p>")
    return "".join(parts)


class EligibilityPage(CasePage):
    step = "eligibility"
    title_text = "Eligibility"
    subtitle_text = "Every statutory and programme test, with the reason the court will read."

    def build(self) -> None:
        self.view = QTextBrowser()
        self.view.setAccessibleName("Eligibility decisions")
        self.view.setMinimumHeight(320)
        self.layout_.addWidget(self.view, 1)
        box = QGroupBox("Eligible, but not proposed (the report must say why)")
        column = QVBoxLayout(box)
        self.unsuitable: dict[str, tuple[QCheckBox, QLineEdit, ErrorLabel]] = {}
        for req in Requirement:
            row = QHBoxLayout()
            check = QCheckBox(f"Do not propose the {req.value}")
            reason = QLineEdit()
            reason.setPlaceholderText("Why it is not proposed")
            reason.setAccessibleName(f"Reason the {req.value} is not proposed")
            error = ErrorLabel()
            check.toggled.connect(self.edited)
            reason.textEdited.connect(self.edited)
            row.addWidget(check)
            row.addWidget(reason, 1)
            column.addLayout(row)
            column.addWidget(error)
            self.unsuitable[req.value] = (check, reason, error)
        self.layout_.addWidget(box)

    def load(self) -> None:
        for req, (check, reason, _) in self.unsuitable.items():
            record = self.case.unsuitability(req)
            check.setChecked(record is not None)
            reason.setText(record.reason if record else "")

    def save(self) -> None:
        kept = []
        for req, (check, reason, _) in self.unsuitable.items():
            if check.isChecked():
                kept.append(Unsuitability(req, reason.text(), self.session.actor.name))
        self.case.unsuitable = kept

    def refresh(self) -> None:
        decisions = self.session.decisions()
        position = self.view.verticalScrollBar().value()
        self.view.setHtml(decisions_html(decisions))
        self.view.verticalScrollBar().setValue(position)
        for check, reason, error in self.unsuitable.values():
            reason.setEnabled(check.isChecked() and not self.read_only)
            error.show_error("Give the reason." if check.isChecked() and not reason.text().strip() else "")

    def isComplete(self) -> bool:
        return self.read_only or not any(c.isChecked() and not r.text().strip() for c, r, _ in self.unsuitable.values())
