"""Where the m4 interpreter (:mod:`cflint.mc.m4eval`) saw an option defined. Apart from
the interpreter so that a cached expansion (:func:`cflint.mc.adapter.mc_to_cf_cached`),
which holds these, loads without it."""
from __future__ import annotations

from typing import NamedTuple


class Origin(NamedTuple):
    file: str            # the file the define() text was read from
    line: int            # its line there
    mc_line: int | None  # the .mc's top-level call that led to it (None: end of input)
    mc_column: int | None
