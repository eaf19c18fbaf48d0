"""cflint.pki.subject_hash against the installed openssl (the judge) and the reference.

Reference: shared/reference/openssl-subject-hash.md (§8 vectors, §9 recipes).  Everything is
built in a tmp directory: one Ed25519 key pair (two keys, generated once), certificates made
by ``openssl req -x509`` with the §9 recipes plus more (forced BMPString / T61String /
PrintableString / UTF8String through ``string_mask = MASK:...``, IA5String attributes,
v1 and v3 certificates, ``-multivalue-rdn``, ``-nameopt``), certificates whose subject (or
issuer) is replaced by hand-made DER (the §8 vectors, OpenSSL decoder quirks, and a seeded
random corpus), CRLs from ``openssl ca -gencrl`` and CRLs with hand-made issuers.  For every
one, cflint's (new, old) hash must equal ``openssl x509 -noout -hash -subject_hash_old``
(``openssl crl -noout -hash -hash_old``), or both must refuse the certificate.

Without openssl the oracle tests skip, except under CI=true, where they fail.
"""
from __future__ import annotations

import base64
import os
import random
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from cflint.pki.subject_hash import (
    SubjectHashError,
    canonical_name,
    cert_hashes,
    cert_issuer_der,
    cert_subject_der,
    crl_hashes,
    crl_issuer_der,
    crl_issuer_hash,
    name_hash,
    name_hash_old,
    name_hashes,
)
from sendmail_judge import unavailable

H = bytes.fromhex



def _need_openssl() -> str:
    path = shutil.which("openssl")
    if path is None:
        unavailable("the openssl CLI is not installed (apt-get install openssl): it is the "
                    "oracle")
    return path


def _run(args, **kw) -> subprocess.CompletedProcess:
    """Run openssl with byte-exact arguments (``-subj`` values are UTF-8 or raw)."""
    args = [a if isinstance(a, bytes) else str(a).encode("utf-8") for a in args]
    return subprocess.run(args, capture_output=True, env={**os.environ, "LC_ALL": "C"}, **kw)


def _pool_map(fn, items):
    with ThreadPoolExecutor(max_workers=max(4, 2 * (os.cpu_count() or 2))) as ex:
        return list(ex.map(fn, items))


# --------------------------------------------------------------------------- DER helpers
# A test-local DER writer/splitter (definite lengths only) so fixtures do not depend on
# the reader under test.

def tlv(tag: int, body: bytes) -> bytes:
    n = len(body)
    if n < 0x80:
        return bytes((tag, n)) + body
    lb = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(lb))) + lb + body


def _split(der: bytes, start: int, end: int) -> list[bytes]:
    out, p = [], start
    while p < end:
        n = der[p + 1]
        q = p + 2
        if n & 0x80:
            k = n & 0x7F
            n, q = int.from_bytes(der[q:q + k], "big"), q + k
        out.append(der[p:q + n])
        p = q + n
    return out


def _body(der: bytes) -> tuple[int, int]:
    n = der[1]
    if n & 0x80:
        k = n & 0x7F
        return 2 + k, 2 + k + int.from_bytes(der[2:2 + k], "big")
    return 2, 2 + n


def _fields(der: bytes) -> list[bytes]:
    return _split(der, *_body(der))


def pem(der: bytes, label: str = "CERTIFICATE") -> str:
    b = base64.b64encode(der).decode()
    lines = "\n".join(b[i:i + 64] for i in range(0, len(b), 64))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----\n"


def unpem(text: bytes) -> bytes:
    m = re.search(rb"-----BEGIN [A-Z0-9 ]+-----\r?\n(.*?)-----END", text, re.S)
    assert m, "no PEM block"
    return base64.b64decode(b"".join(m.group(1).split()))


def N(*rdns: bytes) -> bytes:
    return tlv(0x30, b"".join(rdns))


def S(*atvs: bytes) -> bytes:
    return tlv(0x31, b"".join(atvs))


CN_OID, O_OID = H("0603550403"), H("060355040a")


def A(value: bytes, oid: bytes = CN_OID) -> bytes:
    return tlv(0x30, oid + value)


# --------------------------------------------------------------------------- reference §8

# (label, Name DER, canonical bytes or None, new, old)
CANONICAL_VECTORS = [
    ("empty Name", "3000", "", "eea339da", "543b6ca4"),
    ("one empty RDN", "30023100", "", "eea339da", "619f5104"),
    ("C=US Printable, O/CN UTF8",
     "303a310b3009060355040613025553 31153013060355040a0c0c4578616d706c6520436f7270"
     " 3114301206035504030c0b48656c6c6f20576f726c64",
     "310b300906035504060c027573 31153013060355040a0c0c6578616d706c6520636f7270"
     " 3114301206035504030c0b68656c6c6f20776f726c64", "5ac155f7", "6b1ffefd"),
    ("leading/trailing/inner spaces",
     "3046310b3009060355040613025553 311b3019060355040a0c1220204578616d706c65202020436f72702020"
     " 311a301806035504030c1120202048656c6c6f20576f726c64202020",
     "310b300906035504060c027573 31153013060355040a0c0c6578616d706c6520636f7270"
     " 3114301206035504030c0b68656c6c6f20776f726c64", "5ac155f7", "d2e7f2ec"),
    ("one RDN OU=yy + CN='   x' (reordered by canonicalisation)",
     "301a31183009060355040b0c027979300b06035504030c0420202078",
     "3115300806035504030c01783009060355040b0c027979", "ff3444b5", "b3e9b2ae"),
    ("T61 with TABs",
     "3023310f300d06035504031406096109096209 3110300e060355040a1407546162094f7267",
     "310c300a06035504030c03612062 3110300e060355040a0c07746162206f7267",
     "a3a96c33", "f9593259"),
    ("T61 Latin-1",
     "302a31173015060355040314 0ec972696320dc6eef63f664e920df 310f300d060355040a140653747261df65",
     "311d301b06035504030c14c38972696320c39c6ec3af63c3b664c3a920c39f"
     " 3110300e060355040a0c0773747261c39f65", "98d041d6", "a375d702"),
    ("NumericString verbatim", "3015311330110603550403120a20203132202033342020",
     "311330110603550403120a20203132202033342020", "9401ce71", "5f63e23a"),
    ("BMPString ' ÀBÉ Z '", "30193117301506035504031e0e002000c0004200c90020005a0020",
     "3110300e06035504030c07c38062c389207a", "b27527af", "b1a503e0"),
    # "Canonical forms worth asserting too"
    ("BER constructed PrintableString", "3017311530130603550403330c0403436f6e04052053545220",
     "3110300e06035504030c07636f6e20737472", "96095e7d", "3ac2c134"),
    ("BER constructed NumericString", "3015311330110603550403320a04032031320403333420",
     "310f300d06035504031206203132333420", "986bb9e1", "aef8c85e"),
]

# (label, Name DER, new, old); "c" in the label: cryptography 48 cannot load the cert
ACCEPTED_VECTORS = [
    ("UTF8String with NUL", "3011310f300d06035504030c06610042202063", "dfce85ef", "95ef3cf8"),
    ("PrintableString with byte E9 (c)", "30133111300f06035504031308436166e9204d4958",
     "1851d65c", "85aefc26"),
    ("IA5String holding UTF-8 bytes", "3010310e300c06035504031605436166c3a9",
     "f4742151", "413f8cbf"),
    ("T61String C0 C9 DE 20 A0 78 A0", "30123110300e06035504031407c0c9de20a078a0",
     "556feae8", "114f0b7b"),
    ("T61String with byte 85 (NEL)", "300e310c300a06035504031403618562", "5c59b6ab", "7aa55cd6"),
    ("UniversalString '  UnI 😀 '",
     "302b3129302706035504031c200000002000000020000000550000006e00000049000000200001f60000000020",
     "1134e64e", "370d2a92"),
    ("BIT STRING verbatim", "300e310c300a0603550403030300abcd", "a685b6f4", "1ae43780"),
    ("SEQUENCE value verbatim", "3017311530130603550403300c0c0a2020496e205345512020",
     "2691a227", "36358d42"),
    ("RELATIVE-OID tag 13", "300d310b300906035504030d020102", "faaefd8e", "7b5ade9d"),
    ("ObjectDescriptor tag 7", "3016311430120603550403070b20204f626a204445534320",
     "1539cac1", "50886de0"),
    ("tag 29", "30143112301006035504031d09202054616720323920", "df2abbe6", "0954c8fe"),
    ("unsorted SET OU zz, CN a (c)", "301731153009060355040b0c027a7a300806035504030c0161",
     "0bcf72f9", "7ae62c9d"),
    ("SET order flips after canonicalisation (c)",
     "301a3118300b06035504030c04202020783009060355040b0c027979", "ff3444b5", "176d821d"),
    ("empty SET between two RDNs", "301a310a300806035504030c01613100310a3008060355040a0c0162",
     "0066b574", "31e593fb"),
    ("PrintableString of 4 spaces", "300f310d300b0603550403130420202020", "5da78770", "fbfba368"),
    ("zero-length PrintableString", "300b3109300706035504031300", "5da78770", "2bffe794"),
    ("zero-length UTF8String + O x", "30173109300706035504030c00310a3008060355040a0c0178",
     "4eccc7f3", "46a72630"),
    ("all six whitespace bytes", "301f311d301b06035504030c1420090a0b0c0d204120090a0b0c0d204220090d0a",
     "49cdc5e0", "2927d3b8"),
    ("CN A + CN ' a ' in one SET", "30183116300806035504030c0141300a06035504031303206120",
     "48307a1e", "1de19371"),
    ("300-byte value, 2-byte lengths", "3082013d318201393082013506035504030c82012c" + "58" * 300,
     "059c7976", "23405002"),
    ("BER constructed PrintableString", "3017311530130603550403330c0403436f6e04052053545220",
     "96095e7d", "3ac2c134"),
    ("unregistered OID 1.2.3.4.5", "301a3118301606042a0304050c0e2020536f6d65202056414c554520",
     "1b3a3651", "a9f4a321"),
    ("BER constructed NumericString", "3015311330110603550403320a04032031320403333420",
     "986bb9e1", "aef8c85e"),
    ("UTF8String with BOM", "3011310f300d06035504030c06efbbbf424f4d", "9a032dc9", "c2dde34e"),
    ("PrintableString User@Example.COM (c)", "301b311930170603550403131055736572404578616d706c652e434f4d",
     "3db69e6b", "bbf36aba"),
    ("PrintableString 'A_B & *.Example' (c)",
     "302631183016060355040a130f415f422026202a2e4578616d706c65310a30080603550403130178",
     "7a3e80ae", "492b4598"),
    ("non-minimal lengths (c)", "30810c318109300706035504030c00", "5da78770", "25b09fe1"),
]

# (label, Name DER, a word the message must contain)
REFUSED_VECTORS = [
    ("BMP surrogate pair", "3011310f300d06035504031e060078d83dde00", "surrogate"),
    ("BMP odd length", "300e310c300a06035504031e03006100", "odd length"),
    ("invalid UTF-8", "300e310c300a06035504030c0361c328", "UTF-8"),
    ("UTF-8-encoded surrogate", "300f310d300b06035504030c0461eda080", "UTF-8"),
    ("overlong UTF-8", "300e310c300a06035504030c0361c0af", "UTF-8"),
    ("UniversalString 0x110000", "300f310d300b06035504031c0400110000", "0x110000"),
    ("UniversalString surrogate", "300f310d300b06035504031c040000d800", "0xD800"),
    ("VisibleString", "30123110300e06035504031a0756697369626c65", "VisibleString"),
    ("GeneralString", "30123110300e06035504031b0747656e6572616c", "GeneralString"),
    ("OCTET STRING", "3011310f300d060355040304064f6374657473", "OCTET STRING"),
    ("INTEGER", "300c310a30080603550403020105", "INTEGER"),
    ("UTCTime", "3018311630140603550403170d3235303130313030303030305a", "UTCTime"),
    ("[0] context tag", "300e310c300a06035504038003637478", "UNIVERSAL"),
    ("high tag number", "300d310b300906035504031f210141", "tag 33"),
    ("SET value", "300e310c300a060355040331030c0178", "SET"),
    ("primitive SEQUENCE", "300e310c300a06035504031003616263", "primitive SEQUENCE"),
    ("BOOLEAN", "300c310a300806035504030101ff", "BOOLEAN"),
    ("NULL", "300b3109300706035504030500", "NULL"),
]


CANONICAL = {v[0]: H(v[1].replace(" ", "")) for v in CANONICAL_VECTORS}
ACCEPTED = {v[0]: H(v[1]) for v in ACCEPTED_VECTORS}
REFUSED = {v[0]: H(v[1]) for v in REFUSED_VECTORS}


def _nest(k: int, inner: bytes) -> bytes:
    for _ in range(k):
        inner = tlv(0x24, inner)
    return inner


# Decoder corners beyond the reference; the expected outcome is whatever openssl does
# (asserted in test_hand_made_subjects_against_openssl), the comment says what 3.0 does.
QUIRK_SUBJECTS = {
    "primitive-bit Name (tag byte 10)": b"\x10" + N(S(A(tlv(0x0C, b"x"))))[1:],       # accepted
    "primitive-bit SET (tag byte 11)": N(b"\x11" + S(A(tlv(0x0C, b"x")))[1:]),         # accepted
    "primitive-bit attribute SEQUENCE": N(S(b"\x10" + A(tlv(0x0C, b"x"))[1:])),         # refused
    "context-class piece in a constructed string":                                    # accepted
        N(S(A(tlv(0x33, tlv(0x84, b"Ab") + tlv(0x04, b"C"))))),
    "UTF-8 split across constructed pieces": N(S(A(tlv(0x2C, H("0401c30401a9"))))),
    "BIT STRING unused bits are cleared": N(S(A(H("030207ff")))),                       # 07 80
    "BIT STRING empty with 7 unused bits": N(S(A(H("030107")))),                        # 03 01 00
    "BIT STRING without unused-bits octet": N(S(A(H("0300")))),                          # refused
    "BIT STRING with 8 unused bits": N(S(A(H("030208ff")))),                             # refused
    "constructed BIT STRING": N(S(A(tlv(0x23, H("030200ab") + H("030204f0"))))),
    "high-tag form of tag 3 (1f 03)": N(S(A(H("1f030200ab")))),                          # accepted
    "high-tag form of tag 12 (1f 0c)": N(S(A(H("1f0c024142")))),                         # canonicalised
    "high-tag form of tag 30 (1f 1e)": N(S(A(H("1f1e020041")))),
    "high-tag form of tag 31": N(S(A(H("1f1f0141")))),                                   # refused
    "zero-length long-form value at end of attribute": N(S(A(H("0c8100")))),            # refused
    "zero-length 2-octet length at end of attribute": N(S(A(H("0c820000")))),           # refused
    "one-byte long-form value": N(S(A(H("0c810141")))),
    "9 length octets with leading zeros": N(S(A(H("0c89000000000000000001") + b"a"))),
    "empty long-form SET at end of Name": N(S(A(tlv(0x0C, b"a"))), H("318100")),          # refused
    "empty long-form SET before an RDN": N(H("318100"), S(A(tlv(0x0C, b"a")))),
    "empty Name, long-form length": H("308100"),
    "indefinite-length Name": H("3080") + S(A(tlv(0x0C, b"Ab"))) + b"\0\0",
    "indefinite-length SET": N(H("3180") + A(tlv(0x0C, b"Ab")) + b"\0\0"),
    "indefinite-length attribute": N(S(H("3080") + CN_OID + tlv(0x0C, b"Ab") + b"\0\0")),
    "indefinite-length constructed string":
        N(S(A(H("3380") + tlv(0x04, b"X Y") + tlv(0x04, b" Z") + b"\0\0"))),
    "indefinite-length SEQUENCE value": N(S(A(H("3080") + tlv(0x0C, b"Q") + b"\0\0"))),
    "nested indefinite SEQUENCE value": N(S(A(H("308030800000") + b"\0\0"))),
    "indefinite SEQUENCE value holding an indefinite primitive": N(S(A(H("30800c800000")))),
    "constructed string nested 5 deep": N(S(A(tlv(0x33, _nest(5, tlv(0x04, b"deep")))))),
    "constructed string nested 6 deep": N(S(A(tlv(0x33, _nest(6, tlv(0x04, b"deep")))))),
    "constructed BMPString, odd pieces": N(S(A(tlv(0x3E, H("040100") + H("0403410042"))))),
    "EXTERNAL (tag 8) constructed": N(S(A(tlv(0x28, tlv(0x04, b"E"))))),
    "REAL (tag 9)": N(S(A(H("0903800101")))),
    "empty SEQUENCE value": N(S(A(H("3000")))),
    "SEQUENCE value with a broken inside": N(S(A(tlv(0x30, b"\xff\xff")))),             # verbatim
    "empty OID": N(S(tlv(0x30, H("0600") + tlv(0x0C, b"a")))),
    "OID ending in a continuation octet": N(S(tlv(0x30, H("06025584") + tlv(0x0C, b"a")))),
    "OID arc with a leading 0x80": N(S(tlv(0x30, H("0603558003") + tlv(0x0C, b"a")))),
    "OID with an inner 0x80": N(S(tlv(0x30, H("0604558180") + b"\x03" + tlv(0x0C, b"a")))),
    "attribute with two values": N(S(tlv(0x30, CN_OID + tlv(0x0C, b"a") + tlv(0x0C, b"b")))),
    "attribute without a value": N(S(tlv(0x30, CN_OID))),
    "empty attribute": N(S(tlv(0x30, b""))),
    "end-of-contents in a definite SET": N(tlv(0x31, A(tlv(0x0C, b"a")) + b"\0\0")),
    "end-of-contents in a definite Name": tlv(0x30, S(A(tlv(0x0C, b"a"))) + b"\0\0"),
    "APPLICATION-class Name": b"\x70" + N(S(A(tlv(0x0C, b"x"))))[1:],
    "UTF8String noncharacter U+FFFF": N(S(A(tlv(0x0C, "\uffff".encode())))),
    "UTF8String F4 90 80 80 (> U+10FFFF)": N(S(A(tlv(0x0C, H("f4908080"))))),
    "UTF8String truncated": N(S(A(tlv(0x0C, H("41e282"))))),
    "BMPString noncharacter FFFE": N(S(A(tlv(0x1E, H("fffe0041"))))),
    "UniversalString U+0000": N(S(A(tlv(0x1C, H("00000000"))))),
    "NumericString with letters": N(S(A(tlv(0x12, b" AbC ")))),
    "bytes 1C-1F are not whitespace": N(S(A(tlv(0x0C, b"\x1ca\x1f b\x1c")))),
    "Kelvin sign and dotted I not folded": N(S(A(tlv(0x0C, "\u212a\u0130 K".encode())))),
}


def _big_name(total: int) -> bytes:
    for vl in range(total - 40, total):
        n = N(S(A(tlv(0x0C, b"a" * vl))))
        if len(n) == total:
            return n
    raise AssertionError(total)


# --------------------------------------------------------------------------- §9 recipes

@dataclass(frozen=True)
class Recipe:
    name: str
    config: str
    subj: str
    utf8: bool = False
    extra: tuple = ()
    key: str = "key.pem"
    ref: tuple | None = None      # (new, old) that the reference says OpenSSL 3.0 prints


_OUS = "".join(f"/OU=Organisational Unit Number {i:02d}" for i in range(1, 41))

RECIPES = [
    # the §9 generator, in order (01-50); 51 is the TRUSTED CERTIFICATE made from 32
    Recipe("01-mixed-case", "utf8only", "/C=US/O=Example Corp/CN=Hello World", ref=("5ac155f7", "6b1ffefd")),
    Recipe("02-lower-case", "utf8only", "/C=us/O=example corp/CN=hello world", ref=("5ac155f7", "b912a820")),
    Recipe("03-lead-trail-spaces", "utf8only", "/C=US/O=  Example   Corp  /CN=   Hello World   ",
           ref=("5ac155f7", "d2e7f2ec")),
    Recipe("04-multi-internal-sp", "utf8only", "/CN=a    b     c/O=x  y", ref=("75cebc18", "eb2ac8b9")),
    Recipe("05-tabs-utf8", "utf8only", "/CN=\ta\t\tb\t/O=Tab\tOrg", ref=("a3a96c33", "3d862c30")),
    Recipe("06-tabs-t61", "default", "/CN=\ta\t\tb\t/O=Tab\tOrg", ref=("a3a96c33", "f9593259")),
    Recipe("07-cr-lf-vt-ff", "utf8only", "/CN=x\r\n\v\fy/O=\n lead newline", ref=("74c5e50c", "75f920c7")),
    Recipe("08-printable", "default", "/C=GB/O=Printable   Org/CN=Printable Name", ref=("420ae62a", "2de2eb06")),
    Recipe("09-t61-latin1", "default", "/CN=Éric Ünïcödé ß/O=Straße", True, ref=("98d041d6", "a375d702")),
    Recipe("10-bmp-cyrillic", "default", "/CN=Привет Мир/O=ООО Ромашка", True, ref=("3443fcb4", "1e1a5bab")),
    Recipe("11-bmp-cjk", "default", "/CN=日本語 テスト/O=株式会社", True, ref=("54cb39fb", "96df8710")),
    Recipe("12-pkix-bmp-latin1", "pkix", "/CN=Éric/O=Café  Crème", True, ref=("e9e3c786", "daa6dab4")),
    Recipe("13-nombstr-t61", "nombstr", "/CN=Éric/O=Café  Crème", True, ref=("e9e3c786", "54ada67e")),
    Recipe("14-utf8-upper-nonascii", "utf8only", "/CN=ÉCOLE ÜNÏCÖDÉ", True, ref=("5b178dc1", "1e926c6e")),
    Recipe("15-utf8-lower-nonascii", "utf8only", "/CN=école ünïcödé", True, ref=("ad509d1f", "076e77b0")),
    Recipe("16-cyr-upper", "utf8only", "/CN=ПРИВЕТ", True, ref=("3486e1c0", "ffb2fb2d")),
    Recipe("17-cyr-lower", "utf8only", "/CN=привет", True, ref=("101cebb9", "7bffe057")),
    Recipe("18-sharp-s", "utf8only", "/CN=STRASSE/O=straße", True, ref=("ffe8462a", "a729d65d")),
    Recipe("19-no-utf8-flag-u8only", "utf8only", "/CN=café/O=Ärger", ref=("5ad50f5c", "444d0d0c")),
    Recipe("20-no-utf8-flag-t61", "default", "/CN=café/O=Ärger", ref=("5ad50f5c", "20ff9fef")),
    Recipe("21-multi-rdn", "utf8only", "/CN=a+OU=b/O=Org", ref=("027601a3", "4dcc7a28")),
    Recipe("22-multi-rdn-rev", "utf8only", "/OU=b+CN=a/O=Org", ref=("027601a3", "4dcc7a28")),
    Recipe("23-multi-rdn-spaces", "utf8only", "/CN=  A +OU=B  /O=ORG", ref=("027601a3", "8068ea44")),
    Recipe("24-multi-rdn-reorder", "utf8only", "/CN=   x+OU=yy", ref=("ff3444b5", "b3e9b2ae")),
    Recipe("25-multi-rdn-4", "default", "/CN=a+OU=b+O=c+L=d/C=DE", ref=("6e5809a1", "12c35053")),
    Recipe("26-email", "utf8only", "/CN=Mail User/emailAddress=Foo.Bar@Example.COM", ref=("46fc2cc9", "7d529166")),
    Recipe("27-serialNumber", "utf8only", "/serialNumber=AbC-123 xYz/CN=Serial", ref=("473c21e1", "a896e744")),
    Recipe("28-dc-components", "utf8only", "/DC=ORG/DC=Example/CN=Some User", ref=("5b93d343", "cdd56492")),
    Recipe("29-many-ous", "utf8only", _OUS + "/CN=Long", ref=("cfec093f", "095c6a05")),
    Recipe("30-long-value", "utf8only", "/CN=long/description=" + "Word " * 80 + "END",
           ref=("eb5dbd08", "44c3aa9e")),
    Recipe("31-escaped-slash", "utf8only", r"/CN=a\/b/O=x", ref=("5ed53ac7", "91367a24")),
    Recipe("32-escaped-plus", "utf8only", r"/CN=a\+b/O=x", ref=("f2262411", "03656ff5")),
    Recipe("33-equals-in-value", "utf8only", "/CN=a=b/O=x", ref=("807357d7", "f0b76a87")),
    Recipe("34-only-spaces", "utf8only", "/CN=   /O=x", ref=("4eccc7f3", "dd2911f6")),
    Recipe("35-custom-oid", "customoid", "/myAttr=Custom  VALUE/CN=x", ref=("c38fcf8a", "c71b55bf")),
    Recipe("36-german-mixed", "default", "/C=DE/ST=Bayern/L=München/O=Firma GmbH/OU=IT/CN=www.Example.DE",
           True, ref=("2bf7ad58", "6a613a5a")),
    Recipe("37-uid-gn-sn", "utf8only", "/UID=JDoe/GN=John/SN=Doe/title=Dr/initials=J.D./CN=John Doe",
           ref=("0e4901fc", "d4c52236")),
    Recipe("38-same-as-1-key2", "utf8only", "/C=US/O=Example Corp/CN=Hello World", key="key2.pem",
           ref=("5ac155f7", "6b1ffefd")),
    Recipe("39-dup-attr", "utf8only", "/CN=a/CN=a", ref=("dce5da51", "0022aed3")),
    Recipe("40-dup-attr-case", "utf8only", "/CN=a/CN=A", ref=("dce5da51", "20b304d7")),
    Recipe("41-nbsp", "utf8only", "/CN=\u00a0nbsp\u00a0/O=x", True, ref=("91d2563b", "caecaa4a")),
    Recipe("42-ideographic-space", "utf8only", "/CN=\u3000x\u3000\u3000y\u3000", True,
           ref=("85d884fb", "fbcf47da")),
    Recipe("43-nel-t61", "default", "/CN=a\u0085b", True, ref=("5c59b6ab", "7aa55cd6")),
    Recipe("44-emoji-utf8", "utf8only", "/CN=🔒 Lock/O=😀", True, ref=("989d4254", "88d5740d")),
    Recipe("45-emoji-default", "default", "/CN=🔒 Lock/O=😀", True, ref=("989d4254", "88d5740d")),
    Recipe("46-greek-upper", "utf8only", "/CN=ΣΊΣΥΦΟΣ", True, ref=("bbed72cc", "5247bfcf")),
    Recipe("47-empty-subject", "utf8only", "/", ref=("eea339da", "543b6ca4")),
    Recipe("48-country-lower", "default", "/C=us/CN=Printable lower", ref=("62b24a1c", "df354b2b")),
    Recipe("49-printable-ctrl", "default", "/CN=Bell\x07Char/O=Under_score", ref=("d492888f", "da809c71")),
    Recipe("50-punctuation", "utf8only", '/CN=!"#$%&()*,-.:;<=>?@[]^_`{|}~/O=x', ref=("e129be44", "537cb303")),
    # more: forced string types (string_mask = MASK:<bits>), v3, flags, attributes
    Recipe("52-bmp-forced-ascii", "bmp", "/C=US/O=Example Corp/CN=Hello World"),
    Recipe("53-bmp-forced-case-spaces", "bmp", "/C=US/O=  EXAMPLE corp /CN=hello   WORLD"),
    Recipe("54-t61-forced-ascii", "t61", "/C=US/O=Example Corp/CN=Hello World"),
    Recipe("55-t61-forced-latin1", "t61", "/CN=Éric/O=Café  Crème", True),
    Recipe("56-bmp-forced-latin1", "bmp", "/CN=Éric/O=Café Crème", True),
    Recipe("57-utf8mask-ascii-case-only", "utf8mask", "/CN=ÉRIC/O=café crème", True),
    Recipe("58-printable-forced", "printable", "/C=US/O=Example Corp/CN=Hello World"),
    Recipe("59-ia5-upper", "default", "/DC=COM/DC=Example/emailAddress=ADMIN@EXAMPLE.COM/CN=Admin"),
    Recipe("60-ia5-lower", "default", "/DC=com/DC=example/emailAddress=admin@example.com/CN=admin"),
    Recipe("61-multivalue-rdn-flag", "utf8only", "/CN=a+OU=b/O=Org", extra=("-multivalue-rdn",)),
    Recipe("62-multi-rdn-dup", "utf8only", "/CN=a+CN=A/O=x", extra=("-multivalue-rdn",)),
    Recipe("63-multi-rdn-mixed-types", "default", "/CN=Привет+C=RU+emailAddress=A@B.ru", True),
    Recipe("64-dup-ou-variants", "utf8only", "/OU=x/OU=X/OU= x /CN=dup"),
    Recipe("65-registered-numeric-oid", "utf8only", "/2.5.4.97=VATDE-123/dnQualifier=AbC/CN=x"),
    Recipe("66-more-attributes", "utf8only",
           "/pseudonym=Ps  Eu/street=Main St/postalCode=12345/generationQualifier=III/CN=x"),
    Recipe("67-custom-oid-long-arc", "customoid", "/myAttr=v/myLongAttr=LONG  Arc/CN=x"),
    Recipe("68-long-latin1-t61", "default", "/CN=x/description=" + "Ça été déjà vu " * 20, True),
    Recipe("69-v3-same-as-1", "utf8v3", "/C=US/O=Example Corp/CN=Hello World"),
    Recipe("70-v3-pkix-cjk", "pkixv3", "/CN=日本語/O=テスト  株式会社", True),
    Recipe("71-dirstring-type-ignored", "dirstring", "/CN=Привет Мир/O=ООО Ромашка", True),
    Recipe("72-cr-lf-ff-mix", "utf8only", "/CN=\r\nA\r\n/O=B\fC"),
    Recipe("73-nameopt", "utf8only", "/CN=With NameOpt/O=x",
           extra=("-subject", "-nameopt", "RFC2253,show_type,esc_ctrl,esc_msb")),
    Recipe("74-t61-mixed-whitespace", "t61", "/CN= \t A \v\f B \r\n/O=x"),
    Recipe("75-control-chars", "utf8only", "/CN=a\x01b\x1fc\x7f"),
    Recipe("76-emoji-pkix-upper", "pkix", "/CN=🔒 LOCK/O=😀", True),
    Recipe("77-kelvin-dotted-i", "utf8only", "/CN=\u212a\u0130/O=x", True),
    Recipe("78-bmp-forced-cjk", "bmp", "/CN=漢字  テスト /O=X", True),
    Recipe("79-v3-empty-subject", "utf8v3", "/"),
    Recipe("80-leading-trailing-nbsp-and-space", "default", "/CN= \u00a0 x \u00a0 /O=x", True),
]

REF_TRUSTED = ("51-trusted-cert", ("f2262411", "03656ff5"))

# equal new hashes (§9 self-test equalities, extended) and required differences
SAME_NEW = [
    ["01", "02", "03", "38", "52", "53", "54", "58", "69"],
    ["05", "06"], ["12", "13", "55", "56", "57"], ["19", "20"], ["21", "22", "23", "61"],
    ["39", "40"], ["44", "45", "76"], ["59", "60"], ["10", "71"], ["32", "51"],
]
DIFFERENT_NEW = [("14", "15"), ("16", "17"), ("01", "08"), ("62", "39")]

_CONFIGS = {
    "utf8only": "string_mask = utf8only\n",
    "default": "string_mask = default\n",
    "pkix": "string_mask = pkix\n",
    "nombstr": "string_mask = nombstr\n",
    "bmp": "string_mask = MASK:0x800\n",         # B_ASN1_BMPSTRING
    "t61": "string_mask = MASK:0x4\n",           # B_ASN1_T61STRING
    "printable": "string_mask = MASK:0x2\n",     # B_ASN1_PRINTABLESTRING
    "utf8mask": "string_mask = MASK:0x2000\n",   # B_ASN1_UTF8STRING
    "dirstring": "dirstring_type = nobmp\n",     # pre-0.9.7 option: 3.0 ignores it
    "utf8v3": "string_mask = utf8only\nx509_extensions = v3\n",
    "pkixv3": "string_mask = pkix\nx509_extensions = v3\n",
}


def _write_configs(d: Path) -> None:
    for name, body in _CONFIGS.items():
        (d / f"{name}.cnf").write_text(
            "[req]\ndistinguished_name = dn\nprompt = no\n" + body + "[dn]\n"
            "[v3]\nbasicConstraints = critical,CA:TRUE\nsubjectKeyIdentifier = hash\n")
    (d / "customoid.cnf").write_text(
        "oid_section = new_oids\n[new_oids]\nmyAttr = 1.2.3.4.5\n"
        "myLongAttr = 1.3.6.1.4.1.99999.1.2.3\n"
        "[req]\ndistinguished_name = dn\nprompt = no\nstring_mask = utf8only\n[dn]\n")


# --------------------------------------------------------------------------- oracle

@dataclass
class Built:
    name: str
    path: Path
    der: bytes            # the certificate's DER (for TRUSTED CERTIFICATE: with trust data)
    oracle: tuple | None  # (new, old) printed by openssl, None when it refused
    subject_text: str = ""
    stderr: str = ""


def oracle_cert(path: Path) -> tuple[tuple | None, str, str]:
    r = _run(["openssl", "x509", "-in", path, "-noout", "-hash", "-subject_hash_old",
              "-subject", "-nameopt", "RFC2253,show_type,esc_ctrl,esc_msb"])
    if r.returncode:
        return None, "", r.stderr.decode("utf-8", "replace")
    lines = r.stdout.decode("utf-8", "replace").splitlines()
    return (lines[0], lines[1]), "\n".join(lines[2:]), ""


def oracle_crl(path: Path) -> tuple | None:
    r = _run(["openssl", "crl", "-in", path, "-noout", "-hash", "-hash_old"])
    if r.returncode:
        return None
    vals = [ln.split("=")[-1].strip() for ln in r.stdout.decode().splitlines()]
    return vals[0], vals[1]


@pytest.fixture(scope="session")
def work(tmp_path_factory) -> Path:
    _need_openssl()
    d = tmp_path_factory.mktemp("subject-hash")
    for k in ("key.pem", "key2.pem"):
        r = _run(["openssl", "genpkey", "-algorithm", "ED25519", "-out", d / k])
        assert r.returncode == 0, r.stderr
    _write_configs(d)
    (d / "cli").mkdir()
    (d / "hand").mkdir()
    (d / "crl").mkdir()
    return d


@pytest.fixture(scope="session")
def cli(work) -> dict[str, Built]:
    """Every recipe built by ``openssl req -x509`` and judged by ``openssl x509``."""
    def build(item):
        serial, rec = item
        out = work / "cli" / f"{rec.name}.pem"
        cmd = ["openssl", "req", "-x509", "-new", "-key", work / rec.key,
               "-config", work / f"{rec.config}.cnf", "-days", "30", "-set_serial", serial]
        if rec.utf8:
            cmd.append("-utf8")
        cmd += [*rec.extra, "-subj", rec.subj, "-out", out]
        r = _run(cmd)
        assert r.returncode == 0 and out.exists(), (rec.name, r.stderr.decode())
        o, text, err = oracle_cert(out)
        return Built(rec.name, out, unpem(out.read_bytes()), o, text, err)

    built = {b.name: b for b in _pool_map(build, list(enumerate(RECIPES, 1)))}
    # 51: TRUSTED CERTIFICATE (cert + trust data) made from 32
    name = REF_TRUSTED[0]
    out = work / "cli" / f"{name}.pem"
    r = _run(["openssl", "x509", "-in", built["32-escaped-plus"].path, "-trustout",
              "-addtrust", "serverAuth", "-out", out])
    assert r.returncode == 0, r.stderr
    assert b"BEGIN TRUSTED CERTIFICATE" in out.read_bytes()
    o, text, err = oracle_cert(out)
    built[name] = Built(name, out, unpem(out.read_bytes()), o, text, err)
    return built


@pytest.fixture(scope="session")
def signer(work):
    from cryptography.hazmat.primitives import serialization
    return serialization.load_pem_private_key((work / "key.pem").read_bytes(), None)


@pytest.fixture(scope="session")
def bases(cli) -> dict[str, bytes]:
    """Plain certificates to splice hand-made names into: v1 (no [0] version) and v3."""
    v1, v3 = cli["01-mixed-case"].der, cli["69-v3-same-as-1"].der
    assert _fields(_fields(v1)[0])[0][0] == 0x02, "expected a v1 certificate"
    assert _fields(_fields(v3)[0])[0][0] == 0xA0, "expected a v3 certificate"
    return {"v1": v1, "v3": v3}


def splice_cert(base: bytes, key, subject: bytes | None = None,
                issuer: bytes | None = None) -> bytes:
    """``base`` with its subject and/or issuer replaced by raw bytes, re-signed."""
    tbs, alg = _fields(base)[:2]
    f = _fields(tbs)
    i = 1 if f[0][0] == 0xA0 else 0
    if issuer is not None:
        f[i + 2] = issuer
    if subject is not None:
        f[i + 4] = subject
    tbs = tlv(0x30, b"".join(f))
    return tlv(0x30, tbs + alg + tlv(0x03, b"\0" + key.sign(tbs)))


def splice_crl_issuer(crl: bytes, key, issuer: bytes) -> bytes:
    tbs, alg = _fields(crl)[:2]
    f = _fields(tbs)
    f[2 if f[0][0] == 0x02 else 1] = issuer
    tbs = tlv(0x30, b"".join(f))
    return tlv(0x30, tbs + alg + tlv(0x03, b"\0" + key.sign(tbs)))


def _hand_cases() -> dict[str, tuple[bytes, str]]:
    """label -> (Name DER, where in the certificate: subject-v1 / subject-v3 / issuer)."""
    cases: dict[str, tuple[bytes, str]] = {}
    for label, der, *_ in CANONICAL_VECTORS:
        cases[f"canon: {label}"] = (H(der.replace(" ", "")), "subject-v3")
    for label, der, *_ in ACCEPTED_VECTORS:
        cases[f"accepted: {label}"] = (H(der), "subject-v3")
    for label, der, _ in REFUSED_VECTORS:
        cases[f"refused: {label}"] = (H(der), "subject-v3")
    for label, der in QUIRK_SUBJECTS.items():
        cases[f"quirk: {label}"] = (der, "subject-v3")
    for label, der in list(QUIRK_SUBJECTS.items())[:12]:
        cases[f"quirk v1: {label}"] = (der, "subject-v1")
    cases["issuer: refused VisibleString issuer"] = (REFUSED["VisibleString"], "issuer")
    cases["issuer: BMP surrogate issuer"] = (REFUSED["BMP surrogate pair"], "issuer")
    cases["issuer: unsorted SET issuer (accepted)"] = (ACCEPTED["unsorted SET OU zz, CN a (c)"],
                                                       "issuer")
    for total in (1 << 20, (1 << 20) + 1):
        cases[f"size: Name of {total} bytes (X509_NAME_MAX)"] = (_big_name(total), "subject-v3")
    return cases


HAND_CASES = _hand_cases()


@pytest.fixture(scope="session")
def hand(work, signer, bases) -> dict[str, Built]:
    def build(item):
        i, (label, (name, where)) = item
        if where == "issuer":
            der = splice_cert(bases["v3"], signer, issuer=name)
        else:
            der = splice_cert(bases[where[-2:]], signer, subject=name)
        path = work / "hand" / f"{i:03d}.pem"
        path.write_text(pem(der))
        o, text, err = oracle_cert(path)
        return Built(label, path, der, o, text, err)

    return {b.name: b for b in _pool_map(build, list(enumerate(HAND_CASES.items())))}


def _mine(der: bytes):
    try:
        return cert_hashes(der)
    except SubjectHashError:
        return None


# --------------------------------------------------------------------------- pure tests

@pytest.mark.parametrize("label,der,canon,new,old", CANONICAL_VECTORS,
                         ids=[v[0] for v in CANONICAL_VECTORS])
def test_canonical_vectors(label, der, canon, new, old):
    der = H(der.replace(" ", ""))
    assert canonical_name(der).hex() == canon.replace(" ", "")
    assert name_hash(der) == new
    assert name_hash_old(der) == old
    assert name_hashes(der) == (new, old)


@pytest.mark.parametrize("label,der,new,old", ACCEPTED_VECTORS, ids=[v[0] for v in ACCEPTED_VECTORS])
def test_accepted_vectors(label, der, new, old):
    assert (name_hash(H(der)), name_hash_old(H(der))) == (new, old)


@pytest.mark.parametrize("label,der,word", REFUSED_VECTORS, ids=[v[0] for v in REFUSED_VECTORS])
def test_refused_vectors(label, der, word):
    for fn in (name_hash, name_hash_old, canonical_name):
        with pytest.raises(SubjectHashError, match=re.escape(word)):
            fn(H(der))
    assert issubclass(SubjectHashError, ValueError)


def test_format_and_empty_subject():
    assert name_hash(b"\x30\x00") == "eea339da"          # SHA-1("") = da39a3ee...
    assert name_hash_old(b"\x30\x00") == "543b6ca4"
    for v in ACCEPTED_VECTORS:
        h = name_hash(H(v[1]))
        assert re.fullmatch(r"[0-9a-f]{8}", h)
    assert name_hash(bytearray(b"\x30\x00")) == name_hash(memoryview(b"\x30\x00"))


def test_error_messages_locate_the_problem():
    bad = N(S(A(tlv(0x0C, b"ok"))), S(A(tlv(0x0C, b"fine")), A(tlv(0x1A, b"vis"), O_OID)))
    with pytest.raises(SubjectHashError, match=r"RDN 2, attribute 2: 2\.5\.4\.10: .*VisibleString"):
        name_hash(bad)


@pytest.mark.parametrize("data,word", [
    (b"", "truncated"),
    (b"\x30", "truncated"),
    (b"\x30\x05\x31\x00", "runs past"),
    (b"\x31\x00", "not a SEQUENCE"),
    (b"\x30\x00\x00", "after the Name"),
    (H("3080310a300806035504030c0161"), "end-of-contents"),
])
def test_malformed_names(data, word):
    with pytest.raises(SubjectHashError, match=word):
        name_hash(data)


def test_bytes_input_type():
    with pytest.raises(TypeError):
        name_hash("3000")  # type: ignore[arg-type]


def test_not_a_certificate():
    for data in (b"", b"\x02\x01\x00", b"\x30\x03\x02\x01\x00", b"-----BEGIN CERTIFICATE-----"):
        with pytest.raises(SubjectHashError):
            cert_hashes(data)
        with pytest.raises(SubjectHashError):
            cert_subject_der(data)
    with pytest.raises(SubjectHashError, match="CRL"):
        crl_issuer_hash(b"\x30\x00")


# --------------------------------------------------------------------------- CLI certificates

def test_recipe_count():
    assert len(RECIPES) + 1 >= 60


@pytest.mark.parametrize("name", [r.name for r in RECIPES] + [REF_TRUSTED[0]])
def test_cli_certificate(cli, name):
    b = cli[name]
    assert b.oracle is not None, f"openssl refused {name}: {b.stderr}"
    assert cert_hashes(b.der) == b.oracle, b.subject_text
    subject = cert_subject_der(b.der)
    assert (name_hash(subject), name_hash_old(subject)) == b.oracle


@pytest.mark.parametrize("name,ref", [(r.name, r.ref) for r in RECIPES if r.ref] + [REF_TRUSTED])
def test_reference_values_are_what_openssl_prints(cli, name, ref):
    """The §9 comments are the reference's claims for OpenSSL 3.0; the installed openssl
    is the judge, and this test flags the first disagreement."""
    assert cli[name].oracle == ref


def test_self_test_equalities(cli):
    by_num = {n.split("-")[0]: b.oracle[0] for n, b in cli.items()}
    for group in SAME_NEW:
        assert len({by_num[g] for g in group}) == 1, group
    for a, b in DIFFERENT_NEW:
        assert by_num[a] != by_num[b], (a, b)


def test_cli_string_types_covered(cli):
    """The recipes really produce every string type req can write."""
    text = "\n".join(b.subject_text for b in cli.values())
    for t in ("UTF8STRING", "PRINTABLESTRING", "T61STRING", "IA5STRING", "BMPSTRING"):
        assert t in text, t
    assert "BMPSTRING" in cli["52-bmp-forced-ascii"].subject_text
    assert "T61STRING" in cli["54-t61-forced-ascii"].subject_text
    assert "UTF8STRING" in cli["71-dirstring-type-ignored"].subject_text   # dirstring_type ignored
    assert "+" in cli["63-multi-rdn-mixed-types"].subject_text
    assert cli["73-nameopt"].subject_text.startswith("subject=")


def test_trusted_certificate_trust_data_ignored(cli):
    b = cli[REF_TRUSTED[0]]
    plain = cli["32-escaped-plus"].der
    assert b.der != plain and b.der.startswith(plain)     # cert followed by trust data
    assert cert_subject_der(b.der) == cert_subject_der(plain)
    assert cert_hashes(b.der) == cert_hashes(plain) == b.oracle


def test_issuer_der_of_self_signed(cli):
    for b in cli.values():
        assert cert_issuer_der(b.der) == cert_subject_der(b.der)


def test_openssl_rehash_links(work, cli):
    """`openssl rehash` names the links exactly as cert_hashes computes."""
    d = work / "rehash"
    d.mkdir()
    for b in cli.values():
        shutil.copy(b.path, d / b.path.name)
    r = _run(["openssl", "rehash", d])
    assert r.returncode == 0, r.stderr
    links = {p.name: os.readlink(p) for p in d.iterdir() if p.is_symlink()}
    by_target = {}
    for link, target in links.items():
        by_target.setdefault(target, []).append(link.split(".")[0])
    for b in cli.values():
        if b.name == REF_TRUSTED[0]:    # same certificate as 32 (trust data aside): duplicate
            assert b.path.name not in by_target
            assert b"skipping duplicate certificate in" in r.stderr
            continue
        assert by_target.get(b.path.name) == [cert_hashes(b.der)[0]], b.name


# --------------------------------------------------------------------------- hand-made DER

@pytest.mark.parametrize("label", list(HAND_CASES))
def test_hand_made_subjects_against_openssl(hand, label):
    b = hand[label]
    name, where = HAND_CASES[label]
    mine = _mine(b.der)
    assert mine == b.oracle, f"openssl: {b.oracle} {b.stderr.splitlines()[-1:] or ''}"
    if b.oracle is None:
        assert "Unable to load certificate" in b.stderr
        with pytest.raises(SubjectHashError):
            cert_hashes(b.der)
    if b.oracle is None and name[:1] != b"\x30":
        return                               # not even a SEQUENCE: nothing to extract
    if where != "issuer":
        assert cert_subject_der(b.der) == name
        if b.oracle is not None:
            assert name_hashes(name) == b.oracle
    else:
        assert cert_issuer_der(b.der) == name


def test_reference_vectors_agree_with_openssl(hand):
    """The §8 values are what the installed openssl prints, and it refuses the refused."""
    for label, _, _, new, old in CANONICAL_VECTORS:
        assert hand[f"canon: {label}"].oracle == (new, old), label
    for label, _, new, old in ACCEPTED_VECTORS:
        assert hand[f"accepted: {label}"].oracle == (new, old), label
    for label, *_ in REFUSED_VECTORS:
        assert hand[f"refused: {label}"].oracle is None, label


def test_openssl_quirks_reproduced(hand):
    """Facts the reference does not state, established against OpenSSL 3.0 here."""
    q = {k[len("quirk: "):]: v.oracle for k, v in hand.items() if k.startswith("quirk: ")}
    assert q["primitive-bit Name (tag byte 10)"] is not None
    assert q["context-class piece in a constructed string"] is not None
    assert q["constructed string nested 5 deep"] is not None
    assert q["constructed string nested 6 deep"] is None
    assert q["zero-length long-form value at end of attribute"] is None
    assert q["one-byte long-form value"] is not None
    assert q["high-tag form of tag 3 (1f 03)"] is not None
    assert q["indefinite-length Name"] is not None
    # BIT STRING: unused bits are cleared in the canonical form
    assert canonical_name(QUIRK_SUBJECTS["BIT STRING unused bits are cleared"]).endswith(H("030207 80"))
    assert canonical_name(QUIRK_SUBJECTS["BIT STRING empty with 7 unused bits"]).endswith(H("030100"))
    assert hand["size: Name of 1048576 bytes (X509_NAME_MAX)"].oracle is not None
    assert hand["size: Name of 1048577 bytes (X509_NAME_MAX)"].oracle is None


# --------------------------------------------------------------------------- random corpus

_OIDS = [H("0603550403"), H("060355040a"), H("060355040b"), H("0603550406"), H("0603550407"),
         H("06092a864886f70d010901"), H("060a0992268993f22c640119"), H("06042a030405")]
_PIECES = ["a", "B", "Zz", "Hello", "WORLD", "x1", "0", "9", "-", ".", "@", "_", " ", "  ",
           "\t", "\n", "\r", "\x0b", "\x0c", "\x00", "\x1c", "\x7f", "é", "É", "ß", "Ä", "\u00a0",
           "\u0085", "Ж", "ж", "Σ", "日本", "\u3000", "\u2028", "😀", "🔒", "K", "\u212a", "\ufeff"]


def _random_value(rng: random.Random) -> bytes:
    text = "".join(rng.choice(_PIECES) for _ in range(rng.choice((0, 1, 2, 3, 5, 8, 20))))
    kind = rng.choice(("utf8", "utf8", "printable", "t61", "ia5", "bmp", "universal", "numeric"))
    if kind == "utf8":
        tag, body = 0x0C, text.encode()
    elif kind in ("printable", "t61", "ia5"):
        tag, body = {"printable": 0x13, "t61": 0x14, "ia5": 0x16}[kind], \
            "".join(c for c in text if ord(c) < 256).encode("latin-1")
    elif kind == "bmp":
        tag, body = 0x1E, "".join(c for c in text if ord(c) < 0x10000).encode("utf-16-be")
    elif kind == "universal":
        tag, body = 0x1C, text.encode("utf-32-be")
    else:
        tag, body = 0x12, "".join(rng.choice("0123456789 ") for _ in range(rng.randrange(6))).encode()
    if body and rng.random() < 0.1:                     # BER constructed form
        cut = rng.randrange(len(body) + 1)
        return tlv(0x20 | tag, tlv(0x04, body[:cut]) + tlv(0x04, body[cut:]))
    if rng.random() < 0.08 and len(body) < 128:         # non-minimal length
        return bytes((tag, 0x81, len(body))) + body
    return tlv(tag, body)


def _random_name(rng: random.Random) -> bytes:
    rdns = []
    for _ in range(rng.randrange(7)):
        if rng.random() < 0.05:
            rdns.append(b"\x31\x00")
            continue
        atvs = [A(_random_value(rng), rng.choice(_OIDS)) for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        rdns.append(S(*atvs))                            # unsorted: in generation order
    return N(*rdns)


RANDOM_NAMES = 150


@pytest.fixture(scope="session")
def random_corpus(work, signer, bases):
    rng = random.Random(20240229)
    names = [_random_name(rng) for _ in range(RANDOM_NAMES)]
    (work / "random").mkdir()

    def build(item):
        i, name = item
        der = splice_cert(bases["v3"], signer, subject=name)
        path = work / "random" / f"{i:03d}.pem"
        path.write_text(pem(der))
        return name, der, oracle_cert(path)[0]

    return _pool_map(build, list(enumerate(names)))


def test_random_names_against_openssl(random_corpus):
    bad = [(name.hex(), o, _mine(der)) for name, der, o in random_corpus if _mine(der) != o]
    assert not bad, bad[:3]
    accepted = sum(o is not None for _, _, o in random_corpus)
    assert accepted >= RANDOM_NAMES * 0.9                 # the corpus is mostly loadable


# --------------------------------------------------------------------------- CRLs

CRL_ISSUERS = ["03-lead-trail-spaces", "09-t61-latin1", "10-bmp-cyrillic", "21-multi-rdn",
               "52-bmp-forced-ascii", "47-empty-subject", "69-v3-same-as-1"]


@pytest.fixture(scope="session")
def crls(work, cli) -> dict[str, tuple[bytes, tuple | None]]:
    """``openssl ca -gencrl`` CRLs (v2 with a crlNumber, v1 without) for several issuers."""
    def build(item):
        name, version = item
        d = work / "crl" / f"{name}-{version}"
        d.mkdir()
        (d / "index.txt").write_text("")
        extra = ""
        if version == "v2":
            (d / "crlnumber").write_text("01\n")
            extra = "crlnumber = crlnumber\n"
        (d / "ca.cnf").write_text("[ca]\ndefault_ca = c\n[c]\ndatabase = index.txt\n" + extra +
                                  "default_md = default\ndefault_crl_days = 30\n")
        r = _run(["openssl", "ca", "-config", "ca.cnf", "-gencrl", "-keyfile", work / "key.pem",
                  "-cert", cli[name].path, "-out", "crl.pem"], cwd=d)
        assert r.returncode == 0, (name, r.stderr.decode())
        return f"{name}-{version}", (unpem((d / "crl.pem").read_bytes()), oracle_crl(d / "crl.pem"))

    items = [(n, v) for n in CRL_ISSUERS for v in ("v1", "v2")]
    return dict(_pool_map(build, items))


def test_crl_issuer_hash_gencrl(crls, cli):
    for key, (der, o) in crls.items():
        assert o is not None, key
        assert crl_issuer_hash(der) == o[0], key
        assert crl_hashes(der) == o, key
        issuer = key.rsplit("-", 1)[0]
        assert crl_issuer_der(der) == cert_subject_der(cli[issuer].der)
        assert crl_issuer_hash(der) == cert_hashes(cli[issuer].der)[0]
    v1 = _fields(crls["03-lead-trail-spaces-v1"][0])[0]
    v2 = _fields(crls["03-lead-trail-spaces-v2"][0])[0]
    assert _fields(v1)[0][0] == 0x30 and _fields(v2)[0][0] == 0x02   # version absent / present


CRL_HAND_ISSUERS = {
    "unsorted SET": ACCEPTED["unsorted SET OU zz, CN a (c)"],
    "PrintableString with @": ACCEPTED["PrintableString User@Example.COM (c)"],
    "T61 Latin-1": CANONICAL["T61 Latin-1"],
    "non-minimal lengths": ACCEPTED["non-minimal lengths (c)"],
    "indefinite-length Name": QUIRK_SUBJECTS["indefinite-length Name"],
    "empty": H("3000"),
    "refused: BMP surrogate": REFUSED["BMP surrogate pair"],
    "refused: VisibleString": REFUSED["VisibleString"],
}


def test_crl_issuer_hash_hand_made(work, crls, signer):
    for i, (label, issuer) in enumerate(CRL_HAND_ISSUERS.items()):
        for version in ("v1", "v2"):
            der = splice_crl_issuer(crls[f"03-lead-trail-spaces-{version}"][0], signer, issuer)
            path = work / "crl" / f"hand-{i}-{version}.pem"
            path.write_text(pem(der, "X509 CRL"))
            o = oracle_crl(path)
            if label.startswith("refused"):
                assert o is None, label
                with pytest.raises(SubjectHashError):
                    crl_issuer_hash(der)
            else:
                assert o is not None, label
                assert crl_hashes(der) == o == name_hashes(issuer), label
                assert crl_issuer_der(der) == issuer


# --------------------------------------------------------------------------- speed

def test_5000_hashes_well_under_a_second(cli, random_corpus):
    ders = [b.der for b in cli.values()] + [d for _, d, o in random_corpus if o is not None]
    batch = (ders * (5000 // len(ders) + 1))[:5000]
    t0 = time.perf_counter()
    for der in batch:
        cert_hashes(der)
    elapsed = time.perf_counter() - t0
    print(f"\n5000 cert_hashes: {elapsed * 1000:.0f} ms")
    assert elapsed < 1.0, f"5000 certificate hashes took {elapsed:.2f} s"
