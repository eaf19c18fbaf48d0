"""Output formats: the one registry of every command's report formats.

A format is named by a ``"module:function"`` string and imported only when chosen, so the
start-up cost of a run is that of the format actually used. ``check``, ``probe`` and
``logs`` render a findings Report: ``render(report, **options) -> str`` (options ``color``,
``category``); ``audit`` renders its document (:func:`cflint.audit.document`):
``render(doc, **options) -> str`` (option ``root``). A renderer ignores the options it has
no use for. Rule packs add formats to ``check`` (the ``cflint_output_formats`` hook).

Imported at every start (the parser lists the formats): no imports at module level.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Callable

#: the commands whose formats render a findings Report
REPORT_COMMANDS = ("check", "probe", "logs")


def _report(spec: str) -> dict[str, str]:
    return dict.fromkeys(REPORT_COMMANDS, spec)


#: format name -> {command: renderer spec}: which commands take the format, and with what.
#: In the order the commands list them (check: text, json, sarif, github; audit: text,
#: json, csv, html, sarif; probe and logs: text, json, sarif).
FORMATS: dict[str, dict[str, str]] = {
    "text": {**_report("cflint.formats.text:render"),
             "audit": "cflint.formats.audit:render_text"},
    "json": {**_report("cflint.formats.json:render"),
             "audit": "cflint.formats.audit:render_json"},
    "csv": {"audit": "cflint.formats.audit:render_csv"},
    "html": {"audit": "cflint.formats.audit:render_html"},
    "sarif": {**_report("cflint.formats.sarif:render"),
              "audit": "cflint.formats.audit:render_sarif"},
    "github": {"check": "cflint.formats.github:render"},
}


def names(command: str) -> list[str]:
    """The built-in formats ``command`` takes, in the order it lists them."""
    return [name for name, by in FORMATS.items() if command in by]


def specs(command: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    """``{format name: "module:function"}`` for ``command``: the built-in formats, then
    ``extra`` (the rule packs' formats, for ``check``), which win on a shared name."""
    out = {name: by[command] for name, by in FORMATS.items() if command in by}
    out.update(extra or {})
    return out


def renderer(command: str, name: str, extra: dict[str, str] | None = None) -> Callable[..., str]:
    """The render function of format ``name`` for ``command`` (imported now). KeyError
    when ``command`` has no such format."""
    return load(specs(command, extra)[name])


#: the built-in Report formats by name (``load("sarif")``)
BUILTIN: dict[str, str] = specs("check")


def load(spec: str) -> Callable[..., str]:
    """Import ``"package.module:function"`` (``function`` may be a dotted attribute path)
    and return the callable. A bare built-in name (``"text"``) is accepted as well."""
    import importlib

    if ":" not in spec and spec in BUILTIN:
        spec = BUILTIN[spec]
    module_name, sep, attr_path = spec.partition(":")
    if not sep or not module_name or not attr_path:
        raise ValueError(f"format spec must look like 'module:function', got {spec!r}")
    obj: object = importlib.import_module(module_name)
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ImportError(f"{module_name!r} has no attribute {attr_path!r} (format spec {spec!r})") from None
    if not callable(obj):
        raise TypeError(f"format spec {spec!r} does not name a callable")
    return obj  # type: ignore[return-value]
