"""GitHub Actions workflow commands: one ``::error``/``::warning``/``::notice`` line per
finding, which GitHub shows as an annotation on the diff line.

Paths are relative to the working directory (the checkout in a workflow); data and
property values are escaped as the runner expects (``%``, CR, LF; and ``:``/``,`` in
properties).
"""
from __future__ import annotations

from ..findings import Report

_KIND = {"error": "error", "warning": "warning", "note": "notice"}


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def render(report: Report, color: bool = False, category: str | None = None) -> str:
    names = {m.code: m.name for m in report.rules}
    out = []
    for f in report.findings:
        loc = f.location
        props = [f"file={_prop(loc.path)}"]
        if loc.line is not None:
            props.append(f"line={loc.line}")
            if loc.column is not None:
                props.append(f"col={loc.column}")
        title = f"{f.code} {names.get(f.code, '')}".strip()
        props.append(f"title={_prop(title)}")
        message = f.message + (f"\nfix: {f.fix}" if f.fix else "")
        out.append(f"::{_KIND.get(f.level, 'warning')} {','.join(props)}::{_data(message)}")
    return "\n".join(out) + ("\n" if out else "")
