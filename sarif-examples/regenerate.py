#!/usr/bin/env python3
"""Regenerate the SARIF examples from the bundled example installations.

    python sarif-examples/regenerate.py          # rewrite the files
    python sarif-examples/regenerate.py --check  # exit 1 when a file is stale

Each file is the real output of ``cflint check --root examples/<name> --format sarif``
run from the repository root, with certificate dates judged at a fixed --now. Only
``originalUriBaseIds`` depends on where the checkout lies; it is written as
``file:///checkout/`` so the files do not change between machines.
"""
import json
import os
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
EXAMPLES = ("good", "broken")
PLACEHOLDER = "file:///checkout/"
NOW = "2026-12-01T00:00:00Z"  # certificate dates are judged at a fixed time


def generate(name: str) -> str:
    sys.path.insert(0, str(REPO))
    from cflint.cli import main

    old = os.getcwd()
    os.chdir(REPO)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "out.sarif"
            code = main(["check", "--root", f"examples/{name}", "--format", "sarif",
                         "--category", f"cflint/examples-{name}", "--fail-on", "never",
                         "--now", NOW,
                         "--output", str(out)])
            if code != 0:
                raise SystemExit(f"cflint failed on examples/{name} (exit {code})")
            doc = json.loads(out.read_text())
    finally:
        os.chdir(old)
    for run in doc["runs"]:
        if "originalUriBaseIds" in run:
            run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = PLACEHOLDER
    return json.dumps(doc, indent=2) + "\n"


def main(argv):
    check = "--check" in argv
    stale = []
    for name in EXAMPLES:
        path = HERE / f"{name}.sarif"
        text = generate(name)
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(path.name)
        else:
            path.write_text(text)
    if stale:
        print("stale: " + ", ".join(stale) + " (run python sarif-examples/regenerate.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
