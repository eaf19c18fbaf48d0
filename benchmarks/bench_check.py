#!/usr/bin/env python3
"""Whole-process time of ``cflint check FILE --select CF0,CF1`` on Debian's sendmail.cf
(with its sendmail.mc beside it) against the time sendmail itself takes to read it
(``sendmail -bt -C FILE </dev/null``).

    python benchmarks/bench_check.py [--runs 30] [--cf /etc/mail/sendmail.cf] [--cflint CMD]

Runs are interleaved (cflint warm, cflint cold, sendmail, ...) so machine noise hits all
alike; the result is the ratio of the medians, measured in one run. Goal: within 10x.
cflint runs with a private cache directory (XDG_CACHE_HOME): "warm" finds the .cf's parse
and the .mc's expansion there, "cold" has had those entries (*.pickle) removed before the
run (the parser tables stay: they are built once per installed version). Bytecode may be written, as a
pip install compiles it. The cflint timed is a regular install of this checkout into a
throw-away virtual environment (benchmarks/installed.py), unless --cflint names another.
"""
import argparse
import glob
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import installed


def timed(cmd, stdin=None, env=None) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   env=env)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--cf", default="/etc/mail/sendmail.cf")
    ap.add_argument("--select", default="CF0,CF1")
    installed.add_option(ap)
    a = ap.parse_args()
    sendmail = shutil.which("sendmail-mta") or "/usr/sbin/sendmail-mta"
    cf = str(Path(a.cf).resolve())
    sendmail_cmd = [sendmail, "-bt", "-C", cf]
    with tempfile.TemporaryDirectory() as tmp:
        cflint = installed.command(a.cflint, tmp)
        cflint_cmd = [*cflint, "check", cf, "--select", a.select, "--fail-on", "never"]
        cache = os.path.join(tmp, "cache")
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["XDG_CACHE_HOME"] = cache

        def cold():
            for p in glob.glob(os.path.join(cache, "cflint", "*.pickle")):
                os.unlink(p)
            return timed(cflint_cmd, env=env)

        timed(cflint_cmd, env=env)  # warm-up: bytecode, parser tables, page cache
        with open("/dev/null") as devnull:
            timed(sendmail_cmd, devnull)
        wt, ct, st = [], [], []
        for _ in range(a.runs):
            ct.append(cold())
            wt.append(timed(cflint_cmd, env=env))
            with open("/dev/null") as devnull:
                st.append(timed(sendmail_cmd, devnull))
    w, c, s = (statistics.median(x) for x in (wt, ct, st))
    mc = Path(cf).with_suffix(".mc")
    print(f"file: {cf} ({sum(1 for _ in open(cf, 'rb'))} lines"
          f"{', ' + mc.name + ' beside it' if mc.exists() else ''}), "
          f"{a.runs} interleaved runs")
    print(f"cflint check --select {a.select}, warm cache  median {w * 1000:7.1f} ms")
    print(f"cflint check --select {a.select}, cold cache  median {c * 1000:7.1f} ms")
    print(f"sendmail -bt -C                            median {s * 1000:7.1f} ms")
    print(f"ratio cflint/sendmail: warm {w / s:.1f}x, cold {c / s:.1f}x (goal: <= 10x)")


if __name__ == "__main__":
    main()
