#!/usr/bin/env python3
"""Whole-process time of ``cflint check`` on Debian's sendmail.cf against the time
sendmail itself takes to read it (``sendmail -bt -C FILE </dev/null``).

    python benchmarks/bench_check.py [--runs 30] [--cf /etc/mail/sendmail.cf]

Runs are interleaved (cflint, sendmail, cflint, ...) so machine noise hits both alike;
the result is the ratio of the medians, measured in one run. Goal: within 10x.
"""
import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def timed(cmd, stdin=None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--cf", default="/etc/mail/sendmail.cf")
    a = ap.parse_args()
    sendmail = shutil.which("sendmail-mta") or "/usr/sbin/sendmail-mta"
    exe = Path(sys.executable).with_name("cflint")
    cflint = [str(exe)] if exe.exists() else [sys.executable, "-m", "cflint"]
    cf = str(Path(a.cf).resolve())
    cflint_cmd = [*cflint, "check", cf, "--fail-on", "never"]
    sendmail_cmd = [sendmail, "-bt", "-C", cf]
    # warm-up (parser cache, page cache)
    timed(cflint_cmd)
    with open("/dev/null") as devnull:
        timed(sendmail_cmd, devnull)
    ct, st = [], []
    for _ in range(a.runs):
        ct.append(timed(cflint_cmd))
        with open("/dev/null") as devnull:
            st.append(timed(sendmail_cmd, devnull))
    c, s = statistics.median(ct), statistics.median(st)
    print(f"file: {cf} ({sum(1 for _ in open(cf, 'rb'))} lines), {a.runs} interleaved runs")
    print(f"cflint check   median {c * 1000:7.1f} ms")
    print(f"sendmail -bt   median {s * 1000:7.1f} ms")
    print(f"ratio cflint/sendmail: {c / s:.1f}x (goal: <= 10x)")


if __name__ == "__main__":
    main()
