"""JSON output: a stable, versioned document (``"version": 1``)."""
from __future__ import annotations

import json

from ..findings import Finding, Location, Report

SCHEMA_VERSION = 1


def _location(loc: Location) -> dict:
    return {"path": loc.path, "line": loc.line, "column": loc.column, "note": loc.note}


def _finding(f: Finding, names: dict[str, str]) -> dict:
    loc = f.location
    return {
        "code": f.code,
        "name": names.get(f.code),
        "level": f.level,
        "message": f.message,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "impacts": list(f.impacts),
        "fix": f.fix,
        "fingerprint": f.fingerprint,
        "anchor": f.anchor,
        "related": [_location(r) for r in f.related],
        "evidence": {k: v for k, v in f.evidence},
    }


def document(report: Report) -> dict:
    """The JSON document as a dict (findings in the order given: the engine sorts)."""
    names: dict[str, str] = {}
    for r in report.rules:
        names.setdefault(r.code, r.name)
    counts = report.counts()
    doc = {
        "version": SCHEMA_VERSION,
        "tool": {"name": "cflint", "version": report.tool_version},
        "findings": [_finding(f, names) for f in report.findings],
        "summary": {
            "errors": counts.get("error", 0),
            "warnings": counts.get("warning", 0),
            "notes": counts.get("note", 0),
            "files": len(report.inputs),
        },
    }
    if report.observations:  # cflint probe / logs: {"kind": ..., ...} under its kind
        doc["kind"] = report.observations["kind"]
        doc[report.observations["kind"]] = dict(report.observations)
    return doc


def render(report: Report, **_options: object) -> str:
    return json.dumps(document(report), indent=2) + "\n"


def finding_from_dict(d: dict) -> Finding:
    """The inverse of the JSON form of a finding (for reports built from JSON)."""
    return Finding(
        code=d["code"], level=d["level"], message=d["message"],
        location=Location(d["path"], d.get("line"), d.get("column")),
        impacts=tuple(d.get("impacts") or ()), fix=d.get("fix"), anchor=d.get("anchor") or "",
        related=tuple(Location(r["path"], r.get("line"), r.get("column"), note=r.get("note"))
                      for r in d.get("related") or ()),
        evidence=tuple((d.get("evidence") or {}).items()))
