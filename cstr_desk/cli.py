"""Command line: start the app, or run a headless command (instruments, score, ...)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from cstr_desk import __version__

if TYPE_CHECKING:
    from datetime import date

    from cstr_desk.domain.case import Case


class CliError(Exception):
    """A problem with the command's input: printed as one line, exit status 2."""


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cstr-desk",
        description="CSTR Desk: court-day screening, eligibility and PSR treatment-requirement annex.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="folder for the database (default: CSTR_DESK_DATA or the platform's user data folder)")
    parser.add_argument("--demo", action="store_true", help="start with a throwaway data folder holding demo cases")
    parser.add_argument("--screenshot", metavar="PATH", help="save the first window as a PNG and quit (for headless checks)")
    parser.add_argument("--idle-minutes", type=float, help="lock after this many idle minutes (default 5)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("instruments", help="list the screening instruments and their versions")

    score = sub.add_parser(
        "score",
        help="score one instrument from answers written as on the paper form",
        description=(
            "Score an instrument. ANSWERS is a comma-separated list in item order: the option's score for "
            "scored items (AUDIT items 9 and 10 take 0, 2 or 4), yes/no for yes/no items, and nothing "
            "between two commas for an unanswered item. Example: cstr-desk score audit_c 2,1,"
        ),
    )
    score.add_argument("instrument", help="instrument id, e.g. audit, audit_c, phq9, gad7, dast10, mh_screen")
    score.add_argument("answers", help="comma-separated answers in item order")

    check = sub.add_parser(
        "check",
        help="check a case file and print the eligibility decisions and any proposal problems as JSON",
        description=(
            "Exit status: 0 the case is valid (proposal problems, if any, are listed); 1 the case has invalid "
            "fields (all listed); 2 the file cannot be read as a case file (all problems listed)."
        ),
    )
    check.add_argument("case_file", metavar="CASE.json")
    check.add_argument("--today", help="the date to check against (YYYY-MM-DD; default: today)")

    annex = sub.add_parser("annex", help="render the PSR treatment-requirement annex of a case file as PDF")
    annex.add_argument("case_file", metavar="CASE.json")
    annex.add_argument("--out", required=True, help="where to write the PDF")
    annex.add_argument("--final", action="store_true", help="render as FINAL (refused while the case has problems)")
    annex.add_argument("--today", help="the date to check against (YYYY-MM-DD; default: today)")

    signin = argparse.ArgumentParser(add_help=False)
    signin.add_argument("--user", help="your user name (default: CSTR_DESK_USER); the passphrase comes from "
                                       "CSTR_DESK_PASSPHRASE or the first line of standard input")

    imp = sub.add_parser("import", parents=[signin], help="store a case file as a draft in the database")
    imp.add_argument("case_file", metavar="CASE.json")

    lst = sub.add_parser("list", parents=[signin], help="list the cases in the database (today's first, then drafts, then finals)")
    lst.add_argument("--search", default="", help="name, CRN, court, or a hearing date (23/11/2026)")
    lst.add_argument("--status", choices=["draft", "final"], help="only drafts or only finals")
    lst.add_argument("--json", action="store_true", help="print JSON instead of a table")

    audit = sub.add_parser("audit", help="audit log commands")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_sub.add_parser("verify", parents=[signin], help="walk the hash chain and report the first broken entry")

    users = sub.add_parser(
        "users", help="manage accounts (administrator)",
        description=("Passphrases are never taken from the command line. They are read from standard input, one per "
                     "line, in the order needed: your own first (unless CSTR_DESK_PASSPHRASE is set), then the new one. "
                     "At a terminal you are asked for them."),
    )
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users_sub.add_parser("add", parents=[signin], help="add an account (the first one must be the administrator)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=["administrator", "duty_officer", "assistant_psychologist"])
    passwd = users_sub.add_parser("passwd", parents=[signin], help="change an account's passphrase (your own, or any as administrator)")
    passwd.add_argument("name")
    remove = users_sub.add_parser("remove", parents=[signin], help="remove an account (administrator)")
    remove.add_argument("name")
    users_sub.add_parser("list", parents=[signin], help="list accounts and roles (administrator)")

    sheet = sub.add_parser("sheet", help="render the person's plain-language sheet of a case file as PDF")
    sheet.add_argument("case_file", metavar="CASE.json")
    sheet.add_argument("--lang", choices=["en", "cy"], default="en", help="en (English) or cy (Welsh)")
    sheet.add_argument("--out", required=True, help="where to write the PDF")
    return parser


def _cmd_instruments() -> int:
    from cstr_desk.domain.instrument_files import load_instruments
    from cstr_desk.paths import instruments_dir

    for inst in load_instruments(instruments_dir()).values():
        total = f"total {inst.min_total}-{inst.max_total}" if inst.scoring_method == "sum" else "no total"
        print(f"{inst.id:<10} {inst.version:<8} {len(inst.items):>2} items  {total:<12} {inst.title}")
    return 0


def _cmd_score(instrument_id: str, raw_answers: str) -> int:
    from cstr_desk.domain.instrument_files import load_instruments
    from cstr_desk.domain.instruments import AnswerError, InstrumentSet, answers_from_list, score_instrument
    from cstr_desk.paths import instruments_dir

    instruments = InstrumentSet(load_instruments(instruments_dir()))
    try:
        inst = instruments.get(instrument_id.strip().lower().replace("-", "_"))
        codes = [c.strip().lower() for c in raw_answers.split(",")]
        result = score_instrument(inst, answers_from_list(inst, codes))
    except AnswerError as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    return 0


def _read_case(path: str) -> Case:
    from cstr_desk.domain.casefile import CaseFileError, Problem, case_from_json

    try:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseFileError([Problem("$", f"cannot read {path}: {getattr(exc, 'strerror', None) or exc}")]) from None
    return case_from_json(text)


def _cmd_check(path: str, today_text: str | None) -> int:
    from cstr_desk.domain.casefile import CaseFileError
    from cstr_desk.domain.checks import case_problems, proposal_problems
    from cstr_desk.domain.eligibility import combination_notes, decide
    from cstr_desk.domain.forms import load_forms
    from cstr_desk.paths import forms_dir

    today = _parse_today(today_text)
    try:
        case = _read_case(path)
    except CaseFileError as exc:
        print(json.dumps({"valid": False, "problems": [p.to_json() for p in exc.problems]}, indent=2, ensure_ascii=False))
        return 2
    forms = load_forms(forms_dir())
    problems = case_problems(case, today, forms)
    decisions = decide(case, forms.programme)
    report = {
        "valid": not problems,
        "case_id": case.case_id,
        "problems": [p.to_json() for p in problems],
        "decisions": [d.to_json() for d in decisions],
        "proposed": case.proposal.proposed,
        "combination": combination_notes(case, decisions),
        "proposal_problems": [p.to_json() for p in proposal_problems(case, decisions, forms)],
    }
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 1 if problems else 0


def _parse_today(today_text: str | None) -> date:
    from datetime import date

    try:
        return date.fromisoformat(today_text) if today_text else date.today()
    except ValueError:
        raise CliError(f"--today must be a date like 2026-11-23, not '{today_text}'") from None


def _write_export(path: str, data: bytes) -> None:
    """Write a file the user asked for, whole or not at all."""
    import os
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".cstr-", suffix=".part")
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None


def _load_case_or_fail(path: str) -> Case:
    from cstr_desk.domain.casefile import CaseFileError

    try:
        return _read_case(path)
    except CaseFileError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more; run 'cstr-desk check')" if len(exc.problems) > 1 else ""
        raise CliError(f"{path} is not a valid case file: {first.path}: {first.message}{more}") from None


def _cmd_annex(path: str, out: str, final: bool, today_text: str | None) -> int:
    from cstr_desk.domain.annex import build_annex
    from cstr_desk.domain.checks import finalisation_problems
    from cstr_desk.domain.eligibility import decide
    from cstr_desk.domain.forms import load_forms
    from cstr_desk.paths import forms_dir
    from cstr_desk.report.annex_pdf import render_annex

    today = _parse_today(today_text)
    case = _load_case_or_fail(path)
    forms = load_forms(forms_dir())
    decisions = decide(case, forms.programme)
    if final:
        problems = finalisation_problems(case, today, forms, decisions)
        if problems:
            listed = "; ".join(f"{p.path}: {p.message}" for p in problems[:3])
            more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
            raise CliError(f"cannot render a FINAL annex while the case has problems: {listed}{more}")
    _write_export(out, render_annex(build_annex(case, forms, final=final, decisions=decisions)))
    print(out)
    return 0


def _cmd_sheet(path: str, lang: str, out: str) -> int:
    from cstr_desk.domain.annex import latest_activity
    from cstr_desk.domain.forms import load_forms
    from cstr_desk.domain.sheet import build_person_sheet, load_sheet_texts
    from cstr_desk.paths import forms_dir, resources_dir
    from cstr_desk.report.person_sheet import render_person_sheet

    case = _load_case_or_fail(path)
    forms = load_forms(forms_dir())
    texts = load_sheet_texts(resources_dir() / "person_sheet", lang)
    sheet = build_person_sheet(case, forms, texts, latest_activity(case))
    _write_export(out, render_person_sheet(sheet))
    print(out)
    return 0


class _Secrets:
    """Passphrases for a headless command: environment first, then standard input one line each, or a prompt."""

    def __init__(self) -> None:
        self._lines: list[str] | None = None

    def _next_line(self, prompt: str, confirm: bool = False) -> str:
        import getpass

        if sys.stdin is not None and sys.stdin.isatty():
            first = getpass.getpass(prompt)
            if confirm and getpass.getpass("Type it again: ") != first:
                raise CliError("the two passphrases do not match")
            return first
        if self._lines is None:
            self._lines = sys.stdin.read().splitlines() if sys.stdin is not None else []
        if not self._lines:
            raise CliError("no passphrase given: set CSTR_DESK_PASSPHRASE or pass it on standard input")
        return self._lines.pop(0)

    def own(self) -> str:
        import os

        return os.environ.get("CSTR_DESK_PASSPHRASE") or self._next_line("Your passphrase: ")

    def new(self) -> str:
        return self._next_line("New passphrase: ", confirm=True)


def _user_name(arg: str | None) -> str:
    import os

    name = arg or os.environ.get("CSTR_DESK_USER")
    if not name:
        raise CliError("say who you are with --user NAME or CSTR_DESK_USER")
    return name


def _sign_in(data_dir: str | None, user: str | None, secrets: _Secrets):  # type: ignore[no-untyped-def]
    from cstr_desk.paths import data_dir as resolve
    from cstr_desk.storage.users import Keyring

    folder = resolve(data_dir)
    return folder, Keyring(folder).sign_in(_user_name(user), secrets.own())


def _open_store(data_dir: str | None, user: str | None):  # type: ignore[no-untyped-def]
    """Sign in and unlock the database for a headless command (data folder from --data-dir or CSTR_DESK_DATA)."""
    from cstr_desk.paths import data_dir as resolve
    from cstr_desk.storage.cases import open_signed_in

    store, _ = open_signed_in(resolve(data_dir), _user_name(user), _Secrets().own())
    return store


def _check_new_passphrase(passphrase: str, name: str) -> None:
    from cstr_desk.domain.passphrase import passphrase_problems
    from cstr_desk.paths import resources_dir

    problems = passphrase_problems(passphrase, name, resources_dir() / "common-passphrases.txt")
    if problems:
        raise CliError("passphrase not accepted: " + " ".join(problems))


def _cmd_users(args: argparse.Namespace) -> int:
    from cstr_desk.paths import data_dir as resolve
    from cstr_desk.storage.cases import CaseStore
    from cstr_desk.storage.db import open_database
    from cstr_desk.storage.users import Keyring

    folder = resolve(args.data_dir)
    keyring = Keyring(folder)
    secrets = _Secrets()
    action = args.users_command
    if action == "add" and not keyring.exists:
        if args.role != "administrator":
            raise CliError("the first account must be the administrator (--role administrator)")
        passphrase = secrets.new()
        _check_new_passphrase(passphrase, args.name)
        key = keyring.create_first_administrator(args.name, passphrase)
        signed = keyring.sign_in(args.name, passphrase)
        database = open_database(folder, key)
        CaseStore(database, signed.actor).record_event("user_added", detail="administrator (first account)")
        database.close(backup=False)
        print(f"created the administrator {args.name} and an empty encrypted database in {folder}")
        return 0
    folder, signed = _sign_in(args.data_dir, args.user, secrets)
    database = open_database(folder, signed.key)
    store = CaseStore(database, signed.actor)
    try:
        if action == "add":
            passphrase = secrets.new()
            _check_new_passphrase(passphrase, args.name)
            keyring.add_account(signed, args.name, args.role, passphrase)
            store.record_event("user_added", detail=args.role)
            print(f"added {args.name} ({args.role})")
        elif action == "passwd":
            passphrase = secrets.new()
            _check_new_passphrase(passphrase, args.name)
            keyring.change_passphrase(signed, args.name, passphrase)
            store.record_event("passphrase_changed")
            print(f"changed the passphrase of {args.name}")
        elif action == "remove":
            keyring.remove_account(signed, args.name)
            store.record_event("user_removed")
            print(f"removed {args.name}")
        else:
            signed.actor.require("manage_users")
            for name, role in keyring.accounts():
                print(f"{name:<30} {role}")
    finally:
        database.close(backup=False)
    return 0


def _cmd_import(data_dir: str | None, user: str | None, path: str) -> int:
    from cstr_desk.storage.db import StorageError

    case = _load_case_or_fail(path)
    store = _open_store(data_dir, user)
    try:
        if case.case_id and store.db.execute("SELECT 1 FROM cases WHERE case_id = ?", [case.case_id]).fetchone():
            raise CliError(f"a case with id {case.case_id} is already stored")
        case_id = store.import_case(case)
    except StorageError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.database.close()
    print(case_id)
    return 0


def _cmd_list(data_dir: str | None, user: str | None, search: str, status: str | None, as_json: bool) -> int:
    store = _open_store(data_dir, user)
    try:
        rows = store.list_cases(search=search, status=status)
    finally:
        store.database.close(backup=False)
    if as_json:
        print(json.dumps([{
            "case_id": r.case_id, "name": r.person_name, "crn": r.crn, "court": r.court,
            "hearing_date": r.hearing_date.isoformat() if r.hearing_date else None, "status": r.status,
            "latest_final": r.latest_final, "step": r.wizard_step, "updated_at": r.updated_at,
        } for r in rows], indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        when = r.hearing_date.strftime("%d/%m/%Y") if r.hearing_date else "-"
        final = f"v{r.latest_final}" if r.latest_final else ""
        print(f"{r.case_id[:12]:<12}  {r.status:<5} {final:<4} {when:<10}  {r.crn:<8}  {r.person_name}  ({r.court})")
    print(f"{len(rows)} case(s)")
    return 0


def _cmd_audit_verify(data_dir: str | None, user: str | None) -> int:
    store = _open_store(data_dir, user)
    try:
        report = store.verify_audit()
    finally:
        store.database.close(backup=False)
    print(("audit log intact: " if report.ok else "AUDIT LOG BROKEN: ") + report.message)
    return 0 if report.ok else 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = _build_parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "instruments":
            return _cmd_instruments()
        if args.command == "score":
            return _cmd_score(args.instrument, args.answers)
        if args.command == "check":
            return _cmd_check(args.case_file, args.today)
        if args.command == "annex":
            return _cmd_annex(args.case_file, args.out, args.final, args.today)
        if args.command == "sheet":
            return _cmd_sheet(args.case_file, args.lang, args.out)
        if args.command == "import":
            return _cmd_import(args.data_dir, args.user, args.case_file)
        if args.command == "list":
            return _cmd_list(args.data_dir, args.user, args.search, args.status, args.json)
        if args.command == "audit":
            return _cmd_audit_verify(args.data_dir, args.user)
        if args.command == "users":
            return _cmd_users(args)
        from cstr_desk.app import run_app

        return run_app(data_dir=args.data_dir, demo=args.demo, screenshot=args.screenshot, idle_minutes=args.idle_minutes)
    except CliError as exc:
        print(f"cstr-desk: {exc}", file=sys.stderr)
        return 2
    except (PermissionError, KeyboardInterrupt) as exc:
        print(f"cstr-desk: {exc or 'stopped'}", file=sys.stderr)
        return 2
    except Exception as exc:  # last resort: one line for the user, never a traceback
        from cstr_desk.domain.errors import InstrumentFileError

        if isinstance(exc, InstrumentFileError):
            print(f"cstr-desk: broken instrument file {exc}", file=sys.stderr)
            return 3
        if type(exc).__module__.startswith("cstr_desk.storage"):
            from cstr_desk.storage.db import StorageError

            if isinstance(exc, StorageError):
                print(f"cstr-desk: {exc}", file=sys.stderr)
                return 2
        raise


if __name__ == "__main__":
    sys.exit(main())
