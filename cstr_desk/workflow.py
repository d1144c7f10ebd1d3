"""The one door: every court-day operation by name, Qt-free, each writing its own audit event.

The wizard (through CaseSession), the main window and the CLI call a `Desk` (or, for work on a case file with no
database, the module functions below) and nothing else: the Desk asks the domain, then storage or report. ReportLab,
sqlite-utils and the SQLCipher driver load only when an operation needs them, so the sign-in screen stays fast.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from cstr_desk.errors import CstrDeskError, InputError

if TYPE_CHECKING:
    from collections.abc import Callable

    from cstr_desk.domain.case import Case
    from cstr_desk.domain.casefile import Problem
    from cstr_desk.domain.eligibility import Decision
    from cstr_desk.domain.forms import Forms
    from cstr_desk.domain.monitoring import MonitoringRecord, MonitoringReport
    from cstr_desk.domain.outcome import Outcome, SentencePassed
    from cstr_desk.domain.roles import Actor
    from cstr_desk.hub.handover import HandoverRun
    from cstr_desk.storage.audit import AuditReport
    from cstr_desk.storage.cases import CaseStore, CaseSummary, FinalRecord, Imported
    from cstr_desk.storage.handover import HandoverState
    from cstr_desk.storage.outcomes import OutcomeStore
    from cstr_desk.storage.recovery import BackupInfo, Restored
    from cstr_desk.storage.retention import PurgeReport
    from cstr_desk.storage.users import Keyring, SignedIn


class NotReadyToFinalize(CstrDeskError):
    """The case still has problems that stop a FINAL annex; `problems` lists every one."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(f"{p.path}: {p.message}" for p in problems))

    def summary(self, shown: int = 3) -> str:
        listed = "; ".join(f"{p.path}: {p.message}" for p in self.problems[:shown])
        more = f" (and {len(self.problems) - shown} more)" if len(self.problems) > shown else ""
        return listed + more


class OutcomeProblems(CstrDeskError):
    """An outcome that cannot be recorded as it is; `problems` lists every reason in plain words."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


class DifferentPerson(CstrDeskError):
    """Only the person who locked the screen can unlock it."""


class PassphraseMustChange(CstrDeskError):
    """The administrator chose this person's passphrase: they choose their own before doing anything else."""


class Finalized(NamedTuple):
    """A stored FINAL annex. NamedTuples, not dataclasses, here: this module is on the sign-in path."""

    case_id: str
    version: int
    pdf: bytes
    content_sha256: str
    warning: str | None = None  # committed, but something after the commit failed (the backup copy)


class CaseCheck(NamedTuple):
    """What `cstr-desk check` reports on a case file: field problems, decisions and proposal problems."""

    case: Case
    problems: list[Problem]
    decisions: list[Decision]
    proposal_problems: list[Problem]
    combination: list[str]

    @property
    def valid(self) -> bool:
        return not self.problems

    def to_json(self) -> dict[str, object]:
        from cstr_desk.domain.checks import conviction_report

        return {
            "valid": self.valid,
            "case_id": self.case.case_id,
            "conviction": conviction_report(self.case),  # the date of conviction used, and whether it was assumed
            "problems": [p.to_json() for p in self.problems],
            "decisions": [d.to_json() for d in self.decisions],
            "proposed": self.case.proposal.proposed,
            "combination": self.combination,
            "proposal_problems": [p.to_json() for p in self.proposal_problems],
        }


# ---------------------------------------------------------------- shipped data and case files (no database)


@cache
def shipped_forms() -> Forms:
    """The instruments, consent texts and site programme shipped with the app, loaded once."""
    from cstr_desk.domain.forms import load_forms
    from cstr_desk.paths import forms_dir

    return load_forms(forms_dir())


def read_case_file(path: str | Path) -> Case:
    """A case file from disk, or CaseFileError listing every problem (an unreadable file is one problem)."""
    from cstr_desk.domain.casefile import CaseFileError, Problem, case_from_json
    from cstr_desk.domain.limits import MAX_CASE_FILE_BYTES, size_problem

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read(MAX_CASE_FILE_BYTES + 1)  # never the whole of a huge file (D10)
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError([Problem("$", f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")]) from None
    if len(text) > MAX_CASE_FILE_BYTES:
        raise CaseFileError([Problem("$", size_problem(len(text)))])
    return case_from_json(text)


def check_case(case: Case, today: date, forms: Forms | None = None) -> CaseCheck:
    from cstr_desk.domain.checks import case_problems, proposal_problems
    from cstr_desk.domain.eligibility import combination_notes, decide

    forms = forms or shipped_forms()
    decisions = decide(case, forms.programme)
    return CaseCheck(case, case_problems(case, today, forms), decisions,
                     proposal_problems(case, decisions, forms), combination_notes(case, decisions))


def require_ready_to_finalize(case: Case, today: date, forms: Forms, decisions: list[Decision]) -> None:
    """The one FINAL check: raise NotReadyToFinalize with every problem, or return quietly."""
    from cstr_desk.domain.checks import finalisation_problems

    problems = finalisation_problems(case, today, forms, decisions)
    if problems:
        raise NotReadyToFinalize(problems)


def render_annex_pdf(case: Case, *, final: bool = False, today: date | None = None, version: int = 1,
                     generated_at: datetime | None = None, forms: Forms | None = None,
                     decisions: list[Decision] | None = None) -> bytes:
    """The annex as PDF bytes; FINAL is refused (NotReadyToFinalize) while the case has problems."""
    from cstr_desk.domain.annex import build_annex
    from cstr_desk.domain.eligibility import decide
    from cstr_desk.report.annex_pdf import render_annex

    forms = forms or shipped_forms()
    decisions = decisions if decisions is not None else decide(case, forms.programme)
    if final:
        require_ready_to_finalize(case, today or date.today(), forms, decisions)
    annex = build_annex(case, forms, final=final, version=version, generated_at=generated_at, decisions=decisions)
    return render_annex(annex)


def render_sheet_pdf(case: Case, lang: str, forms: Forms | None = None, generated_at: datetime | None = None,
                     large_print: bool = False) -> bytes:
    """The person's plain-language sheet (en or cy) as PDF bytes: one page at 12 pt, or large print at 16 pt."""
    from cstr_desk.domain.annex import latest_activity
    from cstr_desk.domain.sheet import build_person_sheet, load_sheet_texts
    from cstr_desk.paths import resources_dir
    from cstr_desk.report.person_sheet import render_person_sheet

    forms = forms or shipped_forms()
    texts = load_sheet_texts(resources_dir() / "person_sheet", lang)
    return render_person_sheet(build_person_sheet(case, forms, texts, generated_at or latest_activity(case)),
                               large_print=large_print)


def finalize_case(store: CaseStore, case: Case, forms: Forms, today: date, when: datetime) -> Finalized:
    """Check, render the FINAL annex, then store PDF, hashes and instrument versions and lock: one transaction."""
    from cstr_desk.domain.annex import build_annex
    from cstr_desk.domain.eligibility import decide
    from cstr_desk.report.annex_pdf import render_annex

    store.actor.require("finalize")
    decisions = decide(case, forms.programme)
    require_ready_to_finalize(case, today, forms, decisions)
    version = store.summary(case.case_id).draft_version
    annex = build_annex(case, forms, final=True, version=version, generated_at=when, decisions=decisions,
                        audit_head=store.audit_head())
    pdf = render_annex(annex)
    instrument_versions = {s.instrument_id: s.instrument_version for s in case.screening}
    stored = store.finalize(case, pdf, annex.content_sha256, instrument_versions, when)
    return Finalized(case.case_id, stored, pdf, annex.content_sha256, store.last_warning)


@cache
def _bank_holidays() -> dict[date, str]:
    from cstr_desk.domain.calendar import load_bank_holidays
    from cstr_desk.paths import forms_dir

    return load_bank_holidays(forms_dir() / "programme" / "bank_holidays.toml")


def appointment_day_warning(day: date) -> str | None:
    """A warning (never a block) for an appointment on a weekend or an England and Wales bank holiday."""
    from cstr_desk.domain.calendar import appointment_day_warning as warning

    return warning(day, _bank_holidays())


def passphrase_problems(passphrase: str, name: str) -> list[str]:
    """Plain-word reasons a new passphrase is not good enough (NCSC advice); empty when it is."""
    from cstr_desk.domain.passphrase import passphrase_problems as problems
    from cstr_desk.paths import resources_dir

    return problems(passphrase, name, resources_dir() / "common-passphrases.txt")


class WeakPassphrase(CstrDeskError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("Passphrase not accepted: " + " ".join(problems))


def _require_good_passphrase(passphrase: str, name: str) -> None:
    problems = passphrase_problems(passphrase, name)
    if problems:
        raise WeakPassphrase(problems)


# ---------------------------------------------------------------- the Desk


class Desk:
    """One signed-in person at one data folder: the store, the forms, and every operation they may take."""

    def __init__(self, folder: Path, keyring: Keyring, signed: SignedIn, store: CaseStore,
                 forms: Forms | None = None) -> None:
        self.folder = folder
        self.keyring = keyring
        self._signed = signed
        self._store = store
        self._forms = forms

    # ------------------------------------------------------------ opening and closing

    @classmethod
    def open(cls, folder: Path, keyring: Keyring, signed: SignedIn, forms: Forms | None = None) -> Desk:
        """Unlock the database with a key the keyring gave, and log the earlier failures and the unlock: once, here."""
        from cstr_desk.storage.cases import CaseStore
        from cstr_desk.storage.db import open_database

        # Never a new database here (D2); the key was just unwrapped, so a file that does not open is damaged (D12).
        # The integrity check runs on its own thread: the case list can be read at once, and the first change
        # waits for the check (and is refused if it fails).
        store = CaseStore(open_database(folder, signed.key, create=False, key_verified=True,
                                        previous_keys=signed.previous_keys, background_check=True), signed.actor)
        desk = cls(folder, keyring, signed, store, forms)
        try:
            if signed.previous_keys:  # a change of key a crash interrupted: finish it first (D6)
                from cstr_desk.storage.rekey import complete_rekey

                complete_rekey(store.database, keyring, signed.previous_keys)
            desk._record_unlock(signed)
        except BaseException:
            store.database.close(backup=False)  # a failed sign-in leaves nothing open (D13)
            raise
        return desk

    @classmethod
    def sign_in(cls, folder: Path, name: str, passphrase: str, forms: Forms | None = None,
                scrypt_n: int | None = None) -> Desk:
        """Headless sign-in: check the passphrase (wrong ones are counted and slowed down), then open."""
        keyring = _keyring(folder, scrypt_n)
        return cls.open(folder, keyring, keyring.sign_in(name, passphrase), forms)

    @classmethod
    def create_first_administrator(cls, keyring: Keyring, name: str, passphrase: str,
                                   forms: Forms | None = None) -> Desk:
        """First run on a laptop: the administrator, a new random key and the empty encrypted database."""
        _require_good_passphrase(passphrase, name)
        keyring.create_first_administrator(name, passphrase)
        desk = cls.open(keyring.folder, keyring, keyring.sign_in(name, passphrase), forms)
        desk._store.record_event("user_added", detail="administrator (first account)")
        return desk

    def _record_unlock(self, signed: SignedIn) -> None:
        # On a full disk these wait in memory and are written with the next change (reading needs no space, D13).
        for failure in signed.failed_attempts:
            self._store.record_event("sign_in_failed", detail=f"at {failure['at']}", queue_if_full=True)
        self._store.record_event("unlock", queue_if_full=True)

    def unlock(self, signed: SignedIn) -> None:
        """After the idle lock: only the same person may carry on; their failed tries are logged first."""
        if signed.key != self._signed.key or signed.actor != self._signed.actor:
            raise DifferentPerson("Only the person who was signed in can unlock.")
        self._record_unlock(signed)

    def lock(self) -> None:
        self._store.record_event("lock")

    def close(self, backup: bool = True) -> str | None:
        """Close; returns a warning when only the backup copy failed (everything saved stays saved, D5)."""
        pending = self._store.write_pending_audit()  # the sign-in events, if nothing was changed since
        closed = self._store.database.close(backup=backup)
        return closed or pending

    def settle(self) -> str | None:
        """Wait for the integrity check, then write the sign-in events that waited for it. A warning, or None."""
        return self._store.write_pending_audit()

    def integrity(self) -> str | None:
        """None while the database's integrity check still runs, '' once it passed, else what is wrong."""
        database = self._store.database
        if not database.checked:
            return None
        return database.integrity.wait() if database.integrity is not None else ""

    @property
    def actor(self) -> Actor:
        return self._signed.actor

    def may(self, action: str) -> bool:
        return self._signed.actor.may(action)

    @property
    def forms(self) -> Forms:
        if self._forms is None:
            self._forms = shipped_forms()
        return self._forms

    # ------------------------------------------------------------ cases

    def list_cases(self, search: str = "", status: str | None = None, today: date | None = None,
                   limit: int = 200) -> list[CaseSummary]:
        return self._store.list_cases(search=search, status=status, today=today or date.today(), limit=limit)

    def count_cases(self) -> int:
        return self._store.count()

    def summary(self, case_id: str) -> CaseSummary:
        return self._store.summary(case_id)

    def new_case(self, today: date | None = None) -> Case:
        """A new draft written by the signed-in officer, heard today unless changed."""
        from cstr_desk.domain.case import Author, Case

        case = Case(author=Author(self.actor.name, self.actor.role))
        case.hearing.hearing_date = today or date.today()
        self._store.create_case(case)
        return case

    def open_draft(self, case_id: str) -> Case:
        return self._store.load_draft(case_id)

    def save_draft(self, case: Case) -> int:
        count = self._store.save_draft(case)
        self._outcomes.put_monitoring(case.case_id, case.hearing.hearing_date,  # issue 13: the site's counts
                                      self._monitoring_record(case, self.latest_outcome(case.case_id), False))
        return count

    def delete_draft(self, case_id: str, reason: str) -> None:
        """Delete a draft started by mistake: its author only, with a reason (kept encrypted); never a final."""
        self._store.delete_draft(case_id, reason)

    def amend(self, case_id: str, reason: str) -> Case:
        """Version n stays as it is; version n+1 opens as a draft with the reason recorded."""
        return self._store.amend(case_id, reason)

    def import_case(self, case: Case) -> str:
        """Store a case file made elsewhere as a draft; a case id already stored is refused."""
        return self._store.import_case(case)

    def import_case_once(self, case: Case) -> Imported:
        """Idempotent import (D5): by the file's case id, or its content's SHA-256 when it has none; `created`
        says whether anything was stored. A different case under a stored id is refused."""
        return self._store.import_case_once(case)

    def case_exists(self, case_id: str) -> bool:
        return self._store.exists(case_id)

    # ------------------------------------------------------------ checks the wizard shows live

    def decisions(self, case: Case) -> list[Decision]:
        from cstr_desk.domain.eligibility import decide

        return decide(case, self.forms.programme)

    def finalisation_problems(self, case: Case, today: date) -> list[Problem]:
        from cstr_desk.domain.checks import finalisation_problems

        return finalisation_problems(case, today, self.forms, self.decisions(case))

    # ------------------------------------------------------------ finalize and documents

    def finalize(self, case: Case, today: date | None = None, when: datetime | None = None) -> Finalized:
        """Check, render and store the FINAL annex, locked. Slow (renders a PDF): the UI runs it off the UI thread."""
        done = finalize_case(self._store, case, self.forms, today or date.today(),
                             when or datetime.now().replace(microsecond=0))
        self._outcomes.put_monitoring(case.case_id, case.hearing.hearing_date,  # issue 13: the site's counts
                                      self._monitoring_record(case, self.latest_outcome(case.case_id), True))
        return done

    def final_versions(self, case_id: str) -> list[FinalRecord]:
        return self._store.final_versions(case_id)

    def final_case(self, case_id: str, version: int) -> Case:
        return self._store.final_case(case_id, version)

    def final_annex(self, case_id: str, version: int, purpose: str = "opened") -> bytes:
        """The stored, locked annex (checked against its SHA-256); `purpose` (opened, saved, printed) is audited."""
        pdf = self._store.final_pdf(case_id, version)
        self._store.record_export(case_id, f"annex v{version} {purpose}")
        return pdf

    def draft_annex(self, case: Case, purpose: str = "opened") -> bytes:
        """The DRAFT annex of an open case. Slow: the UI runs it off the UI thread."""
        self._signed.actor.require("export")
        pdf = render_annex_pdf(case, forms=self.forms, decisions=self.decisions(case))
        self._store.record_export(case.case_id, f"draft annex {purpose}")
        return pdf

    def person_sheet(self, case: Case, lang: str, purpose: str = "opened", large_print: bool = False) -> bytes:
        """The person's sheet in English or Welsh (large print: 16 pt). Slow: the UI runs it off the UI thread."""
        self._signed.actor.require("export")
        pdf = render_sheet_pdf(case, lang, self.forms, datetime.now().replace(microsecond=0), large_print)
        self._store.record_export(case.case_id, f"person sheet {lang}{' large print' if large_print else ''} {purpose}")
        return pdf

    def record_export(self, case_id: str, what: str) -> None:
        """A document the Desk already gave out left the app another way (saved after opening, printed)."""
        self._store.record_export(case_id, what)

    # ------------------------------------------------------------ audit

    def verify_audit(self) -> AuditReport:
        return self._store.verify_audit()

    def audit_head(self) -> str:
        """The audit chain's head hash now (D8): for the final annex's footer and `audit verify`."""
        return self._store.audit_head()

    # ------------------------------------------------------------ backups, restore, recovery (issue 15)

    def backups(self) -> list[BackupInfo]:
        """Every backup, newest first, each checked read-only against the key (good or not)."""
        from cstr_desk.storage.recovery import backups

        return backups(self.folder, self._signed.key)

    def take_recovery_key(self) -> str | None:
        """The recovery key made at first run, once (then forgotten): show it and ask that it is written down."""
        return self.keyring.take_recovery_key()

    def new_recovery_key(self) -> str:
        """An administrator replaces the recovery key (the old one stops working); audited."""
        recovery = self.keyring.new_recovery_key(self._signed)
        self._store.record_event("recover", detail="new recovery key")
        return recovery

    @classmethod
    def recover(cls, folder: Path, recovery_key: str, admin_name: str, new_passphrase: str,
                forms: Forms | None = None, scrypt_n: int | None = None) -> Desk:
        """Get back in with the recovery key: the named administrator gets a new passphrase; audited."""
        _require_good_passphrase(new_passphrase, admin_name)
        keyring = _keyring(folder, scrypt_n)
        desk = cls.open(folder, keyring, keyring.recover(recovery_key, admin_name, new_passphrase), forms)
        desk._store.record_event("recover", detail="administrator passphrase reset with the recovery key")
        return desk

    @staticmethod
    def restore(folder: Path, backup: Path, name: str, passphrase: str, scrypt_n: int | None = None) -> Restored:
        """Put a backup in place of the database (administrator; the database may be damaged, so it is not opened
        first): checked first, the current file and any WAL/SHM set aside, never overwritten; audited."""
        from cstr_desk.storage.recovery import restore_backup

        signed = _keyring(folder, scrypt_n).sign_in(name, passphrase)
        return restore_backup(folder, backup, signed.key, signed.actor)

    @staticmethod
    def list_backups(folder: Path, name: str, passphrase: str, scrypt_n: int | None = None) -> list[BackupInfo]:
        """The backups of a folder whose database may not open (signing in checks the passphrase only)."""
        from cstr_desk.storage.recovery import backups

        signed = _keyring(folder, scrypt_n).sign_in(name, passphrase)
        signed.actor.require("manage_users")
        return backups(folder, signed.key)

    # ------------------------------------------------------------ accounts (administrator; own passphrase: anyone)

    def accounts(self) -> list[tuple[str, str]]:
        self._signed.actor.require("manage_users")
        return self.keyring.accounts()

    def add_account(self, name: str, role: str, passphrase: str) -> None:
        _require_good_passphrase(passphrase, name)
        self.keyring.add_account(self._signed, name, role, passphrase)
        self._store.record_event("user_added", detail=role)

    def change_passphrase(self, name: str, passphrase: str) -> None:
        """Someone else's (administrator: a reset, to be changed at their next sign-in) or one's own. Either way the
        database and its backups get a new key (D6): an old copy of the old wrap opens nothing current."""
        from cstr_desk.storage.rekey import rekey

        _require_good_passphrase(passphrase, name)
        own = _same_name(name, self.actor.name)
        if own and self.keyring.passphrase_matches(name, passphrase):
            raise WeakPassphrase(["Choose a passphrase different from the one you have now."])
        done = rekey(self._store.database, self.keyring, self._signed, reset=(name, passphrase))
        self._signed = done.signed_in
        self._store.record_event("passphrase_changed", detail="own" if own else "reset: change at next sign-in")

    @property
    def must_change_passphrase(self) -> bool:
        """The signed-in person's passphrase was set by the administrator and has not been changed yet."""
        return self.keyring.must_change(self.actor.name)

    def require_own_passphrase(self) -> None:
        """Raise PassphraseMustChange until the person has chosen their own passphrase."""
        if self.must_change_passphrase:
            raise PassphraseMustChange(
                f"{self.actor.name}, your passphrase was set by the administrator: choose your own first "
                f"(in the app, or cstr-desk users passwd \"{self.actor.name}\").")

    def choose_own_passphrase(self, new: str) -> None:
        """At first sign-in (must_change): the person has just typed the current passphrase, so it is not asked."""
        if not self.must_change_passphrase:
            raise PassphraseMustChange("Change your passphrase with your current one.")
        self.change_passphrase(self.actor.name, new)

    def change_own_passphrase(self, current: str, new: str) -> None:
        """From the app at any time: the current passphrase first (a wrong one counts as a failed sign-in)."""
        signed = self.keyring.sign_in(self.actor.name, current)
        for failure in signed.failed_attempts:
            self._store.record_event("sign_in_failed", detail=f"at {failure['at']}")
        self.change_passphrase(self.actor.name, new)

    def remove_account(self, name: str) -> None:
        """Remove an account and move the database and its backups to a new key (D6)."""
        from cstr_desk.storage.rekey import rekey

        done = rekey(self._store.database, self.keyring, self._signed, remove=name)
        self._signed = done.signed_in
        self._store.record_event("user_removed", detail=done.summary)

    # ------------------------------------------------------------ after the hearing: outcomes and monitoring (issue 13)

    @property
    def _outcomes(self) -> OutcomeStore:
        from cstr_desk.storage.outcomes import OutcomeStore

        return OutcomeStore(self._store)

    def outcome_case(self, case_id: str) -> Case:
        """The case an outcome is about: its latest final version, or the draft of a case adjourned before finalizing."""
        finals = self._store.final_versions(case_id)
        if finals and self._store.summary(case_id).status == "final":
            return self._store.final_case(case_id, finals[-1].version)
        return self._store.load_draft(case_id)

    def outcome_history(self, case_id: str) -> list[Outcome]:
        """Every recorded version of the outcome, oldest first (corrections keep what they correct)."""
        return self._outcomes.outcome_history(case_id)

    def latest_outcome(self, case_id: str) -> Outcome | None:
        return self._outcomes.latest_outcome(case_id)

    def record_outcome(self, case_id: str, outcome: Outcome, when: datetime | None = None) -> Outcome:
        """Record what the court did (the next version after an adjournment); audited as 'outcome'. The final annex
        is never touched. A draft takes only an adjournment, and then moves to the new hearing date."""
        from dataclasses import replace

        case = self.outcome_case(case_id)
        history = self._outcomes.outcome_history(case_id)
        if history and history[-1].category != "adjourned":
            raise OutcomeProblems(["An outcome is already recorded for this case: correct it, with a reason."])
        version = len(history) + 1
        stamped = replace(outcome, version=version, correction_reason="", recorded_by=self.actor.name,
                          recorded_at=when or datetime.now().replace(microsecond=0))
        return self._store_outcome(case, stamped)

    def correct_outcome(self, case_id: str, corrected: Outcome, reason: str, when: datetime | None = None) -> Outcome:
        """A correction is the next version with its reason; the earlier versions stay as they were."""
        from cstr_desk.domain.errors import ValidationError
        from cstr_desk.domain.outcome import correct

        case = self.outcome_case(case_id)
        history = self._outcomes.outcome_history(case_id)
        if not history:
            raise OutcomeProblems(["There is no recorded outcome to correct yet."])
        try:
            stamped = correct(history[-1], corrected, reason, self.actor.name,
                              when or datetime.now().replace(microsecond=0))
        except ValidationError as exc:
            raise OutcomeProblems([f"{exc.field}: {exc.message}"]) from None
        return self._store_outcome(case, stamped)

    def _store_outcome(self, case: Case, outcome: Outcome) -> Outcome:
        from cstr_desk.domain.outcome import outcome_problems

        is_draft = self._store.summary(case.case_id).status == "draft"
        problems = [f"{p.field}: {p.message}" for p in outcome_problems(outcome, case)]
        if is_draft and outcome.category != "adjourned":
            problems.append("category: The annex is not final yet: only an adjournment can be recorded.")
        if problems:
            raise OutcomeProblems(problems)
        record = self._monitoring_record(case, outcome, final=not is_draft)
        self._outcomes.record_outcome(case.case_id, outcome, record, case.hearing.hearing_date)
        if is_draft and outcome.new_hearing_date:
            case.hearing.hearing_date = outcome.new_hearing_date
            self._store.save_draft(case)
        return outcome

    def as_proposed(self, case_id: str) -> SentencePassed:
        """The sentence exactly as proposed in the annex: the outcome step's "as proposed" in one action."""
        from cstr_desk.domain.outcome import as_proposed

        return as_proposed(self.outcome_case(case_id))

    def outcomes_to_record(self, today: date | None = None) -> list[CaseSummary]:
        """Final cases whose hearing has passed with no outcome (or an adjournment whose new date has passed)."""
        return self._outcomes.outcome_to_record(today or date.today())

    def count_outcomes_to_record(self, today: date | None = None) -> int:
        return self._outcomes.count_outcome_to_record(today or date.today())

    def _monitoring_record(self, case: Case, outcome: Outcome | None, final: bool) -> MonitoringRecord:
        from cstr_desk.domain.monitoring import monitoring_record

        return monitoring_record(case, self.decisions(case), self.forms.programme, outcome, final, _bank_holidays())

    def refresh_monitoring(self) -> int:
        """Write the monitoring row of every case that has none (cases from before this version). Returns how many."""
        if not self.may("read_cases"):  # the administrator sees the counts but never opens a case
            return 0
        missing = self._outcomes.cases_without_monitoring()
        rows = []
        for case_id in missing:
            case = self.outcome_case(case_id)
            final = self._store.summary(case_id).status == "final"
            rows.append((case_id, case.hearing.hearing_date,
                         self._monitoring_record(case, self._outcomes.latest_outcome(case_id), final)))
        if rows:
            self._outcomes.put_monitoring_many(rows)
        return len(rows)

    def monitoring(self, start: date, end: date) -> MonitoringReport:
        """The counts for hearings from start to end (inclusive), overall and month by month; nothing leaves."""
        from cstr_desk.domain.monitoring import MonitoringReport

        self.refresh_monitoring()
        from cstr_desk.domain.monitoring import sum_counts

        by_month = self._outcomes.monitoring_by_month(start, end)
        return MonitoringReport(start, end, self.forms.programme.site_name, sum_counts(list(by_month.values())),
                                by_month)

    def monitoring_export(self, start: date, end: date, kind: str) -> bytes:
        """The return as 'csv', 'pdf' or 'json' bytes: small counts suppressed, no name or identifier; audited."""
        from cstr_desk.domain.monitoring import return_csv, return_json

        self.actor.require("read_monitoring")
        report = self.monitoring(start, end)
        if kind == "csv":
            data = return_csv(report).encode("utf-8")
        elif kind == "json":
            data = return_json(report).encode("utf-8")
        elif kind == "pdf":
            from cstr_desk.report.monitoring_pdf import render_monitoring_return

            data = render_monitoring_return(report)
        else:
            raise ValueError(f"unknown export kind {kind!r}")
        self._store.record_event("monitoring_export", detail=f"{kind} {start.isoformat()} to {end.isoformat()}")
        return data

    def after_sentence_sheet(self, case_id: str, lang: str, purpose: str = "opened") -> bytes:
        """The person's sheet of what the court ordered (en or cy), from the latest outcome; audited as an export."""
        from cstr_desk.domain.outcome_sheet import build_after_sentence_sheet, load_after_sentence_texts
        from cstr_desk.paths import resources_dir
        from cstr_desk.report.person_sheet import render_person_sheet

        self._signed.actor.require("export")
        outcome = self.latest_outcome(case_id)
        if outcome is None or not outcome.imposed:
            raise OutcomeProblems(["The court has imposed no treatment requirement yet: there is no sheet to give."])
        texts = load_after_sentence_texts(resources_dir() / "person_sheet", lang)
        sheet = build_after_sentence_sheet(self.outcome_case(case_id), outcome, self.forms, texts,
                                           datetime.now().replace(microsecond=0))
        pdf = render_person_sheet(sheet)
        self._store.record_export(case_id, f"after-sentence sheet {lang} {purpose}")
        return pdf

    def add_demo_data(self, count: int, seed: int = 1, end: date | None = None) -> int:
        """Fictional court days with outcomes (deterministic from the seed), each case finalized with its real
        annex and its outcome recorded through the same operations as a real one. Returns how many."""
        from cstr_desk.demo import demo_cases
        from cstr_desk.domain.demo_data import generate

        end = end or date.today()
        for item in generate(demo_cases(end), count, seed, end):
            day = item.case.hearing.hearing_date or end
            self._store.import_case(item.case)
            self.finalize(item.case, today=end, when=datetime.combine(day, datetime.min.time()).replace(hour=15))
            if item.outcome is not None:
                self.record_outcome(item.case.case_id, item.outcome, when=item.outcome.recorded_at)
        return count

    # ------------------------------------------------------------ site hub and retention (issue 14)

    def link_hub(self, credentials_json: str) -> None:
        """Store the credentials `hub add-laptop` issued (administrator); audited as hub_linked."""
        import json

        from cstr_desk.storage.handover import HubLink, save_hub_link

        try:
            data = json.loads(credentials_json)
            link = HubLink(str(data["dsn"]), str(data["recipient"]), str(data["role"]))
        except (ValueError, KeyError, TypeError):
            raise InputError("That is not a laptop credentials file from `cstr-desk hub add-laptop`.") from None
        from cstr_desk.hub.bundle import checked_recipient
        from cstr_desk.hub.dsn import checked_dsn

        checked_dsn(link.dsn)
        checked_recipient(link.recipient)
        save_hub_link(self._store.database, self.actor, link)

    def hub_linked(self) -> bool:
        from cstr_desk.storage.handover import hub_link

        return hub_link(self._store.database) is not None

    def hand_over(self, progress: Callable[[int, int], None] | None = None) -> HandoverRun:
        """Send every final version (with its latest outcome) that has no receipt to the site hub, one case per
        transaction; each receipt and each failure is written to the audit log as it happens. Then the retention
        run: cases whose receipts are older than the setting are cleared (audited as purge)."""
        from cstr_desk.hub.handover import hand_over
        from cstr_desk.storage.retention import purge_expired

        run = hand_over(self._store.database, self.actor, self.forms, progress)
        run.cleared = purge_expired(self._store.database, self.actor).cleared_cases
        return run

    def handover_status(self) -> list[HandoverState]:
        """Every final version: sent (with the receipt), pending, or failed with the reason. Ids only."""
        from cstr_desk.storage.handover import handover_states

        return handover_states(self._store.database)

    def retention_days(self) -> int:
        from cstr_desk.storage.retention import retention_days

        return retention_days(self._store.database)

    def set_retention_days(self, days: int) -> None:
        """The administrator's setting (default 30): days after the hub's receipt before a case is cleared."""
        from cstr_desk.storage.retention import set_retention_days

        set_retention_days(self._store.database, self.actor, days)

    def purge_expired(self, now: datetime | None = None) -> PurgeReport:
        """Clear handed-over cases past the retention period, keeping tombstones; audited per case; VACUUM after."""
        from cstr_desk.storage.retention import purge_expired

        return purge_expired(self._store.database, self.actor, now)

    def not_handed_over(self, now: datetime | None = None) -> set[str]:
        """Case ids older than the retention period that are not fully handed over (flagged on the case list)."""
        from cstr_desk.storage.retention import overdue_cases

        return overdue_cases(self._store.database, now)


# ---------------------------------------------------------------- site hub administration (no laptop database)


def hub_keygen() -> tuple[str, str]:
    """A new site key pair (private, public) for the receiving team; the private half never goes to a laptop."""
    from cstr_desk.hub.bundle import generate_site_keys

    keys = generate_site_keys()
    return keys.identity, keys.recipient


def hub_init(dsn: str, site_key: str) -> list[str]:
    """Create or update the hub's schema and roles (each step once, in order); returns the steps applied now."""
    from cstr_desk.hub.client import init_hub

    return init_hub(dsn, site_key)


def hub_add_login(dsn: str, name: str, kind: str) -> str:
    """A new laptop, reporting or receiving login; returns its credentials as JSON (keep it secret)."""
    import json
    from dataclasses import asdict

    from cstr_desk.hub.client import add_login

    return json.dumps(asdict(add_login(dsn, name, kind)), indent=2)


def hub_fetch(dsn: str, site_key: str, out: Path) -> list[tuple[str, int, int, Path]]:
    from cstr_desk.hub.fetch import fetch_new

    return [(f.case_id, f.annex_version, f.outcome_version, f.folder) for f in fetch_new(dsn, site_key, out)]


def hub_monitoring(dsn: str, start: date, end: date, forms: Forms | None = None) -> MonitoringReport:
    """The site's report from the hub's monitoring view (reporting login): the laptops' counts, added up, in the
    same MonitoringReport as Desk.monitoring, so the same table, returns and suppression apply."""
    from cstr_desk.domain.monitoring import MonitoringReport, sum_counts
    from cstr_desk.hub.client import site_counts_by_month

    by_month = site_counts_by_month(dsn, start, end)
    site = (forms or shipped_forms()).programme.site_name
    return MonitoringReport(start, end, site, sum_counts(list(by_month.values())), by_month)


def monitoring_return(report: MonitoringReport, kind: str) -> bytes:
    """A report as 'csv', 'pdf' or 'json' bytes (small counts suppressed, no name or identifier)."""
    from cstr_desk.domain.monitoring import return_csv, return_json

    if kind == "csv":
        return return_csv(report).encode("utf-8")
    if kind == "json":
        return return_json(report).encode("utf-8")
    if kind == "pdf":
        from cstr_desk.report.monitoring_pdf import render_monitoring_return

        return render_monitoring_return(report)
    raise ValueError(f"unknown export kind {kind!r}")


def _same_name(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _keyring(folder: Path, scrypt_n: int | None) -> Keyring:
    from cstr_desk.storage.users import Keyring

    return Keyring(folder) if scrypt_n is None else Keyring(folder, scrypt_n)


def keyring_for(folder: Path, scrypt_n: int | None = None) -> Keyring:
    """The accounts file of a data folder, for the sign-in screen (no database is opened)."""
    return _keyring(folder, scrypt_n)

