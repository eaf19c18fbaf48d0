"""One configuration file (sendmail.cf, submit.cf, or an .mc source) parsed, and its O
lines resolved against the target's option table the way sendmail's setoption() resolves
them: exact, unique prefix, ambiguous, not in the target, compiled out, one-letter."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Iterator

from ..cf.parser import CfDocument, OptionLine, option_key, parse_cached
from ..sendmail import options as optdata
from ..sendmail.versions import Target

# How an option name resolved against the target's option table.
EXACT, ABBREV, SHORT = "exact", "abbrev", "short"
AMBIGUOUS, UNKNOWN, NOT_IN_TARGET, COMPILED_OUT, SHORT_UNKNOWN = (
    "ambiguous", "unknown", "not-in-target", "compiled-out", "short-unknown")
APPLIED = frozenset({EXACT, ABBREV, SHORT})
FATAL = frozenset({AMBIGUOUS, UNKNOWN, NOT_IN_TARGET, COMPILED_OUT, SHORT_UNKNOWN})


@dataclass(slots=True)
class Setting:
    """An O line with its name resolved the way setoption() resolves it."""

    opt: OptionLine
    status: str
    spec: optdata.OptionSpec | None = None
    candidates: tuple[str, ...] = ()
    # for the one-letter form: the long option the author probably meant
    meant: optdata.OptionSpec | None = None

    @property
    def name(self) -> str:
        return self.spec.name if self.spec else self.opt.name

    @property
    def value(self) -> str:
        return self.opt.expanded

    @property
    def line(self) -> int:
        return self.opt.line

    @property
    def key(self) -> tuple[str, str]:
        sub = (self.opt.sub or "").lower() if self.spec and self.spec.suboptions else ""
        return (self.name, sub)


class OptionTable:
    """The options of one target, with sendmail's name matching."""

    def __init__(self, target: Target):
        self.target = target
        self.by_name = optdata.options_for(target.version, target.build_flags, target.vendor)
        self.names = list(self.by_name)  # OptionTab order, as sendmail reports matches
        self.known = optdata.all_known()

    def resolve(self, name: str) -> tuple[str, optdata.OptionSpec | None, tuple[str, ...]]:
        low = name.lower()
        spec = self.by_name.get(low)
        if spec is not None:
            return EXACT, spec, ()
        matches = [self.by_name[n] for n in self.names if n.startswith(low)] if low else []
        if len(matches) == 1:
            return ABBREV, matches[0], ()
        if len(matches) > 1:
            return AMBIGUOUS, None, tuple(m.name for m in matches)
        other = self.known.get(low)
        if other is not None:
            if other.since > self.target.version or (
                    other.until is not None and other.until <= self.target.version):
                return NOT_IN_TARGET, other, ()
            return COMPILED_OUT, other, ()
        return UNKNOWN, None, ()

    def short(self, letter: str) -> optdata.OptionSpec | None:
        long = optdata.SHORT_OPTIONS.get(letter)
        if long is None:
            if letter in optdata.SHORT_NAMELESS:  # 'g', 'M': accepted, no long name
                return optdata.OptionSpec(name=letter, short=letter, kind="other",
                                          since=(8, 0), accumulate=True)
            return None
        return self.by_name.get(long.lower())


def resolve_settings(doc: CfDocument, table: OptionTable) -> list[Setting]:
    out: list[Setting] = []
    for opt in doc.options:
        if opt.form == "short":
            spec = table.short(opt.name)
            meant = _meant_long(opt.raw_rest, table)
            if spec is None:
                out.append(Setting(opt, SHORT_UNKNOWN, None, meant=meant))
            else:
                out.append(Setting(opt, SHORT, spec, meant=meant))
            continue
        status, spec, cands = table.resolve(opt.name)
        out.append(Setting(opt, status, spec, cands))
    return out


def _meant_long(rest: str, table: OptionTable) -> optdata.OptionSpec | None:
    """``OServerCertFile=/x`` -> the ServerCertFile spec (the name before '=' or space)."""
    name = rest.split("=", 1)[0].split(" ", 1)[0].split(".", 1)[0]
    if len(name) < 3:
        return None
    status, spec, _ = table.resolve(name)
    if status in (EXACT, ABBREV) and spec is not None and len(spec.name) > 1:
        return spec
    if status in (NOT_IN_TARGET, COMPILED_OUT):
        return spec
    return None


class CfConfig:
    """One parsed configuration file (sendmail.cf or submit.cf)."""

    def __init__(self, path: str, role: str, text: str, target: Target, fs_path: str = "",
                 read=None):
        self.path = path          # as displayed
        self.fs_path = fs_path or path  # as the file-system view reads it
        self.role = role          # "mta" or "msp"
        self.text = text
        self.mc = None            # McInfo when the config is an .mc source
        if is_mc_path(self.fs_path) or looks_like_mc(text):
            from ..mc.adapter import mc_to_cf_cached

            self.doc, self.mc = mc_to_cf_cached(text, self.fs_path, read)
        else:
            self.doc = parse_cached(text)
        self.table = OptionTable(target)
        self.settings = resolve_settings(self.doc, self.table)
        self.source: CfConfig | None = None     # for a .cf: the .mc beside it
        self.generated: CfConfig | None = None  # for such an .mc: the .cf

    def set_by_mc_layers(self, s: "Setting") -> bool:
        """For an .mc: the option comes from sendmail-cf's own files (OSTYPE, DOMAIN,
        FEATURE, proto.m4 defaults), not from a line of the .mc."""
        return self.mc is not None and option_key(s.opt) in self.mc.layered

    def option_line(self, key: str, like: OptionLine | None = None,
                    among: list[OptionLine] | None = None) -> tuple[int, int, int] | None:
        """(line, column, value column) of the O line of an option key ("LogLevel",
        "Timeout.queuewarn") that takes effect, or None when the config does not set it.
        With ``like`` (an O line of another config, one of ``among``, that config's lines
        for the key): the line in the same place among this config's lines for the key
        when both have as many, else the last with the same value."""
        mine = [o for o in self.doc.options if option_key(o).lower() == key.lower()]
        if not mine:
            return None
        found = mine[-1]
        if like is not None:
            if among and len(among) == len(mine) and like in among:
                found = mine[among.index(like)]
            else:
                found = next((o for o in reversed(mine) if o.value == like.value), found)
        return found.line, found.column, found.value_column

    @property
    def problems(self):
        return self.doc.problems

    def applied(self) -> Iterator[Setting]:
        for s in self.settings:
            if s.status in APPLIED:
                yield s

    def all(self, name: str) -> list[Setting]:
        """Every applied line of an option, in file order."""
        return [s for s in self.settings if s.status in APPLIED and s.spec.name == name]

    def get(self, name: str) -> Setting | None:
        """The line that takes effect for a last-wins option."""
        found = self.all(name)
        return found[-1] if found else None

    def value(self, name: str) -> str | None:
        s = self.get(name)
        return s.value if s else None

    def has_any_tls(self) -> bool:
        return any(s.spec.tls for s in self.applied())

    def line_of(self, name: str) -> int:
        s = self.get(name)
        if s:
            return s.line
        return self.doc.version_line or 1


def is_mc_path(path: str) -> bool:
    """sendmail.mc, submit.mc, starttls.m4, and templates such as sendmail.mc.in."""
    base = os.path.basename(path).lower()
    return base.endswith((".mc", ".m4")) or ".mc." in base


_MC_START = re.compile(r"(divert|dnl|include|VERSIONID|OSTYPE|DOMAIN|FEATURE|define)\b")


def looks_like_mc(text: str) -> bool:
    """An m4 source whatever its name: its first statement is an m4 macro (a cf never
    starts so: its lines are V, D, O, ... or # comments)."""
    for line in text[:4096].splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        return bool(_MC_START.match(s))
    return False
