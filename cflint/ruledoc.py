"""A rule's documentation, from its metadata: the one source behind ``cflint rule CODE``,
``docs/rules.md`` and the SARIF rule ``help`` (text and markdown).

Every page has the same sections, in this order (a test checks each rule has them all):
"""
from __future__ import annotations

import re

from .findings import RuleMeta

SECTIONS = ("What it checks", "Why sendmail cares", "Examples", "Fix", "References")

_URL = re.compile(r"https?://[^\s<>()\[\]]+[^\s<>()\[\].,;:'\"]")


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>])", r"\\\1", text)


def _md_reference(ref: str) -> str:
    m = _URL.search(ref)
    if not m:
        return _md_escape(ref)
    url = m.group(0)
    label = (ref[: m.start()] + ref[m.end():]).strip().strip("<>()[]:,;- ").strip()
    return f"[{_md_escape(label)}]({url})" if label else f"<{url}>"


def _fence(code: str) -> str:
    ticks = "```"
    while ticks in code:
        ticks += "`"
    return f"{ticks}\n{code.rstrip()}\n{ticks}"


def _sections(m: RuleMeta, pack: bool) -> list[tuple[str, str]]:
    facts = f"Level: {m.level}. Impacts: {', '.join(m.impacts)}. sendmail {m.versions}."
    if pack and m.pack:
        facts += f" Pack: {m.pack}."
    if m.inputs != "config":
        facts += f" Run by `cflint {m.inputs}`, not by `cflint check`."
    if not m.suppressible:
        facts += " Cannot be suppressed."
    examples = []
    if m.bad_example.strip():
        examples.append("Flagged:\n\n" + _fence(m.bad_example.strip("\n")))
    if m.good_example.strip():
        examples.append("Not flagged:\n\n" + _fence(m.good_example.strip("\n")))
    return [
        ("What it checks", f"{m.summary.strip()}.".replace("..", ".") + "\n\n" + facts),
        ("Why sendmail cares", m.rationale.strip()),
        ("Examples", "\n\n".join(examples)),
        ("Fix", m.fix.strip()),
        ("References", "\n".join(f"- {_md_reference(r)}" for r in m.references)),
    ]


def markdown(m: RuleMeta, level: int = 1, pack: bool = True) -> str:
    """The page: a heading ``CODE name`` at ``level``, then the sections one level down."""
    h = "#" * level
    parts = [f"{h} {m.code} {m.name}"]
    for title, body in _sections(m, pack):
        if body:
            parts.append(f"{h}# {title}\n\n{body}")
    return "\n\n".join(parts) + "\n"


def sarif_markdown(m: RuleMeta) -> str:
    """For SARIF ``help.markdown``: the page without its top heading (the viewer shows
    the rule's name)."""
    return markdown(m, level=1, pack=False).split("\n\n", 1)[1].rstrip("\n")


def plain(m: RuleMeta) -> str:
    """For SARIF ``help.text``: the same sections as plain text."""
    out = []
    for title, body in _sections(m, pack=False):
        if body:
            body = re.sub(r"^```+\n|\n```+$", "", body, flags=re.M)
            out.append(f"{title}:\n{body}")
    return "\n\n".join(out)
