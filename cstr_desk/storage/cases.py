"""Cases in the database: create, autosave drafts, finalize (locked), amend, list and search, export records."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import sqlcipher3
import sqlite_utils

from cstr_desk.domain.case import Case
from cstr_desk.domain.casefile import case_to_compact_json, case_to_dict
from cstr_desk.domain.roles import Actor, NotAllowed, creation_forbidden, forbidden_change, merged_case, visible_case
from cstr_desk.storage.audit import AuditReport, append_audit, chain_head, verify_audit
from cstr_desk.storage.db import Database, translate_error
from cstr_desk.storage.errors import CaseIsFinal, CaseNotFound, DiskFull, StorageError
from cstr_desk.storage.search import fold, fts_query

_DATE_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass(frozen=True)
class Imported:
    """What an import did: stored a new draft, or found the same case already stored (nothing written)."""

    case_id: str
    created: bool


def _blank_case() -> dict[str, Any]:
    return case_to_dict(Case())["case"]  # type: ignore[return-value]


@dataclass(frozen=True)
class CaseSummary:
    case_id: str
    person_name: str
    crn: str
    court: str
    hearing_date: date | None
    status: str
    draft_version: int
    latest_final: int | None
    updated_at: str
    wizard_step: str
    save_count: int
    last_writer: str

    @property
    def has_draft(self) -> bool:
        return self.status == "draft"


@dataclass(frozen=True)
class FinalRecord:
    case_id: str
    version: int
    finalized_at: str
    finalized_by: str
    content_sha256: str
    pdf_sha256: str
    instrument_versions: dict[str, str]
    amends_version: int | None
    amend_reason: str | None


def _stored_case(text: str) -> Case:
    """A case read back from the database; one that no longer reads (written before today's input limits, or
    changed on disk) is reported as a storage problem, never a crash when the case is opened (D4)."""
    from cstr_desk.domain.casefile import CaseFileError, case_from_dict

    try:
        # Not case_from_json: the size and length limits are for files from outside; a draft typed in the app
        # must always open again, whatever its length.
        return case_from_dict(json.loads(text))
    except (CaseFileError, ValueError, RecursionError) as exc:
        if not isinstance(exc, CaseFileError):
            raise StorageError("This stored case cannot be opened: it is not readable JSON.") from None
        first = exc.problems[0]
        raise StorageError(f"This stored case cannot be opened: {first.path}: {first.message}.") from None


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


def _summary_fields(case: Case) -> dict[str, Any]:
    return {
        "person_name": case.person.full_name,
        "search_name": fold(case.person.full_name),
        "crn": case.identifiers.crn.strip().upper(),
        "court": case.hearing.court,
        "hearing_date": case.hearing.hearing_date.isoformat() if case.hearing.hearing_date else None,
        "wizard_step": case.wizard_step,
    }


class CaseStore:
    """The cases of one unlocked database, acting as one signed-in person whose role is checked here."""

    def __init__(self, database: Database, actor: Actor) -> None:
        self.database = database
        self.actor = actor
        self.who = actor.name
        # Audit events that could not be written (a full disk while only reading): written, in order, with the
        # next change that commits (D13).
        self.pending_audit: list[tuple[str, str | None, str, str]] = []
        # A problem after a commit (the backup copy failed): the change is saved; callers report this as a warning.
        self.last_warning: str | None = None

    @property
    def db(self) -> sqlite_utils.Database:
        return self.database.db

    # ------------------------------------------------------------ writing

    def _write(self, action: str, fn: Any) -> Any:
        """Run fn in one transaction. Returns only after COMMIT: success is reported exactly when committed (D5)."""
        self.database.require_intact()  # a change waits for the integrity check, and a damaged file takes none
        if self.database.read_only and not self.database.reopen_writable():
            raise DiskFull(f"Could not {action}: the disk is full. Nothing was changed; free some space, then sign "
                           "in again.")
        try:
            with self.db.atomic():
                self._flush_pending()
                result = fn()
        except StorageError:
            raise
        except sqlcipher3.Error as exc:
            raise translate_error(exc, action) from exc
        self.pending_audit.clear()
        return result

    def write_pending_audit(self) -> str | None:
        """Write events still waiting (sign-in during the integrity check, a full disk); a warning if they cannot be."""
        if not self.pending_audit:
            return None
        try:
            self._write("record the events", lambda: None)
        except StorageError as exc:
            return str(exc)
        return None

    def _flush_pending(self) -> None:
        for event, case_id, detail, at in self.pending_audit:
            append_audit(self.db, self.who, event, case_id, detail, at=at)

    def _table_insert(self, table: str, row: dict[str, Any]) -> None:
        self.db[table].insert(row)  # type: ignore[union-attr]

    def exists(self, case_id: str) -> bool:
        self.actor.require("read_cases")
        return self.db.execute("SELECT 1 FROM cases WHERE case_id = ?", [case_id]).fetchone() is not None

    def create_case(self, case: Case) -> str:
        """Store a new case as a draft; gives it an id and a creation time if it has none."""
        self.actor.require("create_case")
        why = creation_forbidden(case_to_dict(case)["case"], case_to_dict(Case())["case"], self.actor.role)  # type: ignore[arg-type]
        if why:
            raise NotAllowed(why)
        return self._insert(case, "create")

    def import_case(self, case: Case) -> str:
        """Store a whole case file made elsewhere (every part, the assessment included); audited as an import.
        A case id already stored is refused; see import_case_once for the idempotent import."""
        self.actor.require("create_case")
        digest = hashlib.sha256(case_to_compact_json(case).encode("utf-8")).hexdigest()
        return self._insert(case, "import", import_digest=digest)

    def import_case_once(self, case: Case) -> Imported:
        """Idempotent import (D5): the same file imported twice is stored once.

        A file with a case id is the same case when that id is stored with the same content; a file without one
        is recognised by the SHA-256 of its content. A different case under a stored id is refused.
        """
        self.actor.require("create_case")
        digest = hashlib.sha256(case_to_compact_json(case).encode("utf-8")).hexdigest()
        if case.case_id:
            row = self.db.execute("SELECT d.draft_json FROM drafts d WHERE d.case_id = ?", [case.case_id]).fetchone()
            if row is not None:
                if hashlib.sha256(row[0].encode("utf-8")).hexdigest() == digest:
                    return Imported(case.case_id, False)
                raise StorageError(f"A different case with id {case.case_id} is already stored.")
            if self.exists(case.case_id):
                raise StorageError(f"A case with id {case.case_id} is already stored (final).")
        else:
            row = self.db.execute("SELECT case_id FROM imports WHERE content_sha256 = ?", [digest]).fetchone()
            if row is not None and self.exists(row[0]):
                return Imported(row[0], False)
        return Imported(self._insert(case, "import", import_digest=digest), True)

    def _insert(self, case: Case, event: str, import_digest: str | None = None) -> str:
        if not case.case_id:
            case.case_id = uuid.uuid4().hex
        if case.created_at is None:
            case.created_at = datetime.now().replace(microsecond=0)
        now = _now()

        def insert() -> str:
            if self.db.execute("SELECT 1 FROM cases WHERE case_id = ?", [case.case_id]).fetchone():
                raise StorageError(f"A case with id {case.case_id} already exists.")
            self._table_insert("cases", {"case_id": case.case_id, "created_at": now, "updated_at": now,
                                         "status": "draft", "draft_version": 1, "save_count": 0,
                                         "last_writer": self.who, **_summary_fields(case)})
            self._table_insert("drafts", {"case_id": case.case_id, "draft_json": case_to_compact_json(case)})
            if import_digest is not None:
                self.db.execute("INSERT OR REPLACE INTO imports (content_sha256, case_id) VALUES (?, ?)",
                                [import_digest, case.case_id])
            append_audit(self.db, self.who, event, case.case_id)
            return case.case_id

        return str(self._write("create the case", insert))

    def save_draft(self, case: Case) -> int:
        """Save the whole draft in one transaction; cheap enough for every edit. Returns the save counter.

        The hot autosave path: plain statements, not sqlite-utils' table API, which inspects the table on every
        call (about 1 ms each; see bench/storage.py).
        """
        self.actor.require("edit_case")
        text = case_to_compact_json(case)
        fields = _summary_fields(case)

        def update() -> int:
            row = self.db.execute(
                "SELECT c.status, c.save_count, d.draft_json FROM cases c LEFT JOIN drafts d ON d.case_id = c.case_id "
                "WHERE c.case_id = ?", [case.case_id]).fetchone()
            if row is None:
                raise CaseNotFound(f"No case with id {case.case_id}.")
            if row[0] != "draft":
                raise CaseIsFinal("This case is final. Amend it (with a reason) to make changes.")
            stored, saved = json.loads(row[2]), json.loads(text)
            role = self.actor.role
            shown = stored["case"] if self.actor.may("read_full_case") else visible_case(
                stored["case"], _blank_case(), role)  # what this role was given to edit
            why = forbidden_change(shown, saved["case"], role)
            if why:
                raise NotAllowed(why)
            merged = merged_case(stored["case"], saved["case"], role)
            stored_text = text if merged is saved["case"] else json.dumps(
                {**saved, "case": merged}, ensure_ascii=False, separators=(",", ":"))
            count = row[1] + 1
            self.db.execute("UPDATE drafts SET draft_json = ? WHERE case_id = ?", [stored_text, case.case_id])
            changes = {"updated_at": _now(), "save_count": count, "last_writer": self.who, **fields}
            self.db.execute(f"UPDATE cases SET {', '.join(f'{k} = ?' for k in changes)} WHERE case_id = ?",
                            [*changes.values(), case.case_id])
            append_audit(self.db, self.who, "save", case.case_id, f"save {count}")
            return int(count)

        return int(self._write("save the draft", update))

    def finalize(self, case: Case, pdf: bytes, content_sha256: str, instrument_versions: dict[str, str],
                 finalized_at: datetime) -> int:
        """Store the annex PDF, its hash, the case and instrument versions, and lock the case: one transaction.

        The finalize audit event records the PDF's SHA-256 (D8). The backup made afterwards cannot undo the
        commit: if it fails, the case is still final and last_warning says what failed (D5).
        """
        self.actor.require("finalize")
        text = case_to_compact_json(case)
        pdf_sha256 = hashlib.sha256(pdf).hexdigest()

        def store() -> int:
            row = self.db.execute(
                "SELECT status, draft_version, amend_reason FROM cases WHERE case_id = ?", [case.case_id]
            ).fetchone()
            if row is None:
                raise CaseNotFound(f"No case with id {case.case_id}.")
            status, version, reason = row
            if status != "draft":
                raise CaseIsFinal("This case is already final.")
            self._table_insert("final_versions", {
                "case_id": case.case_id, "version": version, "finalized_at": finalized_at.isoformat(),
                "finalized_by": self.who, "case_json": text, "content_sha256": content_sha256, "pdf": pdf,
                "pdf_sha256": pdf_sha256, "instrument_versions": json.dumps(instrument_versions, sort_keys=True),
                "amends_version": version - 1 if version > 1 else None, "amend_reason": reason,
            })
            self.db.execute(
                "UPDATE cases SET status = 'final', amend_reason = NULL, updated_at = ?, last_writer = ? "
                "WHERE case_id = ?",
                [_now(), self.who, case.case_id],
            )
            self.db.execute("DELETE FROM drafts WHERE case_id = ?", [case.case_id])
            append_audit(self.db, self.who, "finalize", case.case_id, f"version {version} pdf {pdf_sha256}")
            return int(version)

        version = self._write("finalize the case", store)
        self.last_warning = None
        try:
            self.database.backup(kind="finalize")
        except StorageError as exc:
            self.last_warning = str(exc)
        return int(version)

    def audit_head(self) -> str:
        """The audit chain's head hash now (D8): printed on a final annex, so a cut or recomputed chain shows."""
        return chain_head(self.db)

    def amend(self, case_id: str, reason: str) -> Case:
        """Open version n+1 as a draft from the latest final, with a required reason; version n never changes."""
        self.actor.require("amend")
        if not reason.strip():
            raise StorageError("An amendment needs a reason.")

        def reopen() -> Case:
            row = self.db.execute("SELECT status FROM cases WHERE case_id = ?", [case_id]).fetchone()
            if row is None:
                raise CaseNotFound(f"No case with id {case_id}.")
            if row[0] != "final":
                raise StorageError("Only a final case can be amended; this one is still a draft.")
            latest = self.db.execute(
                "SELECT version, case_json FROM final_versions WHERE case_id = ? ORDER BY version DESC LIMIT 1", [case_id]
            ).fetchone()
            version, text = latest
            self.db.execute(
                "UPDATE cases SET status = 'draft', draft_version = ?, amend_reason = ?, updated_at = ?, "
                "last_writer = ? WHERE case_id = ?",
                [version + 1, reason.strip(), _now(), self.who, case_id],
            )
            self._table_insert("drafts", {"case_id": case_id, "draft_json": text})
            append_audit(self.db, self.who, "amend", case_id, f"version {version + 1} amends {version}")
            return _stored_case(text)

        return self._write("amend the case", reopen)  # type: ignore[no-any-return]

    def delete_draft(self, case_id: str, reason: str) -> None:
        """Delete a draft started by mistake: only its author, with a reason (kept here, encrypted, not in the audit
        detail); a case with any final version is kept (finals are guarded by the database itself too)."""
        self.actor.require("delete_draft")
        if not reason.strip():
            raise StorageError("Say why the draft is being deleted.")

        def delete() -> None:
            row = self.db.execute(
                "SELECT c.status, c.draft_version, d.draft_json FROM cases c LEFT JOIN drafts d "
                "ON d.case_id = c.case_id WHERE c.case_id = ?", [case_id]).fetchone()
            if row is None:
                raise CaseNotFound(f"No case with id {case_id}.")
            if row[0] != "draft" or self.db.execute(
                    "SELECT 1 FROM final_versions WHERE case_id = ?", [case_id]).fetchone():
                raise CaseIsFinal("A case with a final version cannot be deleted.")
            author = json.loads(row[2])["case"]["author"]["name"] if row[2] else ""
            if " ".join(author.split()).casefold() != " ".join(self.who.split()).casefold():
                raise NotAllowed("Only the officer who started this draft can delete it.")
            self.db.execute("DELETE FROM drafts WHERE case_id = ?", [case_id])
            self.db.execute("DELETE FROM cases WHERE case_id = ?", [case_id])
            self.db.execute("INSERT INTO deleted_cases (case_id, deleted_at, deleted_by, draft_version, reason) "
                            "VALUES (?, ?, ?, ?, ?)", [case_id, _now(), self.who, row[1], reason.strip()])
            append_audit(self.db, self.who, "delete", case_id, f"draft version {row[1]}, reason recorded")

        self._write("delete the case", delete)

    def record_export(self, case_id: str, what: str) -> None:
        """Note in the audit log that a document left the database (not what it said)."""
        self.actor.require("export")
        self._write("record the export", lambda: append_audit(self.db, self.who, "export", case_id, what))

    def record_event(self, event: str, case_id: str | None = None, detail: str = "", *,
                     queue_if_full: bool = False) -> None:
        """Write one audit event. With queue_if_full, a full disk keeps it in memory instead (reading needs no
        space, D13); it is written, in order and with its own time, before the next change that commits. While
        the integrity check still runs (a big database just opened), such an event waits the same way."""
        if queue_if_full and not self.database.checked:
            self.pending_audit.append((event, case_id, detail, _now()))
            return
        try:
            self._write("record the event", lambda: append_audit(self.db, self.who, event, case_id, detail))
        except StorageError as exc:
            if not (queue_if_full and isinstance(exc, DiskFull)):
                raise
            self.pending_audit.append((event, case_id, detail, _now()))

    # ------------------------------------------------------------ reading

    def load_draft(self, case_id: str) -> Case:
        self.actor.require("read_cases")
        row = self.db.execute(
            "SELECT c.status, d.draft_json FROM cases c LEFT JOIN drafts d ON d.case_id = c.case_id WHERE c.case_id = ?",
            [case_id]).fetchone()
        if row is None:
            raise CaseNotFound(f"No case with id {case_id}.")
        if row[1] is None:
            raise CaseIsFinal("This case is final; open its final version, or amend it.")
        if not self.actor.may("read_full_case"):
            data = json.loads(row[1])
            data["case"] = visible_case(data["case"], _blank_case(), self.actor.role)
            return _stored_case(json.dumps(data, ensure_ascii=False))
        return _stored_case(row[1])

    def summary(self, case_id: str) -> CaseSummary:
        rows = self._summaries("WHERE c.case_id = ?", [case_id], "", 1)
        if not rows:
            raise CaseNotFound(f"No case with id {case_id}.")
        return rows[0]

    def list_cases(self, search: str = "", status: str | None = None, hearing_date: date | None = None,
                   today: date | None = None, limit: int = 200) -> list[CaseSummary]:
        """Today's hearings first, then drafts, then finals, newest first; search by name, CRN, court or date."""
        where, params = [], []
        text = search.strip()
        match = _DATE_DMY.match(text)
        if match or re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            try:
                hearing_date = (date(int(match.group(3)), int(match.group(2)), int(match.group(1))) if match
                                else date.fromisoformat(text))
                text = ""
            except ValueError:
                pass
        if text:
            query = fts_query(text)
            if not query:
                return []
            where.append("c.rowid IN (SELECT rowid FROM cases_fts WHERE cases_fts MATCH ?)")
            params.append(query)
        if status:
            where.append("c.status = ?")
            params.append(status)
        if hearing_date:
            where.append("c.hearing_date = ?")
            params.append(hearing_date.isoformat())
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        today_text = (today or date.today()).isoformat()
        order = "ORDER BY (c.hearing_date = ?) DESC, (c.status = 'draft') DESC, c.updated_at DESC"
        return self._summaries(clause, params, order, limit, [today_text])

    def _summaries(self, clause: str, params: list[Any], order: str, limit: int,
                   order_params: list[Any] | None = None) -> list[CaseSummary]:
        self.actor.require("read_cases")
        # Choose the page of rows first, then look up each one's latest final version (only for those rows).
        sql = (
            "SELECT c.case_id, c.person_name, c.crn, c.court, c.hearing_date, c.status, c.draft_version, "
            "(SELECT max(version) FROM final_versions f WHERE f.case_id = c.case_id), c.updated_at, c.wizard_step, "
            f"c.save_count, c.last_writer FROM (SELECT * FROM cases c {clause} {order} LIMIT ?) c {order}"
        )
        rows = self.db.execute(sql, [*params, *(order_params or []), limit, *(order_params or [])]).fetchall()
        return [
            CaseSummary(r[0], r[1], r[2], r[3], date.fromisoformat(r[4]) if r[4] else None, r[5], r[6], r[7], r[8],
                        r[9], r[10], r[11])
            for r in rows
        ]

    def final_versions(self, case_id: str) -> list[FinalRecord]:
        self.actor.require("read_full_case")
        rows = self.db.execute(
            "SELECT case_id, version, finalized_at, finalized_by, content_sha256, pdf_sha256, instrument_versions, "
            "amends_version, amend_reason FROM final_versions WHERE case_id = ? ORDER BY version",
            [case_id],
        ).fetchall()
        return [FinalRecord(r[0], r[1], r[2], r[3], r[4], r[5], json.loads(r[6]), r[7], r[8]) for r in rows]

    def final_case(self, case_id: str, version: int) -> Case:
        self.actor.require("read_full_case")
        row = self.db.execute(
            "SELECT case_json FROM final_versions WHERE case_id = ? AND version = ?", [case_id, version]
        ).fetchone()
        if row is None:
            raise CaseNotFound(f"No final version {version} of case {case_id}.")
        return _stored_case(row[0])

    def final_pdf(self, case_id: str, version: int) -> bytes:
        """The stored annex, checked against its stored SHA-256."""
        self.actor.require("read_full_case")
        row = self.db.execute(
            "SELECT pdf, pdf_sha256 FROM final_versions WHERE case_id = ? AND version = ?", [case_id, version]
        ).fetchone()
        if row is None:
            raise CaseNotFound(f"No final version {version} of case {case_id}.")
        pdf, digest = bytes(row[0]), row[1]
        if hashlib.sha256(pdf).hexdigest() != digest:
            raise StorageError("The stored annex does not match its fingerprint; it may have been tampered with.")
        return pdf

    def verify_audit(self) -> AuditReport:
        self.actor.require("verify_audit")
        return verify_audit(self.db)

    def count(self) -> int:
        self.actor.require("read_cases")
        return int(self.db.execute("SELECT count(*) FROM cases").fetchone()[0])


def unlock(folder: Any, name: str, passphrase: str, scrypt_n: int | None = None) -> tuple[CaseStore, Any]:
    """Sign in and unlock, the one way in: count a failed sign-in, open the existing database (never a new one,
    D2) with the unwrapped key, then write the earlier failures and the unlock to the audit log. On a full disk the
    audit events wait in memory (reading needs no space, D13). Nothing is left open when this fails."""
    from cstr_desk.storage.db import open_database
    from cstr_desk.storage.users import Keyring

    keyring = Keyring(folder) if scrypt_n is None else Keyring(folder, scrypt_n)
    signed_in = keyring.sign_in(name, passphrase)
    database = open_database(folder, signed_in.key, create=False, key_verified=True,
                             previous_keys=signed_in.previous_keys)
    try:
        if signed_in.previous_keys:
            from cstr_desk.storage.rekey import complete_rekey

            complete_rekey(database, keyring, signed_in.previous_keys)  # a rekey a crash interrupted (D6)
        store = CaseStore(database, signed_in.actor)
        for failure in signed_in.failed_attempts:
            store.record_event("sign_in_failed", detail=f"at {failure['at']}", queue_if_full=True)
        store.record_event("unlock", queue_if_full=True)
    except BaseException:
        database.close(backup=False)
        raise
    return store, signed_in


open_signed_in = unlock  # the earlier name
