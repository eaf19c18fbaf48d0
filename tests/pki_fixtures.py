"""The recipe for every key/certificate fixture of the PKI tests (no hand-made blobs).

Each ``Scenario`` writes one server installation's TLS files into a directory and returns
the cf options that name them (file names relative to that directory; a value may be
``"a,b"`` for sendmail's second pair).  ``materialize(name, directory)`` builds one
scenario and sets the modes sendmail expects (keys 0600, certificates 0644, directories
0755).  Run as a script to look at the material::

    python tests/pki_fixtures.py OUTDIR [SCENARIO...]     # writes OUTDIR/<name>/

Material comes from ``cryptography``; the ``openssl`` CLI is used only for what
cryptography refuses to produce: SHA-1 and MD5 signatures (cryptography >= 4x will not sign
with them; the certificate is built by cryptography, self-signed, then re-signed with
``openssl x509 -CA/-key -preserve_dates -sha1|-md5``) and the OpenSSL subject hash of the
``certs/<hash>.0`` links (``openssl x509 -noout -hash``).

Default layout of every scenario (each scenario changes one thing)::

    server.crt  server.key     RSA 2048, SHA-256 by the CA, serverAuth, SAN mail.example.test,
                               valid 2026-06-01..2027-06-01 (valid at NOW, > 30 days left)
    client.crt  client.key     RSA 2048, SHA-256 by the CA, clientAuth
    ca.crt                     the CA: RSA 2048, CA:TRUE, SHA-256 (CACertFile)
    certs/ca.crt certs/<hash>.0 -> ca.crt                             (CACertPath)

Keys are PKCS#8 PEM unless the scenario says otherwise.  Keys are random (generated once
per process and shared between scenarios); names, subjects and dates are fixed.  No
function here prints key material.
"""
from __future__ import annotations

import functools
import os
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime(2026, 12, 1, tzinfo=timezone.utc)   # the injected "now" for every verdict
HOST = "mail.example.test"                           # the cf's Dj; the default SAN
OTHER_HOST = "other.example.test"

VALID_FROM = datetime(2026, 6, 1, tzinfo=timezone.utc)
VALID_TO = datetime(2027, 6, 1, tzinfo=timezone.utc)
CA_FROM = datetime(2026, 1, 1, tzinfo=timezone.utc)
CA_TO = datetime(2036, 1, 1, tzinfo=timezone.utc)

KEY_MODE, CERT_MODE, DIR_MODE = 0o600, 0o644, 0o755
CA_DIR = "certs"


@dataclass(frozen=True)
class Scenario:
    name: str
    # writes files into a directory, returns {cf option name: file name in that dir}
    build: Callable[[Path], dict[str, str]]
    codes: frozenset[str]                    # cflint codes expected among the findings
    note: str = ""


# ------------------------------------------------------------------------- keys


@functools.lru_cache(maxsize=None)
def _key(label: str, kind: str = "rsa2048"):
    """One private key per label, generated once per process (random material)."""
    if kind.startswith("rsa"):
        return rsa.generate_private_key(public_exponent=65537, key_size=int(kind[3:]))
    if kind == "p256":
        return ec.generate_private_key(ec.SECP256R1())
    if kind == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    raise ValueError(f"unknown key kind {kind!r}")


def key_bytes(key, form: str = "pkcs8") -> bytes:
    """Serialize a private key: pkcs8 (BEGIN PRIVATE KEY), traditional (BEGIN RSA/EC
    PRIVATE KEY), der (PKCS#8 DER), enc-traditional (Proc-Type: 4,ENCRYPTED),
    enc-pkcs8 (BEGIN ENCRYPTED PRIVATE KEY).  The passphrase of the encrypted forms is
    ``x``."""
    enc = serialization.Encoding
    fmt = serialization.PrivateFormat
    none = serialization.NoEncryption()
    pw = serialization.BestAvailableEncryption(b"x")
    if form == "pkcs8":
        return key.private_bytes(enc.PEM, fmt.PKCS8, none)
    if form == "traditional":
        return key.private_bytes(enc.PEM, fmt.TraditionalOpenSSL, none)
    if form == "der":
        return key.private_bytes(enc.DER, fmt.PKCS8, none)
    if form == "enc-traditional":
        return key.private_bytes(enc.PEM, fmt.TraditionalOpenSSL, pw)
    if form == "enc-pkcs8":
        return key.private_bytes(enc.PEM, fmt.PKCS8, pw)
    raise ValueError(f"unknown key form {form!r}")


def cert_sha256(pem_file: Path) -> str:
    """The SHA-256 of the (first) certificate in a PEM file, as cflint shows it (AB:CD:...)."""
    import hashlib
    import ssl

    der = ssl.PEM_cert_to_DER_cert(Path(pem_file).read_text())
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def cert_pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


# ------------------------------------------------------------------------- certificates


def _name(cn: str, org: str = "cflint tests") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def _ski(key) -> x509.SubjectKeyIdentifier:
    return x509.SubjectKeyIdentifier.from_public_key(key.public_key())


def _sign_hash(key):
    return None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()


@dataclass(frozen=True)
class Issuer:
    key: object
    cert: x509.Certificate


@functools.lru_cache(maxsize=None)
def _ca(label: str = "ca", cn: str = "cflint test CA", org: str = "cflint tests",
        not_before: datetime = CA_FROM, not_after: datetime = CA_TO) -> Issuer:
    """A self-signed root CA: CA:TRUE, keyCertSign, SKID, SHA-256 (its own key)."""
    key = _key(label)
    name = _name(cn, org)
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(_ski(key), critical=False)
            .sign(key, hashes.SHA256()))
    return Issuer(key, cert)


@functools.lru_cache(maxsize=None)
def _intermediate() -> Issuer:
    """An intermediate CA (CA:TRUE, pathlen 0) signed by the default CA."""
    root = _ca()
    key = _key("intermediate")
    cert = (x509.CertificateBuilder()
            .subject_name(_name("cflint test intermediate CA")).issuer_name(root.cert.subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(CA_FROM).not_valid_after(datetime(2031, 1, 1, tzinfo=timezone.utc))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False,
                                         key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False,
                                         decipher_only=False), critical=True)
            .add_extension(_ski(key), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
                root.key.public_key()), critical=False)
            .sign(root.key, hashes.SHA256()))
    return Issuer(key, cert)


def leaf(key, issuer: Issuer | None, *, cn: str = HOST, sans: tuple[str, ...] = (HOST,),
         eku: tuple = (ExtendedKeyUsageOID.SERVER_AUTH,),
         not_before: datetime = VALID_FROM, not_after: datetime = VALID_TO,
         digest: str = "sha256") -> x509.Certificate:
    """An end-entity certificate (CA:FALSE) for ``key``, signed by ``issuer`` (None:
    self-signed).  ``digest`` sha1/md5 goes through the openssl CLI (cryptography refuses
    those signatures)."""
    rsa_key = isinstance(key, rsa.RSAPrivateKey)
    subject = _name(cn)
    b = (x509.CertificateBuilder()
         .subject_name(subject)
         .public_key(key.public_key())
         .serial_number(x509.random_serial_number())
         .not_valid_before(not_before).not_valid_after(not_after)
         .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
         .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False,
                                      key_encipherment=rsa_key, data_encipherment=False,
                                      key_agreement=False, key_cert_sign=False,
                                      crl_sign=False, encipher_only=False,
                                      decipher_only=False), critical=True))
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(list(eku)), critical=False)
    if sans:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(s) for s in sans]),
                            critical=False)
    if digest == "sha256":
        b = b.add_extension(_ski(key), critical=False)
        if issuer is None:
            return b.issuer_name(subject).sign(key, _sign_hash(key))
        b = b.add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(
            issuer.key.public_key()), critical=False)
        return b.issuer_name(issuer.cert.subject).sign(issuer.key, _sign_hash(issuer.key))
    if digest not in ("sha1", "md5"):
        raise ValueError(f"unsupported digest {digest!r}")
    # cryptography will not sign with SHA-1/MD5: self-sign with SHA-256, then let openssl
    # re-sign the same certificate (dates, serial and extensions kept; openssl adds the
    # key identifiers) with the weak digest.
    proto = b.issuer_name(subject).sign(key, _sign_hash(key))
    return _openssl_resign(proto, key, issuer, digest)


def _openssl_resign(proto: x509.Certificate, key, issuer: Issuer | None,
                    digest: str) -> x509.Certificate:
    with tempfile.TemporaryDirectory(prefix="cflint-pki-") as tmp:  # mode 0700
        t = Path(tmp)

        def put(name: str, data: bytes, mode: int) -> str:
            p = t / name
            fd = os.open(p, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            return str(p)

        src = put("in.crt", cert_pem(proto), 0o600)
        out = str(t / "out.crt")
        cmd = ["openssl", "x509", "-in", src, "-out", out, "-preserve_dates",
               f"-{digest}", "-set_serial", str(proto.serial_number)]
        if issuer is None:
            cmd += ["-key", put("self.key", key_bytes(key), 0o600)]
        else:
            cmd += ["-CA", put("ca.crt", cert_pem(issuer.cert), 0o600),
                    "-CAkey", put("ca.key", key_bytes(issuer.key), 0o600)]
        proc = subprocess.run(cmd, capture_output=True, timeout=60)
        if proc.returncode != 0 or not os.path.isfile(out):
            raise RuntimeError(f"openssl x509 re-sign with {digest} failed (exit "
                               f"{proc.returncode}): {proc.stderr.decode('latin-1')[:500]}")
        cert = x509.load_pem_x509_certificate(Path(out).read_bytes())
    want = {"sha1": "sha1", "md5": "md5"}[digest]
    got = cert.signature_hash_algorithm.name if cert.signature_hash_algorithm else None
    if got != want:
        raise RuntimeError(f"openssl produced a {got} signature, not {want}")
    return cert


def subject_hash(cert_file: Path) -> str:
    """OpenSSL's subject hash (``openssl x509 -noout -hash``), the name of a CACertPath link."""
    proc = subprocess.run(["openssl", "x509", "-noout", "-hash", "-in", str(cert_file)],
                          capture_output=True, timeout=60)
    out = proc.stdout.decode("ascii", "replace").strip()
    if proc.returncode != 0 or len(out) != 8:
        raise RuntimeError(f"openssl x509 -hash {cert_file} failed: "
                           f"{proc.stderr.decode('latin-1')[:300]}")
    return out


# ------------------------------------------------------------------------- layout


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _ca_dir(d: Path, certs: list[tuple[str, bytes]]) -> None:
    """certs/ with each certificate and its ``<hash>.N`` symbolic link (as c_rehash makes)."""
    cdir = d / CA_DIR
    cdir.mkdir(parents=True, exist_ok=True)
    for fname, pem in certs:
        _write(cdir / fname, pem)
        h = subject_hash(cdir / fname)
        n = 0
        while os.path.lexists(cdir / f"{h}.{n}"):
            n += 1
        os.symlink(fname, cdir / f"{h}.{n}")


def _server_key():
    return _key("server")


def _server_cert(**kw) -> x509.Certificate:
    return leaf(_server_key(), _ca(), **kw)


@functools.lru_cache(maxsize=None)
def _client_cert() -> x509.Certificate:
    return leaf(_key("client"), _ca(), cn="client " + HOST,
                eku=(ExtendedKeyUsageOID.CLIENT_AUTH,))


def _layout(d: Path, *, key: bytes | None = None, cert: bytes | None = None,
            cafile: bytes | None = None, ca_dir: list[tuple[str, bytes]] | None = None,
            extra: dict[str, bytes] | None = None,
            options: dict[str, str] | None = None) -> dict[str, str]:
    """Write the default layout with the given parts replaced; return the cf options."""
    ca_pem = cert_pem(_ca().cert)
    _write(d / "server.crt", cert_pem(_server_cert()) if cert is None else cert)
    _write(d / "server.key", key_bytes(_server_key()) if key is None else key)
    _write(d / "client.crt", cert_pem(_client_cert()))
    _write(d / "client.key", key_bytes(_key("client")))
    _write(d / "ca.crt", ca_pem if cafile is None else cafile)
    _ca_dir(d, [("ca.crt", ca_pem)] if ca_dir is None else ca_dir)
    for fname, data in (extra or {}).items():
        _write(d / fname, data)
    opts = {"ServerCertFile": "server.crt", "ServerKeyFile": "server.key",
            "ClientCertFile": "client.crt", "ClientKeyFile": "client.key",
            "CACertFile": "ca.crt", "CACertPath": CA_DIR}
    opts.update(options or {})
    return opts


# ------------------------------------------------------------------------- scenarios


def _good_rsa(d: Path) -> dict[str, str]:
    return _layout(d)


def _good_ec(d: Path) -> dict[str, str]:
    k = _key("server-ec", "p256")
    return _layout(d, key=key_bytes(k), cert=cert_pem(leaf(k, _ca())))


def _good_pkcs1(d: Path) -> dict[str, str]:
    return _layout(d, key=key_bytes(_server_key(), "traditional"))


def _good_combined(d: Path) -> dict[str, str]:
    both = cert_pem(_server_cert()) + key_bytes(_server_key())
    opts = _layout(d, extra={"server.pem": both},
                   options={"ServerCertFile": "server.pem", "ServerKeyFile": "server.pem"})
    (d / "server.crt").unlink()   # only the combined file holds the server pair
    (d / "server.key").unlink()
    return opts


def _good_ed25519(d: Path) -> dict[str, str]:
    k = _key("server-ed25519", "ed25519")
    return _layout(d, key=key_bytes(k), cert=cert_pem(leaf(k, _ca())))


def _encrypted_pem(d: Path) -> dict[str, str]:
    return _layout(d, key=key_bytes(_server_key(), "enc-traditional"))


def _encrypted_pkcs8(d: Path) -> dict[str, str]:
    return _layout(d, key=key_bytes(_server_key(), "enc-pkcs8"))


def _mismatch(d: Path) -> dict[str, str]:
    return _layout(d, key=key_bytes(_key("other")))


def _der_key(d: Path) -> dict[str, str]:
    return _layout(d, key=key_bytes(_server_key(), "der"))


def _empty_key(d: Path) -> dict[str, str]:
    return _layout(d, key=b"")


GARBAGE = (b"This file was meant to hold a key or a certificate.\n"
           b"It holds neither: no PEM block, no DER structure.\n")


def _garbage_key(d: Path) -> dict[str, str]:
    return _layout(d, key=GARBAGE)


def _der_cert(d: Path) -> dict[str, str]:
    return _layout(d, cert=_server_cert().public_bytes(serialization.Encoding.DER))


def _empty_cert(d: Path) -> dict[str, str]:
    return _layout(d, cert=b"")


def _garbage_cert(d: Path) -> dict[str, str]:
    return _layout(d, cert=GARBAGE)


def _rsa1024(d: Path) -> dict[str, str]:
    k = _key("server-1024", "rsa1024")
    return _layout(d, key=key_bytes(k), cert=cert_pem(leaf(k, _ca())))


def _weak_by_ca(digest: str) -> Callable[[Path], dict[str, str]]:
    def build(d: Path) -> dict[str, str]:
        return _layout(d, cert=cert_pem(_server_cert(digest=digest)))
    return build


def _selfsigned(digest: str) -> Callable[[Path], dict[str, str]]:
    def build(d: Path) -> dict[str, str]:
        k = _key("server-selfsigned")
        pem = cert_pem(leaf(k, None, digest=digest))
        # Debian style: the self-signed server certificate is its own CACertFile
        opts = _layout(d, key=key_bytes(k), cert=pem, ca_dir=[("server.crt", pem)],
                       options={"CACertFile": "server.crt"})
        (d / "ca.crt").unlink()   # the CA is not part of this installation
        return opts
    return build


def _dated(not_before: datetime, not_after: datetime) -> Callable[[Path], dict[str, str]]:
    def build(d: Path) -> dict[str, str]:
        return _layout(d, cert=cert_pem(_server_cert(not_before=not_before,
                                                     not_after=not_after)))
    return build


def _chain_file(d: Path) -> dict[str, str]:
    inter = _intermediate()
    lf = leaf(_server_key(), inter)
    return _layout(d, cert=cert_pem(lf) + cert_pem(inter.cert))


def _no_serverauth(d: Path) -> dict[str, str]:
    return _layout(d, cert=cert_pem(_server_cert(eku=(ExtendedKeyUsageOID.CLIENT_AUTH,))))


def _hostname_mismatch(d: Path) -> dict[str, str]:
    return _layout(d, cert=cert_pem(_server_cert(cn=OTHER_HOST, sans=(OTHER_HOST,))))


def _ca_not_ca(d: Path) -> dict[str, str]:
    peer = leaf(_key("peer"), _ca(), cn="peer.example.test", sans=("peer.example.test",))
    opts = _layout(d, extra={"peer.crt": cert_pem(peer)}, options={"CACertFile": "peer.crt"})
    (d / "ca.crt").unlink()
    return opts


def _long_lifetime(d: Path) -> dict[str, str]:
    return _layout(d, cert=cert_pem(_server_cert(
        not_after=VALID_FROM.replace(year=VALID_FROM.year + 5))))


def _not_verified(d: Path) -> dict[str, str]:
    other = _ca("other-ca", "cflint unrelated CA")
    return _layout(d, cert=cert_pem(leaf(_server_key(), other)))


def _ca_key_left(fname: str) -> Callable[[Path], dict[str, str]]:
    def build(d: Path) -> dict[str, str]:
        return _layout(d, extra={fname: key_bytes(_ca().key)})
    return build


def _stray_key(d: Path) -> dict[str, str]:
    return _layout(d, extra={"newkey.pem": key_bytes(_key("stray"))})


def _second_pair_mismatch(d: Path) -> dict[str, str]:
    ec_cert = leaf(_key("server-ec", "p256"), _ca())
    return _layout(d, extra={"ec.crt": cert_pem(ec_cert),
                             "other.key": key_bytes(_key("other-ec", "p256"))},
                   options={"ServerCertFile": "server.crt,ec.crt",
                            "ServerKeyFile": "server.key,other.key"})


def _cafile_empty(d: Path) -> dict[str, str]:
    return _layout(d, cafile=b"")


# DH groups with published primes, so no parameters need generating: RFC 7919 ffdhe2048
# and the 1024-bit MODP group of RFC 2409 (Oakley group 2).
FFDHE2048_P = int(
    "FFFFFFFFFFFFFFFFADF85458A2BB4A9AAFDC5620273D3CF1D8B9C583CE2D3695A9E13641146433FBCC939DCE"
    "249B3EF97D2FE363630C75D8F681B202AEC4617AD3DF1ED5D5FD65612433F51F5F066ED0856365553DED1AF3"
    "B557135E7F57C935984F0C70E0E68B77E2A689DAF3EFE8721DF158A136ADE73530ACCA4F483A797ABC0AB182"
    "B324FB61D108A94BB2C8E3FBB96ADAB760D7F4681D4F42A3DE394DF4AE56EDE76372BB190B07A7C8EE0A6D70"
    "9E02FCE1CDF7E2ECC03404CD28342F619172FE9CE98583FF8E4F1232EEF28183C3FE3B1B4C6FAD733BB5FCBC"
    "2EC22005C58EF1837D1683B2C6F34A26C1B2EFFA886B423861285C97FFFFFFFFFFFFFFFF", 16)
MODP1024_P = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
    "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
    "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF", 16)


def _der_int(n: int) -> bytes:
    body = n.to_bytes(n.bit_length() // 8 + 1, "big")  # a leading 0 keeps it positive
    return b"\x02" + _der_len(len(body)) + body


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    k = (n.bit_length() + 7) // 8
    return bytes([0x80 | k]) + n.to_bytes(k, "big")


def dh_pem(p: int) -> bytes:
    """PKCS#3 DHParameter ::= SEQUENCE { prime INTEGER, base INTEGER } with g = 2, as
    `openssl dhparam` writes it (built by hand: cryptography deprecates FFDH)."""
    import base64

    body = _der_int(p) + _der_int(2)
    der = b"\x30" + _der_len(len(body)) + body
    b64 = base64.encodebytes(der).decode().replace("\n", "")
    lines = "\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    return f"-----BEGIN DH PARAMETERS-----\n{lines}\n-----END DH PARAMETERS-----\n".encode()


def _dh(data: bytes | None) -> Callable[[Path], dict[str, str]]:
    def build(d: Path) -> dict[str, str]:
        extra = {"dh.pem": data} if data is not None else {}
        return _layout(d, extra=extra,
                       options={"DHParameters": "dh.pem" if data is not None else Missing("dh.pem")})
    return build


def crl_pem(next_update: datetime) -> bytes:
    ca = _ca()
    b = (x509.CertificateRevocationListBuilder().issuer_name(ca.cert.subject)
         .last_update(VALID_FROM).next_update(next_update))
    return b.sign(ca.key, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def _crl(data: bytes | None) -> Callable[[Path], dict[str, str]]:
    def build(d: Path) -> dict[str, str]:
        extra = {"ca.crl": data} if data is not None else {}
        return _layout(d, extra=extra,
                       options={"CRLFile": "ca.crl" if data is not None else Missing("ca.crl")})
    return build


class Literal(str):
    """An option value written as it is (a keyword or cipher string), not a file name."""


class Missing(str):
    """A file name the scenario names on purpose without writing the file."""


def _opt(**options: str) -> Callable[[Path], dict[str, str]]:
    def build(d: Path) -> dict[str, str]:
        return _layout(d, options={k: Literal(v) for k, v in options.items()})
    return build


def _s(name: str, build, codes: tuple[str, ...] = (), note: str = "") -> Scenario:
    return Scenario(name, build, frozenset(codes), note)


_LIST = [
    _s("good-rsa", _good_rsa, note="the default layout"),
    _s("good-ec", _good_ec, note="EC P-256 server key (PKCS#8), certificate by the CA"),
    _s("good-pkcs1", _good_pkcs1, note="server key as BEGIN RSA PRIVATE KEY (PKCS#1)"),
    _s("good-combined", _good_combined,
       note="server.pem (0600): certificate then key, named as ServerCertFile and "
            "ServerKeyFile"),
    _s("good-ed25519", _good_ed25519,
       note="Ed25519 server key and certificate (the certificate signed by the RSA CA); "
            "the judge decides: sendmail 8.17.1.9 with OpenSSL 3.0 loads it and offers "
            "STARTTLS"),
    _s("encrypted-pem", _encrypted_pem, ("CF201",),
       note="traditional PEM, Proc-Type: 4,ENCRYPTED (AES-256-CBC, cryptography's "
            "TraditionalOpenSSL + BestAvailableEncryption); sendmail blocks on a "
            "passphrase prompt before its greeting"),
    _s("encrypted-pkcs8", _encrypted_pkcs8, ("CF201",),
       note="BEGIN ENCRYPTED PRIVATE KEY (PKCS#8, PBES2)"),
    _s("mismatch", _mismatch, ("CF202",), note="server.key belongs to another key pair"),
    _s("der-key", _der_key, ("CF204",), note="server.key is PKCS#8 DER"),
    _s("empty-key", _empty_key, ("CF204",), note="server.key is empty"),
    _s("garbage-key", _garbage_key, ("CF204",), note="server.key is text, no PEM block"),
    _s("der-cert", _der_cert, ("CF301",), note="server.crt is DER"),
    _s("empty-cert", _empty_cert, ("CF301",), note="server.crt is empty"),
    _s("garbage-cert", _garbage_cert, ("CF301",), note="server.crt is text, no PEM block"),
    _s("rsa1024", _rsa1024, ("CF205",),
       note="RSA-1024 server key, certificate by the CA (SHA-256): 'ee key too small' at "
            "security level 2"),
    _s("sha1-by-ca", _weak_by_ca("sha1"), ("CF304",),
       note="server certificate signed by the CA with SHA-1 (re-signed by openssl "
            "x509 -CA -sha1): 'ca md too weak'"),
    _s("md5-by-ca", _weak_by_ca("md5"), ("CF304",),
       note="server certificate signed by the CA with MD5 (openssl x509 -CA -md5)"),
    _s("selfsigned-sha1", _selfsigned("sha1"), ("CF304", "CF311"),
       note="self-signed SHA-1 server certificate (openssl x509 -key -sha1), also "
            "CACertFile and in certs/ (Debian style); OpenSSL does not check a self-signed "
            "leaf's own signature, so CF304 is a warning here"),
    _s("selfsigned", _selfsigned("sha256"), ("CF311",),
       note="self-signed SHA-256 server certificate, its own CACertFile"),
    _s("expired", _dated(datetime(2025, 6, 1, tzinfo=timezone.utc),
                         datetime(2026, 6, 1, tzinfo=timezone.utc)), ("CF302",),
       note="valid 2025-06-01..2026-06-01, expired at NOW"),
    _s("not-yet-valid", _dated(datetime(2027, 1, 1, tzinfo=timezone.utc),
                               datetime(2027, 12, 1, tzinfo=timezone.utc)), ("CF302",),
       note="valid 2027-01-01..2027-12-01, not yet valid at NOW"),
    _s("expiring-soon", _dated(VALID_FROM, NOW + timedelta(days=10)), ("CF303",),
       note="expires NOW + 10 days (2026-12-11)"),
    _s("chain-file", _chain_file, ("CF309",),
       note="server.crt holds the leaf (signed by an intermediate) and the intermediate "
            "(signed by the CA); the intermediate is in neither CA location"),
    _s("no-serverauth", _no_serverauth, ("CF306",),
       note="server certificate with EKU clientAuth only"),
    _s("hostname-mismatch", _hostname_mismatch, ("CF307",),
       note=f"server certificate for {OTHER_HOST} (CN and SAN); the cf says Dj {HOST}"),
    _s("ca-not-ca", _ca_not_ca, ("CF308",),
       note="CACertFile peer.crt: a CA:FALSE leaf (signed by the CA) that is not the "
            "server's own; the CA is still in certs/"),
    _s("long-lifetime", _long_lifetime, ("CF310",),
       note="server certificate valid 5 years (2026-06-01..2031-06-01)"),
    _s("not-verified", _not_verified, ("CF305",),
       note="server certificate signed by an unrelated CA that is in neither "
            "CACertFile nor CACertPath"),
    _s("ca-key-left", _ca_key_left("cakey.pem"), ("CF203",),
       note="the default, plus the CA's private key as cakey.pem"),
    _s("ca-key-by-match", _ca_key_left("backup.key"), ("CF203",),
       note="the CA's private key as backup.key (found by its public key)"),
    _s("stray-key", _stray_key, ("CF206",),
       note="an unrelated private key newkey.pem that no option names"),
    _s("second-pair-mismatch", _second_pair_mismatch, ("CF202",),
       note="ServerCertFile server.crt,ec.crt / ServerKeyFile server.key,other.key: the "
            "second key does not match ec.crt (sendmail only logs it)"),
    _s("cafile-empty-pem", _cafile_empty, ("CF301",),
       note="CACertFile ca.crt is empty: load verify locations fails on the server"),
]
_LIST += [
    # DH parameters and CRLs (CF107, CF108): never a reason to switch STARTTLS off
    _s("dh-2048", lambda d: _layout(d, extra={"dh.pem": dh_pem(FFDHE2048_P)},
                                    options={"DHParameters": "dh.pem"}),
       note="RFC 7919 ffdhe2048 as a PEM DH file"),
    _s("dh-1024", lambda d: _layout(d, extra={"dh.pem": dh_pem(MODP1024_P)},
                                    options={"DHParameters": "dh.pem"}), ("CF107",),
       note="the 1024-bit MODP group as a PEM DH file"),
    _s("dh-missing", _dh(None), ("CF107",), note="DHParameters names a file that is not there"),
    _s("dh-garbage", _dh(b"not DH parameters\n"), ("CF107",),
       note="a DH file without a DH PARAMETERS block"),
    _s("crl-current", lambda d: _crl(crl_pem(NOW + timedelta(days=20)))(d),
       note="a CRL by the CA, next update in 20 days"),
    _s("crl-expired", lambda d: _crl(crl_pem(NOW - timedelta(days=5)))(d), ("CF108",),
       note="a CRL whose nextUpdate is 5 days before NOW"),
    _s("crl-missing", _crl(None), ("CF108",), note="CRLFile names a file that is not there"),
    _s("crl-garbage", _crl(b"not a CRL\n"), ("CF108",), note="CRLFile without a PEM CRL"),
    # keywords and cipher strings (CF104, CF105, CF107)
    _s("dh-keyword-1024", _opt(DHParameters="1024"), ("CF107",),
       note="'1': 1024-bit parameters generated at start"),
    _s("dh-keyword-none", _opt(DHParameters="none"), note="'n': no finite-field DH"),
    _s("dh-keyword-illegal", _opt(DHParameters="x"), ("CF107",), note="an illegal keyword"),
    _s("cipher-invalid", _opt(CipherList="NOT-A-CIPHER"), ("CF104",),
       note="a list that selects no cipher: 'list ignored'"),
    _s("cipher-weak-asked", _opt(CipherList="HIGH:RC4-SHA:!aNULL"), ("CF105",),
       note="valid, but asks for RC4 by name"),
    _s("cipher-weak-admitted", _opt(CipherList="ALL:@SECLEVEL=0"), ("CF105",),
       note="admits aNULL ciphers"),
    _s("cipher-strong", _opt(CipherList="HIGH:!aNULL:!MD5"), note="a strong list"),
    _s("suites-invalid", _opt(CipherSuites="AES256-SHA"), ("CF104",),
       note="a TLS 1.2 name in CipherSuites"),
    _s("suites-valid", _opt(CipherSuites="TLS_AES_256_GCM_SHA384:TLS_AES_128_GCM_SHA256"),
       note="TLS 1.3 suites"),
]

def _cafile_large(d: Path) -> dict[str, str]:
    """CACertFile with the test CA and 100 more CA certificates (101 in all)."""
    pems = [cert_pem(_ca().cert)]
    for i in range(100):
        k = _key(f"extra-ca-{i}", "p256")
        name = _name(f"extra CA {i}")
        c = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
             .public_key(k.public_key()).serial_number(1000 + i)
             .not_valid_before(VALID_FROM).not_valid_after(VALID_FROM + timedelta(days=3650))
             .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
             .sign(k, hashes.SHA256()))
        pems.append(cert_pem(c))
    return _layout(d, cafile=b"".join(pems))


_LIST.append(_s("cafile-large", _cafile_large, ("CF408",),
                note="CACertFile with 101 CA certificates"))


def _second_pair(form: str | None) -> Callable[[Path], dict[str, str]]:
    """A second pair ec.crt / ec.key (the EC key in ``form``; None: ec.key is named but
    not written, and the first key belongs to another pair)."""
    def build(d: Path) -> dict[str, str]:
        ec_key = _key("server-ec", "p256")
        extra = {"ec.crt": cert_pem(leaf(ec_key, _ca()))}
        if form is not None:
            extra["ec.key"] = key_bytes(ec_key, form)
        keys = "server.key,ec.key"
        return _layout(d, key=None if form else key_bytes(_key("other")), extra=extra,
                       options={"ServerCertFile": "server.crt,ec.crt",
                                "ServerKeyFile": keys if form else Missing(keys)})
    return build


# one more line each of those sendmail logs for the files (reference §2.5)
_LIST += [
    _s("second-pair-missing-key-mismatch", _second_pair(None), ("CF202",),
       note="the first key belongs to another pair, and the second key ec.key is not "
            "there: sendmail refuses ec.key, then logs the first pair's mismatch"),
    _s("second-pair-der-key", _second_pair("der"), ("CF204",),
       note="the second key ec.key is DER: sendmail logs it and offers STARTTLS with the "
            "first pair"),
]


def _reissue(cert: x509.Certificate, signer_key, drop: tuple = (),
             add: tuple = ()) -> x509.Certificate:
    """``cert`` signed again (SHA-256) by ``signer_key``, without its extensions of the
    types ``drop`` and with the extension values ``add`` (non-critical)."""
    b = (x509.CertificateBuilder().subject_name(cert.subject).issuer_name(cert.issuer)
         .public_key(cert.public_key()).serial_number(cert.serial_number)
         .not_valid_before(cert.not_valid_before_utc)
         .not_valid_after(cert.not_valid_after_utc))
    for e in cert.extensions:
        if not isinstance(e.value, drop):
            b = b.add_extension(e.value, e.critical)
    for value in add:
        b = b.add_extension(value, critical=False)
    return b.sign(signer_key, hashes.SHA256())


def _twin_cas(twin: Callable[[Issuer], x509.Certificate] | None = None,
              cert: Callable[[], x509.Certificate] | None = None):
    """certs/ with the CA (ca.crt, <hash>.1) and a second CA with its subject and another
    key (ca-2025.crt, <hash>.0: tried first), numbered as openssl rehash numbers them (by
    file name); ``twin`` alters the second CA, ``cert`` gives the server certificate."""
    def build(d: Path) -> dict[str, str]:
        other = _ca("ca-2025")
        t = other.cert if twin is None else twin(other)
        return _layout(d, cert=None if cert is None else cert_pem(cert()),
                       ca_dir=[("ca-2025.crt", cert_pem(t)), ("ca.crt", cert_pem(_ca().cert))])
    return build


_LIST += [
    # same-subject CAs in CACertPath (CF404): OpenSSL picks the issuer by key identifiers
    _s("capath-twins", _twin_cas(),
       note="certs/ holds two CAs with one subject and distinct subjectKeyIdentifiers; the "
            "certificates carry authorityKeyIdentifier: OpenSSL tells them apart"),
    _s("capath-twin-no-skid", _twin_cas(lambda o: _reissue(
        o.cert, o.key, drop=(x509.SubjectKeyIdentifier,))), ("CF404",),
       note="capath-twins, the second CA (ca-2025.crt, <hash>.0) without "
            "subjectKeyIdentifier"),
    _s("capath-twin-equal-skid", _twin_cas(lambda o: _reissue(
        o.cert, o.key, drop=(x509.SubjectKeyIdentifier,), add=(_ski(_ca().key),))),
       ("CF404",),
       note="capath-twins, the second CA with the CA's subjectKeyIdentifier (another key)"),
    _s("capath-twin-leaf-no-akid", _twin_cas(cert=lambda: _reissue(
        _server_cert(), _ca().key, drop=(x509.AuthorityKeyIdentifier,))), ("CF404",),
       note="capath-twins, the server certificate without authorityKeyIdentifier"),
]

SCENARIOS: dict[str, Scenario] = {s.name: s for s in _LIST}


# ------------------------------------------------------------------------- materialize


def _key_names(opts: dict[str, str]) -> set[str]:
    names: set[str] = set()
    for opt, value in opts.items():
        if opt.endswith("KeyFile"):
            names.update(p for p in value.split(",") if p)
    return names


def materialize(name: str, directory: Path) -> dict[str, str]:
    """Build scenario ``name`` into ``directory`` (created; must be empty) and set modes:
    keys 0600 (files named by a *KeyFile option, or holding a PEM private key, or
    ``*.key``), other files 0644, directories 0755.  Returns the cf options."""
    scenario = SCENARIOS[name]
    directory = Path(directory)
    if directory.exists() and any(directory.iterdir()):
        raise FileExistsError(f"{directory} is not empty")
    directory.mkdir(parents=True, exist_ok=True)
    opts = scenario.build(directory)
    keys = _key_names(opts)
    for root, dirs, files in os.walk(directory):
        os.chmod(root, DIR_MODE)
        for f in files:
            p = Path(root) / f
            if stat.S_ISLNK(os.lstat(p).st_mode):
                continue
            rel = p.relative_to(directory).as_posix()
            is_key = (rel in keys or p.suffix == ".key"
                      or b"PRIVATE KEY-----" in p.read_bytes())
            os.chmod(p, KEY_MODE if is_key else CERT_MODE)
    for value in opts.values():
        if isinstance(value, (Literal, Missing)):
            continue
        for part in value.split(","):
            if not os.path.lexists(directory / part):
                raise RuntimeError(f"scenario {name}: {part} is named but was not written")
    return opts


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: python tests/pki_fixtures.py OUTDIR [SCENARIO...]\n"
              "writes each scenario (default: all) into OUTDIR/<name>/\n\nscenarios:")
        for s in SCENARIOS.values():
            print(f"  {s.name:22} {{{', '.join(sorted(s.codes))}}}  {s.note}")
        return 0 if argv else 2
    out, names = Path(argv[0]), argv[1:] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    for n in names:
        opts = materialize(n, out / n)
        s = SCENARIOS[n]
        print(f"{n}: codes {{{', '.join(sorted(s.codes))}}}  " +
              " ".join(f"{k}={v}" for k, v in opts.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())


# ------------------------------------------------------------------------- system CA stores
# Look-alike public roots laid out as a distribution's CA tool leaves them (no real roots
# vendored), for tests/test_system_store.py.


@functools.lru_cache(maxsize=None)
def public_root(cn: str, not_before: datetime = datetime(2006, 1, 1, tzinfo=timezone.utc),
                not_after: datetime = datetime(2040, 1, 1, tzinfo=timezone.utc)) -> Issuer:
    """A self-signed root as public CAs make them (CA:TRUE, keyCertSign, SKID), its own key."""
    return _ca("public " + cn, cn, "cflint public roots", not_before, not_after)


def distro_store(root: Path, roots: dict[str, x509.Certificate], family: str = "debian",
                 local: dict[str, x509.Certificate] | None = None,
                 relative: bool = False) -> Path:
    """The CA store of ``family`` under ``root`` (a --root tree), as its tool leaves it;
    returns the hashed store directory (in the tree).

    debian (alpine: the same plus etc/alpine-release): usr/share/ca-certificates/mozilla/
    NAME.crt for each of ``roots``, usr/local/share/ca-certificates/NAME.crt for each of
    ``local`` (the admin's own), and etc/ssl/certs/NAME.pem -> that file (absolute, as
    update-ca-certificates links; ``relative``: ../../../usr/share/...), <hash>.N ->
    NAME.pem, ca-certificates.crt (every certificate).  rhel: etc/pki/ca-trust/extracted/
    pem/directory-hash/NAME.pem (files) with their <hash>.N links, tls-ca-bundle.pem, and
    etc/pki/tls/certs/ca-bundle.crt -> it."""
    every = {**roots, **(local or {})}
    bundle = b"".join(cert_pem(c) for c in every.values())
    files: dict[str, Path] = {}  # the file in the tree holding each certificate
    if family in ("debian", "alpine"):
        store = root / "etc/ssl/certs"
        store.mkdir(parents=True, exist_ok=True)
        _write(root / "etc/debian_version" if family == "debian" else
               root / "etc/alpine-release", b"12.8\n")
        for name, cert in every.items():
            src = ("usr/local/share/ca-certificates/" if name in (local or {}) else
                   "usr/share/ca-certificates/mozilla/") + f"{name}.crt"
            _write(files.setdefault(name, root / src), cert_pem(cert))
            os.symlink(f"../../../{src}" if relative else f"/{src}", store / f"{name}.pem")
        _write(store / "ca-certificates.crt", bundle)
    elif family == "rhel":
        store = root / "etc/pki/ca-trust/extracted/pem/directory-hash"
        _write(root / "etc/redhat-release", b"Red Hat Enterprise Linux release 9.4\n")
        for name, cert in every.items():
            _write(files.setdefault(name, store / f"{name}.pem"), cert_pem(cert))
        _write(store.parent / "tls-ca-bundle.pem", bundle)
        (root / "etc/pki/tls/certs").mkdir(parents=True)
        os.symlink("/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
                   root / "etc/pki/tls/certs/ca-bundle.crt")
    else:
        raise ValueError(f"unknown family {family!r}")
    for name in every:
        h = subject_hash(files[name])   # not through the link: it is absolute
        n = 0
        while os.path.lexists(store / f"{h}.{n}"):
            n += 1
        os.symlink(f"{name}.pem", store / f"{h}.{n}")
    return store
