"""A throwaway data folder with demo accounts and the fictional demo cases, dated to today."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from cstr_desk.domain.case import Case
from cstr_desk.domain.casefile import case_from_json
from cstr_desk.domain.demo_data import shift_dates
from cstr_desk.domain.roles import Actor
from cstr_desk.paths import resources_dir

DEMO_PASSPHRASE = "demo court day"
DEMO_ACCOUNTS = (("Alex Admin", "administrator"), ("Jo Adeyemi", "duty_officer"), ("Priya Shah", "assistant_psychologist"),
                 ("Dee Mensah", "support_worker"))
DEMO_DAY = date(2026, 11, 23)  # the day the demo cases were written for
DEMO_HINT = ("Demo accounts (passphrase for each: demo court day): Jo Adeyemi, duty officer; "
             "Priya Shah, assistant psychologist; Dee Mensah, support worker; Alex Admin, administrator. The data is fictional and is thrown "
             "away when the app closes.")




def demo_cases(today: date) -> list[Case]:
    """The demo cases with every date moved so the hearing is today (dates of birth stay put)."""
    delta = today - DEMO_DAY
    cases = []
    for path in sorted((resources_dir() / "demo").glob("*.json")):
        cases.append(shift_dates(case_from_json(path.read_text(encoding="utf-8")), delta))
    return cases


DEMO_HISTORY_CASES = 36  # issue 13: four months of fictional court days with outcomes (each renders its annex)


def make_demo_folder(folder: Path, today: date, scrypt_n: int | None = None, history: int = 0) -> None:
    from cstr_desk.storage.cases import CaseStore
    from cstr_desk.storage.db import open_database
    from cstr_desk.storage.users import Keyring

    keyring = Keyring(folder) if scrypt_n is None else Keyring(folder, scrypt_n)
    key = keyring.create_first_administrator(DEMO_ACCOUNTS[0][0], DEMO_PASSPHRASE)
    admin = keyring.sign_in(DEMO_ACCOUNTS[0][0], DEMO_PASSPHRASE)
    for name, role in DEMO_ACCOUNTS[1:]:
        keyring.add_account(admin, name, role, DEMO_PASSPHRASE, must_change=False)  # a shared, published passphrase
    database = open_database(folder, key)
    store = CaseStore(database, Actor(DEMO_ACCOUNTS[1][0], "duty_officer"))
    for case in demo_cases(today):
        store.import_case(case)
    if history:
        from cstr_desk.workflow import Desk

        officer = keyring.sign_in(DEMO_ACCOUNTS[1][0], DEMO_PASSPHRASE)
        Desk(folder, keyring, officer, store).add_demo_data(history, seed=1, end=today - timedelta(days=1))
    database.close(backup=False)
