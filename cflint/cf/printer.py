"""The parsed model of a cf printed back as cf text: the V line, the macros, the options
(long form) and the mailer lines. Parsing the printed text gives the same model (a
property the tests check on generated configs)."""
from __future__ import annotations

from .parser import CfDocument, option_key


def render(doc: CfDocument) -> str:
    lines = []
    if doc.version_line is not None:
        lines.append(f"V{doc.config_level}" + (f"/{doc.vendor}" if doc.vendor else ""))
    for name, raw in doc.macro_raw.items():
        lines.append(f"D{name}{raw}" if len(name) == 1 else f"D{{{name}}}{raw}")
    for o in doc.options:
        if o.form == "long":
            lines.append(f"O {option_key(o)}={o.value}")
    lines += [ln.text for ln in doc.lines if ln.kind == "M"]
    return "\n".join(lines) + "\n"
