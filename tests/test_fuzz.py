"""The fuzzing harness (fuzz/fuzz_cflint.py, atheris): a short run of every target, and
the inputs it once crashed on (tests/fuzz_regressions/) replayed."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sendmail_judge import unavailable

ROOT = Path(__file__).resolve().parents[1]
REGRESSIONS = ROOT / "tests" / "fuzz_regressions"


@pytest.mark.parametrize("target", ["cf", "mc", "m4", "pem"])
def test_short_fuzz_run(target):
    try:
        import atheris  # noqa: F401
    except ImportError:
        unavailable("atheris is not installed (pip install -e '.[test]')")
    r = subprocess.run([sys.executable, str(ROOT / "fuzz" / "fuzz_cflint.py"), target,
                        "-max_total_time=8", "-rss_limit_mb=2048", "-timeout=20", "-seed=1"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Done" in r.stderr


def test_m4_non_ascii_letter():
    from cflint.mc import m4eval

    data = (REGRESSIONS / "m4-nonascii-letter").read_bytes().decode("utf-8", "surrogateescape")
    try:
        m4eval.M4(lambda p: None, "f.mc").run(data)
    except m4eval.M4Limit:
        pass
    assert m4eval.M4(lambda p: None, "f.mc").run("d\u00e9fine x\n") == "d\u00e9fine x\n"


@pytest.mark.parametrize("name", sorted(p.name for p in REGRESSIONS.glob("pem-*")))
def test_pem_with_a_name_cryptography_refuses(name):
    from cflint.pki.load import parse_cert_file, parse_key_file

    got = parse_cert_file((REGRESSIONS / name).read_bytes())
    assert got.status == "garbage" and "does not decode" in got.detail
    parse_key_file((REGRESSIONS / name).read_bytes())
    # the judge: OpenSSL (which sendmail loads certificates with) refuses it as well
    r = subprocess.run(["openssl", "x509", "-noout", "-subject", "-in", str(REGRESSIONS / name)],
                       capture_output=True, timeout=30)
    assert r.returncode != 0
