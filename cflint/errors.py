"""What every command shares about failing: the exit codes, the usage error and the one
line on stderr.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or internal error
(one line on stderr, never a traceback). Imported at every start: no imports here.
"""
from __future__ import annotations

import sys

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class UsageError(Exception):
    """A usage problem: the command line, a file it names, the project configuration.
    ``cflint.cli.main`` prints it as one ``cflint: error: ...`` line and exits 2."""


def print_error(text: str) -> None:
    """The one line on stderr; it may quote a path or a member name: escaped."""
    from .escape import escape

    print(f"cflint: {escape(text)}", file=sys.stderr)
