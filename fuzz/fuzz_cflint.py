#!/usr/bin/env python3
"""Coverage-guided fuzzing (atheris/libFuzzer) of cflint's readers: the cf parser, the mc
parser and adapter, the m4 interpreter, and the PEM/key/certificate loader.

    python fuzz/fuzz_cflint.py cf  [libFuzzer options]   # e.g. -max_total_time=60
    python fuzz/fuzz_cflint.py mc  ...
    python fuzz/fuzz_cflint.py m4  ...
    python fuzz/fuzz_cflint.py pem ...

The corpus is seeded from the test fixtures and the shared corpus (into
fuzz/corpus/<target>/, made on the first run). Any exception other than the documented
ones is a crash libFuzzer reports, with the input saved as crash-<hash>.
"""
import os
import sys
from pathlib import Path

import atheris

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

with atheris.instrument_imports():
    from cflint.cf.parser import parse as parse_cf
    from cflint.mc import m4eval
    from cflint.mc.adapter import mc_to_cf
    from cflint.mc.parser import parse as parse_mc
    from cflint.pki.load import parse_cert_file, parse_key_file, pem_blocks


def _text(data: bytes) -> str:
    return data.decode("utf-8", "surrogateescape")


def _check_positions(text, problems):
    n = max(1, text.replace("\r\n", "\n").count("\n") + 1)
    for p in problems:
        if not 1 <= p.line <= n:
            raise AssertionError(f"problem outside the file: {p}")


def fuzz_cf(data: bytes):
    text = _text(data)
    _check_positions(text, parse_cf(text).problems)


def fuzz_mc(data: bytes):
    text = _text(data)
    _check_positions(text, parse_mc(text, "f.mc").problems)
    doc, _ = mc_to_cf(text, "f.mc")
    _check_positions(text, doc.problems)


def fuzz_m4(data: bytes):
    try:
        m4eval.M4(lambda p: None, "f.mc").run(_text(data))
    except m4eval.M4Limit:
        pass  # the documented way out of runaway input


def fuzz_pem(data: bytes):
    list(pem_blocks(data))
    parse_cert_file(data)
    parse_key_file(data)


TARGETS = {"cf": fuzz_cf, "mc": fuzz_mc, "m4": fuzz_m4, "pem": fuzz_pem}
SEEDS = {"cf": ("*.cf",), "mc": ("*.mc", "*.m4"), "m4": ("*.mc", "*.m4"),
         "pem": ("*.pem", "*.crt", "*.key")}


def seed(target: str) -> Path:
    d = HERE / "corpus" / target
    if d.is_dir() and any(d.iterdir()):
        return d
    d.mkdir(parents=True, exist_ok=True)
    sources = [ROOT / "tests" / "rules", ROOT / "examples", ROOT.parent / "shared" / "corpus"]
    n = 0
    for src in sources:
        for pattern in SEEDS[target]:
            for p in sorted(src.rglob(pattern)) if src.is_dir() else []:
                if p.is_file() and p.stat().st_size < 200_000:
                    (d / f"seed-{n:04d}").write_bytes(p.read_bytes())
                    n += 1
    if target == "pem" and n == 0:
        (d / "seed-0000").write_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n")
    return d


def main():
    if len(sys.argv) < 2 or sys.argv[1] not in TARGETS:
        print(f"usage: {sys.argv[0]} {{{','.join(TARGETS)}}} [libFuzzer options]",
              file=sys.stderr)
        return 2
    target = sys.argv[1]
    corpus = seed(target)
    args = [sys.argv[0], *sys.argv[2:], str(corpus)]
    os.chdir(HERE)  # crash files land in fuzz/
    atheris.Setup(args, TARGETS[target])
    atheris.Fuzz()
    return 0


if __name__ == "__main__":
    sys.exit(main())
