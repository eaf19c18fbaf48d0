"""``cflint check``: lint configurations, then the project configuration's per-file
ignores and severities, the baseline, the report in the chosen format."""
from __future__ import annotations

import os
import sys

from .. import __version__
from ..errors import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from ..findings import LEVEL_RANK
from . import check_target_version, make_engine, split_csv, write_output


DEFAULTS = {"fail_on": "warning", "vendor": "upstream", "expiry_days": 30,
            "security_level": 2, "max_lifetime_days": 398, "check_permissions": "auto",
            "max_ca_certs": 100, "require_starttls": False}


def configure(args):
    """Fill every flag not given on the command line from the configuration file, then
    from the defaults. Returns the Config (for per-file-ignores and severities)."""
    from .. import config as cfgmod

    try:
        path = args.config or cfgmod.find(args.paths[0] if args.paths else None)
        conf = cfgmod.load(path)
    except cfgmod.ConfigError as e:
        raise UsageError(str(e)) from None
    for attr in ("target_version", "vendor", "expiry_days", "security_level",
                 "check_permissions", "fail_on", "max_lifetime_days", "max_ca_certs",
                 "hostname", "require_starttls", "max_file_size"):
        if getattr(args, attr) is None:
            setattr(args, attr, conf.get(attr, DEFAULTS.get(attr)))
    if args.root is None and conf.get("root"):
        args.root = os.path.join(conf.base, conf.get("root"))
    if not args.select:
        args.select = conf.get("select") or []
    args.extend_select = (conf.get("extend_select") or []) + split_csv(args.extend_select)
    args.ignore = (conf.get("ignore") or []) + split_csv(args.ignore)
    return conf


def run(args) -> int:
    conf = configure(args)
    from .. import formats as registry
    from ..engine import SelectionError
    from ..findings import Finding, Report
    from ..fs import is_archive
    from ..inputs import discover, installations
    from ..model import Settings

    if args.root and not (os.path.isdir(args.root) or
                          (is_archive(args.root) and os.path.isfile(args.root))):
        raise UsageError(f"--root {args.root}: not a directory or tar archive")
    check_target_version(args.target_version)
    eng = make_engine()
    formats = registry.specs("check", eng.output_formats())
    if args.format not in formats:
        raise UsageError(f"unknown format {args.format!r} (choose from {', '.join(formats)})")
    try:
        rules = eng.select(split_csv(args.select), split_csv(args.ignore), args.extend_select)
    except SelectionError as e:
        raise UsageError(str(e)) from None

    groups = discover(args.paths, args.root)
    settings = Settings(require_starttls=args.require_starttls,
                        target_version=args.target_version, vendor=args.vendor,
                        now=args.now, expiry_days=args.expiry_days,
                        security_level=args.security_level, hostname=args.hostname,
                        max_lifetime_days=args.max_lifetime_days,
                        check_permissions=args.check_permissions,
                        max_ca_certs=args.max_ca_certs,
                        inline_ignores=not args.no_inline_ignores,
                        max_file_size=args.max_file_size or None)
    findings: list[Finding] = []
    inputs: list[str] = []
    for inst, shown, _opened in installations(groups, settings):
        inputs.extend(shown)
        findings.extend(eng.run(inst, rules))
    findings = per_file_ignores(findings, conf, eng)
    findings, metas = severities(findings, [r.meta for r in rules], conf)
    findings.sort(key=Finding.sort_key)
    if args.write_baseline:
        from .. import baseline

        try:
            n = baseline.write(args.write_baseline, findings)
        except OSError as e:
            raise UsageError(f"cannot write {args.write_baseline}: {e.strerror}") from None
        print(f"cflint: wrote {n} finding(s) to the baseline {args.write_baseline}",
              file=sys.stderr)
        return EXIT_CLEAN
    notes: list[str] = []
    if args.baseline:
        from .. import baseline

        try:
            known = baseline.read(args.baseline)
        except baseline.BaselineError as e:
            raise UsageError(str(e)) from None
        unsuppressible = {m.code for m in metas if not m.suppressible}
        kept = [f for f in findings if f.fingerprint not in known or f.code in unsuppressible]
        if len(kept) != len(findings):
            print(f"cflint: {len(findings) - len(kept)} finding(s) in the baseline "
                  f"{args.baseline} not shown", file=sys.stderr)
        findings = kept

    report = Report(findings=findings, rules=metas, inputs=inputs,
                    tool_version=__version__, root=os.getcwd(),
                    settings={"fail_on": args.fail_on}, notifications=notes)
    render = registry.load(formats[args.format])
    color = (args.format == "text" and not args.output and not args.no_color
             and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    out = statistics(report) if args.statistics else render(
        report, color=color, category=args.category)
    write_output(args.output, out)
    if args.fail_on == "never" or args.exit_zero:
        return EXIT_CLEAN
    threshold = LEVEL_RANK[args.fail_on]
    return EXIT_FINDINGS if any(LEVEL_RANK[f.level] >= threshold for f in findings) \
        else EXIT_CLEAN


def _matches(token: str, meta) -> bool:
    t = token.strip()
    return bool(t) and (meta.code.startswith(t.upper()) or meta.name == t.lower())


def per_file_ignores(findings, conf, eng):
    """Drop the findings per-file-ignores turns off for their file (unsuppressible rules
    stay: a config sendmail cannot read is never hidden)."""
    if not conf.get("per_file_ignores"):
        return findings
    metas = {r.meta.code: r.meta for r in eng.rules}
    out = []
    for f in findings:
        meta = metas.get(f.code)
        tokens = conf.ignored_here(f.location.path)
        if meta is not None and meta.suppressible and any(_matches(t, meta) for t in tokens):
            continue
        out.append(f)
    return out


def severities(findings, metas, conf):
    """The per-rule level overrides of the configuration file, on findings and rules."""
    import dataclasses

    levels = conf.get("severity") or {}
    if not levels:
        return findings, metas
    known = {m.code for m in metas}
    unknown = sorted(set(levels) - known - {r.meta.code for r in make_engine().rules})
    if unknown:
        raise UsageError(f"{conf.path}: 'severity' names unknown rule(s) {', '.join(unknown)}")
    metas = [dataclasses.replace(m, level=levels.get(m.code, m.level)) for m in metas]
    findings = [dataclasses.replace(f, level=levels[f.code]) if f.code in levels else f
                for f in findings]
    return findings, metas


def statistics(report) -> str:
    """Findings per rule, most first (as ruff --statistics)."""
    counts: dict[str, int] = {}
    for f in report.findings:
        counts[f.code] = counts.get(f.code, 0) + 1
    names = {m.code: (m.name, m.level) for m in report.rules}
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    width = max((len(str(n)) for _, n in rows), default=1)
    lines = [f"{n:>{width}}  {code}  {names.get(code, ('', ''))[0]}  "
             f"[{names.get(code, ('', ''))[1]}]" for code, n in rows]
    lines.append(f"{sum(counts.values())} finding(s) in total")
    return "\n".join(lines) + "\n"
