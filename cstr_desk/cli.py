"""Command line: start the app, or run a headless command. Parsing and printing only: the work is the Desk's."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from cstr_desk import __version__
from cstr_desk.errors import CstrDeskError, InputError

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from cstr_desk.domain.case import Case
    from cstr_desk.workflow import Desk

Handler = Callable[[argparse.Namespace], int]


class CliError(InputError):
    """A problem with the command's input: printed as one line, exit status 2."""


# ---------------------------------------------------------------- helpers shared by the handlers


def _parse_today(today_text: str | None) -> date:
    from datetime import date

    try:
        return date.fromisoformat(today_text) if today_text else date.today()
    except ValueError:
        raise CliError(f"--today must be a date like 2026-11-23, not '{today_text}'") from None


def _write_export(path: str, data: bytes) -> None:
    """Write a file the user asked for, whole or not at all; never over a device, pipe or folder (D20)."""
    import os
    import stat
    import tempfile

    folder = os.path.dirname(os.path.abspath(path))
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None
    if mode is not None and not stat.S_ISREG(mode):
        raise CliError(f"cannot write {path}: it is not a regular file")
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
    from cstr_desk.workflow import read_case_file

    try:
        return read_case_file(path)
    except CaseFileError as exc:
        first = exc.problems[0]
        more = f" (and {len(exc.problems) - 1} more; run 'cstr-desk check')" if len(exc.problems) > 1 else ""
        raise CliError(f"{path} is not a valid case file: {first.path}: {first.message}{more}") from None


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


def _folder(args: argparse.Namespace) -> Path:
    from cstr_desk.paths import data_dir

    return data_dir(args.data_dir)


def _user_name(arg: str | None) -> str:
    import os

    name = arg or os.environ.get("CSTR_DESK_USER")
    if not name:
        raise CliError("say who you are with --user NAME or CSTR_DESK_USER")
    return name


def _printable(text: str) -> str:
    """Text for a terminal: control characters (ANSI escapes) and direction overrides shown as \\x.. escapes (D17)."""
    import unicodedata

    return "".join(ch if ch == " " or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp")
                   else ch.encode("unicode_escape", "backslashreplace").decode("ascii") for ch in text)


def _sign_in(args: argparse.Namespace, secrets: _Secrets | None = None, changing_own: bool = False) -> Desk:
    """Sign in and unlock the database for a headless command (data folder from --data-dir or CSTR_DESK_DATA);
    someone whose passphrase the administrator set may only change it (`changing_own`)."""
    from cstr_desk.workflow import Desk

    desk = Desk.sign_in(_folder(args), _user_name(args.user), (secrets or _Secrets()).own())
    if not changing_own:
        try:
            desk.require_own_passphrase()
        except CstrDeskError:
            desk.close(backup=False)
            raise
    return desk


# ---------------------------------------------------------------- handlers: no database


def cmd_instruments(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import shipped_forms

    for inst in shipped_forms().instruments.values():
        total = f"total {inst.min_total}-{inst.max_total}" if inst.scoring_method == "sum" else "no total"
        print(f"{inst.id:<10} {inst.version:<8} {len(inst.items):>2} items  {total:<12} {inst.title}")
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from cstr_desk.domain.instruments import AnswerError, InstrumentSet, answers_from_list, score_instrument
    from cstr_desk.workflow import shipped_forms

    instruments = InstrumentSet(shipped_forms().instruments)
    try:
        inst = instruments.get(args.instrument.strip().lower().replace("-", "_"))
        codes = [c.strip().lower() for c in args.answers.split(",")]
        result = score_instrument(inst, answers_from_list(inst, codes))
    except AnswerError as exc:
        raise CliError(str(exc)) from None
    print(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from cstr_desk.domain.casefile import CaseFileError
    from cstr_desk.workflow import check_case, read_case_file

    today = _parse_today(args.today)
    try:
        case = read_case_file(args.case_file)
    except CaseFileError as exc:
        print(json.dumps({"valid": False, "problems": [p.to_json() for p in exc.problems]}, indent=2, ensure_ascii=False))
        return 2
    report = check_case(case, today)
    print(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    return 0 if report.valid else 1


def cmd_annex(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import NotReadyToFinalize, render_annex_pdf

    today = _parse_today(args.today)
    case = _load_case_or_fail(args.case_file)
    try:
        pdf = render_annex_pdf(case, final=args.final, today=today)
    except NotReadyToFinalize as exc:
        raise CliError(f"cannot render a FINAL annex while the case has problems: {exc.summary()}") from None
    _write_export(args.out, pdf)
    print(args.out)
    return 0


def cmd_sheet(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import render_sheet_pdf

    case = _load_case_or_fail(args.case_file)
    _write_export(args.out, render_sheet_pdf(case, args.lang, large_print=args.large_print))
    print(args.out)
    return 0


# ---------------------------------------------------------------- handlers: signed in


def cmd_import(args: argparse.Namespace) -> int:
    case = _load_case_or_fail(args.case_file)
    desk = _sign_in(args)
    try:
        imported = desk.import_case_once(case)
    finally:
        warning = desk.close()
    print(imported.case_id if imported.created else f"{imported.case_id} (already stored: nothing changed)")
    if warning:
        print(f"cstr-desk: warning: {warning}", file=sys.stderr)
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    desk = _sign_in(args)
    try:
        rows = desk.list_cases(search=args.search, status=args.status)
    finally:
        desk.close(backup=False)
    if args.json:
        print(json.dumps([{
            "case_id": r.case_id, "name": r.person_name, "crn": r.crn, "court": r.court,
            "hearing_date": r.hearing_date.isoformat() if r.hearing_date else None, "status": r.status,
            "latest_final": r.latest_final, "step": r.wizard_step, "updated_at": r.updated_at,
        } for r in rows], indent=2, ensure_ascii=False))
        return 0
    for r in rows:
        when = r.hearing_date.strftime("%d/%m/%Y") if r.hearing_date else "-"
        final = f"v{r.latest_final}" if r.latest_final else ""
        print(_printable(f"{r.case_id[:12]:<12}  {r.status:<5} {final:<4} {when:<10}  {r.crn:<8}  {r.person_name}  "
                         f"({r.court})"))
    print(f"{len(rows)} case(s)")
    return 0


def cmd_audit_verify(args: argparse.Namespace) -> int:
    desk = _sign_in(args)
    try:
        report = desk.verify_audit()
    finally:
        desk.close(backup=False)
    print(("audit log intact: " if report.ok else "AUDIT LOG BROKEN: ") + report.message)
    print(f"chain head: {report.head}")
    return 0 if report.ok else 1


# ---------------------------------------------------------------- handlers: after the hearing (issue 13)


def _parse_day(text: str | None, flag: str) -> date | None:
    from datetime import date

    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        raise CliError(f"{flag} must be a date like 2026-11-23, not '{text}'") from None


def cmd_outcome(args: argparse.Namespace) -> int:
    import dataclasses

    from cstr_desk.domain.casefile import CaseFileError
    from cstr_desk.domain.outcome import outcome_from_json
    from cstr_desk.workflow import OutcomeProblems

    try:
        with open(args.file, encoding="utf-8") as fh:
            outcome = outcome_from_json(fh.read())
    except OSError as exc:
        raise CliError(f"cannot read {args.file}: {exc.strerror}") from None
    except CaseFileError as exc:
        raise CliError(f"{args.file} is not a valid outcome file: {exc}") from None
    desk = _sign_in(args)
    try:
        if args.as_proposed:
            outcome = dataclasses.replace(outcome, sentence=desk.as_proposed(args.case_id))
        try:
            if args.correct:
                stored = desk.correct_outcome(args.case_id, outcome, args.correct)
            else:
                stored = desk.record_outcome(args.case_id, outcome)
        except OutcomeProblems as exc:
            print("outcome not recorded:", file=sys.stderr)
            for problem in exc.problems:
                print(f"  {problem}", file=sys.stderr)
            return 1
    finally:
        desk.close()
    print(f"{args.case_id} outcome version {stored.version}: {stored.category}")
    return 0


def cmd_finalize(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import NotReadyToFinalize

    today = _parse_today(args.today)
    desk = _sign_in(args)
    try:
        case = desk.open_draft(args.case_id)
        try:
            done = desk.finalize(case, today=today)
        except NotReadyToFinalize as exc:
            print(f"not finalized: {len(exc.problems)} problem(s) remain:", file=sys.stderr)
            for p in exc.problems:
                print(f"  {p.path}: {p.message}", file=sys.stderr)
            return 1
    finally:
        desk.close()
    print(f"{done.case_id} final version {done.version} (annex sha256 {done.content_sha256[:16]})")
    return 0


def cmd_monitor(args: argparse.Namespace) -> int:
    from datetime import date

    from cstr_desk.domain.monitoring import last_calendar_month

    default_start, default_end = last_calendar_month(date.today())
    start = _parse_day(args.start, "--from") or default_start
    end = _parse_day(args.end, "--to") or default_end
    if end < start:
        raise CliError("--to is before --from")
    if args.hub:
        return _monitor_from_hub(args, start, end)
    desk = _sign_in(args)
    try:
        if args.csv:
            _write_export(args.csv, desk.monitoring_export(start, end, "csv"))
        if args.pdf:
            _write_export(args.pdf, desk.monitoring_export(start, end, "pdf"))
        if args.json:
            sys.stdout.write(desk.monitoring_export(start, end, "json").decode("utf-8"))
            return 0
        from cstr_desk.domain.monitoring import CUSTODY_AVERTED_METHOD, return_rows

        report = desk.monitoring(start, end)
    finally:
        desk.close(backup=False)
    print(f"{report.site_name}: hearings {start.isoformat()} to {end.isoformat()} (counts under 5: 'fewer than 5')")
    for section, measure, value in return_rows(report):
        print(f"{section:<34} {measure:<56} {value}")
    print(f"Method: {CUSTODY_AVERTED_METHOD}")
    return 0


def _monitor_from_hub(args: argparse.Namespace, start: date, end: date) -> int:
    """issue 14: the same counts, returns and suppression, from the site hub (a reporting login; no laptop)."""
    from cstr_desk.domain.monitoring import CUSTODY_AVERTED_METHOD, return_rows
    from cstr_desk.workflow import hub_monitoring, monitoring_return

    report = hub_monitoring(args.hub, start, end)
    if args.csv:
        _write_export(args.csv, monitoring_return(report, "csv"))
    if args.pdf:
        _write_export(args.pdf, monitoring_return(report, "pdf"))
    if args.json:
        sys.stdout.write(monitoring_return(report, "json").decode("utf-8"))
        return 0
    print(f"{report.site_name} (site hub): hearings {start.isoformat()} to {end.isoformat()} "
          "(counts under 5: 'fewer than 5')")
    for section, measure, value in return_rows(report):
        print(f"{section:<34} {measure:<56} {value}")
    print(f"Method: {CUSTODY_AVERTED_METHOD}")
    return 0


def cmd_demo_data(args: argparse.Namespace) -> int:
    end = _parse_day(args.end, "--end")
    if args.cases < 1:
        raise CliError("--cases must be 1 or more")
    desk = _sign_in(args)
    try:
        count = desk.add_demo_data(args.cases, seed=args.seed, end=end)
    finally:
        desk.close()
    print(f"{count} fictional case(s) added, finalized, with outcomes (seed {args.seed})")
    return 0


def _add_after_hearing_commands(sub: Any, signin: argparse.ArgumentParser) -> None:
    out = sub.add_parser("outcome", parents=[signin], help="record the hearing outcome of a case from a JSON file",
                         description="The outcome file's format is in docs/case-file.md. Exit status 1: the outcome "
                                     "has problems (all listed) and nothing was recorded.")
    out.add_argument("case_id", metavar="CASE_ID")
    out.add_argument("--file", required=True, metavar="OUTCOME.json")
    out.add_argument("--as-proposed", action="store_true", help="the sentence as proposed in the final annex")
    out.add_argument("--correct", metavar="REASON", help="correct the recorded outcome (a new version) with this reason")
    out.set_defaults(func=cmd_outcome)

    fin = sub.add_parser("finalize", parents=[signin], help="finalize a stored draft as the wizard does",
                         description="Exit status 1: problems remain (all listed) and the case stays a draft.")
    fin.add_argument("case_id", metavar="CASE_ID")
    fin.add_argument("--today", help="the date to check against (YYYY-MM-DD; default: today)")
    fin.set_defaults(func=cmd_finalize)

    mon = sub.add_parser("monitor", parents=[signin], help="print the monitoring counts for a period; export returns",
                         description="Counts for hearings from --from to --to (default: last calendar month). Counts "
                                     "under 5 show as 'fewer than 5'; no names or identifiers.")
    mon.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    mon.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    mon.add_argument("--csv", metavar="FILE", help="write the CSV return")
    mon.add_argument("--pdf", metavar="FILE", help="write the PDF return")
    mon.add_argument("--json", action="store_true", help="print JSON instead of a table")
    mon.add_argument("--hub", metavar="DSN", help="the site's counts from the site hub (reporting login), not this laptop")
    mon.set_defaults(func=cmd_monitor)

    demo = sub.add_parser("demo-data", parents=[signin], help="add fictional court days with outcomes (for tests and benches)")
    demo.add_argument("--cases", type=int, required=True, metavar="N")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--end", metavar="YYYY-MM-DD", help="the last court day (default: today)")
    demo.set_defaults(func=cmd_demo_data)


def cmd_users_add(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import Desk, keyring_for

    folder = _folder(args)
    secrets = _Secrets()
    keyring = keyring_for(folder)
    if not keyring.exists:
        if args.role != "administrator":
            raise CliError("the first account must be the administrator (--role administrator)")
        desk = Desk.create_first_administrator(keyring, args.name, secrets.new())
        recovery = desk.take_recovery_key()
        desk.close(backup=False)
        print(f"created the administrator {args.name} and an empty encrypted database in {folder}")
        print(f"RECOVERY KEY (shown once; write it down and keep it locked away): {recovery}")
        return 0
    desk = _sign_in(args, secrets)
    try:
        desk.add_account(args.name, args.role, secrets.new())
    finally:
        desk.close(backup=False)
    print(f"added {args.name} ({args.role})")
    return 0


def cmd_users_passwd(args: argparse.Namespace) -> int:
    secrets = _Secrets()
    own = " ".join(args.name.split()).casefold() == " ".join(_user_name(args.user).split()).casefold()
    desk = _sign_in(args, secrets, changing_own=own)
    try:
        desk.change_passphrase(args.name, secrets.new())
    finally:
        desk.close(backup=False)
    print(f"changed the passphrase of {args.name}" + ("" if own else " (to be changed at their next sign-in)"))
    return 0


def cmd_users_remove(args: argparse.Namespace) -> int:
    desk = _sign_in(args)
    try:
        desk.remove_account(args.name)
    finally:
        desk.close(backup=False)
    print(f"removed {args.name}")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    desk = _sign_in(args)
    try:
        accounts = desk.accounts()
    finally:
        desk.close(backup=False)
    for name, role in accounts:
        print(f"{name:<30} {role}")
    return 0


def cmd_backups(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import Desk

    found = Desk.list_backups(_folder(args), _user_name(args.user), _Secrets().own())
    for b in found:
        print(f"{b.made_at:%Y-%m-%d %H:%M:%S} UTC  {b.kind or '-':<9} {'good' if b.good else 'DAMAGED':<8} {b.path}")
    print(f"{len(found)} backup(s)")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cstr_desk.workflow import Desk

    restored = Desk.restore(_folder(args), Path(args.backup), _user_name(args.user), _Secrets().own())
    print(f"restored {restored.backup}")
    for path in restored.set_aside:
        print(f"set aside (kept): {path}")
    return 0


def cmd_recover(args: argparse.Namespace) -> int:
    import os

    from cstr_desk.workflow import Desk

    secrets = _Secrets()
    recovery = os.environ.get("CSTR_DESK_RECOVERY_KEY") or secrets._next_line("Recovery key: ")
    desk = Desk.recover(_folder(args), recovery, args.name, secrets.new())
    desk.close(backup=False)
    print(f"{args.name} can sign in again with the new passphrase")
    return 0


def cmd_app(args: argparse.Namespace) -> int:
    from cstr_desk.app import run_app

    return run_app(data_dir=args.data_dir, demo=args.demo, screenshot=args.screenshot, idle_minutes=args.idle_minutes)


# ---------------------------------------------------------------- the parser


# ---------------------------------------------------------------- handlers: site hub (issue 14)


def _hub_dsn(args: argparse.Namespace) -> str:
    import os

    dsn = args.dsn or os.environ.get("CSTR_HUB_DSN")
    if not dsn:
        raise CliError("say which hub with --dsn DSN or CSTR_HUB_DSN")
    return str(dsn)


def _write_secret(path: str, text: str) -> None:
    import os

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise CliError(f"cannot write {path}: {exc.strerror}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)


def _read_text(path: str) -> str:
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read().strip()
    except OSError as exc:
        raise CliError(f"cannot read {path}: {exc.strerror}") from None


def cmd_handover(args: argparse.Namespace) -> int:
    desk = _sign_in(args)
    try:
        if args.status:
            states = desk.handover_status()
        else:
            run = desk.hand_over()
    finally:
        desk.close(backup=False)
    if args.status:
        for s in states:
            note = f"received {s.received_at}" if s.state == "sent" else s.reason
            cleared = " (cleared from this laptop)" if s.cleared else ""
            print(f"{s.case_id[:12]:<12}  v{s.annex_version} o{s.outcome_version}  {s.state:<7}  {note}{cleared}")
        print(", ".join(f"{n} {k}" for k in ("sent", "pending", "failed")
                        if (n := sum(s.state == k for s in states))) or "nothing final yet")
        return 0
    for case_id, version, reason in run.failed:
        print(f"{case_id[:12]:<12}  v{version}  failed: {reason}")
    print(f"{len(run.sent)} sent, {len(run.failed)} failed, {run.not_tried} still pending")
    if run.cleared:
        print(f"{len(run.cleared)} case(s) past the retention period cleared from this laptop")
    return 1 if run.failed else 0


def cmd_hub_keygen(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import hub_keygen

    private, public = hub_keygen()
    _write_secret(args.out, private + "\n")
    print(public)
    return 0


def cmd_hub_init(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import hub_init

    site_key = args.site_key if args.site_key.startswith("age1") else _read_text(args.site_key)
    done = hub_init(_hub_dsn(args), site_key)
    print("hub ready" + (f"; applied {', '.join(done)}" if done else "; already up to date"))
    return 0


def cmd_hub_add_login(args: argparse.Namespace) -> int:
    from cstr_desk.workflow import hub_add_login

    text = hub_add_login(_hub_dsn(args), args.name, getattr(args, "role", "laptop"))
    if args.out:
        _write_secret(args.out, text + "\n")
        print(args.out)
    else:
        print(text)
    return 0


def cmd_hub_link(args: argparse.Namespace) -> int:
    text = _read_text(args.credentials)
    desk = _sign_in(args)
    try:
        desk.link_hub(text)
    finally:
        desk.close(backup=False)
    print("linked to the site hub")
    return 0


def cmd_hub_fetch(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cstr_desk.workflow import hub_fetch

    for case_id, annex, outcome, folder in hub_fetch(_hub_dsn(args), _read_text(args.key), Path(args.out)):
        print(f"{case_id}  annex v{annex}  outcome v{outcome}  -> {folder}")
    return 0


def cmd_hub_monitor(args: argparse.Namespace) -> int:
    from datetime import date

    from cstr_desk.domain.monitoring import COUNT_LABELS, last_calendar_month, suppressed
    from cstr_desk.workflow import hub_monitoring

    try:
        default_start, default_end = last_calendar_month(date.today())
        start = date.fromisoformat(args.date_from) if args.date_from else default_start
        end = date.fromisoformat(args.date_to) if args.date_to else default_end
    except ValueError:
        raise CliError("--from and --to are dates like 2026-11-01") from None
    counts = hub_monitoring(_hub_dsn(args), start, end).totals
    shown = {key: suppressed(counts.counts[key]) for key in COUNT_LABELS}
    if args.json:
        print(json.dumps({"from": start.isoformat(), "to": end.isoformat(), "counts": shown,
                          "custody_averted_weeks": counts.custody_averted_weeks}, indent=2))
        return 0
    print(f"Site figures from the hub, hearings {start.isoformat()} to {end.isoformat()}")
    for key, label in COUNT_LABELS.items():
        print(f"  {label:<55} {shown[key]}")
    return 0


def cmd_retention(args: argparse.Namespace) -> int:
    desk = _sign_in(args)
    report = None
    try:
        if args.days is not None:
            desk.set_retention_days(args.days)
        days = desk.retention_days()
        report = desk.purge_expired() if args.purge else None
        overdue = desk.not_handed_over()
    finally:
        desk.close(backup=report is None)
    print(f"retention: {days} days after the hub's receipt")
    if report is not None:
        print(f"cleared {len(report.cleared_cases)} case(s), {report.cleared_versions} version(s); "
              f"backups replaced: {report.backups_replaced}")
    print(f"{len(overdue)} case(s) older than {days} days not handed over")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from cstr_desk.domain.roles import ROLES

    parser = argparse.ArgumentParser(
        prog="cstr-desk",
        description="CSTR Desk: court-day screening, eligibility and PSR treatment-requirement annex.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--data-dir", help="folder for the database (default: CSTR_DESK_DATA or the platform's user data folder)")
    parser.add_argument("--demo", action="store_true", help="start with a throwaway data folder holding demo cases")
    parser.add_argument("--screenshot", metavar="PATH", help="save the first window as a PNG and quit (for headless checks)")
    parser.add_argument("--idle-minutes", type=float, help="lock after this many idle minutes (default 5)")
    parser.set_defaults(func=cmd_app)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    sub.add_parser("instruments", help="list the screening instruments and their versions").set_defaults(func=cmd_instruments)

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
    score.set_defaults(func=cmd_score)

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
    check.set_defaults(func=cmd_check)

    annex = sub.add_parser("annex", help="render the PSR treatment-requirement annex of a case file as PDF")
    annex.add_argument("case_file", metavar="CASE.json")
    annex.add_argument("--out", required=True, help="where to write the PDF")
    annex.add_argument("--final", action="store_true", help="render as FINAL (refused while the case has problems)")
    annex.add_argument("--today", help="the date to check against (YYYY-MM-DD; default: today)")
    annex.set_defaults(func=cmd_annex)

    sheet = sub.add_parser("sheet", help="render the person's plain-language sheet of a case file as PDF")
    sheet.add_argument("case_file", metavar="CASE.json")
    sheet.add_argument("--lang", choices=["en", "cy"], default="en", help="en (English) or cy (Welsh)")
    sheet.add_argument("--out", required=True, help="where to write the PDF")
    sheet.add_argument("--large-print", action="store_true", help="16 pt type (may run to two pages) instead of 12 pt")
    sheet.set_defaults(func=cmd_sheet)

    signin = argparse.ArgumentParser(add_help=False)
    signin.add_argument("--user", help="your user name (default: CSTR_DESK_USER); the passphrase comes from "
                                       "CSTR_DESK_PASSPHRASE or the first line of standard input")

    imp = sub.add_parser("import", parents=[signin], help="store a case file as a draft in the database")
    imp.add_argument("case_file", metavar="CASE.json")
    imp.set_defaults(func=cmd_import)

    lst = sub.add_parser("list", parents=[signin], help="list the cases in the database (today's first, then drafts, then finals)")
    lst.add_argument("--search", default="", help="name, CRN, court, or a hearing date (23/11/2026)")
    lst.add_argument("--status", choices=["draft", "final"], help="only drafts or only finals")
    lst.add_argument("--json", action="store_true", help="print JSON instead of a table")
    lst.set_defaults(func=cmd_list)

    audit = sub.add_parser("audit", help="audit log commands")
    audit_sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    audit_sub.add_parser("verify", parents=[signin], help="walk the hash chain and report the first broken entry"
                         ).set_defaults(func=cmd_audit_verify)

    users = sub.add_parser(
        "users", help="manage accounts (administrator)",
        description=("Passphrases are never taken from the command line. They are read from standard input, one per "
                     "line, in the order needed: your own first (unless CSTR_DESK_PASSPHRASE is set), then the new one. "
                     "At a terminal you are asked for them."),
    )
    users_sub = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = users_sub.add_parser("add", parents=[signin], help="add an account (the first one must be the administrator)")
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=list(ROLES))
    add.set_defaults(func=cmd_users_add)
    passwd = users_sub.add_parser("passwd", parents=[signin], help="change your own passphrase, or reset anyone's as "
                                  "administrator (they must change it at their next sign-in)")
    passwd.add_argument("name")
    passwd.set_defaults(func=cmd_users_passwd)
    remove = users_sub.add_parser("remove", parents=[signin], help="remove an account (administrator)")
    remove.add_argument("name")
    remove.set_defaults(func=cmd_users_remove)
    users_sub.add_parser("list", parents=[signin], help="list accounts and roles (administrator)").set_defaults(func=cmd_users_list)

    sub.add_parser("backups", parents=[signin], help="list the backups, newest first, each checked (administrator)"
                   ).set_defaults(func=cmd_backups)
    restore = sub.add_parser(
        "restore", parents=[signin], help="put a backup in place of the database (administrator)",
        description="The backup is checked first; the current database and any WAL/SHM files are moved to "
                    "set-aside/ in the data folder (never overwritten or deleted); the restore is audited.")
    restore.add_argument("backup", help="a backup file (a name from 'cstr-desk backups', or a path)")
    restore.set_defaults(func=cmd_restore)
    recover = sub.add_parser(
        "recover", help="get back in with the recovery key shown at first run: give an administrator a new passphrase",
        description="The recovery key comes from CSTR_DESK_RECOVERY_KEY or the first line of standard input, then "
                    "the new passphrase; never from the command line.")
    recover.add_argument("name", help="the administrator (an existing one, or a new name)")
    recover.set_defaults(func=cmd_recover)
    _add_after_hearing_commands(sub, signin)

    # site hub (issue 14)
    handover = sub.add_parser("handover", parents=[signin],
                              help="send final annexes (with outcomes) to the site hub; --status lists what is sent")
    handover.add_argument("--status", action="store_true", help="list sent, pending and failed versions; send nothing")
    handover.set_defaults(func=cmd_handover)
    retention = sub.add_parser("retention", parents=[signin],
                               help="show or set (administrator) the days after a receipt before a case is cleared")
    retention.add_argument("--days", type=int, help="set the retention period in days (default 30)")
    retention.add_argument("--purge", action="store_true", help="clear handed-over cases past the period now")
    retention.set_defaults(func=cmd_retention)
    hub = sub.add_parser("hub", help="the site hub (PostgreSQL): set up, logins, link a laptop, fetch, figures",
                         description="A DSN off this machine must carry sslmode=verify-full. --dsn may be left out "
                                     "when CSTR_HUB_DSN is set (keeps passwords off the command line).")
    hub_sub = hub.add_subparsers(dest="hub_command", metavar="ACTION", required=True)
    dsn = argparse.ArgumentParser(add_help=False)
    dsn.add_argument("--dsn", help="the hub's PostgreSQL connection string (default: CSTR_HUB_DSN)")
    keygen = hub_sub.add_parser("keygen", help="make the site's key pair: the private key to --out, the public printed")
    keygen.add_argument("--out", required=True, help="file for the private key (created, mode 600)")
    keygen.set_defaults(func=cmd_hub_keygen)
    init = hub_sub.add_parser("init", parents=[dsn], help="create or update the hub's schema and roles (administrator)")
    init.add_argument("--site-key", required=True, help="the site's public key (age1...) or a file holding it")
    init.set_defaults(func=cmd_hub_init)
    add_laptop = hub_sub.add_parser("add-laptop", parents=[dsn], help="issue a laptop's login (credentials as JSON)")
    add_laptop.add_argument("name")
    add_laptop.add_argument("--out", help="write the credentials to this file (mode 600) instead of printing them")
    add_laptop.set_defaults(func=cmd_hub_add_login)
    add_login = hub_sub.add_parser("add-login", parents=[dsn], help="issue a reporting or receiving login")
    add_login.add_argument("name")
    add_login.add_argument("--role", required=True, choices=["reporting", "receiving"])
    add_login.add_argument("--out", help="write the credentials to this file (mode 600) instead of printing them")
    add_login.set_defaults(func=cmd_hub_add_login)
    link = hub_sub.add_parser("link", parents=[signin], help="store a laptop's credentials file in its database (administrator)")
    link.add_argument("credentials", metavar="CREDENTIALS.json")
    link.set_defaults(func=cmd_hub_link)
    fetch = hub_sub.add_parser("fetch", parents=[dsn], help="write each new bundle, decrypted, to a folder (receiving login)")
    fetch.add_argument("--key", required=True, help="file holding the site's private key")
    fetch.add_argument("--out", required=True, help="folder for the annexes, sheets and case records")
    fetch.set_defaults(func=cmd_hub_fetch)
    monitor = hub_sub.add_parser("monitor", parents=[dsn], help="the site's counts from the hub (reporting login)")
    monitor.add_argument("--from", dest="date_from", help="first hearing date (default: start of last month)")
    monitor.add_argument("--to", dest="date_to", help="last hearing date (default: end of last month)")
    monitor.add_argument("--json", action="store_true", help="print JSON")
    monitor.set_defaults(func=cmd_hub_monitor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler: Handler = args.func
    try:
        return handler(args)
    except CstrDeskError as exc:
        from cstr_desk.domain.errors import InstrumentFileError

        if isinstance(exc, InstrumentFileError):
            print(f"cstr-desk: broken instrument file {exc}", file=sys.stderr)
            return 3
        print(f"cstr-desk: {exc}", file=sys.stderr)
        return 2
    except (PermissionError, KeyboardInterrupt) as exc:  # NotAllowed is a PermissionError too
        print(f"cstr-desk: {exc or 'stopped'}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
