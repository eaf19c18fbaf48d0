"""Baselines: the findings a project has accepted for now, keyed by the line-independent
fingerprint (rule code, file, logical anchor), so moving lines does not resurface them
and a rewritten baseline drops what was fixed."""
from __future__ import annotations

import json

FORMAT = "cflint-baseline"
VERSION = 1


class BaselineError(Exception):
    pass


def write(path: str, findings) -> int:
    from .escape import escape

    entries = sorted(({"fingerprint": f.fingerprint, "code": f.code,
                       "path": escape(f.location.path),
                       "message": escape(f.message, keep_newlines=True)} for f in findings),
                     key=lambda e: (e["path"], e["code"], e["fingerprint"]))
    unique = list({e["fingerprint"]: e for e in entries}.values())
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({"format": FORMAT, "version": VERSION, "findings": unique}, fh, indent=1)
        fh.write("\n")
    return len(unique)


def read(path: str) -> set[str]:
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except OSError as e:
        raise BaselineError(f"cannot read the baseline {path}: {e.strerror or e}") from None
    except ValueError as e:
        raise BaselineError(f"{path}: not a cflint baseline (invalid JSON: {e})") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or \
            not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path}: not a cflint baseline (write one with "
                            "--write-baseline)")
    if data.get("version") != VERSION:
        raise BaselineError(f"{path}: baseline version {data.get('version')!r} is not "
                            f"{VERSION}")
    return {e["fingerprint"] for e in data["findings"]
            if isinstance(e, dict) and isinstance(e.get("fingerprint"), str)}
