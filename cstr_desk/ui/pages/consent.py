"""Consent to screening and assessment, and to information sharing: the versioned text shown, then the answer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QGroupBox,
    QVBoxLayout,
)

from cstr_desk.domain.consent import ConsentText, current_consent, written_language
from cstr_desk.ui.pages.base import CasePage, Missing
from cstr_desk.ui.widgets.answer import ConsentAnswer
from cstr_desk.ui.widgets.wrap_label import WrapLabel


class ConsentBlock(QGroupBox):
    """One consent text with given/refused and how, for the page to read back."""

    def __init__(self, page: CasePage, text: ConsentText) -> None:
        super().__init__()
        self.text = text
        column = QVBoxLayout(self)
        self.body = WrapLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        column.addWidget(self.body)
        self.basis = WrapLabel()
        self.basis.setWordWrap(True)
        self.basis.setTextFormat(Qt.TextFormat.PlainText)
        self.basis.setStyleSheet("color: #404040;")
        column.addWidget(self.basis)
        self.translation_note = WrapLabel()
        self.translation_note.setWordWrap(True)
        self.translation_note.setStyleSheet("color: #8a4b00;")
        column.addWidget(self.translation_note)
        self.partners: dict[str, QCheckBox] = {}
        for pid, _description in text.partners:
            box = QCheckBox()
            box.setChecked(True)
            box.toggled.connect(page.edited)
            self.partners[pid] = box
            column.addWidget(box)
        self.show_text(text)
        self.reply = ConsentAnswer(text.title, "Agrees", "Does not agree")
        self.reply.changed.connect(page.edited)
        self.given, self.refused, self.method = self.reply.yes, self.reply.no, self.reply.method
        column.addWidget(self.reply)

    def show_text(self, text: ConsentText) -> None:
        """Show the text in the person's language (a translation has the same id, version and partners)."""
        self.text = text
        self.setTitle(f"{text.title} (text version {text.version}{', Cymraeg' if text.lang == 'cy' else ''})")
        self.body.setText(" ".join(text.text.split()))
        self.body.setAccessibleName(f"{text.title}: text to read to the person")
        self.basis.setText(" ".join(text.lawful_basis.split()))
        self.basis.setVisible(bool(text.lawful_basis))
        self.translation_note.setText(text.translation_note)
        self.translation_note.setVisible(bool(text.translation_note))
        for pid, description in text.partners:
            if pid in self.partners:
                self.partners[pid].setText(description)
                self.partners[pid].setAccessibleName(f"Share with: {description}")

    def answer(self) -> str | None:
        return self.reply.answer()

    def load(self, records: list) -> None:  # type: ignore[type-arg]
        record = current_consent(records, self.text.kind)
        self.reply.load(record)
        if record is not None and record.partners is not None:
            for pid, box in self.partners.items():
                box.setChecked(pid in record.partners)

    def chosen_partners(self) -> list[str] | None:
        if not self.partners:
            return None
        return [pid for pid, box in self.partners.items() if box.isChecked()]


class ConsentPage(CasePage):
    """Consent answers are recorded as they are given (see save)."""

    step = "consent"
    title_text = "Consent"
    subtitle_text = "Read each text to the person in plain words, then record the answer. Refusing stops the assessment, not the report."

    def build(self) -> None:
        texts = self.session.forms.consent_texts
        self.assessment = ConsentBlock(self, texts["assessment"])
        self.sharing = ConsentBlock(self, texts["information_sharing"])
        self.layout_.addWidget(self.assessment)
        self.layout_.addWidget(self.sharing)
        self.note = WrapLabel()
        self.note.setWordWrap(True)
        self.layout_.addWidget(self.note)
        self.layout_.addStretch(1)

    def load(self) -> None:
        self.fresh: dict[str, object] = {}
        forms, lang = self.session.forms, written_language(self.case.person.interview_language)
        for block in (self.assessment, self.sharing):
            block.show_text(forms.consent_text(block.text.id, lang) or block.text)
        self.assessment.load(self.case.consents)
        self.sharing.load(self.case.consents)

    def save(self) -> None:
        """Each answer is saved at once; a correction during this visit replaces the record it just made."""
        for block in (self.assessment, self.sharing):
            answer = block.answer()
            if answer is None:
                continue
            record = self.session.record_consent(
                block.text.kind, answer, block.method.currentData(), block.text.id,
                partners=block.chosen_partners(), supersedes=self.fresh.get(block.text.kind))  # type: ignore[arg-type]
            if record is None:
                self.fresh.pop(block.text.kind, None)
            else:
                self.fresh[block.text.kind] = record

    def refresh(self) -> None:
        if self.assessment.answer() == "refused":
            self.note.setText("The person does not agree to be assessed: screening is skipped; the report goes on.")
        elif self.assessment.answer() is None:
            self.note.setText("Record the answer to screening and assessment to go on.")
        else:
            self.note.setText("")

    def has_data(self) -> bool:
        return any(c.kind in ("assessment", "information_sharing") for c in self.case.consents)

    def missing(self) -> list[Missing]:
        found = []
        for block in (self.assessment, self.sharing):
            if block.answer() is None:
                found.append(Missing(f"Record the answer to “{block.text.title}”.", block.given))
        return found
