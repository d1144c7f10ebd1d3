"""The sign-in screen's storage work (reading the accounts file, a wrong passphrase) loads no database driver."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import sys
from pathlib import Path
from cstr_desk.storage.errors import WrongPassphrase
from cstr_desk.storage.users import Keyring
folder = Path(sys.argv[1])
keyring = Keyring(folder, 2**10)
try:
    keyring.sign_in("Alex Admin", "not the passphrase")
except WrongPassphrase:
    pass
print(sorted(m for m in ("sqlite_utils", "sqlcipher3", "reportlab") if m in sys.modules))
"""


def test_keyring_and_a_failed_sign_in_load_no_database_driver(tmp_path):
    from cstr_desk.storage.users import Keyring

    folder = tmp_path / "data"
    Keyring(folder, 2**10).create_first_administrator("Alex Admin", "amber kettle sunrise")
    out = subprocess.run([sys.executable, "-c", CODE, str(folder)], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]", out.stdout
