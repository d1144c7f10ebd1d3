"""The one family of errors: every problem the app explains to a person derives from CstrDeskError.

Each layer has its own branch beneath it (domain: cstr_desk.domain.errors; storage: cstr_desk.storage.errors;
the site hub: cstr_desk.hub.errors), and the edges (cli.main, the main window) catch CstrDeskError once.
"""

from __future__ import annotations


class CstrDeskError(Exception):
    """A problem explained in plain words for the person at the laptop; never carries case content."""


class InputError(CstrDeskError):
    """A command's input is unusable (a file that cannot be read, a date that is not a date): exit status 2."""
