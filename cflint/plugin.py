"""The plugin interface: pluggy hook specifications and the base class of a rule.

A rule pack is any module registered under the ``cflint`` entry-point group that
implements :func:`cflint_register_rules`. The built-in pack (``cflint_rules``) is
loaded exactly like a third-party one.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

import pluggy

from .findings import Finding, Location, RuleMeta

if TYPE_CHECKING:  # pragma: no cover
    from .model import Installation

PROJECT = "cflint"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


class Rule:
    """One rule: metadata as data plus ``check(model)`` yielding findings.

    Subclasses set ``meta`` and implement ``check``; they read files only through the
    model they are given.
    """

    meta: RuleMeta

    def check(self, model: "Installation") -> Iterable[Finding]:  # pragma: no cover
        raise NotImplementedError

    def finding(
        self,
        location: Location,
        message: str,
        *,
        fix: str | None = None,
        impacts: Iterable[str] | None = None,
        level: str | None = None,
        anchor: str = "",
        related: Iterable[Location] = (),
        evidence: Iterable[tuple[str, str]] | dict = (),
    ) -> Finding:
        if isinstance(evidence, dict):
            evidence = evidence.items()
        return Finding(
            code=self.meta.code,
            level=level or self.meta.level,
            message=clip(message, MAX_MESSAGE),
            location=location,
            impacts=tuple(impacts) if impacts is not None else self.meta.impacts,
            fix=clip(fix, MAX_MESSAGE) if fix is not None else None,
            anchor=anchor,
            related=tuple(related),
            evidence=tuple((str(k), clip(str(v), MAX_EVIDENCE)) for k, v in evidence),
        )


MAX_MESSAGE = 2000   # a message quoting a 1 MB option value stays readable
MAX_EVIDENCE = 500


def clip(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying so."""
    if len(text) <= limit:
        return text
    return text[: limit - 40] + f"... [{len(text) - limit + 40} more characters]"


class Specs:
    """Hook specifications (the namespace pluggy reads)."""

    @hookspec
    def cflint_register_rules(self) -> list[Rule]:
        """Return the rules this pack provides (instances of :class:`Rule`)."""

    @hookspec
    def cflint_output_formats(self) -> dict[str, str]:
        """Return ``{format name: "module:function"}``; the function takes a Report and
        keyword options and returns text. Imported only when the format is chosen."""


def iter_rule_metas(rules: Iterable[Rule]) -> Iterator[RuleMeta]:
    for r in rules:
        yield r.meta
