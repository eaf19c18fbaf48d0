"""``cflint audit``: many host snapshots (or saved ``check`` outputs, or two audits to
compare) into one report, in one or more formats."""
from __future__ import annotations

import os
import sys

from ..errors import EXIT_CLEAN, EXIT_FINDINGS, UsageError
from ..findings import LEVEL_RANK
from . import check_target_version, make_engine, split_csv, write_output


def run(args) -> int:
    import json

    from .. import audit
    from ..formats import renderer
    from ..model import Settings

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
        write_output(outputs[0] if outputs else None, text)
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
        check_target_version(args.target_version)
        from ..engine import SelectionError

        try:
            make_engine().select(split_csv(args.select), split_csv(args.ignore))
        except SelectionError as e:
            raise UsageError(str(e)) from None
        settings = Settings(target_version=args.target_version, now=args.now,
                            expiry_days=args.expiry_days, security_level=args.security_level,
                            check_permissions=args.check_permissions)
        doc = audit.run(args.inputs, settings, split_csv(args.select), split_csv(args.ignore),
                        args.jobs, hosts,
                        progress=not args.quiet and sys.stderr.isatty()) if args.inputs \
            else audit.document([], args.now)
    if args.live:
        try:
            doc = audit.attach_live(doc, args.live, hosts)
        except ValueError as e:
            raise UsageError(str(e)) from None
    for i, fmt in enumerate(formats):
        text = renderer("audit", fmt)(doc, root=os.getcwd())
        write_output(outputs[i] if outputs else None, text)
    if args.fail_on == "never":
        return EXIT_CLEAN
    threshold = LEVEL_RANK[args.fail_on]
    return EXIT_FINDINGS if any(LEVEL_RANK[f["level"]] >= threshold for h in doc["hosts"]
                                for f in h["findings"]) else EXIT_CLEAN
