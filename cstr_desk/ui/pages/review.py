"""Review the annex (DRAFT), finalize it (commit page), then open or save the final and the person's sheet."""

from __future__ import annotations

from datetime import datetime
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QTextBrowser

from cstr_desk.domain.annex import Annex, Fields, Table, Text, build_annex
from cstr_desk.ui.background import run_in_background
from cstr_desk.ui.documents import open_pdf, save_pdf
from cstr_desk.ui.pages.base import CasePage


def annex_html(annex: Annex) -> str:
    """The same content model the PDF is drawn from, as HTML for the preview."""
    out = [f"<h2>{escape(annex.title)}</h2><p><b style='color:#b00020'>{annex.status}</b> · version {annex.version}</p>"]
    for section in annex.sections:
        out.append(f"<h3>{escape(section.title)}</h3>")
        for block in section.blocks:
            if isinstance(block, Text):
                text = escape(block.text).replace("\n", "<br>")
                out.append(f"<p><b>{text}</b></p>" if block.style == "strong" else f"<p>{text}</p>")
            elif isinstance(block, Fields):
                out.append("<table border='1' cellspacing='0' cellpadding='3'>" + "".join(
                    f"<tr><th align='left'>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in block.pairs) + "</table>")
            elif isinstance(block, Table):
                out.append("<table border='1' cellspacing='0' cellpadding='3'><tr>" +
                           "".join(f"<th align='left'>{escape(h)}</th>" for h in block.header) + "</tr>" +
                           "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>"
                                   for row in block.rows) + "</table>")
    return "".join(out)


class ReviewPage(CasePage):
    step = "review"
    title_text = "Review and finalize"
    subtitle_text = "Read the annex as the court will. Finalize stores it, locked; changes after that are amendments."

    def build(self) -> None:
        self.setCommitPage(True)
        self.setButtonText(self.wizard_button(), "&Finalize")
        self.problems = QLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.problems.setAccessibleName("What stops the annex being finalized")
        self.layout_.addWidget(self.problems)
        self.preview = QTextBrowser()
        self.preview.setAccessibleName("Annex preview (draft)")
        self.preview.setMinimumHeight(360)
        self.layout_.addWidget(self.preview, 1)
        row = QHBoxLayout()
        self.open_draft = QPushButton("Open the &draft PDF")
        self.open_draft.clicked.connect(self.render_draft)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.progress.setAccessibleName("Rendering the PDF")
        row.addWidget(self.open_draft)
        row.addWidget(self.progress)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.finalized = None

    @staticmethod
    def wizard_button():  # type: ignore[no-untyped-def]
        from PySide6.QtWidgets import QWizard

        return QWizard.WizardButton.CommitButton

    def refresh(self) -> None:
        self.session.flush()
        annex = build_annex(self.case, self.session.forms)
        self.preview.setHtml(annex_html(annex))
        problems = self.session.finalisation_problems()
        if not self.session.actor.may("finalize"):
            problems.insert(0, "Only a duty officer can finalize the annex.")
        if problems:
            self.problems.setText("<b>To finalize, first:</b><ul>" +
                                  "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul>")
        else:
            self.problems.setText("Ready to finalize.")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.session.actor.may("finalize") and not self.session.finalisation_problems()

    def render_draft(self) -> None:
        from cstr_desk.report.annex_pdf import render_annex

        annex = build_annex(self.case, self.session.forms)
        self.open_draft.setEnabled(False)
        self.progress.setVisible(True)

        def done(pdf: bytes) -> None:
            self.progress.setVisible(False)
            self.open_draft.setEnabled(True)
            self.session.store.record_export(self.case.case_id, "draft annex opened")
            open_pdf(pdf, "annex-draft.pdf")

        def failed(message: str) -> None:
            self.progress.setVisible(False)
            self.open_draft.setEnabled(True)
            QMessageBox.warning(self, "CSTR Desk", f"The draft could not be rendered: {message}")

        run_in_background(lambda: render_annex(annex), done, failed)

    def validatePage(self) -> bool:
        from cstr_desk.storage.errors import StorageError
        from cstr_desk.workflow import NotReadyToFinalize, finalize_case

        if not self.session.flush():
            return False
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.finalized = finalize_case(self.session.store, self.case, self.session.forms, self.session.today,
                                           datetime.now().replace(microsecond=0))
        except (NotReadyToFinalize, StorageError, PermissionError) as exc:  # shown to the user
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self, "CSTR Desk", f"The annex was not finalized: {exc}")
            return False
        QApplication.restoreOverrideCursor()
        self.wizard().finalized = self.finalized  # type: ignore[attr-defined]
        return True


class DonePage(CasePage):
    step = "done"
    title_text = "Final annex stored"
    subtitle_text = "It is locked. Open it to read or print, save a copy for the report, or give the person their sheet."

    def build(self) -> None:
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.summary)
        row = QHBoxLayout()
        self.open_button = QPushButton("&Open the annex")
        self.save_button = QPushButton("&Save a copy of the annex…")
        self.sheet_en = QPushButton("Person's sheet (&English)")
        self.sheet_cy = QPushButton("Taflen y person (&Cymraeg)")
        for b in (self.open_button, self.save_button, self.sheet_en, self.sheet_cy):
            row.addWidget(b)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setVisible(False)
        self.layout_.addWidget(self.progress)
        self.layout_.addStretch(1)
        self.open_button.clicked.connect(self.open_annex)
        self.save_button.clicked.connect(self.save_annex)
        self.sheet_en.clicked.connect(lambda: self.open_sheet("en"))
        self.sheet_cy.clicked.connect(lambda: self.open_sheet("cy"))

    def set_read_only(self, read_only: bool) -> None:
        """Nothing here edits the case."""

    records_step = False  # the case is final now: nothing more is saved to the draft

    def load(self) -> None:
        result = getattr(self.wizard(), "finalized", None)
        if result is not None:
            self.result = result
            self.summary.setText(f"Version {result.version} is final. Content SHA-256: {result.content_sha256}")

    def open_annex(self) -> None:
        self.session.store.record_export(self.case.case_id, f"annex v{self.result.version} opened")
        open_pdf(self.result.pdf, f"annex-v{self.result.version}.pdf")

    def save_annex(self) -> None:
        path = save_pdf(self, self.result.pdf, f"annex-{self.case.identifiers.crn or 'case'}-v{self.result.version}.pdf")
        if path is not None:
            self.session.store.record_export(self.case.case_id, f"annex v{self.result.version} saved")

    def open_sheet(self, lang: str) -> None:
        from cstr_desk.domain.sheet import build_person_sheet, load_sheet_texts
        from cstr_desk.paths import resources_dir
        from cstr_desk.report.person_sheet import render_person_sheet

        sheet = build_person_sheet(self.case, self.session.forms,
                                   load_sheet_texts(resources_dir() / "person_sheet", lang), datetime.now())
        self.progress.setVisible(True)

        def done(pdf: bytes) -> None:
            self.progress.setVisible(False)
            self.session.store.record_export(self.case.case_id, f"person sheet {lang} opened")
            open_pdf(pdf, f"sheet-{lang}.pdf")

        def failed(message: str) -> None:
            self.progress.setVisible(False)
            QMessageBox.warning(self, "CSTR Desk", f"The sheet could not be rendered: {message}")

        run_in_background(lambda: render_person_sheet(sheet), done, failed)
