"""Plain-text output: one line per finding, then its fix, evidence and related places.

Imported at every run: keep module-level imports to the minimum.
"""
from __future__ import annotations

from ..findings import Finding, Location, Report

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_LEVEL_COLOR = {"error": "\x1b[31m", "warning": "\x1b[33m", "note": "\x1b[36m"}

_FIX_PREFIX = "    fix: "
_FIX_CONT = " " * len(_FIX_PREFIX)


def _place(loc: Location) -> str:
    if loc.line is None:
        return loc.path
    if loc.column is None:
        return f"{loc.path}:{loc.line}"
    return f"{loc.path}:{loc.line}:{loc.column}"


def _one_line(text: str) -> str:
    return " ".join(text.splitlines()) if ("\n" in text or "\r" in text) else text


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _finding_lines(f: Finding, color: bool) -> list[str]:
    code, level = f.code, f.level
    if color:
        code = f"{_BOLD}{code}{_RESET}"
        lc = _LEVEL_COLOR.get(level)
        if lc:
            level = f"{lc}{level}{_RESET}"
    head = f"{_place(f.location)}: {code} {level} {_one_line(f.message)}"
    if f.impacts:
        head += " [" + ", ".join(f.impacts) + "]"
    lines = [head]
    if f.fix:
        fix_lines = f.fix.rstrip().splitlines() or [""]
        lines.append(_FIX_PREFIX + fix_lines[0])
        lines.extend((_FIX_CONT + ln) if ln.strip() else "" for ln in fix_lines[1:])
    if f.evidence:
        lines.append("    evidence: " + ", ".join(f"{k}={_one_line(v)}" for k, v in f.evidence))
    for rel in f.related:
        where = rel.path if rel.line is None else f"{rel.path}:{rel.line}"
        see = f"    see: {where}"
        if rel.note:
            see += f" ({_one_line(rel.note)})"
        lines.append(see)
    return lines


def summary(report: Report) -> str:
    files = _plural(len(report.inputs), "file")
    if not report.findings:
        return f"No findings in {files}."
    c = report.counts()
    return (
        f"{_plural(len(report.findings), 'finding')} ("
        f"{_plural(c.get('error', 0), 'error')}, "
        f"{_plural(c.get('warning', 0), 'warning')}, "
        f"{_plural(c.get('note', 0), 'note')}) in {files}"
    )


def render(report: Report, color: bool = False, **_options: object) -> str:
    """Render ``report`` as text; ANSI colour only when ``color`` is true."""
    lines: list[str] = [report.preamble.rstrip("\n")] if report.preamble else []
    for f in report.findings:
        lines.extend(_finding_lines(f, color))
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
