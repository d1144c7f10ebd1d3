"""CaseWizard: the court-day pages in order, with branches where the answers make a page pointless."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWizard

from cstr_desk.domain.pathway import assessment_refused, needs_full_audit, needs_psychologist
from cstr_desk.ui.case_session import CaseSession
from cstr_desk.ui.pages.assessment import AssessmentPage
from cstr_desk.ui.pages.consent import ConsentPage
from cstr_desk.ui.pages.details import DetailsPage
from cstr_desk.ui.pages.eligibility import EligibilityPage
from cstr_desk.ui.pages.needs import NeedsPage
from cstr_desk.ui.pages.proposal import ProposalPage
from cstr_desk.ui.pages.review import DonePage, ReviewPage
from cstr_desk.ui.pages.screening import AlcoholScreenPage, AuditPage, DrugsPage, MentalHealthScreenPage

(P_DETAILS, P_CONSENT, P_ALCOHOL, P_AUDIT, P_DRUGS, P_MH_SCREEN, P_ASSESSMENT, P_NEEDS, P_ELIGIBILITY, P_PROPOSAL,
 P_REVIEW, P_DONE) = range(12)
ORDER = [
    (P_DETAILS, DetailsPage), (P_CONSENT, ConsentPage), (P_ALCOHOL, AlcoholScreenPage), (P_AUDIT, AuditPage),
    (P_DRUGS, DrugsPage), (P_MH_SCREEN, MentalHealthScreenPage), (P_ASSESSMENT, AssessmentPage), (P_NEEDS, NeedsPage),
    (P_ELIGIBILITY, EligibilityPage), (P_PROPOSAL, ProposalPage), (P_REVIEW, ReviewPage), (P_DONE, DonePage),
]
STEP_IDS = {cls.step: page_id for page_id, cls in ORDER}


class CaseWizard(QWizard):
    closed = Signal()

    def __init__(self, session: CaseSession) -> None:
        super().__init__()
        self.session = session
        self.finalized = None
        self.setWindowTitle("CSTR Desk: case")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.HaveHelpButton, False)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Back")
        self.setButtonText(QWizard.WizardButton.CancelButton, "Save and &close")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Close")
        self.pages = {}
        for page_id, cls in ORDER:
            page = cls(session)
            self.pages[page_id] = page
            self.setPage(page_id, page)
        self.setStartId(STEP_IDS.get(session.case.wizard_step, P_DETAILS))
        self.finished.connect(self._closed)

    def nextId(self) -> int:
        current = self.currentId()
        case = self.session.case
        if current == P_CONSENT and assessment_refused(case):
            return P_NEEDS
        if current == P_ALCOHOL:
            return P_AUDIT if needs_full_audit(case) else P_DRUGS
        if current == P_MH_SCREEN:
            return P_ASSESSMENT if needs_psychologist(case) else P_NEEDS
        return super().nextId()

    def _closed(self) -> None:
        if self.finalized is None:
            self.session.flush()
        self.closed.emit()
