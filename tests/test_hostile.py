"""Hostile trees and archives: cflint never hangs (each run has a time limit, a hang fails
the test), never crashes (a finding, or one clear line and exit 2, never a traceback),
never leaks key material in any output format, and never writes to what it lints."""
from __future__ import annotations

import base64
import io
import json
import os
import re
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

V = b"V10/Berkeley\n"
MAIL = b"Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n"
LIMIT = 60  # seconds: more is a hang


def cflint(*args, cwd=None):
    try:
        r = subprocess.run([sys.executable, "-m", "cflint", *args], capture_output=True,
                           timeout=LIMIT, cwd=cwd)
    except subprocess.TimeoutExpired:
        pytest.fail(f"cflint {' '.join(args)} did not finish in {LIMIT} s (a hang)")
    out, err = r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")
    assert "Traceback" not in out + err, err
    if r.returncode == 2:
        assert len(err.strip().splitlines()) == 1 and err.startswith("cflint: "), err
    else:
        assert r.returncode in (0, 1), (r.returncode, err)
    return r.returncode, out, err


def tree(base: Path, cf: bytes, setup=None) -> Path:
    mail = base / "etc" / "mail"
    mail.mkdir(parents=True)
    (mail / "sendmail.cf").write_bytes(cf)
    if setup:
        setup(base)
    return base


def codes_of(out: str) -> set[str]:
    return {f["code"] for f in json.loads(out)["findings"]}


def check_tree(root: Path, *extra):
    rc, out, err = cflint("check", "--root", str(root), "--format", "json", "--fail-on",
                          "never", "--now", "2026-12-01", *extra)
    assert rc == 0, err
    return codes_of(out)


# ---------------------------------------------------------------- configs

CONFIGS = {
    "non-utf8": (V + b"O ServerCertFile=/etc/mail/\xff\xfe.crt\nDj\xe9t\xe9\n" + MAIL, None),
    "nul-bytes": (V + b"O LogLevel=9\x00\nO Server\x00CertFile=/x\n" + MAIL, None),
    "crlf": ((V + b"O ServerCertFile=/etc/mail/tls/s.crt\n" + MAIL).replace(b"\n", b"\r\n"),
             None),
    "line-of-1MB": (V + b"O CipherList=" + b"A" * (1 << 20) + b"\n" + MAIL, {"CF104"}),
    "10000-continuations": (V + b"O CipherList=HIGH\n" + b"\t:x\n" * 10000 + MAIL, {"CF104"}),
    "100MB": (V + b"# padding the file past the size limit, line after line\n" * 1_900_000,
              {"CF012"}),
    "only-garbage": (os.urandom(4096), None),
}


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_hostile_config(name, tmp_path):
    data, want = CONFIGS[name]
    codes = check_tree(tree(tmp_path, data))
    assert codes, "a hostile config gives findings"
    if want:
        assert want <= codes, codes


def test_max_file_size_is_configurable(tmp_path):
    root = tree(tmp_path, V + b"O LogLevel=9\n" * 2000 + MAIL)
    assert "CF012" not in check_tree(root)
    assert "CF012" in check_tree(root, "--max-file-size", "10000")


def test_fifo_socket_device_and_loops(tmp_path):
    def setup(root):
        t = root / "etc" / "mail" / "tls"
        t.mkdir()
        os.mkfifo(t / "fifo.key")
        s = socket.socket(socket.AF_UNIX)
        s.bind(str(t / "sock.crt"))
        os.symlink("loop2", t / "loop1")
        os.symlink("loop1", t / "loop2")
        os.symlink("../../../../../../../etc/passwd", t / "dotdot.crt")
        os.symlink("/etc/shadow", t / "abs.crt")
        (t / "trunc.crt").write_bytes(b"-----BEGIN CERTIFICATE-----\nMIIB")
        (t / "garbage.crt").write_bytes(b"-----BEGIN CERTIFICATE-----\n!!not base64@@\n"
                                        b"-----END CERTIFICATE-----\n")
        (t / "trunc.key").write_bytes(b"-----BEGIN PRIVATE KEY-----\nMC4CAQ")
    cf = (V + b"O ServerCertFile=/etc/mail/tls/trunc.crt\nO ServerKeyFile=/etc/mail/tls/trunc."
          b"key\nO ClientCertFile=/etc/mail/tls/garbage.crt\nO ClientKeyFile=/etc/mail/tls/"
          b"fifo.key\nO CACertFile=/etc/mail/tls/sock.crt\nO CACertPath=/etc/mail/tls/loop1\n"
          b"O CRLFile=/etc/mail/tls/abs.crt\nO DHParameters=/etc/mail/tls/dotdot.crt\n" + MAIL)
    codes = check_tree(tree(tmp_path, cf, setup), "--check-permissions", "always")
    assert {"CF301", "CF204", "CF506", "CF405", "CF107", "CF108"} <= codes, codes
    rc, out, _ = cflint("check", "--root", str(tmp_path), "--format", "json", "--fail-on",
                        "never")
    says = {f["code"]: f["message"] for f in json.loads(out)["findings"]
            if f["code"] in ("CF405", "CF107") and ("loop1" in f["message"] or
                                                    "dotdot" in f["message"])}
    assert "symlink loop" in says["CF405"]                    # loop1 <-> loop2
    assert "leaves the --root tree" in says["CF107"]         # ../../../.. out of the root


def test_a_fifo_or_device_config_is_never_opened(tmp_path):
    mail = tmp_path / "etc" / "mail"
    mail.mkdir(parents=True)
    os.mkfifo(mail / "sendmail.cf")  # opening it for reading would block for ever
    assert check_tree(tmp_path) == {"CF012"}
    dev = tmp_path / "dev.cf"
    os.symlink("/dev/zero", dev)  # reading it would never end
    rc, out, _ = cflint("check", str(dev), "--format", "json", "--fail-on", "never")
    assert codes_of(out) == {"CF012"}


def test_symlinked_config_loop(tmp_path):
    mail = tmp_path / "etc" / "mail"
    mail.mkdir(parents=True)
    os.symlink("submit.cf", mail / "sendmail.cf")
    os.symlink("sendmail.cf", mail / "submit.cf")
    assert check_tree(tmp_path) == {"CF012"}


def test_deep_m4_nesting_and_runaway_mc(tmp_path):
    mail = tmp_path / "etc" / "mail"
    mail.mkdir(parents=True)
    (mail / "sendmail.mc").write_text("define(`confX', " + "`" * 5000 + "x" + "'" * 5000 +
                                      ")dnl\n" + "(" * 5000 + "\n")
    check_tree(tmp_path)
    (mail / "sendmail.mc").write_text("include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
                                      "define(`a', `a a')a\n")
    rc, out, _ = cflint("check", str(mail / "sendmail.mc"), "--format", "json",
                        "--fail-on", "never")
    assert rc == 0


# ---------------------------------------------------------------- archives

def _tar(path: Path, members):
    with tarfile.open(path, "w") as t:
        for info, data in members:
            t.addfile(info, io.BytesIO(data) if data is not None else None)


def _member(name, data=b"", kind=None, linkname="", dev=(0, 0)):
    info = tarfile.TarInfo(name)
    info.size = len(data) if kind is None else 0
    if kind is not None:
        info.type, info.linkname = kind, linkname
        info.devmajor, info.devminor = dev
    return info, (data if kind is None else None)


CF = V + b"O ServerCertFile=/etc/mail/tls/s.crt\nO ServerKeyFile=/etc/mail/tls/s.key\n" + MAIL


@pytest.mark.parametrize("name,members,want", [
    ("dotdot", [_member("etc/mail/sendmail.cf", CF), _member("../../evil", b"x")], {"CF012"}),
    ("absolute", [_member("/etc/mail/sendmail.cf", CF), _member("/etc/shadow", b"x")],
     {"CF301"}),
    ("duplicates", [_member("etc/mail/sendmail.cf", b"x"), _member("etc/mail/sendmail.cf", CF)],
     {"CF012", "CF301"}),
    ("hard-and-device", [_member("etc/mail/sendmail.cf", CF),
                         _member("etc/mail/tls/s.crt", kind=tarfile.LNKTYPE,
                                 linkname="etc/mail/sendmail.cf"),
                         _member("etc/mail/tls/s.key", kind=tarfile.CHRTYPE, dev=(1, 5))],
     {"CF301", "CF506"}),
    ("hard-link-out", [_member("etc/mail/sendmail.cf", CF),
                       _member("etc/mail/tls/s.crt", kind=tarfile.LNKTYPE,
                               linkname="../../../etc/passwd")], {"CF012"}),
])
def test_hostile_archive(name, members, want, tmp_path):
    arc = tmp_path / f"{name}.tar"
    _tar(arc, members)
    rc, out, err = cflint("check", str(arc), "--format", "json", "--fail-on", "never",
                          "--check-permissions", "always")
    assert want <= codes_of(out), codes_of(out)


@pytest.mark.parametrize("data", [b"", b"\x1f\x8b\x08 truncated gzip", b"x" * 600])
def test_broken_archives(data, tmp_path):
    arc = tmp_path / "host.tar.gz"
    arc.write_bytes(data)
    rc, out, _ = cflint("check", str(arc), "--format", "json", "--fail-on", "never")
    assert codes_of(out) == {"CF012"}


# ---------------------------------------------------------------- never leak

def _key_material():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    return rsa_key, ec_key, serialization


def test_no_output_contains_key_material(tmp_path):
    rsa_key, ec_key, ser = _key_material()
    pems = {}
    for name, key in (("server.key", rsa_key), ("client.key", ec_key)):
        pems[name] = key.private_bytes(ser.Encoding.PEM, ser.PrivateFormat.TraditionalOpenSSL,
                                       ser.NoEncryption())
    tls = tmp_path / "etc" / "mail" / "tls"
    tls.mkdir(parents=True)
    for name, pem in pems.items():
        (tls / name).write_bytes(pem)
        os.chmod(tls / name, 0o644)  # exposed: findings quote paths, modes, key sizes
    (tls / "stray.key").write_bytes(pems["server.key"])
    (tls / "combined.crt").write_bytes(pems["client.key"])  # a key where a cert is expected
    (tls / "cakey.pem").write_bytes(pems["client.key"])
    cf = (V + b"O ServerCertFile=/etc/mail/tls/combined.crt\nO ServerKeyFile=/etc/mail/tls/"
          b"server.key\nO ClientCertFile=/etc/mail/tls/server.key\nO ClientKeyFile=/etc/mail/"
          b"tls/client.key\nO CACertFile=/etc/mail/tls/cakey.pem\nO CACertPath=/etc/mail/tls\n"
          + MAIL)
    tree(tmp_path / "x", b"")  # a second, empty-config host for the audit
    (tmp_path / "etc" / "mail" / "sendmail.cf").write_bytes(cf)
    (tmp_path / "etc" / "mail" / "sendmail.mc").write_bytes(
        b"include(`/etc/mail/tls/server.key')dnl\n")
    secrets = []
    for pem in pems.values():
        body = [ln for ln in pem.decode().splitlines() if ln and not ln.startswith("-----")]
        secrets += [ln for ln in body if len(ln) >= 16]
        der = base64.b64decode("".join(body))
        secrets.append(base64.b64encode(der)[16:48].decode())
        secrets.append(der.hex()[64:96])
        secrets.append(der.hex()[200:232])
        secrets.append(der.hex()[200:232].upper())
    for key in (rsa_key, ec_key):
        nums = key.private_numbers()
        for v in ([nums.d, nums.p, nums.q] if hasattr(nums, "p") else [nums.private_value]):
            secrets += [f"{v:x}"[:24], str(v)[:24]]
    outputs = []
    for fmt in ("text", "json", "sarif", "github"):
        rc, out, err = cflint("check", "--root", str(tmp_path), "--format", fmt, "--fail-on",
                              "never", "--check-permissions", "always")
        outputs += [out, err]
    rc, out, err = cflint("check", "--root", str(tmp_path), "--statistics")
    outputs += [out, err]
    out_dir = tmp_path.parent / (tmp_path.name + "-audit")
    out_dir.mkdir()
    files = [out_dir / f"a.{f}" for f in ("txt", "json", "csv", "html", "sarif")]
    args = []
    for f, p in zip(("text", "json", "csv", "html", "sarif"), files):
        args += ["-f", f, "-o", str(p)]
    rc, out, err = cflint("audit", str(tmp_path), *args, "-q")
    outputs += [out, err] + [p.read_text() for p in files]
    everything = "\n".join(outputs)
    assert "CF2" in everything  # the keys were looked at
    for s in secrets:
        assert s not in everything, "key material in an output"


# ---------------------------------------------------------------- never write

def _snapshot(root: Path) -> dict:
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            p = Path(dirpath) / name
            st = p.lstat()
            data = p.read_bytes() if p.is_file() and not p.is_symlink() else None
            out[str(p.relative_to(root))] = (st.st_mode, st.st_uid, st.st_gid, st.st_size,
                                             st.st_mtime_ns, data,
                                             os.readlink(p) if p.is_symlink() else None)
    return out


def test_linting_changes_nothing(tmp_path):
    import pki_fixtures
    from test_audit import make_host

    root = tmp_path / "host"
    make_host(root, "groupkey")
    mail = root / "etc" / "mail"
    (mail / "sendmail.mc").write_text("include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
                                      "define(`confLOG_LEVEL', `9')dnl\n")
    os.symlink("tls/server.crt", mail / "link.crt")
    arc = tmp_path / "host.tar.gz"
    with tarfile.open(arc, "w:gz") as t:
        t.add(root / "etc", arcname="etc")
    before, arc_before = _snapshot(root), (arc.read_bytes(), arc.stat().st_mtime_ns)
    for fmt in ("text", "json", "sarif", "github"):
        cflint("check", "--root", str(root), "--format", fmt, "--check-permissions", "always")
        cflint("check", str(mail), "--format", fmt)
        cflint("check", str(arc), "--format", fmt)
    cflint("audit", str(root), str(arc), "-q", "-f", "json", "-o", str(tmp_path / "a.json"))
    assert _snapshot(root) == before
    assert (arc.read_bytes(), arc.stat().st_mtime_ns) == arc_before
    assert pki_fixtures  # (the fixture material came from there)


def test_certificates_with_unusual_extensions(tmp_path):
    import datetime as dt

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID, ObjectIdentifier

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "odd.example.test")])
    start = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number((1 << 159) - 1)
            .not_valid_before(start).not_valid_after(start + dt.timedelta(days=30000))
            .add_extension(x509.UnrecognizedExtension(ObjectIdentifier("1.3.6.1.4.1.99999.1"),
                                                      b"\x04\x03odd"), critical=True)
            .add_extension(x509.SubjectAlternativeName([
                x509.OtherName(ObjectIdentifier("1.3.6.1.4.1.99999.2"), b"\x0c\x03abc"),
                x509.RFC822Name("postmaster@example.test"),
                x509.UniformResourceIdentifier("ldap://example.test/"),
                x509.DNSName("*.example.test")]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ObjectIdentifier("1.3.6.1.4.1.99999.3")]),
                           critical=True)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .sign(key, hashes.SHA256()))
    tls = tmp_path / "etc" / "mail" / "tls"
    tls.mkdir(parents=True)
    (tls / "odd.crt").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tls / "odd.key").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    os.chmod(tls / "odd.key", 0o600)
    cf = (V + b"O ServerCertFile=/etc/mail/tls/odd.crt\nO ServerKeyFile=/etc/mail/tls/odd.key\n"
          b"O CACertFile=/etc/mail/tls/odd.crt\nO CACertPath=/etc/mail/tls\n" + MAIL)
    (tmp_path / "etc" / "mail" / "sendmail.cf").write_bytes(cf)
    rc, out, err = cflint("check", "--root", str(tmp_path), "--format", "json", "--fail-on",
                          "never", "--now", "2026-12-01", "--hostname", "mail.example.test")
    found = json.loads(out)["findings"]
    codes = {f["code"] for f in found}
    # judged, not crashed: no serverAuth usage, an 82-year life (the wildcard SAN matches)
    assert {"CF306", "CF310"} <= codes and "CF307" not in codes, codes
    assert any(f["evidence"].get("subject") == "CN=odd.example.test" for f in found)
