"""Keys and certificates as sendmail and OpenSSL load them (``cryptography`` only).

sendmail reads PEM only: the certificate loader takes the first CERTIFICATE block, the
key loader the first private-key block, and both skip blocks of other types (so one file
may hold a certificate and its key). Everything here is a pure function of bytes; the
model reads the bytes through its file-system view. No key material ever leaves this
module: a key is described by its type, size and the SHA-256 of its public key.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import datetime as dt

# BEGIN line, body, END line: the body is the shortest run up to an END marker (written
# without a lazy ".*?", which tries the END pattern at every byte: 4x faster on bundles)
_PEM_RE = re.compile(rb"-----BEGIN ([A-Z0-9 .#-]+)-----[ \t]*\r?\n"
                     rb"([^-]*(?:-(?!----END [A-Z0-9 .#-]+-----)[^-]*)*)"
                     rb"-----END ([A-Z0-9 .#-]+)-----")
_WS = b" \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"   # what str.strip() strips of ASCII
PRIVATE_KEY_LABELS = ("PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
                      "ENCRYPTED PRIVATE KEY")
UNSUPPORTED_KEY_LABELS = ("OPENSSH PRIVATE KEY", "SSH2 ENCRYPTED PRIVATE KEY",
                          "PGP PRIVATE KEY BLOCK")


@dataclass(frozen=True, slots=True)
class PemBlock:
    label: str
    line: int                       # line of the BEGIN marker, 1-based
    headers: tuple[tuple[str, str], ...]
    der: bytes | None               # None when the base64 body is broken

    @property
    def encrypted(self) -> bool:
        return self.label == "ENCRYPTED PRIVATE KEY" or any(
            k.lower() == "proc-type" and "ENCRYPTED" in v.upper() for k, v in self.headers)


def pem_blocks(data: bytes) -> list[PemBlock]:
    import base64
    import binascii

    out: list[PemBlock] = []
    line, counted = 1, 0
    for m in _PEM_RE.finditer(data):
        label = m.group(1).decode("ascii", "replace").strip()
        if m.group(3).decode("ascii", "replace").strip() != label:
            continue
        raw = m.group(2)
        headers: list[tuple[str, str]] = []
        if b":" not in raw:  # no headers: the common case, kept in bytes
            b64: bytes | str = b"".join(ln.strip(_WS) for ln in raw.replace(b"\r", b"").split(b"\n"))
        else:
            lines = raw.decode("ascii", "replace").replace("\r", "").split("\n")
            parts: list[str] = []
            for ln in lines:
                if ":" in ln and not parts:
                    k, v = ln.split(":", 1)
                    headers.append((k.strip(), v.strip()))
                else:
                    parts.append(ln.strip())
            b64 = "".join(parts)
        try:
            der = base64.b64decode(b64, validate=True)
        except (binascii.Error, ValueError):
            der = None
        line += data.count(b"\n", counted, m.start())
        counted = m.start()
        out.append(PemBlock(label, line, tuple(headers), der or None))
    return out


def looks_pem(data: bytes) -> bool:
    return b"-----BEGIN " in data


def looks_private_key(data: bytes) -> bool:
    """A cheap test for files worth parsing as keys (no crypto work)."""
    return b"PRIVATE KEY-----" in data


def _hex_colon(b: bytes) -> str:
    return ":".join(f"{x:02X}" for x in b)


def spki_sha256(spki: bytes) -> str:
    import hashlib

    return hashlib.sha256(spki).hexdigest()


# ---------------------------------------------------------------- keys


def key_type_and_bits(pub) -> tuple[str, int]:
    from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa

    if isinstance(pub, rsa.RSAPublicKey):
        return "RSA", pub.key_size
    if isinstance(pub, ec.EllipticCurvePublicKey):
        return f"EC {pub.curve.name}", pub.curve.key_size
    if isinstance(pub, ed25519.Ed25519PublicKey):
        return "Ed25519", 256
    if isinstance(pub, ed448.Ed448PublicKey):
        return "Ed448", 456
    if isinstance(pub, dsa.DSAPublicKey):
        return "DSA", pub.key_size
    return type(pub).__name__, 0


def security_bits(key_type: str, bits: int) -> int:
    """OpenSSL's security bits for a key (NIST SP 800-57, as EVP_PKEY_security_bits)."""
    if key_type in ("RSA", "DSA", "DH"):
        for limit, sec in ((15360, 256), (7680, 192), (3072, 128), (2048, 112), (1024, 80)):
            if bits >= limit:
                return sec
        return 0 if bits < 512 else 40
    if key_type.startswith("EC"):
        return bits // 2
    if key_type == "Ed25519":
        return 128
    if key_type == "Ed448":
        return 224
    return 0


# security level -> minimum security bits (SSL_CTX_set_security_level(3))
LEVEL_BITS = {0: 0, 1: 80, 2: 112, 3: 128, 4: 192, 5: 256}
# signature digests: OpenSSL's security bits for signatures (MD5 39, SHA-1 63)
HASH_BITS = {"md5": 39, "sha1": 63, "sha224": 112, "sha256": 128, "sha384": 192,
             "sha512": 256, "sha3-256": 128, "sha3-384": 192, "sha3-512": 256}


@dataclass(frozen=True, slots=True)
class KeyInfo:
    key_type: str        # "RSA", "EC secp256r1", "Ed25519", ...
    bits: int
    spki: bytes          # DER SubjectPublicKeyInfo of the public half
    form: str            # "PKCS#8", "PKCS#1", "SEC1", "DSA"

    @property
    def fingerprint(self) -> str:
        return spki_sha256(self.spki)


@dataclass(slots=True)
class KeyFile:
    status: str          # "ok", "encrypted", "empty", "der", "garbage", "unsupported", "no-key"
    key: KeyInfo | None = None
    encryption: str | None = None   # "Proc-Type: 4,ENCRYPTED" or "PKCS#8 ENCRYPTED PRIVATE KEY"
    detail: str = ""
    label: str = ""
    line: int = 1


def parse_key_file(data: bytes) -> KeyFile:
    """The first private key as SSL_CTX_use_PrivateKey_file(PEM) would load it."""
    if not data.strip():
        return KeyFile("empty", detail="the file is empty")
    blocks = pem_blocks(data)
    if not blocks:
        if looks_pem(data):
            return KeyFile("garbage", detail="a PEM header without a valid block")
        if data[:1] == b"\x30":
            return KeyFile("der", detail="DER (binary) encoding; sendmail reads PEM only")
        return KeyFile("garbage", detail="no PEM block in the file")
    for b in blocks:
        if b.label in UNSUPPORTED_KEY_LABELS:
            return KeyFile("unsupported", label=b.label, line=b.line,
                           detail=f"a {b.label} block, which OpenSSL's PEM reader cannot load")
        if b.label not in PRIVATE_KEY_LABELS:
            continue
        if b.encrypted:
            how = ("PKCS#8 ENCRYPTED PRIVATE KEY" if b.label == "ENCRYPTED PRIVATE KEY"
                   else "Proc-Type: 4,ENCRYPTED")
            return KeyFile("encrypted", encryption=how, label=b.label, line=b.line,
                           detail=f"protected by a passphrase ({how})")
        if b.der is None:
            return KeyFile("garbage", label=b.label, line=b.line,
                           detail=f"the {b.label} block's base64 is broken")
        try:
            key = _load_der_key(b)
        except Exception as e:  # noqa: BLE001 - any failure is "cannot load"
            return KeyFile("garbage", label=b.label, line=b.line,
                           detail=f"the {b.label} block does not decode as a key "
                                  f"({type(e).__name__})")
        return KeyFile("ok", key=key, label=b.label, line=b.line)
    labels = ", ".join(sorted({b.label for b in blocks}))
    return KeyFile("no-key", detail=f"no private key block (found: {labels})")


def _load_der_key(b: PemBlock) -> KeyInfo:
    from cryptography.hazmat.primitives import serialization as ser

    der = b.der
    if b.label == "PRIVATE KEY":
        key = ser.load_der_private_key(der, password=None)
        form = "PKCS#8"
    else:
        # traditional forms (PKCS#1, SEC1, DSA): cryptography reads them from PEM
        import base64

        body = base64.encodebytes(der).decode()
        pem = f"-----BEGIN {b.label}-----\n{body}-----END {b.label}-----\n".encode()
        key = ser.load_pem_private_key(pem, password=None)
        form = {"RSA PRIVATE KEY": "PKCS#1", "EC PRIVATE KEY": "SEC1"}.get(b.label, "DSA")
    pub = key.public_key()
    kt, bits = key_type_and_bits(pub)
    spki = pub.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo)
    return KeyInfo(kt, bits, spki, form)


# ---------------------------------------------------------------- certificates

_EKU_NAMES = {"1.3.6.1.5.5.7.3.1": "serverAuth", "1.3.6.1.5.5.7.3.2": "clientAuth",
              "2.5.29.37.0": "anyExtendedKeyUsage", "1.3.6.1.5.5.7.3.4": "emailProtection",
              "1.3.6.1.5.5.7.3.3": "codeSigning"}


@dataclass(slots=True)
class CertInfo:
    subject: str
    issuer: str
    serial: str
    sha256: str
    not_before: dt.datetime
    not_after: dt.datetime
    key_type: str
    key_bits: int
    sig_hash: str | None
    is_ca: bool | None
    eku: tuple[str, ...] | None
    dns_names: tuple[str, ...]
    common_names: tuple[str, ...]
    spki: bytes
    line: int = 1
    raw_subject: bytes = b""
    raw_issuer: bytes = b""
    cert: object = field(default=None, repr=False, compare=False)

    @property
    def self_issued(self) -> bool:
        return self.raw_subject == self.raw_issuer

    @property
    def self_signed(self) -> bool:
        return self.self_issued and self.signed_by(self)

    def signed_by(self, issuer: "CertInfo") -> bool:
        if self.raw_issuer != issuer.raw_subject:
            return False
        try:
            self.cert.verify_directly_issued_by(issuer.cert)
            return True
        except Exception:  # noqa: BLE001 - bad signature, or an algorithm it refuses
            return _verify_signature(self.cert, issuer.cert)

    @property
    def key_ids(self) -> tuple[bytes | None, tuple[bytes | None, int | None] | None]:
        """The subject key identifier and the authority key identifier's (keyIdentifier,
        authorityCertSerialNumber), None where absent: what OpenSSL tells same-subject
        issuers apart by (X509_check_akid)."""
        from cryptography import x509

        def ext(cls):
            try:
                return self.cert.extensions.get_extension_for_class(cls).value
            except Exception:  # noqa: BLE001 - absent, or malformed: no identifier
                return None

        ski, aki = ext(x509.SubjectKeyIdentifier), ext(x509.AuthorityKeyIdentifier)
        return (ski.digest if ski else None,
                (aki.key_identifier, aki.authority_cert_serial_number) if aki else None)

    @property
    def lifetime_days(self) -> float:
        return (self.not_after - self.not_before).total_seconds() / 86400

    def evidence(self) -> dict[str, str]:
        return {
            "subject": self.subject, "issuer": self.issuer, "serial": self.serial,
            "sha256": self.sha256,
            "not_before": self.not_before.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "not_after": self.not_after.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "key": f"{self.key_type} {self.key_bits}",
        }


@dataclass(slots=True)
class CertFile:
    status: str                     # "ok", "empty", "der", "garbage", "no-cert"
    certs: list[CertInfo] = field(default_factory=list)
    other_labels: tuple[str, ...] = ()
    has_crl: bool = False
    detail: str = ""


def parse_cert_file(data: bytes) -> CertFile:
    if not data.strip():
        return CertFile("empty", detail="the file is empty")
    blocks = pem_blocks(data)
    if not blocks:
        if data[:1] == b"\x30":
            return CertFile("der", detail="DER (binary) encoding; sendmail reads PEM only "
                                          "(\"no start line\")")
        return CertFile("garbage", detail="no PEM block in the file (\"no start line\")")
    certs: list[CertInfo] = []
    broken = 0
    for b in blocks:
        if b.label not in ("CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"):
            continue
        info = _cert_info(b) if b.der is not None else None
        if info is None:
            broken += 1
            continue
        certs.append(info)
    others = tuple(b.label for b in blocks
                   if b.label not in ("CERTIFICATE", "TRUSTED CERTIFICATE", "X509 CERTIFICATE"))
    has_crl = "X509 CRL" in others
    if not certs:
        if broken:
            return CertFile("garbage", other_labels=others, has_crl=has_crl,
                            detail="the CERTIFICATE block does not decode")
        return CertFile("no-cert", other_labels=others, has_crl=has_crl,
                        detail="no CERTIFICATE block (found: " + ", ".join(others) + ")")
    return CertFile("ok", certs, others, has_crl)


def _cert_info(b: PemBlock) -> CertInfo | None:
    import warnings

    with warnings.catch_warnings():  # e.g. a zero serial number: judge it all the same
        warnings.simplefilter("ignore")
        try:
            return _cert_info_unwarned(b)
        except Exception:  # noqa: BLE001 - what cryptography parses only on access (the
            return None                  # subject, an extension): the block does not decode


def _cert_info_unwarned(b: PemBlock) -> CertInfo | None:
    import hashlib

    from cryptography import x509
    from cryptography.hazmat.primitives import serialization as ser
    from cryptography.x509.oid import ExtensionOID, NameOID

    try:
        c = x509.load_der_x509_certificate(b.der)
        pub = c.public_key()
    except Exception:  # noqa: BLE001 - undecodable or unsupported
        return None
    kt, bits = key_type_and_bits(pub)
    try:
        h = c.signature_hash_algorithm
        sig_hash = h.name if h is not None else None
    except Exception:  # noqa: BLE001 - unsupported signature algorithm
        sig_hash = "unknown"
    is_ca = None
    eku = None
    dns: tuple[str, ...] = ()
    try:
        exts = c.extensions
    except Exception:  # noqa: BLE001 - a malformed extension: judge the rest
        exts = []
    for ext in exts:
        oid = ext.oid
        if oid == ExtensionOID.BASIC_CONSTRAINTS:
            is_ca = bool(ext.value.ca)
        elif oid == ExtensionOID.EXTENDED_KEY_USAGE:
            eku = tuple(_EKU_NAMES.get(o.dotted_string, o.dotted_string) for o in ext.value)
        elif oid == ExtensionOID.SUBJECT_ALTERNATIVE_NAME:
            dns = tuple(ext.value.get_values_for_type(x509.DNSName))
    try:
        subject = c.subject.rfc4514_string()
        issuer = c.issuer.rfc4514_string()
        cns = tuple(str(a.value) for a in c.subject.get_attributes_for_oid(NameOID.COMMON_NAME))
    except Exception:  # noqa: BLE001
        subject = issuer = "(unparsable name)"
        cns = ()
    return CertInfo(
        subject=subject, issuer=issuer, serial=format(c.serial_number, "X"),
        sha256=_hex_colon(hashlib.sha256(b.der).digest()),
        not_before=c.not_valid_before_utc, not_after=c.not_valid_after_utc,
        key_type=kt, key_bits=bits, sig_hash=sig_hash, is_ca=is_ca, eku=eku,
        dns_names=dns, common_names=cns,
        spki=pub.public_bytes(ser.Encoding.DER, ser.PublicFormat.SubjectPublicKeyInfo),
        line=b.line, raw_subject=c.subject.public_bytes(), raw_issuer=c.issuer.public_bytes(),
        cert=c)


def _verify_signature(cert, issuer) -> bool:
    """The signature check for what verify_directly_issued_by refuses (SHA-1 and MD5
    signatures): verify the TBS bytes with the issuer's public key directly."""
    from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa

    try:
        pub = issuer.public_key()
        sig, tbs = cert.signature, cert.tbs_certificate_bytes
        h = cert.signature_hash_algorithm
        if isinstance(pub, rsa.RSAPublicKey):
            pub.verify(sig, tbs, padding.PKCS1v15(), h)
        elif isinstance(pub, ec.EllipticCurvePublicKey):
            pub.verify(sig, tbs, ec.ECDSA(h))
        elif isinstance(pub, (ed25519.Ed25519PublicKey, ed448.Ed448PublicKey)):
            pub.verify(sig, tbs)
        else:
            return False
        return True
    except Exception:  # noqa: BLE001 - a wrong signature
        return False


def level_errors(cert: CertInfo, level: int) -> list[str]:
    """What OpenSSL at ``level`` says when the certificate is loaded as our own
    (ssl_security_cert): the key size, and the signature digest unless self-signed."""
    need = LEVEL_BITS.get(level, 112)
    out = []
    if security_bits(cert.key_type, cert.key_bits) < need:
        out.append("ee key too small")
    if not cert.self_signed and cert.sig_hash is not None:
        if HASH_BITS.get(cert.sig_hash, 128) < need:
            out.append("ca md too weak")
    return out


def host_matches(cert: CertInfo, host: str) -> bool:
    """RFC 6125 matching against the DNS SANs (else the CN), one left-most wildcard."""
    host = host.lower().rstrip(".")
    names = cert.dns_names or cert.common_names
    for name in names:
        n = name.lower().rstrip(".")
        if n == host:
            return True
        if n.startswith("*.") and "." in host and host.split(".", 1)[1] == n[2:]:
            return True
    return False
