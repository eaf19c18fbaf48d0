#!/usr/bin/env python3
"""Regenerate the example installations' certificates and keys (test material only).

    python examples/make-certs.py

Writes, for examples/good and examples/broken, etc/mail/tls/: ca.crt, server.crt/.key,
client.crt/.key (the broken example's in etc/mail/msp/), and certs/ca.crt with its
<hash>.0 link (the CA directory; the broken example has no link). The keys are throw-away test keys
made for these examples; they protect nothing. The CA is valid from 2026-01-01 for 10
years, the server and client certificates from 2026-07-01 for 397 days (within public-CA
limits); the tests judge them at a fixed time (--now 2026-12-01), so they do not start
failing on a future date. The broken example's server key is RSA 1024 bits (refused at
OpenSSL security level 2), and its CA key is left beside it as cakey.pem.
"""
import datetime
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

HERE = Path(__file__).resolve().parent
START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
CA_END = START + datetime.timedelta(days=3650)
LEAF_START = datetime.datetime(2026, 7, 1, tzinfo=datetime.timezone.utc)
LEAF_END = LEAF_START + datetime.timedelta(days=397)


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.ORGANIZATION_NAME, "cflint examples"),
                      x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def key():
    return ec.generate_private_key(ec.SECP256R1())


def pem_key(k):
    return k.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption())


def build(subject, issuer, pub, signer, ca=False, eku=None, san=None, serial=1):
    start, end = (START, CA_END) if ca else (LEAF_START, LEAF_END)
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer)
         .public_key(pub).serial_number(serial).not_valid_before(start)
         .not_valid_after(end)
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if eku:
        b = b.add_extension(x509.ExtendedKeyUsage(eku), critical=False)
    if san:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return b.sign(signer, hashes.SHA256()).public_bytes(serialization.Encoding.PEM)


def main():
    for example in ("good", "broken"):
        tls = HERE / example / "etc" / "mail" / "tls"
        (tls / "certs").mkdir(parents=True, exist_ok=True)
        ca_key = key()
        ca_name = name(f"cflint example CA ({example})")
        ca = build(ca_name, ca_name, ca_key.public_key(), ca_key, ca=True, serial=1)
        (tls / "ca.crt").write_bytes(ca)
        (tls / "certs" / "ca.crt").write_bytes(ca)
        for old in (tls / "certs").glob("*.0"):
            old.unlink()
        if example == "good":  # the broken example lacks its hash link (CF401)
            from cflint.pki.subject_hash import cert_hashes
            from cryptography.x509 import load_pem_x509_certificate

            der = load_pem_x509_certificate(ca).public_bytes(serialization.Encoding.DER)
            (tls / "certs" / f"{cert_hashes(der)[0]}.0").symlink_to("ca.crt")
        for i, (role, eku) in enumerate((("server", ExtendedKeyUsageOID.SERVER_AUTH),
                                         ("client", ExtendedKeyUsageOID.CLIENT_AUTH)), 2):
            weak = example == "broken" and role == "server"
            k = rsa.generate_private_key(65537, 1024) if weak else key()
            cert = build(name(f"mail.example.test ({role})"), ca_name, k.public_key(), ca_key,
                         eku=[eku], san="mail.example.test", serial=i)
            # the broken example's MSP keeps its pair in etc/mail/msp
            d = tls.parent / "msp" if example == "broken" and role == "client" else tls
            (d / f"{role}.crt").write_bytes(cert)
            (d / f"{role}.key").write_bytes(pem_key(k))
        if example == "broken":
            (tls / "cakey.pem").write_bytes(pem_key(ca_key))


if __name__ == "__main__":
    main()
