"""``cflint audit``: many host snapshots, one report.

Each input is one host: a tar archive of its files or a directory laid out like its root
file system (``etc/mail/...``). Hosts are linted in parallel worker processes, each one
isolated: a corrupt archive or a snapshot without a sendmail configuration is a CF012
finding for that host, and an internal error in one host is recorded on that host, never
the end of the audit. The result is one plain document (``document()``) that every audit
output format renders; ``--from-json`` builds the same document from ``cflint check
--format json`` outputs collected by other tools (an Ansible playbook, say), and
``compare()`` diffs two of them.
"""
from __future__ import annotations

import datetime as dt
import os
import sys
from dataclasses import asdict

from .escape import escape, escape_tree

FORMAT = "cflint-audit"
VERSION = 1
OFF_IMPACTS = ("starttls-off", "daemon-fails")


def host_name(path: str) -> str:
    """mx1.example.org.tar.gz -> mx1.example.org; a directory -> its name."""
    from .fs import ARCHIVE_SUFFIXES

    base = os.path.basename(os.path.normpath(path))
    for suffix in ARCHIVE_SUFFIXES + (".json",):
        if base.lower().endswith(suffix):
            return base[: -len(suffix)]
    return base


def read_hosts_file(path: str) -> dict[str, str]:
    """'INPUT HOST' per line (# comments): which snapshot is which host."""
    out: dict[str, str] = {}
    with open(path, encoding="utf-8") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2:
                raise ValueError(f"{path}:{n}: expected 'INPUT HOST', got {raw.strip()!r}")
            out[os.path.normpath(parts[0])] = parts[1]
    return out


# ---------------------------------------------------------------------------- workers

_ENGINE = None


def _engine():
    global _ENGINE
    if _ENGINE is None:
        from .engine import Engine

        _ENGINE = Engine()
    return _ENGINE


def lint_host(job: tuple) -> dict:
    """One host, in a worker: (input, host, Settings, select, ignore) -> host result."""
    path, host, settings, select, ignore = job
    try:
        return _lint_host(path, host, settings, select, ignore)
    except Exception as e:  # isolate the host: the audit goes on
        return _host(host, path, [], [], error=f"internal error: {type(e).__name__}: {e}")


def _lint_host(path, host, settings, select, ignore) -> dict:
    from .errors import UsageError
    from .inputs import discover, installations
    from .formats.json import _finding

    eng = _engine()
    rules = eng.select(select, ignore)
    names = {r.meta.code: r.meta.name for r in eng.rules}
    from .fs import is_archive

    try:
        groups = discover([path], None) if is_archive(path) and os.path.isfile(path) else \
            discover([], path)
    except UsageError as e:
        groups = [(None, path, None, {"broken": str(e).split(": ", 1)[-1]})]
    findings, certs, starttls, inputs = [], [], "off", []
    mta_seen = False
    for inst, shown, opened in installations(groups, settings):
        if opened:
            inputs.extend(shown)
        else:
            starttls = "unknown"
        found = eng.run(inst, rules)
        findings.extend(_finding(f, names) for f in found)
        if inst.mta is not None:
            mta_seen = True
            mta_files = {inst.mta.path, *(c.path for c in inst.configuration.mc_sources
                                          if c.role == "mta")}
            off = any("starttls-off" in f.impacts or (
                "daemon-fails" in f.impacts and f.location.path in mta_files) for f in found)
            if inst.mta.has_any_tls() and not off and starttls != "unknown":
                starttls = "on"
        for option, p, c in inst.files.certificates():
            certs.append({"option": option, "path": inst.display.show_file(p), **c.evidence()})
    if not mta_seen and starttls != "unknown":
        starttls = "no-mta"
    return _host(host, path, findings, certs, starttls=starttls, inputs=inputs)


def _host(host, path, findings, certs, starttls="unknown", inputs=(), error=None) -> dict:
    counts = {lvl: 0 for lvl in ("error", "warning", "note")}
    impacts: dict[str, int] = {}
    for f in findings:
        counts[f["level"]] = counts.get(f["level"], 0) + 1
        for i in f["impacts"]:
            impacts[i] = impacts.get(i, 0) + 1
    return {
        "host": host, "input": path, "inputs": list(inputs), "error": error,
        "starttls": starttls,
        "secrets_exposed": impacts.get("secret-exposed", 0) > 0,
        "unreadable": any(f["code"] == "CF012" for f in findings) or error is not None,
        "counts": counts, "impacts": impacts,
        "findings": findings, "certificates": certs,
    }


# ---------------------------------------------------------------------------- the run

def run(inputs: list[str], settings, select=(), ignore=(), jobs: int | None = None,
        hosts: dict[str, str] | None = None, progress: bool = False) -> dict:
    hosts = hosts or {}
    work = [(p, hosts.get(os.path.normpath(p), host_name(p)), settings, list(select),
             list(ignore)) for p in inputs]
    jobs = max(1, jobs or os.cpu_count() or 1)
    results: list[dict] = []
    bar = _Progress(len(work)) if progress else None
    if jobs == 1 or len(work) < 2:
        for job in work:
            results.append(lint_host(job))
            if bar:
                bar.step()
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(work))) as pool:
            for res in pool.map(lint_host, work, chunksize=max(1, len(work) // (jobs * 8))):
                results.append(res)
                if bar:
                    bar.step()
    if bar:
        bar.done()
    return document(results, settings.now)


class _Progress:
    """A one-line progress bar on stderr (only on a terminal)."""

    def __init__(self, total: int):
        self.total, self.n = total, 0

    def step(self):
        self.n += 1
        width = 30
        filled = width * self.n // max(1, self.total)
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {self.n}/{self.total} "
                         "hosts")
        sys.stderr.flush()

    def done(self):
        sys.stderr.write("\n")


def document(hosts: list[dict], now=None) -> dict:
    # every text quoted from the snapshots (and their names) escaped once, here
    hosts = escape_tree(sorted(hosts, key=lambda h: h["host"]))
    now = now or dt.datetime.now(dt.timezone.utc)
    return {
        "format": FORMAT, "version": VERSION,
        "generated": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "summary": summary(hosts),
        "hosts": hosts,
        "certificates": inventory(hosts, now),
    }


def summary(hosts: list[dict]) -> dict:
    by_level = {lvl: 0 for lvl in ("error", "warning", "note")}
    by_impact: dict[str, int] = {}
    by_code: dict[str, int] = {}
    for h in hosts:
        for lvl, n in h["counts"].items():
            by_level[lvl] = by_level.get(lvl, 0) + n
        for i, n in h["impacts"].items():
            by_impact[i] = by_impact.get(i, 0) + n
        for f in h["findings"]:
            by_code[f["code"]] = by_code.get(f["code"], 0) + 1
    return {
        "hosts": len(hosts),
        "starttls_off": sum(h["starttls"] in ("off", "no-mta") for h in hosts),
        "starttls_unknown": sum(h["starttls"] == "unknown" for h in hosts),
        "secrets_exposed": sum(bool(h["secrets_exposed"]) for h in hosts),
        "unreadable": sum(bool(h["unreadable"]) for h in hosts),
        "clean": sum(h["counts"].get("error", 0) + h["counts"].get("warning", 0) == 0
                     for h in hosts),
        "by_level": by_level,
        "by_impact": dict(sorted(by_impact.items())),
        "by_code": dict(sorted(by_code.items())),
    }


def inventory(hosts: list[dict], now) -> list[dict]:
    """Every certificate seen across the fleet, once, with the hosts that use it,
    expiring soonest first."""
    certs: dict[str, dict] = {}
    for h in hosts:
        for c in h["certificates"]:
            entry = certs.setdefault(c["sha256"], {
                "sha256": c["sha256"], "subject": c.get("subject"), "issuer": c.get("issuer"),
                "serial": c.get("serial"), "not_before": c.get("not_before"),
                "not_after": c.get("not_after"), "key": c.get("key"), "hosts": [], "uses": []})
            if h["host"] not in entry["hosts"]:
                entry["hosts"].append(h["host"])
            entry["uses"].append({"host": h["host"], "option": c.get("option"),
                                  "path": c.get("path")})
    out = []
    for e in certs.values():
        e["hosts"].sort()
        try:
            end = dt.datetime.strptime(e["not_after"], "%Y-%m-%dT%H:%M:%SZ").replace(
                tzinfo=dt.timezone.utc)
            e["days_left"] = int((end - now).total_seconds() // 86400)
        except (TypeError, ValueError):
            e["days_left"] = None
        out.append(e)
    out.sort(key=lambda e: (e["not_after"] or "9999", e["sha256"]))
    return out


# ---------------------------------------------------------------------------- other inputs

def from_check_json(paths: list[str], hosts: dict[str, str] | None = None, now=None) -> dict:
    """The audit document from `cflint check --format json` outputs, one file per host
    (the host named by the file, or by --hosts-file). Certificates come from the
    evidence of the findings (the check output has no inventory of its own)."""
    import json

    hosts = hosts or {}
    results = []
    for p in paths:
        host = hosts.get(os.path.normpath(p), host_name(p))
        try:
            with open(p, encoding="utf-8") as fh:
                data = json.load(fh)
            findings = data["findings"]
            if not isinstance(findings, list):
                raise ValueError("'findings' is not a list")
        except (OSError, ValueError, KeyError, TypeError) as e:
            results.append(_host(host, p, [], [], error=f"not a cflint check JSON output: {e}"))
            continue
        certs = []
        for f in findings:
            ev = f.get("evidence") or {}
            if ev.get("sha256") and ev.get("not_after"):
                certs.append({"option": None, "path": ev.get("path") or f.get("path"), **ev})
        off = any(set(f.get("impacts", ())) & set(OFF_IMPACTS) for f in findings)
        results.append(_host(host, p, findings, certs, starttls="off" if off else "on"))
    return document(results, now)


def compare(old: dict, new: dict) -> dict:
    """Per host: the findings fixed since OLD and the new ones (by fingerprint)."""
    def index(doc):
        return {h["host"]: {f["fingerprint"]: f for f in h["findings"]} for h in doc["hosts"]}

    a, b = index(old), index(new)
    hosts = []
    for host in sorted(set(a) | set(b)):
        before, after = a.get(host, {}), b.get(host, {})
        hosts.append({
            "host": host,
            "state": "added" if host not in a else "removed" if host not in b else "both",
            "fixed": [before[k] for k in sorted(before) if k not in after],
            "new": [after[k] for k in sorted(after) if k not in before],
            "unchanged": sum(1 for k in after if k in before),
        })
    return {"format": "cflint-audit-compare", "version": VERSION,
            "old": old.get("generated"), "new": new.get("generated"),
            "fixed": sum(len(h["fixed"]) for h in hosts),
            "new_findings": sum(len(h["new"]) for h in hosts), "hosts": hosts}


def load(path: str) -> dict:
    import json

    with open(path, encoding="utf-8") as fh:
        doc = json.load(fh)
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise ValueError(f"{path}: not a cflint audit JSON document")
    return escape_tree(doc)


def settings_dict(settings) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.datetime) else v)
            for k, v in asdict(settings).items()}


# ---------------------------------------------------------------------------- the live side

def attach_live(doc: dict, paths: list[str], hosts: dict[str, str] | None = None) -> dict:
    """Add 'cflint probe' and 'cflint logs' JSON outputs to the audit document: each to
    the section of the host it names (its "host", or the --hosts-file name of the file),
    its findings with the host's, its observations under ``live`` (probe: what each port
    offered and presented; logs: the {verify} summary). A host only seen live gets a
    section of its own. The summary is recomputed."""
    import json

    from .live.report import public

    hosts = hosts or {}
    by_name = {h["host"]: h for h in doc["hosts"]}
    for p in paths:
        try:
            with open(p, encoding="utf-8") as fh:
                data = json.load(fh)
            kind = data["kind"]
            section = data[kind] if kind in ("probe", "logs") else None
            if not isinstance(section, dict):
                raise ValueError(f"kind {kind!r}")
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ValueError(f"--live {p}: not a 'cflint probe' or 'cflint logs' JSON output "
                             f"({getattr(e, 'strerror', None) or e})") from None
        name = escape(hosts.get(os.path.normpath(p)) or section.get("host") or host_name(p))
        h = by_name.get(name)
        if h is None:
            h = by_name[name] = _host(name, None, [], [])
            doc["hosts"].append(h)
        entry = {"kind": kind, "source": p}
        if kind == "probe":
            entry["results"] = public(section.get("results") or [])
            offered = [r["starttls_offered"] for r in entry["results"]
                       if r.get("starttls_offered") is not None]
            if offered:
                h["starttls_live"] = "offered" if all(offered) else "not offered"
        else:
            entry["verify"] = section.get("verify") or []
            entry["stats"] = section.get("stats") or {}
        h.setdefault("live", []).append(entry)
        old = dict(h)
        h.update(_host(name, old["input"], old["findings"] + list(data.get("findings") or []),
                       old["certificates"], starttls=old["starttls"], inputs=old["inputs"],
                       error=old["error"]))
    doc["hosts"] = escape_tree(sorted(doc["hosts"], key=lambda x: x["host"]))
    doc["summary"] = summary(doc["hosts"])
    return doc
