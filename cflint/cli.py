"""Command line: ``cflint check``, ``cflint rules``, ``cflint rule CODE``.

Exit codes: 0 clean, 1 findings at or above ``--fail-on``, 2 usage or internal error
(one line on stderr, never a traceback).
"""
from __future__ import annotations

import argparse
import os
import sys

from . import __version__
from .errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, UsageError, print_error as _error
from .findings import LEVEL_RANK


class _Formatter(argparse.HelpFormatter):
    """A fixed width: argparse would import shutil (and bz2, lzma) at every start just to
    ask for the terminal's size."""

    def __init__(self, prog):
        super().__init__(prog, width=int(os.environ.get("COLUMNS", "100") or 100))


class _Parser(argparse.ArgumentParser):
    def __init__(self, *a, **k):
        k.setdefault("formatter_class", _Formatter)
        super().__init__(*a, **k)

    def error(self, message):  # argparse exits 2 as well; keep it to one line
        raise UsageError(message)


def _csv(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return out


def _datetime(text: str):
    import datetime as dt

    try:
        v = dt.datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 date or time: {text!r}") from None
    return v if v.tzinfo else v.replace(tzinfo=dt.timezone.utc)


def _nonneg(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        v = -1
    if v < 0:
        raise argparse.ArgumentTypeError(f"not a whole number of days: {text!r}")
    return v


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="cflint", description="Lint sendmail STARTTLS configurations.")
    p.add_argument("--version", action="store_true", help="print the version and rule packs")
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    c = sub.add_parser("check", help="lint sendmail.cf / submit.cf files or directories")
    c.add_argument("paths", nargs="*", metavar="PATH",
                   help="a .cf file, a directory holding sendmail.cf and submit.cf, or a tar "
                        "archive of a host's files (default /etc/mail, under --root if given)")
    c.add_argument("--format", "-f", default="text",
                   help="text (default), json, sarif, github (workflow annotations)")
    c.add_argument("--baseline", metavar="FILE",
                   help="hide the findings recorded in this baseline (by fingerprint)")
    c.add_argument("--write-baseline", metavar="FILE",
                   help="record the current findings as the baseline and exit 0")
    c.add_argument("--output", "-o", help="write the report to this file instead of stdout")
    c.add_argument("--root", help="re-base absolute paths under this directory or inside "
                                  "this tar archive (a copied file system, a host snapshot)")
    c.add_argument("--select", action="append", metavar="CODES",
                   help="only these rules (codes, prefixes such as CF1, or names)")
    c.add_argument("--ignore", action="append", metavar="CODES", help="skip these rules")
    c.add_argument("--extend-select", action="append", metavar="CODES",
                   help="rules to add to the selection (of the config file or the default)")
    c.add_argument("--config", metavar="FILE",
                   help="a .cflint.toml or pyproject.toml to use (default: found upward from "
                        "the first PATH)")
    c.add_argument("--fail-on", choices=["error", "warning", "note", "never"],
                   help="lowest level that makes the exit code 1 (default warning)")
    c.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even with findings (errors of cflint itself still exit 2)")
    c.add_argument("--statistics", action="store_true",
                   help="print the number of findings per rule instead of the findings")
    c.add_argument("--target-version", help="sendmail version to judge against, 8.13-8.18 "
                                            "(default: from the cf header, else 8.17)")
    c.add_argument("--vendor", choices=["upstream", "hpux"])
    c.add_argument("--require-starttls", action="store_true", default=None,
                   help="a config without any TLS option is an error, not a note")
    c.add_argument("--now", type=_datetime, metavar="ISO8601",
                   help="judge certificate dates at this time (default: the clock)")
    c.add_argument("--expiry-days", type=_nonneg, metavar="N",
                   help="warn about certificates expiring within N days (default 30)")
    c.add_argument("--security-level", type=int, choices=range(0, 6),
                   metavar="0-5", help="OpenSSL security level of the target (default 2)")
    c.add_argument("--hostname", help="the host name sendmail announces, when no Dj line "
                                      "says it (for CF307)")
    c.add_argument("--max-lifetime-days", type=_nonneg, metavar="N",
                   help="longest certificate validity before CF310 (default 398)")
    c.add_argument("--check-permissions", choices=["auto", "always", "never"],
                   help="mode and owner rules: auto (default) skips them for files git tracks "
                        "(untracked, ignored and etckeeper-kept files are checked), "
                        "always, never")
    c.add_argument("--max-ca-certs", type=_nonneg, metavar="N",
                   help="most certificates in the server's CACertFile before CF408 (100)")
    c.add_argument("--max-file-size", type=_nonneg, metavar="BYTES",
                   help="largest config or PEM file read (default 64 MiB configs, 8 MiB PEM)")
    c.add_argument("--no-inline-ignores", action="store_true",
                   help="ignore every '# cflint: ignore[...]' comment (for audits)")
    c.add_argument("--category", help="SARIF automationDetails category (e.g. cflint/mx1)")
    c.add_argument("--no-color", action="store_true", help="never colour text output")

    a = sub.add_parser("audit", help="lint many host snapshots (tar archives or root "
                                     "directories) into one report")
    a.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="a host snapshot: a tar archive or a directory laid out like its root "
                        "(etc/mail/...); with --from-json, cflint check JSON outputs")
    a.add_argument("--format", "-f", action="append",
                   choices=["text", "json", "csv", "html", "sarif"],
                   help="repeat for several outputs, each with its --output (default text)")
    a.add_argument("--output", "-o", action="append", help="one per --format")
    a.add_argument("--hosts-file", help="lines 'INPUT HOST' naming the host of each input "
                                        "(default: the file or directory name)")
    a.add_argument("--jobs", "-j", type=int, metavar="N",
                   help="worker processes (default: one per core)")
    a.add_argument("--from-json", action="store_true",
                   help="the INPUTs are 'cflint check --format json' outputs, one per host")
    a.add_argument("--compare", nargs=2, metavar=("OLD", "NEW"),
                   help="what got fixed and what is new between two audit JSON documents")
    a.add_argument("--live", action="append", metavar="FILE",
                   help="a 'cflint probe' or 'cflint logs' JSON output: shown in the section "
                        "of the host it names (--host-name), its findings counted there")
    a.add_argument("--select", action="append", metavar="CODES")
    a.add_argument("--ignore", action="append", metavar="CODES")
    a.add_argument("--fail-on", choices=["error", "warning", "note", "never"],
                   default="never", help="exit 1 when a host has a finding at this level "
                                         "(default never: a report)")
    a.add_argument("--now", type=_datetime, metavar="ISO8601")
    a.add_argument("--expiry-days", type=_nonneg, default=30, metavar="N")
    a.add_argument("--security-level", type=int, choices=range(0, 6), default=2,
                   metavar="0-5")
    a.add_argument("--target-version")
    a.add_argument("--check-permissions", choices=["auto", "always", "never"],
                   default="always", help="snapshots keep modes: judged by default")
    a.add_argument("--quiet", "-q", action="store_true", help="no progress bar")

    pr = sub.add_parser("probe", help="connect to running servers: STARTTLS offered?, the "
                                      "certificate they present, verified")
    pr.add_argument("targets", nargs="*", metavar="HOST[:PORT]",
                    help="servers to probe: HOST (ports 25 and 587), HOST:PORT, [V6]:PORT, "
                         "smtps://HOST:PORT (default localhost:25 and localhost:587)")
    pr.add_argument("--ca-file", help="verify the certificate against these CAs (PEM)")
    pr.add_argument("--ca-path", help="verify against this hashed CA directory")
    pr.add_argument("--client-cert", help="present this certificate when asked, as a peer "
                                          "MTA does")
    pr.add_argument("--client-key", help="its key (default: in --client-cert)")
    pr.add_argument("--timeout", type=float, default=10.0, metavar="SECONDS",
                    help="for each step: connect, greeting, EHLO, STARTTLS, handshake (10)")
    pr.add_argument("--helo", help="the name sent in EHLO (default this host's name)")
    pr.add_argument("--from-json", metavar="FILE",
                    help="judge the results of an earlier 'cflint probe --format json' "
                         "instead of connecting")
    _live_options(pr, "probe")

    lg = sub.add_parser("logs", help="explain sendmail's STARTTLS lines in mail logs "
                                     "(plain or gzipped; - for stdin)")
    lg.add_argument("files", nargs="+", metavar="FILE")
    _live_options(lg, "logs")

    r = sub.add_parser("rules", help="list every rule of every installed pack")
    r.add_argument("--format", "-f", choices=["text", "json"], default="text")

    h = sub.add_parser("hash", help="print certificates' OpenSSL subject hashes, as "
                                    "'openssl x509 -noout -hash' does")
    h.add_argument("files", nargs="+", metavar="FILE")
    h.add_argument("--old", action="store_true",
                   help="the pre-1.0 (MD5) hash, as -subject_hash_old")

    d = sub.add_parser("rule", help="show one rule's documentation")
    d.add_argument("code", help="rule code or name, e.g. CF101")
    return p


def _live_options(p, kind: str) -> None:
    p.add_argument("--config", metavar="PATH",
                   help="the sendmail configuration the server runs (a directory with "
                        "sendmail.cf/submit.cf, or a .cf): its static findings "
                        + ("predict what the server should do"
                           if kind == "probe" else "explain each line, with the exact fix"))
    p.add_argument("--root", help="re-base the configuration's paths under this directory "
                                  "or tar archive")
    p.add_argument("--format", "-f", choices=["text", "json", "sarif"], default="text")
    p.add_argument("--output", "-o", help="write the report to this file")
    p.add_argument("--host-name", help="the host these results belong to, for 'cflint audit "
                                       "--live' (default: " + ("the first target's host"
                                                               if kind == "probe" else
                                                               "the host the log names") + ")")
    p.add_argument("--select", action="append", metavar="CODES")
    p.add_argument("--ignore", action="append", metavar="CODES")
    p.add_argument("--fail-on", choices=["error", "warning", "note", "never"],
                   default="warning", help="lowest level that makes the exit code 1")
    p.add_argument("--exit-zero", action="store_true")
    p.add_argument("--now", type=_datetime, metavar="ISO8601")
    p.add_argument("--target-version")
    p.add_argument("--category", help="SARIF automationDetails category")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = build_parser().parse_args(argv)
        if args.version:
            return _version()
        if args.command == "check":
            return _check(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "audit":
            return _audit(args)
        if args.command == "rule":
            return _rule(args)
        if args.command in ("probe", "logs"):
            from .live import command

            return command.run(args)
        if args.command == "hash":
            return _hash(args)
        build_parser().print_help(sys.stderr)
        return EXIT_ERROR
    except UsageError as e:
        _error(f"error: {e}")
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("cflint: interrupted", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:
        return EXIT_ERROR
    except Exception as e:  # the one clear line; never a traceback
        from .engine import PluginError, RuleCrash

        if isinstance(e, (PluginError, RuleCrash)):
            _error(f"error: {e}")
        else:
            _error(f"internal error: {type(e).__name__}: {e}")
        if os.environ.get("CFLINT_DEBUG"):
            raise
        return EXIT_ERROR


def _engine():
    from .engine import Engine

    return Engine(disabled=_csv([os.environ.get("CFLINT_DISABLE_PLUGINS", "")]))


def _version() -> int:
    eng = _engine()
    print(f"cflint {__version__}")
    for name, dist in sorted(eng.packs.items()):
        print(f"  rule pack {name}: {dist}")
    return EXIT_CLEAN


# ------------------------------------------------------------------- check


DEFAULTS = {"fail_on": "warning", "vendor": "upstream", "expiry_days": 30,
            "security_level": 2, "max_lifetime_days": 398, "check_permissions": "auto",
            "max_ca_certs": 100, "require_starttls": False}


def _configure(args):
    """Fill every flag not given on the command line from the configuration file, then
    from the defaults. Returns the Config (for per-file-ignores and severities)."""
    from . import config as cfgmod

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
    args.extend_select = (conf.get("extend_select") or []) + _csv(args.extend_select)
    args.ignore = (conf.get("ignore") or []) + _csv(args.ignore)
    return conf


def _check(args) -> int:
    conf = _configure(args)
    from .engine import SelectionError
    from .findings import Finding, Location, Report
    from .model import Settings

    from .fs import is_archive

    if args.root and not (os.path.isdir(args.root) or
                          (is_archive(args.root) and os.path.isfile(args.root))):
        raise UsageError(f"--root {args.root}: not a directory or tar archive")
    _check_target_version(args.target_version)
    eng = _engine()
    formats = {"text": "cflint.formats.text:render", "json": "cflint.formats.json:render",
               "sarif": "cflint.formats.sarif:render", "github": "cflint.formats.github:render"}
    formats.update(eng.output_formats())
    if args.format not in formats:
        raise UsageError(f"unknown format {args.format!r} (choose from {', '.join(formats)})")
    try:
        rules = eng.select(_csv(args.select), _csv(args.ignore), args.extend_select)
    except SelectionError as e:
        raise UsageError(str(e)) from None

    from .inputs import discover, installations

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
    findings = _per_file_ignores(findings, conf, eng)
    findings, metas = _severities(findings, [r.meta for r in rules], conf)
    findings.sort(key=Finding.sort_key)
    if args.write_baseline:
        from . import baseline

        try:
            n = baseline.write(args.write_baseline, findings)
        except OSError as e:
            raise UsageError(f"cannot write {args.write_baseline}: {e.strerror}") from None
        print(f"cflint: wrote {n} finding(s) to the baseline {args.write_baseline}",
              file=sys.stderr)
        return EXIT_CLEAN
    notes: list[str] = []
    if args.baseline:
        from . import baseline

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
    from .formats import load

    render = load(formats[args.format])
    color = (args.format == "text" and not args.output and not args.no_color
             and sys.stdout.isatty() and "NO_COLOR" not in os.environ)
    out = _statistics(report) if args.statistics else render(
        report, color=color, category=args.category)
    _write(args.output, out)
    if args.fail_on == "never" or args.exit_zero:
        return EXIT_CLEAN
    threshold = LEVEL_RANK[args.fail_on]
    return EXIT_FINDINGS if any(LEVEL_RANK[f.level] >= threshold for f in findings) \
        else EXIT_CLEAN


def _matches(token: str, meta) -> bool:
    t = token.strip()
    return bool(t) and (meta.code.startswith(t.upper()) or meta.name == t.lower())


def _per_file_ignores(findings, conf, eng):
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


def _severities(findings, metas, conf):
    """The per-rule level overrides of the configuration file, on findings and rules."""
    import dataclasses

    levels = conf.get("severity") or {}
    if not levels:
        return findings, metas
    known = {m.code for m in metas}
    unknown = sorted(set(levels) - known - {r.meta.code for r in _engine().rules})
    if unknown:
        raise UsageError(f"{conf.path}: 'severity' names unknown rule(s) {', '.join(unknown)}")
    metas = [dataclasses.replace(m, level=levels.get(m.code, m.level)) for m in metas]
    findings = [dataclasses.replace(f, level=levels[f.code]) if f.code in levels else f
                for f in findings]
    return findings, metas


def _statistics(report) -> str:
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


# ------------------------------------------------------------------- audit


def _audit(args) -> int:
    import json

    from . import audit
    from .formats.audit import RENDERERS
    from .model import Settings

    formats = args.format or ["text"]
    outputs = args.output or []
    if outputs and len(outputs) != len(formats):
        raise UsageError("give one --output per --format")
    if not outputs and len(formats) > 1:
        raise UsageError("several --format need one --output each")
    if args.compare:
        try:
            old, new = (audit.load(p) for p in args.compare)
        except (OSError, ValueError) as e:
            raise UsageError(str(e)) from None
        diff = audit.compare(old, new)
        if formats == ["json"]:
            text = json.dumps(diff, indent=2) + "\n"
        else:
            lines = [f"{diff['fixed']} finding(s) fixed, {diff['new_findings']} new"]
            for h in diff["hosts"]:
                if not (h["fixed"] or h["new"] or h["state"] != "both"):
                    continue
                lines.append(f"{h['host']}" + ("" if h["state"] == "both" else
                                               f" ({h['state']})") + ":")
                lines += [f"  fixed {f['code']} {f['path']}: {f['message']}" for f in h["fixed"]]
                lines += [f"  new   {f['code']} {f['path']}: {f['message']}" for f in h["new"]]
            text = "\n".join(lines) + "\n"
        _write(outputs[0] if outputs else None, text)
        return EXIT_FINDINGS if diff["new_findings"] and args.fail_on != "never" else EXIT_CLEAN
    if not args.inputs and not args.live:
        raise UsageError("audit needs at least one INPUT or --live FILE (or --compare OLD "
                         "NEW)")
    hosts = {}
    if args.hosts_file:
        try:
            hosts = audit.read_hosts_file(args.hosts_file)
        except (OSError, ValueError) as e:
            raise UsageError(str(e)) from None
    if args.from_json:
        doc = audit.from_check_json(args.inputs, hosts, args.now)
    else:
        for p in args.inputs:
            if not os.path.exists(p):
                raise UsageError(f"{p}: no such file or directory")
        _check_target_version(args.target_version)
        from .engine import SelectionError

        try:
            _engine().select(_csv(args.select), _csv(args.ignore))
        except SelectionError as e:
            raise UsageError(str(e)) from None
        settings = Settings(target_version=args.target_version, now=args.now,
                            expiry_days=args.expiry_days, security_level=args.security_level,
                            check_permissions=args.check_permissions)
        doc = audit.run(args.inputs, settings, _csv(args.select), _csv(args.ignore),
                        args.jobs, hosts,
                        progress=not args.quiet and sys.stderr.isatty()) if args.inputs \
            else audit.document([], args.now)
    if args.live:
        try:
            doc = audit.attach_live(doc, args.live, hosts)
        except ValueError as e:
            raise UsageError(str(e)) from None
    for i, fmt in enumerate(formats):
        if fmt == "sarif":
            text = RENDERERS[fmt](doc, root=os.getcwd())
        else:
            text = RENDERERS[fmt](doc)
        _write(outputs[i] if outputs else None, text)
    if args.fail_on == "never":
        return EXIT_CLEAN
    threshold = LEVEL_RANK[args.fail_on]
    return EXIT_FINDINGS if any(LEVEL_RANK[f["level"]] >= threshold for h in doc["hosts"]
                                for f in h["findings"]) else EXIT_CLEAN


def _check_target_version(text: str | None) -> None:
    """--target-version must name a release cflint knows (8.13-8.18)."""
    if not text:
        return
    from .sendmail.versions import VersionError, check_supported, parse_version

    try:
        check_supported(parse_version(text))
    except VersionError as e:
        raise UsageError(f"--target-version: {e}") from None


def _write(path: str | None, text: str) -> None:
    """The report to --output (one clear error when it cannot be written), else stdout."""
    if path is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as e:
        raise UsageError(f"cannot write {path}: {e.strerror}") from None


# ------------------------------------------------------------------- rules


def _rules(args) -> int:
    eng = _engine()
    if args.format == "json":
        import json

        print(json.dumps([_meta_dict(r.meta) for r in eng.rules], indent=2))
        return EXIT_CLEAN
    width = max((len(r.meta.name) for r in eng.rules), default=10)
    for r in eng.rules:
        m = r.meta
        print(f"{m.code}  {m.name:<{width}}  {m.level:<7}  {', '.join(m.impacts):<34}  "
              f"{m.summary}")
    return EXIT_CLEAN


def _meta_dict(m) -> dict:
    return {"code": m.code, "name": m.name, "level": m.level, "impacts": list(m.impacts),
            "summary": m.summary, "rationale": m.rationale, "fix": m.fix,
            "references": list(m.references), "versions": m.versions, "pack": m.pack,
            "suppressible": m.suppressible}


def _hash(args) -> int:
    """One hash a line, as openssl x509 -noout -hash prints it (the first certificate of a
    PEM file, or a DER file); a file that holds none is an error line, exit 2."""
    from .fs import LiveFS
    from .pki import subject_hash as sh
    from .pki.load import pem_blocks

    fs, code = LiveFS(), EXIT_CLEAN
    for name in args.files:
        try:
            data = fs.read(name, 64 * 1024 * 1024)
        except OSError as e:
            _error(f"{name}: {e.strerror or e}")
            code = EXIT_ERROR
            continue
        der = next((b.der for b in pem_blocks(data) if b.label in (
            "CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE") and b.der), None)
        if der is None and data[:1] == b"\x30":
            der = data
        try:
            if der is None:
                raise sh.SubjectHashError("no certificate in the file")
            cur, old = sh.cert_hashes(der)
        except (sh.SubjectHashError, ValueError) as e:
            _error(f"{name}: {e}")
            code = EXIT_ERROR
            continue
        print(old if args.old else cur)
    return code


def _rule(args) -> int:
    eng = _engine()
    r = eng.rule(args.code)
    if r is None:
        raise UsageError(f"unknown rule {args.code!r} (see 'cflint rules')")
    from .ruledoc import markdown

    print(markdown(r.meta), end="")
    return EXIT_CLEAN
