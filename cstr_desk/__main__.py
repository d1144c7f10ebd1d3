"""Run CSTR Desk with `python -m cstr_desk`."""

import sys

from cstr_desk.cli import main

sys.exit(main())
