"""Debian's own sendmail.cf and submit.cf, built with m4 the way /etc/mail/Makefile builds
them (``m4 X.mc > X.cf``, then ``### X.mc ###`` and the .mc commented out), must be accepted
by the installed sendmail and must not draw syntax, unknown-option or bad-value findings.

Two sources for each .mc: /etc/mail/<name>.mc as Debian's postinst left it, and the packaged
template /usr/share/sendmail/cf/debian/<name>.mc (present on a fresh machine right after
``apt-get install sendmail-cf``).  Includes of files that only the postinst creates
(/etc/mail/m4/*.m4) are replaced by empty files when missing.
A third variant adds Debian's STARTTLS include (/etc/mail/tls/starttls.m4, written by
update_tlsm4) when that file exists.
"""
from __future__ import annotations

from pathlib import Path

import pytest

import sendmail_judge as sj
from sendmail_judge import unavailable

FORBIDDEN = {"CF001", "CF002", "CF009"}
STARTTLS_M4 = Path("/etc/mail/tls/starttls.m4")

CASES = [
    ("sendmail", "etc"), ("submit", "etc"),
    ("sendmail", "template"), ("submit", "template"),
    ("sendmail", "starttls"), ("submit", "starttls"),
]


def _mc(name: str, source: str) -> Path:
    if source == "template":
        return sj.DEBIAN_MC_TEMPLATES / f"{name}.mc"
    return Path("/etc/mail") / f"{name}.mc"


@pytest.mark.parametrize("name,source", CASES, ids=[f"{n}-{s}" for n, s in CASES])
def test_debian_cf_accepted(name, source, tmp_path, sendmail, sendmail_version):
    mc = _mc(name, source)
    if not mc.is_file():
        if source == "template":
            sj.unavailable(f"{mc} is missing (apt-get install sendmail-cf)")
        unavailable(f"{mc} is not installed (Debian's postinst writes it)")
    extra: tuple[str, ...] = ()
    if source == "starttls":
        if not STARTTLS_M4.is_file():
            unavailable(f"{STARTTLS_M4} is not installed (Debian's update_tlsm4 writes it)")
        extra = (f"include(`{STARTTLS_M4}')dnl",)
    # the role follows the file name (submit.cf is the MSP's)
    cf = sj.build_cf_from_mc(mc, tmp_path, name, extra_lines=extra)
    assert cf.name == f"{name}.cf"

    verdict = sj.judge(cf, sendmail)
    assert verdict.returncode == 0 and not verdict.fatal_lines, verdict.describe()

    result = sj.lint(cf, tmp_path, target=sendmail_version)
    assert result.exit_code in (0, 1) and result.report is not None, \
        f"{result.describe()} {result.error or ''}"
    bad = [f for f in result.findings if f.get("code") in FORBIDDEN]
    assert not bad, f"{cf.name} from {mc}: " + sj.LintResult(
        result.exit_code, result.stderr, {"findings": bad}).describe(FORBIDDEN)
    assert not result.daemon_fails(), \
        f"sendmail accepts {cf.name}, cflint says it fails: {result.describe(set())}"


@pytest.mark.parametrize("name", ["sendmail", "submit"])
def test_build_matches_installed_cf(name, tmp_path):
    """The m4 build above is Debian's: from /etc/mail/<name>.mc it reproduces the installed
    /etc/mail/<name>.cf, apart from the build stamp ("built by", "in <cwd>")."""
    mc, installed = Path("/etc/mail") / f"{name}.mc", Path("/etc/mail") / f"{name}.cf"
    if not (mc.is_file() and installed.is_file()):
        unavailable(f"{mc} or {installed} is not installed")
    if installed.stat().st_mtime < mc.stat().st_mtime:
        unavailable(f"{installed} is older than {mc} (not rebuilt since the .mc changed)")
    built = sj.build_cf_from_mc(mc, tmp_path, name)

    def norm(p: Path) -> list[str]:
        return [ln for ln in p.read_text(encoding="latin-1").splitlines()
                if not ln.startswith(("##### built by ", "##### in "))]

    assert norm(built) == norm(installed)
