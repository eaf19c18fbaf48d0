"""``cflint probe`` and ``cflint logs``: gather the observations, judge them, report.

Exit codes as for ``check``: 0 clean, 1 findings at or above ``--fail-on``, 2 usage error,
or a target that could not be probed at all (refused, no SMTP, timed out: one line each
on stderr, and in the report).
"""
from __future__ import annotations

import json
import os
import sys

from .. import __version__
from ..commands import check_target_version, make_engine, split_csv, write_output
from ..errors import EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, UsageError
from ..escape import escape, escape_tree
from ..findings import LEVEL_RANK, Report


def run(args) -> int:
    from ..engine import SelectionError
    from ..model import Settings
    from . import report as rep
    from .run import configuration, judge

    check_target_version(args.target_version)
    eng = make_engine()
    select, ignore = split_csv(args.select), split_csv(args.ignore)
    try:
        eng.select(select, ignore, inputs=args.command)
    except SelectionError as e:
        raise UsageError(str(e)) from None
    settings = Settings(target_version=args.target_version, now=args.now,
                        check_permissions="always")
    inst = configuration(args.config, args.root, settings)
    failed: list[str] = []
    if args.command == "probe":
        observations = _probe(args, inst)
        failed = [escape(f"{r['target']}: {r['error']['message']}") for r in observations
                  if r.get("error") and r["error"]["step"] not in ("handshake",)]
        host = args.host_name or (observations[0]["host"] if observations else "")
        section = {"kind": "probe", "host": host, "results": observations}
        sources = [r["uri"] for r in observations]
    else:
        from .maillog import TALLIED, LogError, VerifyTally, iter_events, new_stats, open_lines

        observations, stats, tally = [], new_stats(), VerifyTally()
        for path in args.files:
            try:
                for ev in iter_events(open_lines(path), path, stats):
                    if ev["kind"] in TALLIED:
                        tally.add(ev)       # counted, not kept: a log of any size
                    else:
                        observations.append(ev)
            except LogError as e:
                raise UsageError(f"cannot read {e}") from None
        stats["hosts"] = dict(sorted(stats["hosts"].items(), key=lambda kv: -kv[1]))
        summary = tally.rows()
        host = args.host_name or next(iter(stats["hosts"]), "")
        section = {"kind": "logs", "host": host, "files": list(args.files), "stats": stats,
                   "verify": summary, "events": observations}
        sources = list(args.files)
    found, _static, metas = judge(eng, args.command, observations, inst, select, ignore,
                                  now=args.now, sources=sources)
    if inst is not None:
        section["config"] = args.config
    # judged as observed; shown escaped (cflint.escape), the text too
    section = escape_tree(section)
    preamble = rep.probe_text(section["results"]) if args.command == "probe" else \
        rep.logs_text(section["verify"], section["stats"])
    if args.format == "sarif" and args.command == "probe":
        section = {**section, "results": rep.public(section["results"])}
    report = Report(findings=found, rules=metas, inputs=sources, tool_version=__version__,
                    root=os.getcwd(), settings={"fail_on": args.fail_on},
                    observations=section, preamble=preamble,
                    notifications=[f"not probed: {f}" for f in failed],
                    successful=not failed)
    from ..formats import renderer

    render = renderer(args.command, args.format)
    color = (args.format == "text" and not args.output and sys.stdout.isatty()
             and "NO_COLOR" not in os.environ)
    write_output(args.output, render(report, color=color, category=args.category))
    for f in failed:
        print(f"cflint: probe {f}", file=sys.stderr)
    if failed:
        return EXIT_ERROR
    if args.fail_on == "never" or args.exit_zero:
        return EXIT_CLEAN
    threshold = LEVEL_RANK[args.fail_on]
    return EXIT_FINDINGS if any(LEVEL_RANK[f.level] >= threshold for f in found) \
        else EXIT_CLEAN


def _probe(args, inst) -> list[dict]:
    from . import smtp

    if args.from_json:
        if args.targets:
            raise UsageError("--from-json judges saved results: give no targets")
        try:
            with open(args.from_json, encoding="utf-8") as fh:
                doc = json.load(fh)
            return list(doc["probe"]["results"])
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise UsageError(f"--from-json {args.from_json}: not a 'cflint probe --format "
                             f"json' output ({getattr(e, 'strerror', None) or e})") from None
    if args.timeout <= 0:
        raise UsageError("--timeout must be more than 0 seconds")
    try:
        targets = [t for given in (args.targets or ["localhost"])
                   for t in smtp.parse_target(given)]
    except smtp.UsageProblem as e:
        raise UsageError(str(e)) from None
    ca_file, ca_path, ca_data, against = args.ca_file, args.ca_path, None, None
    for opt, path, want in (("--ca-file", ca_file, os.path.isfile),
                            ("--ca-path", ca_path, os.path.isdir)):
        if path and not want(path):
            raise UsageError(f"{opt} {path}: no such {'file' if opt == '--ca-file' else 'directory'}")
    if ca_file or ca_path:
        against = " and ".join(x for x in (ca_file, ca_path) if x)
    elif inst is not None:
        from .run import ca_data as configured

        ca_data, against = configured(inst)
        if ca_data is None:
            against = None
    client = None
    if args.client_key and not args.client_cert:
        raise UsageError("--client-key needs --client-cert")
    if args.client_cert:
        client = smtp.ClientIdentity(args.client_cert, args.client_key)
    try:
        from concurrent.futures import ThreadPoolExecutor

        def one(t):
            return smtp.probe(t, timeout=args.timeout, helo=args.helo, ca_file=ca_file,
                              ca_path=ca_path, ca_data=ca_data, client=client)

        with ThreadPoolExecutor(max_workers=min(8, len(targets))) as ex:
            probes = list(ex.map(one, targets))
    except smtp.UsageProblem as e:
        raise UsageError(str(e)) from None
    out = []
    for p in probes:
        d = p.to_dict()
        if d["verify"] and d["verify"]["checked"]:
            d["verify"]["against"] = against
        if client is not None and d.get("tls"):
            d["client_certificate"] = _client_summary(args.client_cert)
        out.append(d)
    return out


def _client_summary(path: str) -> dict | None:
    from ..pki.load import parse_cert_file

    try:
        with open(path, "rb") as fh:
            cf = parse_cert_file(fh.read())
    except OSError:
        return None
    if not cf.certs:
        return None
    c = cf.certs[0]
    return {"subject": c.subject, "issuer": c.issuer, "sha256": c.sha256}
