"""View-model for one open case: the Case, its autosave, its live checks and decisions, and signals for the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from cstr_desk.domain.case import Case, validate_case
from cstr_desk.domain.consent import ConsentRecord, current_consent, written_language
from cstr_desk.domain.eligibility import Decision
from cstr_desk.domain.errors import ValidationError
from cstr_desk.domain.forms import Forms
from cstr_desk.domain.proposal import check_order, check_proposal
from cstr_desk.domain.roles import Actor
from cstr_desk.errors import CstrDeskError
from cstr_desk.workflow import Desk

if TYPE_CHECKING:
    from cstr_desk.storage.cases import CaseSummary

AUTOSAVE_DELAY_MS = 250


class CaseSession(QObject):
    """Pages edit `case` in place and call `touch()`; the session saves soon after and re-checks everything."""

    changed = Signal()
    saved = Signal(int)
    save_failed = Signal(str)

    def __init__(self, desk: Desk, case: Case, today: date | None = None) -> None:
        super().__init__()
        self.desk = desk
        self.case = case
        self.today = today or date.today()
        self._step_pending = False
        self.dirty = False
        self.last_error = ""
        self._summary: CaseSummary | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(AUTOSAVE_DELAY_MS)
        self._timer.timeout.connect(self.flush)

    @property
    def actor(self) -> Actor:
        return self.desk.actor

    @property
    def forms(self) -> Forms:
        return self.desk.forms

    @property
    def status_text(self) -> str:
        """Draft, an amendment draft, or final, as the case header shows it."""
        summary = self.desk.summary(self.case.case_id) if self._summary is None else self._summary
        self._summary = summary
        if summary.status == "final":
            return f"final v{summary.latest_final}"
        if summary.latest_final:
            return f"draft of version {summary.draft_version} (amends v{summary.latest_final})"
        return "draft"

    def may_read_step(self, owners: tuple[str, ...]) -> bool:
        """Every role reads every step, except a support worker, who sees only their own steps (and the header)."""
        role = self.actor.role
        return role in ("duty_officer", "assistant_psychologist") or role in owners

    def touch(self) -> None:
        """A field changed: save soon (debounced, so a burst of keys is one transaction) and tell the pages."""
        self.dirty = True
        self._timer.start()
        self.changed.emit()

    def flush(self) -> bool:
        """Save now if anything is unsaved; True when the stored draft matches the screen."""
        self._timer.stop()
        if self._step_pending:
            self.dirty = True
        if not self.dirty:
            return True
        try:
            count = self.desk.save_draft(self.case)
        except (CstrDeskError, PermissionError) as exc:
            self.last_error = str(exc)
            self.save_failed.emit(self.last_error)
            return False
        self.dirty = self._step_pending = False
        self.last_error = ""
        self.saved.emit(count)
        return True

    def set_step(self, step: str) -> None:
        """Remember the page for resume; saved with the next debounced save, after the page is on screen."""
        if self.case.wizard_step != step:
            self.case.wizard_step = step
            # Where the person is, not content: saved with the next save or by the timer, not forced on a turn.
            self._step_pending = True
            self._timer.start()

    def flush_content(self) -> bool:
        """Save now if content is unsaved (what a step turn needs); the step itself can wait for the timer."""
        if not self.dirty:
            return not self.last_error
        return self.flush()

    # ------------------------------------------------------------ checks and decisions

    def field_problems(self) -> list[ValidationError]:
        return validate_case(self.case, self.today) + check_order(self.case)

    def decisions(self) -> list[Decision]:
        return self.desk.decisions(self.case)

    def proposal_problems(self) -> list[ValidationError]:
        return check_proposal(self.case, self.decisions(), self.forms.programme)

    def finalisation_problems(self) -> list[str]:
        return [p.message for p in self.desk.finalisation_problems(self.case, self.today)]

    # ------------------------------------------------------------ consent

    def record_consent(self, kind: str, status: str, method: str, text_id: str, requirement: str | None = None,
                       partners: list[str] | None = None,
                       supersedes: ConsentRecord | None = None, explained: bool = False) -> ConsentRecord | None:
        """Record an answer as a new consent record (a change of mind is a new record, never an edit).

        `supersedes` is a record this same page visit added a moment ago: a corrected click replaces it
        rather than leaving a trail of records for one answer. Returns the new record, or None when the
        answer is the one already in force (then nothing new is recorded).
        """
        records = [r for r in self.case.consents if r is not supersedes]
        before = current_consent(records, kind, requirement)
        if before is not None and (before.status, before.method, before.partners, before.explained_in_ordinary_language
                                   ) == (status, method, partners, explained):
            if supersedes is not None and supersedes in self.case.consents:
                self.case.consents.remove(supersedes)
                self.touch()
            return None
        if before is not None and before.status == "given" and status == "refused":
            status = "withdrawn"
        language = written_language(self.case.person.interview_language)
        text = self.forms.consent_text(text_id, language) or self.forms.consent_texts[text_id]
        record = ConsentRecord(
            kind=kind, status=status, text_id=text.id, text_version=text.version, obtained_by=self.actor.name,
            obtained_at=datetime.now().replace(microsecond=0), method=method, requirement=requirement,
            partners=partners, language=text.lang, explained_in_ordinary_language=explained,
            explained_language=self.case.person.interview_language.strip() if explained else "",
        )
        if supersedes is not None and supersedes in self.case.consents:
            self.case.consents[self.case.consents.index(supersedes)] = record
        else:
            self.case.consents.append(record)
        self.touch()
        return record
