"""Every CLI subcommand is in the README's command table and answers --help (after sqlite-utils' tests/test_docs.py)."""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from pathlib import Path

import pytest

from cstr_desk.cli import build_parser, main

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _commands(parser: argparse.ArgumentParser, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                path = (*prefix, name)
                nested = _commands(sub, path)
                found += nested or [path]
    return found


COMMANDS = _commands(build_parser())


def test_the_parser_has_commands():
    assert ("check",) in COMMANDS and ("users", "add") in COMMANDS and ("audit", "verify") in COMMANDS


def _documented(command: tuple[str, ...]) -> bool:
    """In the first cell of a table row: `cstr-desk users add …`, or a later `passwd …` in the same row."""
    cells = [line.split("|")[1] for line in README.splitlines() if line.startswith("| `cstr-desk ")]
    words, first, last = " ".join(command), command[0], command[-1]
    return any(re.search(rf"`cstr-desk {re.escape(words)}[ `]", cell)
               or (len(command) > 1 and f"`cstr-desk {first} " in cell and re.search(rf"/ `{re.escape(last)}[ `]", cell))
               for cell in cells)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_is_in_the_readme_table(command):
    assert _documented(command), f"'cstr-desk {' '.join(command)}' is not in the README's command table"


def test_an_undocumented_command_would_be_noticed():
    assert not _documented(("no-such-command",))


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_answers_help(command):
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert "usage: cstr-desk " + " ".join(command) in out.getvalue()
