"""Inline suppressions: ``# cflint: ignore[CF501] reason`` in a .cf, ``dnl cflint:
ignore[CF501] reason`` (or ``#``) in an .mc.

On a line of its own a suppression covers the next line; at the end of a line it covers
that line. ``until YYYY-MM-DD`` right after the codes gives it an expiry date. A finding is
covered when its location, or one of its related locations (the config line that names a
key, for a finding on the key file), is on a covered line. Unsuppressible rules
(``RuleMeta.suppressible`` false) are never covered. Whether a suppression was used, and
what is wrong with it, is recorded on it for the rule that reports suppression problems.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    import datetime as dt  # (imported where a date is read: a run without one skips it)

_CF = re.compile(r"#\s*cflint:\s*ignore\[(?P<codes>[^\]]*)\](?P<rest>[^\n]*)")
_MC = re.compile(r"(?:\bdnl|#)\s*cflint:\s*ignore\[(?P<codes>[^\]]*)\](?P<rest>[^\n]*)")
_UNTIL = re.compile(r"\s*\(?until[ =:]?\s*(\d{4}-\d{2}-\d{2})\)?\s*[:,-]?")


@dataclass
class Suppression:
    path: str                      # the config as findings show it
    line: int
    column: int
    codes: tuple[str, ...]         # as written (codes or rule names), upper-cased codes
    reason: str
    until: dt.date | None
    covers: tuple[int, ...]        # the lines it covers
    bad_date: str | None = None
    used: set = field(default_factory=set)      # codes it suppressed findings of
    refused: set = field(default_factory=set)   # codes it named that cannot be suppressed

    def expired(self, today: Callable[[], dt.date]) -> bool:
        """``today`` gives the date; it is asked only of a dated suppression (reading the
        clock imports datetime, which a run without a date does without)."""
        return self.until is not None and self.until < today()


def parse(text: str, path: str, mc: bool) -> list[Suppression]:
    rx = _MC if mc else _CF
    out: list[Suppression] = []
    for n, line in enumerate(text.split("\n"), 1):
        if "cflint:" not in line:
            continue
        m = rx.search(line)
        if m is None:
            continue
        codes = tuple(c.strip() for c in m.group("codes").split(",") if c.strip())
        rest = m.group("rest")
        until = bad = None
        u = _UNTIL.match(rest)
        if u:
            import datetime as dt

            try:
                until = dt.date.fromisoformat(u.group(1))
            except ValueError:
                bad = u.group(1)
            rest = rest[u.end():]
        reason = rest.strip().strip(":-").strip()
        if mc and reason.endswith("dnl"):
            reason = reason[:-3].strip()
        head = line[: m.start()].strip()
        alone = head == "" or (mc and head == "dnl")
        covers = (n + 1,) if alone else (n,)
        out.append(Suppression(path, n, m.start() + 1, codes, reason, until, covers, bad))
    return out


def names_rule(token: str, meta) -> bool:
    """Whether a suppression's token (a code or a rule name) names this rule."""
    return token.upper() == meta.code or token.lower() == meta.name


def apply(findings, suppressions, metas, today: Callable[[], dt.date]):
    """The findings no valid suppression covers. Records use on the suppressions."""
    if not suppressions:
        return findings
    by_path: dict[str, list[Suppression]] = {}
    for s in suppressions:
        by_path.setdefault(s.path, []).append(s)
    out = []
    for f in findings:
        meta = metas.get(f.code)
        hit = None
        for loc in (f.location, *f.related):
            for s in by_path.get(loc.path, ()):
                if loc.line not in s.covers:
                    continue
                named = [c for c in s.codes if meta is not None and names_rule(c, meta)]
                if not named:
                    continue
                if not meta.suppressible:
                    s.refused.add(meta.code)
                    continue
                if not s.reason or s.expired(today) or s.bad_date:
                    continue  # reported as a suppression problem; the finding stays
                hit = s
                s.used.add(meta.code)
                break
            if hit:
                break
        if hit is None:
            out.append(f)
    return out
