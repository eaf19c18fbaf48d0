#!/usr/bin/env python3
"""cflint's CA-directory check (CF4xx) on a directory of 5,000 CA certificates against
`openssl rehash -n` on the same directory.

    python benchmarks/bench_capath.py [--certs 5000] [--runs 3]

Both read and hash every certificate: openssl to create the <hash>.N links (timed on a
fresh copy each run, the copy not timed), cflint to check that the links a rehashed
directory holds are the right ones. Runs alternate; the result is the ratio of the
medians. Goal: cflint no slower than openssl rehash.
"""
import argparse
import datetime as dt
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
    ap.add_argument("--certs", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    openssl = shutil.which("openssl") or sys.exit("openssl is needed for the baseline")
    exe = Path(sys.executable).with_name("cflint")
    cflint = [str(exe)] if exe.exists() else [sys.executable, "-m", "cflint"]
    with tempfile.TemporaryDirectory() as tmp:
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
        ct, ot = [], []
        for i in range(a.runs):
            t = time.perf_counter()
            subprocess.run([*cflint, "check", str(cf), "--select", "CF4", "--format", "json",
                            "--fail-on", "never", "-o", str(root / "out.json")], check=True)
            ct.append(time.perf_counter() - t)
            work = root / f"work{i}"
            shutil.copytree(plain, work)
            t = time.perf_counter()
            subprocess.run([openssl, "rehash", "-n", str(work)], check=True,
                           capture_output=True)
            ot.append(time.perf_counter() - t)
        c, o = statistics.median(ct), statistics.median(ot)
        print(f"{a.certs} CA certificates, {a.runs} alternating runs")
        print(f"cflint CF4xx check      {c:7.2f} s")
        print(f"openssl rehash -n       {o:7.2f} s")
        print(f"ratio cflint/openssl: {c / o:.2f} (goal: <= 1)")


if __name__ == "__main__":
    main()
