"""Hand over: seal each final version waiting on this laptop and send it to the site hub, one case per transaction.

Order of events for one version: the hub commits the row (or finds the one it already has), then the laptop
stores the receipt. A connection lost before the hub's commit leaves nothing on the hub; lost after it, the
next run finds the row, stores nothing new, and records the receipt then. Nothing is lost and nothing doubled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import psycopg

from cstr_desk.domain.casefile import case_from_json
from cstr_desk.domain.forms import Forms
from cstr_desk.domain.outcome import outcome_from_json
from cstr_desk.domain.roles import Actor
from cstr_desk.hub.bundle import pack, seal
from cstr_desk.hub.client import Outgoing, Receipt, connect, send, translate
from cstr_desk.hub.errors import HubError, HubUnavailable
from cstr_desk.hub.record import clear_columns, record_for
from cstr_desk.storage.db import Database
from cstr_desk.storage.handover import (
    WaitingVersion,
    record_failure,
    record_receipt,
    require_link,
    waiting_versions,
)

SHEET_LANGUAGES = ("en", "cy")


@dataclass
class HandoverRun:
    sent: list[Receipt] = field(default_factory=list)
    failed: list[tuple[str, int, str]] = field(default_factory=list)  # case id, version, reason
    not_tried: int = 0
    cleared: list[str] = field(default_factory=list)  # case ids cleared by the retention run that followed


def bundle_files(version: WaitingVersion, forms: Forms) -> dict[str, bytes]:
    """What the receiving team gets: the case record, the stored annex (byte for byte), the person's sheets."""
    from cstr_desk.domain.annex import latest_activity
    from cstr_desk.domain.sheet import build_person_sheet, load_sheet_texts
    from cstr_desk.paths import resources_dir
    from cstr_desk.report.person_sheet import render_person_sheet

    case = case_from_json(version.case_json)
    files = {
        "case.json": version.case_json.encode("utf-8"),
        f"annex-v{version.annex_version}.pdf": version.pdf,
    }
    if version.outcome_json is not None:
        files["outcome.json"] = version.outcome_json.encode("utf-8")
    for lang in SHEET_LANGUAGES:
        texts = load_sheet_texts(resources_dir() / "person_sheet", lang)
        sheet = build_person_sheet(case, forms, texts, latest_activity(case))
        files[f"sheet-{lang}.pdf"] = render_person_sheet(sheet)
    return files


def outgoing(version: WaitingVersion, forms: Forms, recipient: str) -> Outgoing:
    files = bundle_files(version, forms)
    sealed = seal(pack(version.case_id, version.annex_version, version.outcome_version, files), recipient)
    case = case_from_json(version.case_json)
    outcome = outcome_from_json(version.outcome_json) if version.outcome_json is not None else None
    record = record_for(case, outcome, forms.programme)
    return Outgoing(version.case_id, version.annex_version, version.outcome_version, sealed, version.pdf_sha256,
                    clear_columns(record, case.hearing.hearing_date))


def hand_over(database: Database, actor: Actor, forms: Forms,
              progress: Callable[[int, int], None] | None = None) -> HandoverRun:
    """Send every final version without a receipt. Stops at a lost connection (the rest stay pending)."""
    actor.require("hand_over")
    link = require_link(database)
    waiting = waiting_versions(database, actor)
    run = HandoverRun()
    if not waiting:
        return run
    try:
        with connect(link.dsn) as conn:
            for index, version in enumerate(waiting):
                try:
                    receipt = send(conn, outgoing(version, forms, link.recipient))
                except psycopg.Error as exc:
                    error = translate(exc, "hand over the case")
                    record_failure(database, actor, version.case_id, version.annex_version,
                                   version.outcome_version, str(error))
                    run.failed.append((version.case_id, version.annex_version, str(error)))
                    if isinstance(error, HubUnavailable) or conn.closed:
                        run.not_tried = len(waiting) - index - 1
                        break
                    continue
                except HubError as exc:
                    record_failure(database, actor, version.case_id, version.annex_version,
                                   version.outcome_version, str(exc))
                    run.failed.append((version.case_id, version.annex_version, str(exc)))
                    continue
                record_receipt(database, actor, receipt.case_id, receipt.annex_version, receipt.outcome_version,
                               receipt.received_at, receipt.bundle_sha256, receipt.annex_sha256, receipt.laptop)
                run.sent.append(receipt)
                if progress is not None:
                    progress(index + 1, len(waiting))
    except HubUnavailable as exc:
        if not run.sent and not run.failed:  # could not connect at all: every version stays pending, reason kept
            for version in waiting:
                record_failure(database, actor, version.case_id, version.annex_version, version.outcome_version,
                               str(exc))
                run.failed.append((version.case_id, version.annex_version, str(exc)))
        else:
            raise
    return run


def received_at_text(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
