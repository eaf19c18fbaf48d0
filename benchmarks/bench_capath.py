#!/usr/bin/env python3
"""cflint's CA-directory check (CF4xx) on a directory of 2,000 CA certificates against
`openssl rehash -n` on the same directory.

    python benchmarks/bench_capath.py [--certs 2000] [--runs 11] [--cflint CMD]

Both read and hash every certificate of the same rehashed directory (2,000 certificates,
2,000 links): openssl to find the <hash>.N links it would make (-n: existing links are
kept, so a run changes nothing), cflint to check that the links are the right ones. Runs alternate; the result is the ratio of the
medians, measured in one run. Goal: cflint no slower than openssl rehash (ratio <= 1.0).
Bytecode may be written (as a pip install compiles it); one untimed warm-up run each.
The cflint timed is a regular install of this checkout into a throw-away virtual
environment (benchmarks/installed.py), unless --cflint names another.
"""
import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import installed
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def generate(d: Path, n: int):
    d.mkdir()
    key = ec.generate_private_key(ec.SECP256R1())  # one key: the names are what matters
    for i in range(n):
        name = x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Bench Org {i % 97}"),
                          x509.NameAttribute(NameOID.COMMON_NAME, f"Bench  CA {i}")])
        c = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
             .public_key(key.public_key()).serial_number(i + 1)
             .not_valid_before(START).not_valid_after(START + dt.timedelta(days=3650))
             .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .sign(key, hashes.SHA256()))
        (d / f"ca{i:05d}.pem").write_bytes(c.public_bytes(serialization.Encoding.PEM))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--certs", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=11)
    installed.add_option(ap)
    a = ap.parse_args()
    openssl = shutil.which("openssl") or sys.exit("openssl is needed for the baseline")
    with tempfile.TemporaryDirectory() as tmp:
        cflint = installed.command(a.cflint, tmp)
        root = Path(tmp)
        plain = root / "plain"
        generate(plain, a.certs)
        hashed = root / "hashed"
        shutil.copytree(plain, hashed)
        subprocess.run([openssl, "rehash", str(hashed)], check=True, capture_output=True)
        (root / "cafile.pem").write_bytes((plain / "ca00000.pem").read_bytes())
        cf = root / "sendmail.cf"
        cf.write_text(f"V10/Berkeley\nO CACertFile={root}/cafile.pem\nO CACertPath={hashed}\n"
                      "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["XDG_CACHE_HOME"] = str(root / "cache")
        ct, ot = [], []
        for _ in range(-1, a.runs):  # run -1: the untimed warm-up
            t = time.perf_counter()
            subprocess.run([*cflint, "check", str(cf), "--select", "CF4", "--format", "json",
                            "--fail-on", "never", "-o", str(root / "out.json")], check=True,
                           env=env)
            ct.append(time.perf_counter() - t)
            t = time.perf_counter()  # the links are there: -n keeps them, adds none
            subprocess.run([openssl, "rehash", "-n", str(hashed)], check=True,
                           capture_output=True)
            ot.append(time.perf_counter() - t)
        ct, ot = ct[1:], ot[1:]
        c, o = statistics.median(ct), statistics.median(ot)
        print(f"{a.certs} CA certificates, {a.runs} alternating runs")
        print(f"cflint check --select CF4  median {c * 1000:7.1f} ms")
        print(f"openssl rehash -n          median {o * 1000:7.1f} ms")
        print(f"ratio cflint/openssl: {c / o:.2f}x (goal: <= 1.0x)")


if __name__ == "__main__":
    main()
