"""The commands' bodies (``cflint.cli`` parses the arguments and dispatches): each module
exposes ``run(args) -> int``; ``probe`` and ``logs`` are ``cflint.live.command``. Here:
the small pieces every command shares.

Imported at every start: keep module-level imports to the minimum.
"""
from __future__ import annotations

import os
import sys

from ..errors import UsageError


def split_csv(values: list[str] | None) -> list[str]:
    """The items of repeatable comma-separated options (--select CF1,CF2 --select CF3)."""
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def check_target_version(text: str | None) -> None:
    """--target-version must name a release cflint knows (8.13-8.18)."""
    if not text:
        return
    from ..sendmail.versions import VersionError, check_supported, parse_version

    try:
        check_supported(parse_version(text))
    except VersionError as e:
        raise UsageError(f"--target-version: {e}") from None


def make_engine():
    """The engine with every installed rule pack but those CFLINT_DISABLE_PLUGINS names."""
    from ..engine import Engine

    return Engine(disabled=split_csv([os.environ.get("CFLINT_DISABLE_PLUGINS", "")]))


def write_output(path: str | None, text: str) -> None:
    """The report to --output (one clear error when it cannot be written), else stdout."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror}") from None
