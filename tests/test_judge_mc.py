"""Real m4 with the sendmail-cf macros is the judge of what cflint derives from an .mc:
every option the .mc sets itself (its defines and LOCAL_CONFIG O lines) has the value
the generated cf's O line has. (Options set by OSTYPE/DOMAIN/FEATURE files are not yet
derived by cflint; they are not compared.)"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cflint.cf.parser import parse as parse_cf
from cflint.mc.adapter import mc_to_cf
from sendmail_judge import unavailable

CF_DIR = Path("/usr/share/sendmail/cf")

TLS_DEFINES = """\
define(`CERT_DIR', `/etc/mail/tls')dnl
define(`confSERVER_CERT', `CERT_DIR/server.crt')dnl
define(`confSERVER_KEY', `CERT_DIR/server.key')dnl
define(`confCLIENT_CERT', `CERT_DIR/client.crt')dnl
define(`confCLIENT_KEY', `CERT_DIR/client.key')dnl
define(`confCACERT', `/etc/mail/tls/ca.crt')dnl
define(`confCACERT_PATH', `/etc/ssl/certs')dnl
define(`confCACERT_PATH', `/etc/mail/tls/certs')dnl
define(`confCRL', `/etc/mail/tls/ca.crl')dnl
undefine(`confCRL')dnl
define(`confDH_PARAMETERS', `/etc/mail/tls/dh.pem')dnl
define(`confTLS_SRV_OPTIONS', `V')dnl
define(`confCIPHER_LIST', `HIGH:!aNULL:!MD5')dnl
define(`confSERVER_SSL_OPTIONS', `+SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1')dnl
define(`confDONT_BLAME_SENDMAIL', `GroupReadableKeyFile,TrustStickyBit')dnl
define(`confTO_STARTTLS', `2m')dnl
define(`confLOG_LEVEL', `14')dnl
define(`confAUTH_OPTIONS', `p,y')dnl
define(`confRUN_AS_USER', `')dnl
LOCAL_CONFIG
O CipherSuites=TLS_AES_256_GCM_SHA384
"""


def m4_cf(mc: Path) -> str:
    text = mc.read_text(errors="replace")
    args = ["m4", str(mc)] if "m4/cf.m4" in text else ["m4", "../m4/cf.m4", str(mc)]
    r = subprocess.run(args, cwd=CF_DIR / "cf", capture_output=True, text=True, timeout=60,
                       errors="replace")
    assert r.returncode == 0, r.stderr
    return r.stdout


def mc_files():
    if not CF_DIR.is_dir():
        return []
    return sorted((CF_DIR / "cf").glob("*.mc"))


@pytest.fixture(scope="module", autouse=True)
def need_m4():
    if shutil.which("m4") is None or not CF_DIR.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail("m4 and sendmail-cf are needed (apt-get install m4 sendmail-cf)")
        unavailable("m4 and sendmail-cf are not installed")


def compare(mc_path: Path):
    text = mc_path.read_text(errors="replace")
    derived, _info = mc_to_cf(text, str(mc_path))
    generated = parse_cf(m4_cf(mc_path))
    def key(o):
        return o.name + (f".{o.sub}" if o.sub else "")

    want = {key(o): o.value for o in generated.options if o.form == "long"}
    got = {key(o): o.value for o in derived.options}
    diffs = {k: (v, want.get(k)) for k, v in got.items() if want.get(k) != v}
    return got, diffs


@pytest.mark.parametrize("mc", mc_files(), ids=lambda p: p.name)
def test_sendmail_cf_examples(mc):
    _got, diffs = compare(mc)
    assert diffs == {}, diffs


def test_tls_variant(tmp_path):
    base = (CF_DIR / "cf" / "generic-linux.mc").read_text()
    mc = tmp_path / "tls.mc"
    mc.write_text(base + TLS_DEFINES)
    got, diffs = compare(mc)
    assert diffs == {}, diffs
    assert got["ServerCertFile"] == "/etc/mail/tls/server.crt"  # a macro inside the value
    assert got["CACertPath"] == "/etc/mail/tls/certs"           # the last define wins
    assert "CRLFile" not in got                                 # undefined again
    assert got["RunAsUser"] == ""                               # an empty define: "O Name"
    assert got["CipherSuites"] == "TLS_AES_256_GCM_SHA384"      # LOCAL_CONFIG


def test_debian_mc():
    mc = Path("/etc/mail/sendmail.mc")
    if not mc.exists():
        unavailable("no Debian sendmail.mc on this host")
    _got, diffs = compare(mc)
    assert diffs == {}, diffs
