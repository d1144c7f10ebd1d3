"""CaseWizard: the court-day steps with a step list beside them (open any step, any time), the case header on every
step, and Back / Next / Save and close. Branches skip a step only when going Next; every step stays reachable."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from cstr_desk.domain.pathway import assessment_refused, needs_full_audit, needs_psychologist
from cstr_desk.ui.case_session import CaseSession
from cstr_desk.ui.pages.assessment import AssessmentPage, FindingsPage
from cstr_desk.ui.pages.base import ATTENTION, DONE, IN_PROGRESS, NOT_STARTED, CasePage
from cstr_desk.ui.pages.consent import ConsentPage
from cstr_desk.ui.pages.details import DetailsPage
from cstr_desk.ui.pages.needs import NeedsPage
from cstr_desk.ui.pages.proposal import RequirementPage, TogetherPage
from cstr_desk.ui.pages.review import DonePage, ReviewPage
from cstr_desk.ui.pages.screening import AlcoholScreenPage, AuditPage, DrugsPage, MentalHealthScreenPage
from cstr_desk.ui.theme import DONE as DONE_COLOUR
from cstr_desk.ui.theme import ERROR, MUTED

if TYPE_CHECKING:
    from cstr_desk.workflow import Finalized

(P_DETAILS, P_CONSENT, P_ALCOHOL, P_AUDIT, P_DRUGS, P_MH_SCREEN, P_ASSESSMENT, P_MH_FINDINGS, P_NEEDS, P_MHTR, P_DRR,
 P_ATR, P_TOGETHER, P_REVIEW, P_DONE) = range(15)


def _requirement(name: str) -> type[RequirementPage]:
    return type(f"{name}Page", (RequirementPage,), {"requirement": name, "step": name.lower(),
                                                    "title_text": RequirementPage.title_for(name)})


ORDER: list[tuple[int, type[CasePage]]] = [
    (P_DETAILS, DetailsPage), (P_CONSENT, ConsentPage), (P_ALCOHOL, AlcoholScreenPage), (P_AUDIT, AuditPage),
    (P_DRUGS, DrugsPage), (P_MH_SCREEN, MentalHealthScreenPage), (P_ASSESSMENT, AssessmentPage),
    (P_MH_FINDINGS, FindingsPage), (P_NEEDS, NeedsPage),
    (P_MHTR, _requirement("MHTR")), (P_DRR, _requirement("DRR")), (P_ATR, _requirement("ATR")),
    (P_TOGETHER, TogetherPage), (P_REVIEW, ReviewPage), (P_DONE, DonePage),
]
STEP_IDS = {cls.step: page_id for page_id, cls in ORDER}
# Older drafts remember the pages of the first wizard.
STEP_IDS.update({"eligibility": P_MHTR, "proposal": P_MHTR})
NOT_NEEDED, READ_ONLY = "not needed today", "read-only for you"
OWNER_WORDS = {("assistant_psychologist",): "psychologist",
               ("support_worker", "duty_officer"): "support worker"}
STEP_TITLES = {"details": "Case details", "consent": "Consent", "alcohol": "Alcohol screen", "audit": "Full AUDIT",
               "drugs": "Drug screen", "mh_screen": "MH initial screen", "assessment": "PHQ-9 and GAD-7",
               "mh_findings": "MH findings",
               "needs": "Wrap-around needs", "mhtr": "MHTR", "drr": "DRR", "atr": "ATR",
               "together": "Proposal as a whole", "review": "Review, finalize", "done": "Final annex"}
STATE_COLOURS = {DONE: DONE_COLOUR, ATTENTION: ERROR, NOT_NEEDED: MUTED}


class CaseHeader(QLabel):
    """Whose case this is, on every step: name, date of birth, CRN, court, hearing date and status."""

    def __init__(self, session: CaseSession) -> None:
        super().__init__()
        self.session = session
        self.full_text = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        # One line, cut with "…" when the window is narrow (the whole line is its tooltip and accessible name):
        # a wrapping header had to be laid out again on every step turn.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        font = self.font()
        font.setBold(True)
        self.setFont(font)
        self.setContentsMargins(2, 4, 2, 4)

    def update_text(self) -> None:
        c = self.session.case
        parts = [c.person.full_name or "(no name yet)"]
        if c.person.date_of_birth:
            parts.append(f"born {c.person.date_of_birth:%d/%m/%Y}")
        parts.append(f"CRN {c.identifiers.crn or 'not recorded'}")
        if c.hearing.court:
            parts.append(c.hearing.court)
        if c.hearing.hearing_date:
            parts.append(f"hearing {c.hearing.hearing_date:%d/%m/%Y}")
        parts.append(self.session.status_text)
        text = " · ".join(parts)
        if text != self.full_text:
            self.full_text = text
            self.setToolTip(text)
            self.setAccessibleName(f"Case: {text}")
            self._fit()

    def _fit(self) -> None:
        self.setText(self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight,
                                                   max(50, self.contentsRect().width())))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit()


class CaseWizard(QWidget):
    closed = Signal()

    def __init__(self, session: CaseSession) -> None:
        super().__init__()
        self.session = session
        self.finalized: Finalized | None = None
        self._current = -1
        self.header = CaseHeader(session)
        self.steps = QListWidget()
        self.steps.setAccessibleName("Steps of the case")
        self.steps.setMaximumWidth(230)
        self.steps.setMinimumWidth(150)
        # Two lines an item, all the same height: the list lays out at once, not item by item on every turn.
        self.steps.setUniformItemSizes(True)
        self.steps.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.steps.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._step_texts: dict[int, tuple[str, str]] = {}
        self.stack = QStackedWidget()
        self.pages: dict[int, CasePage] = {}
        for page_id, cls in ORDER:
            page = cls(session, self)
            self.pages[page_id] = page
            self.stack.addWidget(page)
            QListWidgetItem(self.steps)
        self.back_button = QPushButton("< &Back")
        self.next_button = QPushButton("&Next >")
        self.close_button = QPushButton("Save and &close")
        self.finish_button = QPushButton("&Close")
        for button, name in ((self.back_button, "Back"), (self.next_button, "Next"),
                             (self.close_button, "Save and close"), (self.finish_button, "Close")):
            button.setAccessibleName(name)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for b in (self.back_button, self.next_button, self.finish_button, self.close_button):
            buttons.addWidget(b)
        right = QVBoxLayout()
        right.addWidget(self.stack, 1)
        right.addLayout(buttons)
        body = QHBoxLayout()
        body.addWidget(self.steps)
        body.addLayout(right, 1)
        column = QVBoxLayout(self)
        column.addWidget(self.header)
        column.addLayout(body, 1)
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.close_button.clicked.connect(self.reject)
        self.finish_button.clicked.connect(self.reject)
        self.steps.itemActivated.connect(lambda item: self.go_to(self.steps.row(item)))
        self.steps.itemClicked.connect(lambda item: self.go_to(self.steps.row(item)))
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(150)
        self._refresh_timer.timeout.connect(self.refresh_steps)
        session.changed.connect(self._refresh_timer.start)
        session.changed.connect(self.header.update_text)
        self.start_id = STEP_IDS.get(session.case.wizard_step, P_DETAILS)
        for page in self.pages.values():
            page.prime()

    # ------------------------------------------------------------ QWizard-like API (the pages and tests use it)

    def setStartId(self, page_id: int) -> None:
        self.start_id = page_id

    def restart(self) -> None:
        """Open on the step where the case was left, or the first this person may open (a support worker's)."""
        start = self.start_id
        if not self.available(start):
            start = next((p for p, _ in ORDER if self.available(p)), P_DETAILS)
        self.go_to(start, reload=True)
        self.refresh_steps()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter in a field goes Next, as the default button of a wizard does; on a button it presses that button."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            focused = QApplication.focusWidget()
            if isinstance(focused, QPushButton) and focused.isVisible():
                focused.click()
            elif self.next_button.isVisible() and self.next_button.isEnabled():
                self.next()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            event.accept()
            return
        super().keyPressEvent(event)

    def currentId(self) -> int:
        return self._current

    def currentPage(self) -> CasePage:
        return self.pages[self._current]

    def page(self, page_id: int) -> CasePage:
        return self.pages[page_id]

    def button(self, which: QWizard.WizardButton) -> QPushButton:
        return {QWizard.WizardButton.BackButton: self.back_button, QWizard.WizardButton.NextButton: self.next_button,
                QWizard.WizardButton.CommitButton: self.next_button, QWizard.WizardButton.CancelButton: self.close_button,
                QWizard.WizardButton.FinishButton: self.finish_button}[which]

    # ------------------------------------------------------------ moving between steps

    def available(self, page_id: int) -> bool:
        """Whether this role may open the step at all (the done page only after finalizing)."""
        if page_id == P_DONE:
            return self.finalized is not None
        return self.session.may_read_step(self.pages[page_id].owners)

    def needed(self, page_id: int) -> bool:
        case = self.session.case
        if page_id in (P_ALCOHOL, P_AUDIT, P_DRUGS, P_MH_SCREEN, P_ASSESSMENT, P_MH_FINDINGS) and assessment_refused(case):
            return False
        if page_id == P_AUDIT:
            return needs_full_audit(case)
        if page_id in (P_ASSESSMENT, P_MH_FINDINGS):
            return needs_psychologist(case)
        return True

    def nextId(self) -> int:
        for page_id in range(self._current + 1, P_DONE + 1):
            if self.available(page_id) and self.needed(page_id):
                return page_id
        return -1

    def previousId(self) -> int:
        for page_id in range(self._current - 1, -1, -1):
            if self.available(page_id) and self.needed(page_id):
                return page_id
        return -1

    def go_to(self, page_id: int, reload: bool = False) -> None:
        if (page_id == self._current and not reload) or page_id < 0 or not self.available(page_id):
            self.refresh_steps()
            return
        if self._current >= 0 and not self.currentPage().read_only:
            self.session.flush_content()
        self._current = page_id
        page = self.pages[page_id]
        self.next_button.setToolTip("")  # a page may explain its Next (what a final MHTR still needs)
        page.initializePage()
        self.stack.setCurrentWidget(page)
        self.header.update_text()
        self._update_buttons()
        self._select_current()
        self._refresh_timer.start()  # the steps' states: once the person stops turning, not on every turn
        if page_id == P_REVIEW:
            self.next_button.setText("&Finalize")
        _focus_first(page)

    def next(self) -> None:
        page = self.currentPage()
        if not page.validatePage():
            self.refresh_steps()
            return
        self.go_to(self.nextId())

    def back(self) -> None:
        self.go_to(self.previousId())

    def reject(self) -> None:
        if self.finalized is None:
            self.session.flush()
        self.closed.emit()

    def _update_buttons(self) -> None:
        self.back_button.setEnabled(self.previousId() >= 0 and self._current != P_DONE)
        at_done = self._current == P_DONE
        self.next_button.setVisible(not at_done)
        self.next_button.setText("&Finalize" if self._current == P_REVIEW else "&Next >")
        self.next_button.setEnabled(self.nextId() >= 0 or self._current == P_REVIEW)
        self.finish_button.setVisible(at_done)
        self.close_button.setVisible(not at_done)

    # ------------------------------------------------------------ the step list

    def state(self, page_id: int) -> str:
        page = self.pages[page_id]
        if not self.available(page_id):
            return "not available to you" if page_id != P_DONE else "after finalizing"
        if not self.needed(page_id):
            return NOT_NEEDED
        if page.read_only:
            return READ_ONLY
        if page_id == P_DONE:
            return DONE
        if page_id == P_REVIEW:
            return "ready to finalize" if not page.missing() else "not ready yet"
        if not page.has_data():
            return NOT_STARTED
        if page.missing():
            return ATTENTION if page_id <= self._current else IN_PROGRESS
        return DONE

    def refresh_steps(self) -> None:
        for row, (page_id, cls) in enumerate(ORDER):
            item = self.steps.item(row)
            state = self.state(page_id)
            who = self.pages[page_id].owner_text()
            short = STEP_TITLES.get(cls.step, cls.title_text)
            owners = self.pages[page_id].owners
            whose = "" if owners == ("duty_officer",) else f" · {OWNER_WORDS.get(owners, who)}"
            text = f"{row + 1}. {short}\n     {state}{whose}"
            spoken = f"Step {row + 1}: {cls.title_text}, {state}; done by the {who}"
            if self._step_texts.get(page_id) == (text, spoken):
                continue  # unchanged: leave the item alone (a changed item makes the list lay out again)
            self._step_texts[page_id] = (text, spoken)
            item.setText(text)
            item.setData(Qt.ItemDataRole.AccessibleTextRole, spoken)
            item.setToolTip(f"Done by the {who}")
            colour = STATE_COLOURS.get(state)
            item.setForeground(Qt.GlobalColor.black if colour is None else _colour(colour))
            flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
            item.setFlags(flags if self.available(page_id) else Qt.ItemFlag.ItemIsEnabled)
        self._select_current()

    def _select_current(self) -> None:
        self.steps.blockSignals(True)
        self.steps.setCurrentRow(self._current)
        self.steps.blockSignals(False)


def _focus_first(page: CasePage) -> None:
    """Put the cursor in the step's first field, so typing can start at once."""
    widget = page.body.nextInFocusChain()
    for _ in range(500):
        if widget is None or widget is page.body:
            return
        if (page.body.isAncestorOf(widget) and widget.isVisible() and widget.isEnabled()
                and widget.focusPolicy() & Qt.FocusPolicy.TabFocus):
            widget.setFocus(Qt.FocusReason.TabFocusReason)
            return
        widget = widget.nextInFocusChain()


def _colour(name: str):  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor

    return QColor(name)
