"""Review the annex (DRAFT), finalize it (commit page), then open or save the final and the person's sheet."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QMessageBox, QPushButton

from cstr_desk.domain.annex import Annex, Fields, Table, Text, build_annex
from cstr_desk.ui.background import run_op
from cstr_desk.ui.documents import choose_save_path, open_pdf, write_file
from cstr_desk.ui.pages.base import CasePage, Missing
from cstr_desk.ui.widgets.wrap_label import WrapLabel

if TYPE_CHECKING:
    from cstr_desk.workflow import Finalized


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
        self.problems = WrapLabel()
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.RichText)
        self.problems.setAccessibleName("What stops the annex being finalized")
        self.layout_.addWidget(self.problems)
        # Plain text on the page (one scrollbar, nothing to type into, no keyboard trap).
        self.preview = self.wrapping_label("Annex preview (draft)")
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                             | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.preview.setAccessibleName("Annex preview (draft)")
        self.preview.setStyleSheet("background: #ffffff; color: #000000; padding: 8px;")
        self.layout_.addWidget(self.preview, 1)
        row = QHBoxLayout()
        self.open_draft = QPushButton("Open the &draft PDF")
        self.open_draft.clicked.connect(self.render_draft)
        row.addWidget(self.open_draft)
        self.preview_draft = QPushButton("&Preview and print the draft")
        self.preview_draft.clicked.connect(self.show_draft_preview)
        row.addWidget(self.preview_draft)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.finalized: Finalized | None = None
        self._finalizing = False

    def refresh(self) -> None:
        self.session.flush()
        self._render_preview()
        problems = self.session.finalisation_problems()
        if not self.session.actor.may("finalize"):
            problems.insert(0, "Only a duty officer can finalize the annex.")
        if problems:
            self.problems.setText("<b>To finalize, first:</b><ul>" +
                                  "".join(f"<li>{escape(p)}</li>" for p in problems) + "</ul>")
        else:
            self.problems.setText("Ready to finalize.")

    def _render_preview(self) -> None:
        """The annex text is built off the UI thread from a copy of the case: the step shows at once."""
        import copy

        from cstr_desk.ui.background import run_in_background

        self._preview_wanted = getattr(self, "_preview_wanted", 0) + 1
        wanted, case, forms = self._preview_wanted, copy.deepcopy(self.case), self.session.forms
        if not self.preview.text():
            self.preview.setText("Preparing the preview…")

        def show(html: str) -> None:
            if wanted == self._preview_wanted:  # a later edit asked for a newer one
                self.preview.setText(html)

        run_in_background(lambda: annex_html(build_annex(case, forms)), show,
                          lambda message: self.preview.setText(f"The preview could not be made: {escape(message)}"))

    def render_draft(self) -> None:
        desk, case = self.session.desk, self.case

        def done(pdf: bytes) -> None:
            open_pdf(pdf, "annex-draft.pdf")

        def failed(message: str) -> None:
            QMessageBox.warning(self, "CSTR Desk", f"The draft could not be rendered: {message}")

        run_op(self, "Rendering the draft annex…", lambda: desk.draft_annex(case, "opened"), done, failed)

    def show_draft_preview(self) -> None:
        """The draft's pages inside the app, printable; opening and printing are audited by the Desk."""
        from cstr_desk.ui.pdf_preview import show_preview

        desk, case = self.session.desk, self.case

        def done(pdf: bytes) -> None:
            show_preview(self, pdf, "Annex (draft)",
                         lambda pages: desk.record_export(case.case_id, f"draft annex printed, {pages} pages"))

        def failed(message: str) -> None:
            QMessageBox.warning(self, "CSTR Desk", f"The draft could not be rendered: {message}")

        run_op(self, "Rendering the draft annex…", lambda: desk.draft_annex(case, "previewed"), done, failed)

    def missing(self) -> list[Missing]:
        return [Missing(p) for p in self.session.finalisation_problems()]

    def has_data(self) -> bool:
        return False

    def validatePage(self) -> bool:
        """Finalize off the UI thread; when it is stored, the wizard moves on to the Done page by itself."""
        if self.finalized is not None:
            return True
        if self._finalizing or self.read_only or not self.session.flush():
            return False
        if self.show_missing():
            self.missing_panel.setFocus()
            return False
        self._finalizing = True
        desk, case, today = self.session.desk, self.case, self.session.today

        def done(result: Finalized) -> None:
            self._finalizing = False
            self.finalized = result
            self.wizard().finalized = result
            self.wizard().next()

        def failed(message: str) -> None:
            self._finalizing = False
            QMessageBox.warning(self, "CSTR Desk", f"The annex was not finalized: {message}")

        run_op(self, "Finalizing the annex…", lambda: desk.finalize(case, today), done, failed)
        return False


class DonePage(CasePage):
    step = "done"
    title_text = "Final annex stored"
    subtitle_text = "It is locked. Open it to read or print, save a copy for the report, or give the person their sheet."

    def build(self) -> None:
        self.summary = WrapLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.layout_.addWidget(self.summary)
        row = QHBoxLayout()
        self.open_button = QPushButton("&Open the annex")
        self.save_button = QPushButton("&Save a copy of the annex…")
        self.preview_button = QPushButton("Pre&view and print the annex")
        self.sheet_en = QPushButton("Person's sheet (&English)")
        self.sheet_cy = QPushButton("Taflen y person (&Cymraeg)")
        self.large_print = QCheckBox("&Large print (16 pt)")
        for b in (self.open_button, self.save_button, self.preview_button, self.sheet_en, self.sheet_cy,
                  self.large_print):
            row.addWidget(b)
        row.addStretch(1)
        self.layout_.addLayout(row)
        self.layout_.addStretch(1)
        self.open_button.clicked.connect(self.open_annex)
        self.save_button.clicked.connect(self.save_annex)
        self.preview_button.clicked.connect(self.preview_annex)
        self.sheet_en.clicked.connect(lambda: self.open_sheet("en"))
        self.sheet_cy.clicked.connect(lambda: self.open_sheet("cy"))

    def set_read_only(self, read_only: bool) -> None:
        """Nothing here edits the case."""

    records_step = False  # the case is final now: nothing more is saved to the draft

    def load(self) -> None:
        result = self.wizard().finalized
        if result is not None:
            self.result = result
            self.summary.setText(f"Version {result.version} is final. Content SHA-256: {result.content_sha256}")

    def open_annex(self) -> None:
        pdf = self.session.desk.final_annex(self.case.case_id, self.result.version, "opened")
        open_pdf(pdf, f"annex-v{self.result.version}.pdf")

    def save_annex(self) -> None:
        path = choose_save_path(self, f"annex-{self.case.identifiers.crn or 'case'}-v{self.result.version}.pdf")
        if path is not None:
            write_file(path, self.session.desk.final_annex(self.case.case_id, self.result.version, "saved"))

    def preview_annex(self) -> None:
        from cstr_desk.ui.pdf_preview import show_preview

        desk, case_id, version = self.session.desk, self.case.case_id, self.result.version
        pdf = desk.final_annex(case_id, version, "previewed")
        show_preview(self, pdf, f"Annex, version {version}",
                     lambda pages: desk.record_export(case_id, f"annex v{version} printed, {pages} pages"))

    def open_sheet(self, lang: str) -> None:
        """The person's sheet in the preview, ready to print at court (large print when ticked)."""
        from cstr_desk.ui.pdf_preview import show_preview

        desk, case, large = self.session.desk, self.case, self.large_print.isChecked()
        what = f"person sheet {lang}{' large print' if large else ''}"

        def done(pdf: bytes) -> None:
            show_preview(self, pdf, "Person's sheet" if lang == "en" else "Taflen y person",
                         lambda pages: desk.record_export(case.case_id, f"{what} printed, {pages} pages"))

        def failed(message: str) -> None:
            QMessageBox.warning(self, "CSTR Desk", f"The sheet could not be rendered: {message}")

        run_op(self, "Rendering the person's sheet…", lambda: desk.person_sheet(case, lang, "previewed", large),
               done, failed)
