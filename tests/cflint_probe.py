"""Run ``cflint`` in a fresh interpreter and report, beside its output, which modules it
imported (what start-up and lazy-loading tests assert on)."""
import json
import os
import subprocess
import sys

PROBE = """
import json, sys
from cflint.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def run_cflint(args, cache=None) -> tuple[str, set[str]]:
    """(stdout, imported module names) of ``cflint ARGS``; ``cache``: XDG_CACHE_HOME."""
    env = dict(os.environ)
    if cache is not None:
        env["XDG_CACHE_HOME"] = str(cache)
    r = subprocess.run([sys.executable, "-c", PROBE, *map(str, args)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr  # (main's own exit code is not the process's)
    return r.stdout, set(json.loads(r.stderr.strip().splitlines()[-1]))
