"""OpenSSL is the judge of the CA directory rules (CF401-CF404).

* the links cflint says must exist are the links `openssl rehash` creates;
* `openssl verify -CApath DIR -no-CAfile leaf.pem` succeeds exactly when cflint reports no
  CF401-CF404 for the leaf's CA;
* of two CAs with one subject (``<hash>.0`` and ``.1``), a leaf of each verifies exactly when
  cflint reports no CF404 for the pair (OpenSSL picks the issuer by key identifiers).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from cflint.cli import main

NOW = "2026-12-01T00:00:00Z"
START = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)
LINK_CODES = {"CF401", "CF402", "CF403", "CF404"}


@pytest.fixture(scope="module")
def openssl():
    path = shutil.which("openssl")
    if path is None:
        pytest.fail("openssl is needed to judge the CA directory rules")
    return path


def _name(cn, extra=()):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn), *extra])


def make_ca(cn, extra=(), key=None, skid=None, days=3650):
    """A self-signed CA; ``skid``: None (no subjectKeyIdentifier), "key" (from its key) or
    the identifier's bytes."""
    key = key or ec.generate_private_key(ec.SECP256R1())
    name = _name(cn, extra)
    b = x509.CertificateBuilder()
    if skid is not None:
        b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key())
                            if skid == "key" else x509.SubjectKeyIdentifier(skid),
                            critical=False)
    cert = (b.subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(START).not_valid_after(START + dt.timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True,
                                         crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, encipher_only=False,
                                         decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return key, cert


def make_leaf(ca_key, ca_cert, cn="mail.example.test", akid=False):
    """A leaf; ``akid``: with an authorityKeyIdentifier (the issuer's key's)."""
    key = ec.generate_private_key(ec.SECP256R1())
    b = x509.CertificateBuilder()
    if akid:  # as openssl's authorityKeyIdentifier=keyid: the issuer's SKID, else its key's
        try:
            b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(
                ca_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value),
                critical=False)
        except x509.ExtensionNotFound:
            b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                ca_key.public_key()), critical=False)
    return (b.subject_name(_name(cn)).issuer_name(ca_cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(START).not_valid_after(START + dt.timedelta(days=365))
            .sign(ca_key, hashes.SHA256()))


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM)


def ossl_hash(openssl, path: Path, old=False) -> str:
    flag = "-subject_hash_old" if old else "-hash"
    return subprocess.run([openssl, "x509", "-noout", flag, "-in", str(path)],
                          capture_output=True, text=True, check=True).stdout.strip()


def lint_capath(tmp: Path, capath: Path, server_cert: Path | None = None) -> list[dict]:
    cafile = tmp / "cafile.pem"
    if not cafile.exists():
        cafile.write_bytes(pem(make_ca("unrelated CA")[1]))
    cf = tmp / "sendmail.cf"
    cf.write_text(f"V10/Berkeley\nO CACertFile={cafile}\nO CACertPath={capath}\n"
                  + (f"O ServerCertFile={server_cert}\n" if server_cert else "") +
                  "Mlocal, P=/usr/lib/sm.bin/mail.local, A=mail.local -l\n")
    out = tmp / "out.json"
    assert main(["check", str(cf), "--format", "json", "--fail-on", "never", "-o", str(out),
                 "--now", NOW, "--select", "CF4"]) == 0
    return json.loads(out.read_text())["findings"]


TRICKY = [
    ("Plain CA", ()),
    ("  Spaced   Out   CA  ", ()),
    ("UPPER case ca", ()),
    ("Ünïcödé CA", ()),
    ("CA", (x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Example  Org"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "DE"))),
    ("Mail CA", (x509.NameAttribute(NameOID.EMAIL_ADDRESS, "Ca@Example.Test"),)),
]


def test_links_cflint_asks_for_are_the_links_openssl_rehash_makes(openssl, tmp_path):
    plain = tmp_path / "plain"
    plain.mkdir()
    for i, (cn, extra) in enumerate(TRICKY):
        (plain / f"ca{i}.pem").write_bytes(pem(make_ca(cn, extra)[1]))
    # two CAs with the same subject: the same hash, suffixes .0 and .1
    (plain / "twin-a.pem").write_bytes(pem(make_ca("Twin CA")[1]))
    (plain / "twin-b.pem").write_bytes(pem(make_ca("Twin CA")[1]))
    rehashed = tmp_path / "rehashed"
    shutil.copytree(plain, rehashed)
    subprocess.run([openssl, "rehash", str(rehashed)], check=True, capture_output=True)
    made = sorted((name.split(".")[0], os.readlink(rehashed / name))
                  for name in os.listdir(rehashed) if os.path.islink(rehashed / name))
    asked = []
    for f in lint_capath(tmp_path, plain):
        assert f["code"] == "CF401", f
        m = re.search(r"ln -s (\S+) ([0-9a-f]{8})\.\d+", f["fix"])
        asked.append((m.group(2), m.group(1)))
    assert sorted(asked) == made
    # once rehashed, nothing is missing; the twins stay a warning: OpenSSL takes the first
    left = [f for f in lint_capath(tmp_path, rehashed) if f["code"] in LINK_CODES]
    assert [(f["code"], "same subject" in f["message"]) for f in left] == [("CF404", True)]


def _scenario(openssl, d: Path, kind: str):
    """A CA directory for one CA, arranged as ``kind``; returns the leaf file."""
    d.mkdir()
    ca_key, ca = make_ca(f"Judge CA {kind}")
    (d / "ca.pem").write_bytes(pem(ca))
    h = ossl_hash(openssl, d / "ca.pem")
    old = ossl_hash(openssl, d / "ca.pem", old=True)
    links = {
        "good": [(f"{h}.0", "ca.pem")],
        "missing": [],
        "old-hash": [(f"{old}.0", "ca.pem")],
        "gap": [(f"{h}.1", "ca.pem")],
        "dangling-then-good": [(f"{h}.0", "gone.pem"), (f"{h}.1", "ca.pem")],
        "good-plus-stale": [(f"{h}.0", "ca.pem"), ("0badc0de.0", "ca.pem")],
        "second-slot": [(f"{h}.0", "other.pem"), (f"{h}.1", "ca.pem")],
    }[kind]
    if kind == "second-slot":  # another CA with the same name in .0: OpenSSL goes on to .1
        (d / "other.pem").write_bytes(pem(make_ca(f"Judge CA {kind}")[1]))
    for name, target in links:
        os.symlink(target, d / name)
    leaf = d.parent / f"{kind}-leaf.pem"
    leaf.write_bytes(pem(make_leaf(ca_key, ca)))
    return leaf


@pytest.mark.parametrize("kind", ["good", "missing", "old-hash", "gap", "dangling-then-good",
                                  "good-plus-stale", "second-slot"])
def test_openssl_verify_agrees(kind, openssl, tmp_path):
    capath = tmp_path / "capath"
    leaf = _scenario(openssl, capath, kind)
    r = subprocess.run([openssl, "verify", "-no-CAfile", "-CApath", str(capath),
                        "-attime", str(int(dt.datetime(2026, 12, 1).timestamp())), str(leaf)],
                       capture_output=True, text=True)
    verified = r.returncode == 0
    findings = [f for f in lint_capath(tmp_path, capath) if f["code"] in LINK_CODES]
    # the findings that keep OpenSSL from finding this CA: CF401 for ca.pem, and the
    # dangling links and suffix gaps on its hash (CF403 on an extra stale link does not)
    about_ca = [f for f in findings if (f["code"] == "CF401" and "ca.pem" in f["fix"])
                or f["code"] in ("CF402", "CF404")]
    assert verified == (not about_ca), (kind, r.stdout + r.stderr, findings)


def _verifies(openssl, capath: Path, leaf: Path) -> bool:
    r = subprocess.run([openssl, "verify", "-no-CAfile", "-CApath", str(capath),
                        "-attime", str(int(dt.datetime(2026, 12, 1).timestamp())), str(leaf)],
                       capture_output=True, text=True)
    return r.returncode == 0


TWIN_KINDS = {  # kind: OpenSSL can tell the two CAs apart for every leaf
    "distinct-skid": True,       # each CA its key's SKID, each leaf an AKID
    "same-key": True,            # a renewed root with the same key: either one verifies
    "no-skid": False,            # a.pem without SKID: the AKID of b's leaf does not rule it out
    "equal-skid": False,         # two keys, one SKID value
    "leaf-without-akid": False,  # distinct SKIDs, but the configured leaf has no AKID
}


@pytest.mark.parametrize("kind", list(TWIN_KINDS))
def test_same_subject_cas_made_by_openssl_rehash(kind, openssl, tmp_path):
    """Two CAs with one subject (a renewed, re-keyed or cross-signed root), linked by
    ``openssl rehash`` (a.pem <hash>.0, b.pem <hash>.1), and a leaf of each; b's leaf is the
    configured ServerCertFile. OpenSSL loads both and picks the issuer by key identifiers:
    CF404 reports the pair exactly when some leaf fails ``openssl verify -CApath``."""
    capath = tmp_path / "capath"
    capath.mkdir()
    key_a = ec.generate_private_key(ec.SECP256R1())
    key_b = key_a if kind == "same-key" else ec.generate_private_key(ec.SECP256R1())
    skid_b = (x509.SubjectKeyIdentifier.from_public_key(key_a.public_key()).digest
              if kind == "equal-skid" else "key")
    a = make_ca("Twin CA", key=key_a, skid=None if kind == "no-skid" else "key")[1]
    b = make_ca("Twin CA", key=key_b, skid=skid_b, days=7300)[1]
    (capath / "a.pem").write_bytes(pem(a))
    (capath / "b.pem").write_bytes(pem(b))
    subprocess.run([openssl, "rehash", str(capath)], check=True, capture_output=True)
    h = ossl_hash(openssl, capath / "a.pem")
    assert [os.readlink(capath / f"{h}.{n}") for n in (0, 1)] == ["a.pem", "b.pem"]
    leaves = []
    for name, key, ca in (("a", key_a, a), ("b", key_b, b)):
        leaves.append(tmp_path / f"leaf-{name}.pem")
        leaves[-1].write_bytes(pem(make_leaf(key, ca, akid=kind != "leaf-without-akid")))
    verified = [_verifies(openssl, capath, x) for x in leaves]
    assert verified[0]  # a is <hash>.0, the first OpenSSL tries
    assert verified[1] == TWIN_KINDS[kind], (kind, verified)
    findings = [f for f in lint_capath(tmp_path, capath, leaves[1]) if f["code"] in LINK_CODES]
    if TWIN_KINDS[kind]:
        assert findings == [], (kind, findings)
        return
    assert [f["code"] for f in findings] == ["CF404"], (kind, findings)
    msg, fix = findings[0]["message"], findings[0]["fix"]
    why = {"no-skid": "no subject key identifier", "equal-skid": "same subject key identifier",
           "leaf-without-akid": f"{leaves[1]} has no authority key identifier"}[kind]
    assert "same subject" in msg and why in msg, msg
    assert f"openssl rehash {capath}" in fix, fix


@pytest.mark.parametrize("name", ["capath-twins", "capath-twin-no-skid",
                                  "capath-twin-equal-skid", "capath-twin-leaf-no-akid"])
def test_same_subject_fixtures_judged_by_openssl(name, openssl, tmp_path):
    """The CF404 rule fixtures' CA directories: their links are those openssl rehash
    makes, and CF404 reports the twins exactly when OpenSSL fails to verify the server or
    client certificate (both issued by the CA, <hash>.1) through them."""
    import pki_fixtures

    d = tmp_path / "tls"
    pki_fixtures.materialize(name, d)
    certs, redone = d / "certs", tmp_path / "rehashed"
    redone.mkdir()
    for f in certs.glob("*.crt"):
        shutil.copy(f, redone / f.name)
    subprocess.run([openssl, "rehash", str(redone)], check=True, capture_output=True)
    links = {p.name: os.readlink(p) for p in certs.iterdir() if p.is_symlink()}
    assert links == {p.name: os.readlink(p) for p in redone.iterdir() if p.is_symlink()}
    assert len(links) == 2
    verified = all(_verifies(openssl, certs, d / f) for f in ("server.crt", "client.crt"))
    findings = [f for f in lint_capath(tmp_path, certs, d / "server.crt")
                if f["code"] in LINK_CODES]
    assert [f["code"] for f in findings] == ([] if verified else ["CF404"]), findings
    assert verified == (name == "capath-twins")


def test_cflint_hash_prints_what_openssl_prints(openssl, tmp_path, capsys):
    files = []
    for i, (cn, extra) in enumerate(TRICKY):
        f = tmp_path / f"c{i}.pem"
        f.write_bytes(pem(make_ca(cn, extra)[1]))
        files.append(f)
    der = tmp_path / "c.der"
    der.write_bytes(make_ca("DER CA")[1].public_bytes(serialization.Encoding.DER))
    for old in (False, True):
        assert main(["hash", *map(str, files), *(["--old"] if old else [])]) == 0
        got = capsys.readouterr().out.split()
        assert got == [ossl_hash(openssl, f, old) for f in files]
    r = subprocess.run([openssl, "x509", "-inform", "DER", "-noout", "-hash", "-in", str(der)],
                       capture_output=True, text=True, check=True)
    assert main(["hash", str(der)]) == 0
    assert capsys.readouterr().out.strip() == r.stdout.strip()
    garbage = tmp_path / "g.pem"
    garbage.write_text("nothing\n")
    assert main(["hash", str(garbage)]) == 2
    assert "no certificate" in capsys.readouterr().err
