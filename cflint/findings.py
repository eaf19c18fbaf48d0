"""Findings and rule metadata: the plain values that flow from rules to formatters.

Nothing here does I/O. A formatter is a pure function of a :class:`Report`.
"""
from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Mapping

from .escape import escape, escape_tree

LEVELS = ("note", "warning", "error")
FIX_KINDS = ("option", "remove", "shell", "manual")
LEVEL_RANK = {"none": 0, "note": 1, "warning": 2, "error": 3}

IMPACTS = (
    "daemon-fails",
    "starttls-off",
    "client-tls-degraded",
    "verify-fails",
    "secret-exposed",
    "weak-crypto",
    "config-error",
    "hygiene",
)


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a file. ``path`` is the path as shown to the user (relative when the
    input was given relatively); ``line``/``column`` are 1-based, or None for a whole file."""

    path: str
    line: int | None = None
    column: int | None = None
    end_column: int | None = None
    note: str | None = None  # what this place is, for related locations

    def escaped(self) -> "Location":
        """This place with its path and note escaped for output (:mod:`cflint.escape`)."""
        return dataclasses.replace(self, path=escape(self.path),
                                   note=None if self.note is None else escape(self.note))


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    level: str
    message: str
    location: Location
    impacts: tuple[str, ...]
    fix: str | None = None
    # A logical anchor that does not depend on line numbers (an option name, a file path,
    # a certificate fingerprint): with code and path it makes the fingerprint.
    anchor: str = ""
    related: tuple[Location, ...] = ()
    evidence: tuple[tuple[str, str], ...] = ()

    @property
    def fingerprint(self) -> str:
        # of the escaped path and anchor: the same before and after escaped()
        key = f"{self.code}|{escape(self.location.path)}|{escape(self.anchor)}"
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]

    def escaped(self) -> "Finding":
        """This finding with every text quoted from the linted files escaped (the message,
        paths, notes, anchor, evidence; the message and the fix keep their lines, which
        each format folds or encodes): what a Report holds."""
        return dataclasses.replace(
            self, message=escape(self.message, keep_newlines=True),
            location=self.location.escaped(),
            fix=None if self.fix is None else escape(self.fix, keep_newlines=True),
            anchor=escape(self.anchor), related=tuple(r.escaped() for r in self.related),
            evidence=tuple((escape(k), escape_tree(v)) for k, v in self.evidence))

    def sort_key(self):
        loc = self.location
        return (loc.path, loc.line or 0, loc.column or 0, self.code, self.message)


@dataclass(frozen=True, slots=True)
class RuleMeta:
    """A rule's metadata, as data. Docs, ``cflint rule CODE`` and SARIF come from here.

    ``fix_kind`` says how the fix text of the rule's findings is applied (each fixture's
    fix is applied and linted again by tests/test_fixes.py), one or more of:
    ``"option"`` an option line to write, quoted (``'O Name=value'``, with its .mc
    ``define(`confNAME', `value')dnl``); ``"remove"`` a line to delete ("Remove the line")
    or a word to take out of a list option ("Remove WORD from the NAME line");
    ``"shell"`` commands among chmod, chown, chgrp, ln -s, rm, mv, cp, mkdir -p, echo
    'LINE' >> FILE, makemap, openssl rehash and ``cd DIR &&``; ``"manual"`` work only a
    person can do (renew a certificate, give a passphrase, restart the daemon), with
    ``fix_manual`` saying what, in a few words."""

    code: str
    name: str
    level: str
    impacts: tuple[str, ...]
    summary: str
    rationale: str
    fix: str
    references: tuple[str, ...] = ()
    versions: str = "8.13-8.18"
    # Example configuration lines: what triggers the rule and what does not.
    bad_example: str = ""
    good_example: str = ""
    security_severity: str | None = None
    precision: str = "very-high"
    tags: tuple[str, ...] = ()
    suppressible: bool = True
    # what the rule reads: "config" (cflint check), "probe" (cflint probe: the running
    # server) or "logs" (cflint logs: the mail log); each command runs its own rules
    inputs: str = "config"
    fix_kind: tuple[str, ...] = ()  # of FIX_KINDS; how the fix applies (see above)
    fix_manual: str = ""  # with "manual": what a person has to do, and why
    pack: str = ""  # the distribution that registered it, filled in by the engine

    @property
    def all_tags(self) -> tuple[str, ...]:
        tags = ["security", *self.impacts, *self.tags]
        seen: list[str] = []
        for t in tags:
            if t not in seen:
                seen.append(t)
        return tuple(seen[:20])

    @property
    def default_security_severity(self) -> str:
        if self.security_severity:
            return self.security_severity
        if "secret-exposed" in self.impacts or "daemon-fails" in self.impacts:
            return "8.0"
        if "starttls-off" in self.impacts:
            return "7.5"
        if self.level == "error":
            return "6.5"
        if self.level == "warning":
            return "5.0"
        return "2.0"


@dataclass(slots=True)
class Report:
    """Everything a formatter needs: findings, the rules that ran, and run facts."""

    findings: list[Finding]
    rules: list[RuleMeta]
    inputs: list[str] = field(default_factory=list)
    tool_version: str = ""
    root: str | None = None  # directory relative paths are relative to, for SARIF %SRCROOT%
    notifications: list[str] = field(default_factory=list)  # run-level problems
    settings: Mapping[str, object] = field(default_factory=dict)
    successful: bool = True
    # cflint probe / cflint logs: what was observed ({"kind": "probe"|"logs", ...}), and
    # its text for people (printed before the findings)
    observations: Mapping[str, object] | None = None
    preamble: str = ""

    def __setattr__(self, name, value):
        # The one choke point: every text a formatter can print passes cflint.escape as it
        # enters the Report (when built, and when a field is replaced later).
        escaper = _ESCAPE_FIELD.get(name)
        object.__setattr__(self, name, escaper(value) if escaper else value)

    def counts(self) -> dict[str, int]:
        out = {lvl: 0 for lvl in LEVELS}
        for f in self.findings:
            out[f.level] = out.get(f.level, 0) + 1
        return out


_ESCAPE_FIELD = {
    "findings": lambda fs: [f.escaped() for f in fs],
    "inputs": lambda ps: [escape(p) for p in ps],
    "notifications": lambda ns: [escape(n) for n in ns],
    "observations": escape_tree,
    "preamble": lambda text: escape(text, keep_newlines=True),
}
