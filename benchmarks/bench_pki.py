#!/usr/bin/env python3
"""cflint's key and certificate rules (CF2xx, CF3xx) on 2,000 certificate/key pairs
against the shell loop an administrator would write to check that each key matches its
certificate:

    for each pair: openssl x509 -noout -pubkey -in CERT; openssl pkey -pubout -in KEY; compare

    python benchmarks/bench_pki.py [--pairs 2000] [--runs 1]

The pairs are the server and client pairs of pairs/2 generated installations (EC P-256
keys, certificates signed by one CA), each with its own sendmail.cf. cflint lints all of
them in one process; the loop runs openssl twice per pair. Both are timed in the same run
(alternating when --runs > 1, medians); the result is the ratio. Goal: cflint at least 10x
faster.
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
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = "2026-12-01T00:00:00Z"
START = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)


def _name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _cert(subject, issuer, pub, signer, ca=False, eku=None, san=None):
    b = (x509.CertificateBuilder().subject_name(_name(subject)).issuer_name(_name(issuer))
         .public_key(pub).serial_number(x509.random_serial_number())
         .not_valid_before(START).not_valid_after(START + dt.timedelta(days=365))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage([eku]), critical=False)
    if san:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return b.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _key_pem(k):
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption())


def generate(root: Path, installations: int):
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _cert("bench CA", "bench CA", ca_key.public_key(), ca_key, ca=True)
    cfs, pairs = [], []
    for i in range(installations):
        d = root / f"mx{i:04d}"
        (d / "certs").mkdir(parents=True)
        (d / "ca.crt").write_bytes(ca)
        (d / "certs" / "ca.crt").write_bytes(ca)
        host = f"mx{i:04d}.example.test"
        for role, eku in (("server", ExtendedKeyUsageOID.SERVER_AUTH),
                          ("client", ExtendedKeyUsageOID.CLIENT_AUTH)):
            k = ec.generate_private_key(ec.SECP256R1())
            (d / f"{role}.key").write_bytes(_key_pem(k))
            (d / f"{role}.crt").write_bytes(_cert(host, "bench CA", k.public_key(), ca_key,
                                                  eku=eku, san=host))
            pairs.append((d / f"{role}.crt", d / f"{role}.key"))
        (d / "sendmail.cf").write_text(
            f"V10/Berkeley\nDj{host}\nO ServerCertFile={d}/server.crt\n"
            f"O ServerKeyFile={d}/server.key\nO ClientCertFile={d}/client.crt\n"
            f"O ClientKeyFile={d}/client.key\nO CACertFile={d}/ca.crt\nO CACertPath={d}/certs\n"
            "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
        cfs.append(d / "sendmail.cf")
    return cfs, pairs


def run_cflint(cfs, out: Path) -> float:
    exe = Path(sys.executable).with_name("cflint")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "cflint"]
    cmd += ["check", *map(str, cfs), "--select", "CF2,CF3", "--format", "json",
            "--fail-on", "never", "--now", NOW, "-o", str(out)]
    t = time.perf_counter()
    subprocess.run(cmd, check=True)
    return time.perf_counter() - t


def run_loop(pairs, script: Path) -> float:
    lines = ["#!/bin/bash", "bad=0"]
    for c, k in pairs:
        lines.append(f'a=$(openssl x509 -noout -pubkey -in "{c}"); '
                     f'b=$(openssl pkey -pubout -in "{k}"); [ "$a" = "$b" ] || bad=$((bad+1))')
    lines.append('echo "$bad mismatches"')
    script.write_text("\n".join(lines) + "\n")
    t = time.perf_counter()
    subprocess.run(["bash", str(script)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pairs", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()
    if not shutil.which("openssl"):
        raise SystemExit("openssl is needed for the baseline loop")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cfs, pairs = generate(root / "hosts", max(1, a.pairs // 2))
        ct, lt = [], []
        for _ in range(a.runs):
            ct.append(run_cflint(cfs, root / "out.json"))
            lt.append(run_loop(pairs, root / "loop.sh"))
        import json

        found = json.loads((root / "out.json").read_text())["findings"]
        c, loop = statistics.median(ct), statistics.median(lt)
        print(f"{len(pairs)} pairs in {len(cfs)} installations; cflint findings: {len(found)}")
        print(f"cflint CF2xx/CF3xx     {c:8.2f} s")
        print(f"openssl shell loop     {loop:8.2f} s")
        print(f"speed-up: {loop / c:.1f}x (goal: >= 10x)")


if __name__ == "__main__":
    main()
