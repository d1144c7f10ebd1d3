"""The one door: every court-day operation by name, Qt-free, each writing its own audit event.

The wizard (through CaseSession), the main window and the CLI call a `Desk` (or, for work on a case file with no
database, the module functions below) and nothing else: the Desk asks the domain, then storage or report. ReportLab,
sqlite-utils and the SQLCipher driver load only when an operation needs them, so the sign-in screen stays fast.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from cstr_desk.errors import CstrDeskError

if TYPE_CHECKING:
    from cstr_desk.domain.case import Case
    from cstr_desk.domain.casefile import Problem
    from cstr_desk.domain.eligibility import Decision
    from cstr_desk.domain.forms import Forms
    from cstr_desk.domain.roles import Actor
    from cstr_desk.storage.audit import AuditReport
    from cstr_desk.storage.cases import CaseStore, CaseSummary, FinalRecord
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


class DifferentPerson(CstrDeskError):
    """Only the person who locked the screen can unlock it."""


@dataclass(frozen=True)
class Finalized:
    case_id: str
    version: int
    pdf: bytes
    content_sha256: str


@dataclass(frozen=True)
class CaseCheck:
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
        return {
            "valid": self.valid,
            "case_id": self.case.case_id,
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

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError([Problem("$", f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")]) from None
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


def render_sheet_pdf(case: Case, lang: str, forms: Forms | None = None, generated_at: datetime | None = None) -> bytes:
    """The person's plain-language sheet (en or cy) as PDF bytes."""
    from cstr_desk.domain.annex import latest_activity
    from cstr_desk.domain.sheet import build_person_sheet, load_sheet_texts
    from cstr_desk.paths import resources_dir
    from cstr_desk.report.person_sheet import render_person_sheet

    forms = forms or shipped_forms()
    texts = load_sheet_texts(resources_dir() / "person_sheet", lang)
    return render_person_sheet(build_person_sheet(case, forms, texts, generated_at or latest_activity(case)))


def finalize_case(store: CaseStore, case: Case, forms: Forms, today: date, when: datetime) -> Finalized:
    """Check, render the FINAL annex, then store PDF, hashes and instrument versions and lock: one transaction."""
    from cstr_desk.domain.annex import build_annex
    from cstr_desk.domain.eligibility import decide
    from cstr_desk.report.annex_pdf import render_annex

    store.actor.require("finalize")
    decisions = decide(case, forms.programme)
    require_ready_to_finalize(case, today, forms, decisions)
    version = store.summary(case.case_id).draft_version
    annex = build_annex(case, forms, final=True, version=version, generated_at=when, decisions=decisions)
    pdf = render_annex(annex)
    instrument_versions = {s.instrument_id: s.instrument_version for s in case.screening}
    stored = store.finalize(case, pdf, annex.content_sha256, instrument_versions, when)
    return Finalized(case.case_id, stored, pdf, annex.content_sha256)


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

        store = CaseStore(open_database(folder, signed.key), signed.actor)
        desk = cls(folder, keyring, signed, store, forms)
        desk._record_unlock(signed)
        return desk

    @classmethod
    def sign_in(cls, folder: Path, name: str, passphrase: str, forms: Forms | None = None,
                scrypt_n: int | None = None) -> Desk:
        """Headless sign-in: check the passphrase (wrong ones are counted and slowed down), then open."""
        keyring = _keyring(folder, scrypt_n)
        return cls.open(folder, keyring, keyring.sign_in(name, passphrase), forms)

    @classmethod
    def create_first_administrator(cls, folder: Path, name: str, passphrase: str, forms: Forms | None = None,
                                   scrypt_n: int | None = None) -> Desk:
        """First run on a laptop: the administrator, a new random key and the empty encrypted database."""
        _require_good_passphrase(passphrase, name)
        keyring = _keyring(folder, scrypt_n)
        keyring.create_first_administrator(name, passphrase)
        desk = cls.open(folder, keyring, keyring.sign_in(name, passphrase), forms)
        desk._store.record_event("user_added", detail="administrator (first account)")
        return desk

    def _record_unlock(self, signed: SignedIn) -> None:
        for failure in signed.failed_attempts:
            self._store.record_event("sign_in_failed", detail=f"at {failure['at']}")
        self._store.record_event("unlock")

    def unlock(self, signed: SignedIn) -> None:
        """After the idle lock: only the same person may carry on; their failed tries are logged first."""
        if signed.key != self._signed.key or signed.actor != self._signed.actor:
            raise DifferentPerson("Only the person who was signed in can unlock.")
        self._record_unlock(signed)

    def lock(self) -> None:
        self._store.record_event("lock")

    def close(self, backup: bool = True) -> None:
        self._store.database.close(backup=backup)

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
        return self._store.save_draft(case)

    def delete_draft(self, case_id: str) -> None:
        self._store.delete_draft(case_id)

    def amend(self, case_id: str, reason: str) -> Case:
        """Version n stays as it is; version n+1 opens as a draft with the reason recorded."""
        return self._store.amend(case_id, reason)

    def import_case(self, case: Case) -> str:
        """Store a case file made elsewhere as a draft; a case id already stored is refused."""
        return self._store.import_case(case)

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
        return finalize_case(self._store, case, self.forms, today or date.today(),
                             when or datetime.now().replace(microsecond=0))

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

    def person_sheet(self, case: Case, lang: str, purpose: str = "opened") -> bytes:
        """The person's sheet in English or Welsh. Slow: the UI runs it off the UI thread."""
        self._signed.actor.require("export")
        pdf = render_sheet_pdf(case, lang, self.forms, datetime.now().replace(microsecond=0))
        self._store.record_export(case.case_id, f"person sheet {lang} {purpose}")
        return pdf

    def record_export(self, case_id: str, what: str) -> None:
        """A document the Desk already gave out left the app another way (saved after opening, printed)."""
        self._store.record_export(case_id, what)

    # ------------------------------------------------------------ audit

    def verify_audit(self) -> AuditReport:
        return self._store.verify_audit()

    # ------------------------------------------------------------ accounts (administrator; own passphrase: anyone)

    def accounts(self) -> list[tuple[str, str]]:
        self._signed.actor.require("manage_users")
        return self.keyring.accounts()

    def add_account(self, name: str, role: str, passphrase: str) -> None:
        _require_good_passphrase(passphrase, name)
        self.keyring.add_account(self._signed, name, role, passphrase)
        self._store.record_event("user_added", detail=role)

    def change_passphrase(self, name: str, passphrase: str) -> None:
        _require_good_passphrase(passphrase, name)
        self.keyring.change_passphrase(self._signed, name, passphrase)
        self._store.record_event("passphrase_changed")

    def remove_account(self, name: str) -> None:
        self.keyring.remove_account(self._signed, name)
        self._store.record_event("user_removed")


def _keyring(folder: Path, scrypt_n: int | None) -> Keyring:
    from cstr_desk.storage.users import Keyring

    return Keyring(folder) if scrypt_n is None else Keyring(folder, scrypt_n)


def keyring_for(folder: Path, scrypt_n: int | None = None) -> Keyring:
    """The accounts file of a data folder, for the sign-in screen (no database is opened)."""
    return _keyring(folder, scrypt_n)

