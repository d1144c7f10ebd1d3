"""Issue 15 at the command line: recovery key, restore, backups, idempotent import, terminal escapes, --out, bad
data folders. Real subprocesses of `python -m cstr_desk` on real encrypted files."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cstr_desk.paths import resources_dir

ADMIN_PASS, OFFICER_PASS = "amber kettle sunrise", "green lantern harbour"


def _runner(folder: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CSTR_DESK_")}
    env["CSTR_DESK_DATA"] = str(folder)

    def run(*args, stdin="", **extra):
        return subprocess.run([sys.executable, "-m", "cstr_desk", *args], env=dict(env, **extra), input=stdin,
                              capture_output=True, text=True, timeout=120, check=False)

    return run


@pytest.fixture
def cli(tmp_path):
    run = _runner(tmp_path / "d")
    first = run("users", "add", "Admin", "--role", "administrator", stdin=ADMIN_PASS + "\n")
    assert first.returncode == 0, first.stderr
    recovery = re.search(r"RECOVERY KEY.*: ([A-Z2-7-]+)", first.stdout)
    assert recovery, first.stdout
    added = run("users", "add", "Jo Adeyemi", "--role", "duty_officer", "--user", "Admin",
                stdin=f"{ADMIN_PASS}\nmaple window orbit\n")
    assert added.returncode == 0, added.stderr
    own = run("users", "passwd", "Jo Adeyemi", "--user", "Jo Adeyemi", stdin=f"maple window orbit\n{OFFICER_PASS}\n")
    assert own.returncode == 0, own.stderr  # the administrator's first passphrase is temporary
    return run, tmp_path / "d", recovery.group(1)


OFFICER = {"CSTR_DESK_USER": "Jo Adeyemi", "CSTR_DESK_PASSPHRASE": OFFICER_PASS}
ADMIN = {"CSTR_DESK_USER": "Admin", "CSTR_DESK_PASSPHRASE": ADMIN_PASS}


def test_d3_d12_recover_restore_and_backups_from_the_command_line(cli, tmp_path):
    # D3: no way back in without the keyring's passphrases; D12: there was no restore command.
    run, folder, recovery = cli
    demo = str(resources_dir() / "demo" / "drr_only.json")
    assert run("import", demo, **OFFICER).returncode == 0  # closes with a backup
    listed = run("backups", **ADMIN)
    assert listed.returncode == 0 and " good " in listed.stdout and "1 backup(s)" in listed.stdout
    backup = listed.stdout.split()[-3]
    # The database is damaged beyond use: restore the backup.
    db = folder / "cstr-desk.db"
    db.write_bytes(b"\0" * 4096 + db.read_bytes()[4096:])
    broken = run("list", **OFFICER)
    assert broken.returncode == 2 and "damaged" in broken.stderr and "newest good backup" in broken.stderr
    assert "Traceback" not in broken.stderr
    refused = run("restore", backup, **OFFICER)
    assert refused.returncode == 2 and "cannot manage users" in refused.stderr
    restored = run("restore", backup, **ADMIN)
    assert restored.returncode == 0, restored.stderr
    assert "set aside (kept)" in restored.stdout
    assert "1 case(s)" in run("list", **OFFICER).stdout
    # The administrator forgets the passphrase: the recovery key gives a new one.
    wrong = run("recover", "Admin", stdin="ABCDE-FGHIJ\nviolet orchard tram ride\n")
    assert wrong.returncode == 2 and "does not match" in wrong.stderr
    again = run("recover", "Admin", stdin=f"{recovery}\nviolet orchard tram ride\n")
    assert again.returncode == 0, again.stderr
    assert run("users", "list", CSTR_DESK_USER="Admin", CSTR_DESK_PASSPHRASE="violet orchard tram ride").returncode == 0
    assert run("users", "list", **ADMIN).returncode == 2
    verify = run("audit", "verify", CSTR_DESK_USER="Admin", CSTR_DESK_PASSPHRASE="violet orchard tram ride")
    assert verify.returncode == 0 and re.search(r"chain head: [0-9a-f]{64}", verify.stdout)


def test_d5_import_twice_stores_once(cli, tmp_path):
    # D5: a retried import of a file without a case id made a duplicate.
    run, _folder, _ = cli
    data = json.loads((resources_dir() / "demo" / "atr_only.json").read_text(encoding="utf-8"))
    data["case"]["case_id"] = ""
    path = tmp_path / "no-id.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    first, second = run("import", str(path), **OFFICER), run("import", str(path), **OFFICER)
    assert first.returncode == 0 and second.returncode == 0, second.stderr
    assert "already stored" in second.stdout and first.stdout.split()[0] == second.stdout.split()[0]
    assert "1 case(s)" in run("list", **OFFICER).stdout


def test_d17_list_escapes_terminal_control_characters(cli, tmp_path):
    # D17: `list` printed ANSI escape sequences from names straight to the terminal.
    run, _folder, _ = cli
    data = json.loads((resources_dir() / "demo" / "drr_only.json").read_text(encoding="utf-8"))
    data["case"]["person"]["family_name"] = "Evil \u202eName"
    path = tmp_path / "evil.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    refused = run("import", str(path), **OFFICER)  # a name with a direction override is refused outright
    assert refused.returncode == 2 and "direction-changing" in refused.stderr
    data["case"]["person"]["family_name"] = "Evil"
    data["case"]["hearing"]["court"] = "Court \x1b[2J\x1b[31m\u202e"  # free text may hold them: list escapes them
    path.write_text(json.dumps(data), encoding="utf-8")
    assert run("import", str(path), **OFFICER).returncode == 0
    listing = run("list", **OFFICER)
    assert listing.returncode == 0
    assert "\x1b" not in listing.stdout and "\u202e" not in listing.stdout
    assert "\\x1b[2J" in listing.stdout and "\\u202e" in listing.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes (POSIX)")
def test_d20_out_refuses_devices_and_bad_data_folders_give_one_line(tmp_path):
    # D20: as root, `annex --out /dev/full` replaced the device with a file; --data-dir /dev/null/x gave a traceback.
    # A named pipe of our own stands in for the device (never a real /dev node in a test).
    run = _runner(tmp_path / "d")
    demo = str(resources_dir() / "demo" / "drr_only.json")
    pipe = tmp_path / "a-pipe"
    os.mkfifo(pipe)
    out = run("annex", demo, "--out", str(pipe))
    assert out.returncode == 2 and "not a regular file" in out.stderr
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert run("sheet", demo, "--out", str(folder)).returncode == 2
    for args in (("list", "--user", "x"), ("users", "add", "A", "--role", "administrator")):
        bad = run("--data-dir", "/dev/null/x", *args, stdin=ADMIN_PASS + "\n")
        assert bad.returncode == 2 and "Traceback" not in bad.stderr, bad.stderr
        assert len(bad.stderr.strip().splitlines()) == 1
