"""From an .mc to the option data the rules read: what proto.m4 would emit.

proto.m4 is read at the end (m4wrap), so the last define() of a confXXX macro wins,
wherever it stands; an empty define emits "O Name", an undefined macro only a comment.
LOCAL_CONFIG text is copied into the cf before the generated options, so an O line there
loses to a define for the same option. Every option keeps the .mc position of the line
that set it, so findings point at the line people edit.

Not modelled yet: the defines made by OSTYPE, DOMAIN and FEATURE files of sendmail-cf
(debian-mta.m4 appends DontBlameSendmail words and sets TrustedUser, for instance).
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field

from ..cf.parser import CfDocument, OptionLine, Problem, parse as parse_cf
from .parser import expand as expand_m4
from .parser import parse as parse_mc

# Macros sendmail-cf's cfhead.m4 defines before the .mc's own defines run (an .mc may
# redefine them), as far as option values use them.
PRESET = {"MAIL_SETTINGS_DIR": "/etc/mail/"}
# proto.m4's special values: confTIME_ZONE `USE_TZ' emits an empty TimeZoneSpec and
# `USE_SYSTEM' only the comment.
SPECIAL = {("confTIME_ZONE", "USE_TZ"): "", ("confTIME_ZONE", "USE_SYSTEM"): None}


def macro_table() -> dict[str, str]:
    """confXXX -> cf option name, for the macros proto.m4 emits as O lines."""
    try:
        from ..sendmail import mc_macros
    except ImportError:  # pragma: no cover - the table module is optional
        mc_macros = None
    table: dict[str, str] = {}
    if mc_macros is not None:
        for name, spec in mc_macros.MACROS.items():
            if spec.option and spec.emits == "option":
                table[name] = spec.option
    from ..sendmail import options as optdata

    for spec in optdata.OPTIONS:
        if spec.macro and spec.macro not in table:
            table[spec.macro] = spec.name
    return table


def known_macros() -> set[str]:
    """Every conf* name some sendmail-cf m4 file reads (option or not)."""
    names = set(macro_table())
    try:
        from ..sendmail import mc_macros

        names |= set(mc_macros.MACROS)
    except ImportError:  # pragma: no cover
        pass
    return names


@dataclass
class McInfo:
    """What the adapter knows about the .mc behind a CfDocument."""

    doc: object                                  # McDocument
    unknown_defines: list = field(default_factory=list)   # Define of an unknown conf*
    includes_read: list[str] = field(default_factory=list)
    includes_missing: list[str] = field(default_factory=list)


def mc_to_cf(text: str, path: str, read=None) -> tuple[CfDocument, McInfo]:
    """A CfDocument whose options are what m4 + proto.m4 would emit for the .mc, each
    positioned on its .mc line. ``read(path) -> str | None`` reads included files
    (Debian's /etc/mail/tls/starttls.m4) through the model's file-system view."""
    mc = parse_mc(text, path)
    info = McInfo(mc)
    out = CfDocument()
    out.lines = []
    out.config_level = 10
    out.vendor = "Berkeley"
    out.problems = list(mc.problems)
    table = macro_table()
    known = known_macros()

    # LOCAL_CONFIG: cf syntax, emitted before the generated options
    for block in mc.local_config:
        for ln in block.lines:
            sub = parse_cf("V10/Berkeley\n" + ln.text + "\n")
            for p in sub.problems:
                if p.kind == "syntax" and "local mailer" not in p.sendmail:
                    out.problems.append(Problem(p.kind, ln.line, p.column, p.message,
                                                p.sendmail, p.fatal))
            for o in sub.options:
                o.line = o.first_line = ln.line
                out.options.append(o)
            for name, value in sub.macros.items():
                out.macros[name] = value
                out.macro_raw[name] = sub.macro_raw.get(name, value)
                out.macro_lines[name] = ln.line

    macros = {**PRESET, **mc.macros}

    def value_of(d) -> str:
        return expand_m4(d.stored, macros)

    defines = list(_effective_defines(mc, read, info))
    last: dict[str, object] = {}
    for d in defines:
        last[d.name] = d
    for name in list(last):
        d = last[name]
        if not d:  # undefined again: proto.m4 writes only the comment
            continue
        if name.startswith("conf") and name not in known:
            info.unknown_defines.append(d)
            continue
        option = table.get(name)
        if name == "confDOMAIN_NAME":
            value = value_of(d)
            out.macros["j"] = value
            out.macro_raw["j"] = value
            out.macro_lines["j"] = d.line
            continue
        if option is None:
            continue
        value = value_of(d)
        if (name, value) in SPECIAL:
            value = SPECIAL[(name, value)]
            if value is None:
                continue
        base, _, sub = option.partition(".")  # "Timeout.queuewarn", "Milter.macros.eom"
        out.options.append(OptionLine(
            form="long", name=base, value=value, expanded=value, line=d.line,
            first_line=d.line, column=d.column, value_column=d.value_column,
            sub=sub or None))
    out.options.sort(key=lambda o: o.line)
    return out, info


def _effective_defines(mc, read, info):
    """The defines in m4 order, undefines as None, with included files (when readable)
    spliced in at their include."""
    events = [((d.line, d.column), "def", d) for d in mc.defines] + [
        ((u.line, u.column), "undef", u) for u in mc.undefines] + [
        ((i.line, i.column), "inc", i) for i in mc.includes]
    for _pos, kind, item in sorted(events, key=lambda e: e[0]):
        if kind == "def":
            yield item
        elif kind == "undef":
            yield _Undefine(item.name)
        else:
            path = item.path
            if "sendmail/cf/m4/cf.m4" in path or path.endswith("/cf.m4"):
                continue  # the sendmail-cf macros themselves
            if read is None:
                info.includes_missing.append(path)
                continue
            text = read(path)
            if text is None:
                info.includes_missing.append(path)
                continue
            info.includes_read.append(path)
            sub = parse_mc(text, path, m4_comments=False)
            for d in sub.defines:  # Debian's starttls.m4 guards them with ifdef: they apply
                yield d


@dataclass
class _Undefine:
    """An undefine in the define stream (falsy: the macro is unset again)."""

    name: str

    def __bool__(self) -> bool:
        return False


def is_mc(path: str) -> bool:
    base = posixpath.basename(path).lower()
    return base.endswith(".mc") or base.endswith(".m4")
