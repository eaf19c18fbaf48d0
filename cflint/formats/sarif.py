"""SARIF 2.1.0 output for GitHub code scanning and other viewers.

Built with the ``sarif-om`` object model and serialized by :func:`to_sarif` (not
``jschema_to_python.to_json``, which drops an explicit ``level="warning"``; see
linter-conventions §4). Deterministic: no timestamps; absolute paths only where the
findings (or ``report.root``, for ``originalUriBaseIds``) carry them.
"""
from __future__ import annotations

import json
import os
import posixpath
import re
from pathlib import Path
from urllib.parse import quote

import attr
import sarif_om as om

from .. import ruledoc
from ..findings import Finding, Location, Report, RuleMeta

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
TOOL_NAME = "cflint"  # keys GitHub's categories: never change it
INFORMATION_URI = "https://github.com/cflint/cflint"  # placeholder: set the project's real URL
SRCROOT = "%SRCROOT%"
DEFAULT_CATEGORY = "cflint/"
MAX_DESCRIPTION = 1024
MAX_TAGS = 20
PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "note": "recommendation", "none": "recommendation"}

# Written even when equal to the attrs default: an absent result level means "the rule's
# default level", not "warning".
ALWAYS = frozenset({"level"})


# --------------------------------------------------------------------------- serializer

def to_sarif(obj):
    """Serialize a sarif-om object tree to plain JSON values.

    Walks ``attr.fields``, renames to the schema's property names, drops ``None`` and
    attrs defaults (except ``level``) and keeps ``__dict__`` extras (PropertyBag keys such
    as ``security-severity``)."""
    if isinstance(obj, (list, tuple)):
        return [to_sarif(x) for x in obj]
    if isinstance(obj, dict):
        return {k: to_sarif(v) for k, v in obj.items() if v is not None}
    if not attr.has(type(obj)):
        return obj
    out: dict = {}
    declared: set[str] = set()
    for f in attr.fields(type(obj)):
        declared.add(f.name)
        value = getattr(obj, f.name)
        if isinstance(f.default, attr.Factory):  # type: ignore[arg-type]
            default = f.default.factory(obj) if f.default.takes_self else f.default.factory()
        else:
            default = f.default
        if value is None:
            continue
        if f.name not in ALWAYS and default is not attr.NOTHING and type(value) is type(default) and value == default:
            continue
        out[f.metadata.get("schema_property_name", f.name)] = to_sarif(value)
    for key, value in getattr(obj, "__dict__", {}).items():
        if key not in declared and value is not None:
            out[key] = to_sarif(value)
    return out


# --------------------------------------------------------------------------- helpers

def clip(text: str, limit: int = MAX_DESCRIPTION) -> str:
    """Cut ``text`` to at most ``limit`` characters: after the last whole sentence that
    fits, else at a word boundary marked with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    head = text[: limit + 1]  # a sentence may end exactly at the limit
    sentence = max(head.rfind(". "), head.rfind(".\n"))
    if sentence > limit // 2:
        return head[: sentence + 1]
    cut = text[: limit - 1]
    space = max(cut.rfind(" "), cut.rfind("\n"))
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" \t\n,;:-") + "…"


_URI = re.compile(r"^[a-z][a-z0-9+.-]*://")


def artifact_location(path: str, root: str | None = None) -> om.ArtifactLocation:
    """Relative paths → percent-encoded POSIX URI under %SRCROOT%; absolute → file:// URI.

    No URI holds a ``.`` or ``..`` segment (SARIF1002; the message keeps the path as
    written): the path is normalised lexically, as URI resolution does, the member of an
    archive (``a.tar!/etc/../x``) within the archive, and a relative path that leaves
    ``root`` (the working directory) becomes an absolute file:// URI."""
    if _URI.match(path):  # a probed server (smtp://host:port)
        return om.ArtifactLocation(uri=path)
    path, bang, member = path.partition("!/")
    path = re.sub("^//+", "/", posixpath.normpath(path))  # also drops "./" and "//"
    if bang:
        path += "!" + posixpath.normpath("/" + member.lstrip("/"))
    if path in (".", "..") or path.startswith("../"):
        path = posixpath.normpath(posixpath.join(root or os.getcwd(), path))
    if path.startswith("/"):
        return om.ArtifactLocation(uri=Path(path).as_uri())
    return om.ArtifactLocation(uri=quote(path, safe="/"), uri_base_id=SRCROOT)


def _region(loc: Location, *, primary: bool) -> om.Region | None:
    if loc.line is None or loc.line < 1:
        if not primary:
            return None
        # GitHub needs a startLine; a whole-file finding sits on line 1 (no column).
        return om.Region(start_line=1)
    region = om.Region(start_line=loc.line)
    if loc.column is not None and loc.column >= 1:
        region.start_column = loc.column
    return region


def _physical(loc: Location, *, primary: bool, root: str | None = None) -> om.PhysicalLocation:
    return om.PhysicalLocation(artifact_location=artifact_location(loc.path, root),
                               region=_region(loc, primary=primary))


def _bag(tags=None, **extras) -> om.PropertyBag:
    bag = om.PropertyBag(tags=tags)
    for key, value in extras.items():
        if value is not None:
            bag.__dict__[key] = value
    return bag


def sorted_rules(rules) -> list[RuleMeta]:
    """Rules by code, one entry per code (the first given wins)."""
    seen: dict[str, RuleMeta] = {}
    for r in rules:
        seen.setdefault(r.code, r)
    return [seen[c] for c in sorted(seen)]


# --------------------------------------------------------------------------- builders

def reporting_descriptor(rule: RuleMeta) -> om.ReportingDescriptor:
    short = clip(rule.summary or rule.name or rule.code)
    return om.ReportingDescriptor(
        id=rule.code,
        name=rule.name[:255] or None,
        short_description=om.MultiformatMessageString(text=short),
        full_description=om.MultiformatMessageString(text=clip(rule.rationale or short)),
        help=om.MultiformatMessageString(text=ruledoc.plain(rule),
                                          markdown=ruledoc.sarif_markdown(rule)),
        default_configuration=om.ReportingConfiguration(level=rule.level),
        properties=_bag(
            tags=list(rule.all_tags[:MAX_TAGS]),
            precision=rule.precision,
            **{
                "security-severity": rule.default_security_severity,
                "problem.severity": PROBLEM_SEVERITY.get(rule.level, "warning"),
            },
        ),
    )


def result(f: Finding, rule_index: int, root: str | None = None) -> om.Result:
    related = None
    if f.related:
        related = [
            om.Location(
                id=i,
                physical_location=_physical(loc, primary=False, root=root),
                message=om.Message(text=loc.note) if loc.note else None,
            )
            for i, loc in enumerate(f.related, start=1)
        ]
    fp = f.fingerprint
    return om.Result(
        rule_id=f.code,
        rule_index=rule_index,
        level=f.level,
        message=om.Message(text=f.message),
        locations=[om.Location(physical_location=_physical(f.location, primary=True,
                                                           root=root))],
        related_locations=related,
        partial_fingerprints={"primaryLocationLineHash": fp, "cflint/v1": fp},
        properties=_bag(
            impact=list(f.impacts),
            evidence={k: v for k, v in f.evidence} if f.evidence else None,
            fix=f.fix or None,
        ),
    )


def build(report: Report, category: str | None = None, information_uri: str = INFORMATION_URI) -> om.SarifLog:
    rules = sorted_rules(report.rules)
    index = {r.code: i for i, r in enumerate(rules)}
    missing = sorted({f.code for f in report.findings if f.code not in index})
    if missing:
        raise ValueError(f"findings with codes not in report.rules: {', '.join(missing)}")

    driver = om.ToolComponent(
        name=TOOL_NAME,
        semantic_version=report.tool_version or None,
        information_uri=information_uri or None,
        rules=[reporting_descriptor(r) for r in rules],
    )
    invocation = om.Invocation(execution_successful=bool(report.successful))
    if report.notifications:
        invocation.tool_execution_notifications = [
            om.Notification(message=om.Message(text=n), level="error") for n in report.notifications
        ]
    run = om.Run(
        tool=om.Tool(driver=driver),
        automation_details=om.RunAutomationDetails(id=_automation_id(category)),
        column_kind="unicodeCodePoints",
        invocations=[invocation],
        results=[result(f, index[f.code], report.root) for f in report.findings],
    )
    if report.observations:  # what cflint probe / logs observed, beside the results
        run.properties = _bag(observations=dict(report.observations))
    if report.root and Path(report.root).is_absolute():
        root_uri = Path(report.root).as_uri()
        if not root_uri.endswith("/"):
            root_uri += "/"
        run.original_uri_base_ids = {SRCROOT: om.ArtifactLocation(uri=root_uri)}
    return om.SarifLog(runs=[run], version=SARIF_VERSION, schema_uri=SCHEMA_URI)


def _automation_id(category: str | None) -> str:
    if not category:
        return DEFAULT_CATEGORY
    return category if category.endswith("/") else category + "/"


def document(report: Report, category: str | None = None, **options) -> dict:
    doc = to_sarif(build(report, category=category, **options))
    # Schema order for the top-level keys, for readers of the raw file.
    return {k: doc[k] for k in ("$schema", "version", "runs") if k in doc} | doc


def render(
    report: Report,
    category: str | None = None,
    information_uri: str = INFORMATION_URI,
    **_options: object,  # options meant for other formats (``color``) are ignored
) -> str:
    doc = document(report, category=category, information_uri=information_uri)
    return json.dumps(doc, indent=2) + "\n"
