#!/usr/bin/env python3
"""cflint audit on 1,000 generated host snapshots: hosts per second on one worker and on
every core, and the speed-up of the parallel run over the single-worker one.

    python benchmarks/bench_audit.py [--hosts 1000] [--archives 0.25]

The fleet mixes good hosts with every failure family of tests/test_audit.py, a quarter
of them as tar archives. Both runs lint the same fleet in one process tree, one after the
other, so the result is a ratio measured on this machine in one run. Goal: the parallel
run close to the core count (on 2 cores, a speed-up of at least 1.6).
"""
import argparse
import os
import sys
import tarfile
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE.parent / "tests")]

from test_audit import FAMILIES, make_host  # noqa: E402  (the same fleet generator)


def build(base: Path, n: int, archives: float) -> list[str]:
    families = list(FAMILIES)
    inputs = []
    for i in range(n):
        fam = "good" if i % 2 == 0 else families[1 + (i // 2) % (len(families) - 1)]
        d = base / f"h{i:04d}-{fam}"
        make_host(d, fam)
        if archives and i % round(1 / archives) == 1:
            arc = base / f"{d.name}.tar.gz"
            with tarfile.open(arc, "w:gz") as t:
                t.add(d / "etc", arcname="etc")
            inputs.append(str(arc))
        else:
            inputs.append(str(d))
    return inputs


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--archives", type=float, default=0.25)
    args = ap.parse_args(argv)
    from cflint import audit
    from cflint.model import Settings
    import datetime as dt

    settings = Settings(now=dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc),
                        check_permissions="always")
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        inputs = build(Path(tmp), args.hosts, args.archives)
        print(f"generated {len(inputs)} snapshots in {time.perf_counter() - t0:.1f} s")
        times = {}
        for jobs in (1, cores):
            t0 = time.perf_counter()
            doc = audit.run(inputs, settings, jobs=jobs)
            times[jobs] = time.perf_counter() - t0
            assert doc["summary"]["hosts"] == len(inputs)
            print(f"jobs={jobs}: {times[jobs]:.1f} s, {len(inputs) / times[jobs]:.1f} hosts/s")
    print(f"speed-up on {cores} cores: {times[1] / times[cores]:.2f}x")


if __name__ == "__main__":
    main()
