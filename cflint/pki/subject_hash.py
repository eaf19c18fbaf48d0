"""OpenSSL's subject-name hash (the ``<hash>.0`` names of a CA directory), in pure Python.

``name_hash`` is what ``openssl x509 -hash`` prints (OpenSSL >= 1.0.0, and the only hash the
verifier uses to look a CA up in ``CACertPath``); ``name_hash_old`` is ``-subject_hash_old``
(MD5, OpenSSL < 1.0.0)::

    name_hash(Name)     = "%08x" % LE32(SHA1(canonical(Name))[0:4])
    name_hash_old(Name) = "%08x" % LE32(MD5(Name TLV exactly as received)[0:4])

The canonical form (OpenSSL's ``x509_name_canon``): every RDN becomes one SET (empty SETs
vanish) of ``SEQUENCE { OID, value }``, the SETs concatenated without the outer SEQUENCE
header.  String values (UTF8String, PrintableString, T61String, IA5String, BMPString,
UniversalString) are converted to UTF-8, stripped of leading/trailing ASCII whitespace,
inner ASCII-whitespace runs collapsed to one space, ASCII A-Z lowered, and emitted as
UTF8String; every other accepted type is kept verbatim.  Each SET is sorted as DER sorts.

A Name OpenSSL refuses (its whole certificate then fails to load, and ``openssl rehash``
skips it) raises :class:`SubjectHashError`, whose message says why: a value of a type the
X509_NAME parser does not admit (VisibleString, OCTET STRING, INTEGER, a non-UNIVERSAL
tag, ...), invalid UTF-8, a BMPString/UniversalString of the wrong length or holding a
surrogate or a code point above U+10FFFF, a broken OID, broken BER.

The BER reader here is our own and reproduces the leniencies of OpenSSL's decoder
(``crypto/asn1/tasn_dec.c``): non-minimal and indefinite lengths, unsorted SETs,
constructed strings (pieces concatenated, at most 5 levels, piece tags not checked),
high-tag-number forms of low tags, and PrintableString/IA5String without alphabet checks.
So certificates that ``cryptography`` refuses to parse hash exactly as OpenSSL hashes them.
Nothing here imports ``cryptography``.  See ``shared/reference/openssl-subject-hash.md``.
"""
from __future__ import annotations

import hashlib
import re

__all__ = [
    "SubjectHashError",
    "name_hash",
    "name_hash_old",
    "name_hashes",
    "canonical_name",
    "cert_subject_der",
    "cert_issuer_der",
    "cert_hashes",
    "crl_issuer_der",
    "crl_issuer_hash",
    "crl_hashes",
]


class SubjectHashError(ValueError):
    """A Name (or the certificate/CRL around it) that OpenSSL refuses to load; the message
    says why."""


_sha1 = hashlib.sha1
_md5 = hashlib.md5

X509_NAME_MAX = 1024 * 1024       # OpenSSL never reads more than this for one Name

# the name of an entry of a hashed CA directory: <hash>.<n> (a certificate) or
# <hash>.r<n> (a CRL), as c_rehash / openssl rehash make and X509_LOOKUP_hash_dir reads
HASH_NAME = re.compile(r"^([0-9a-f]{8})\.(r?)(\d+)$")

_STRING_NEST_MAX = 5              # ASN1_MAX_STRING_NEST: nesting of constructed strings
_INT_MAX = 0x7FFFFFFF
_LONG_MAX = 0x7FFFFFFFFFFFFFFF

# Value tags X509_NAME_ENTRY admits (ASN1_PRINTABLE: tag2bit(tag) & B_ASN1_PRINTABLE).
_TAG_UTF8, _TAG_BMP, _TAG_UNIVERSAL, _TAG_BIT, _TAG_SEQ = 12, 30, 28, 3, 16
_CANON = frozenset({12, 19, 20, 22, 28, 30})             # converted to UTF8String
_VERBATIM = frozenset({3, 7, 8, 9, 11, 13, 14, 15, 18, 29})  # kept, same tag (16: whole TLV)
_ADMITTED = _CANON | _VERBATIM | {16}
_LATIN1 = frozenset({19, 20, 22})                        # one byte = one code point

_TAG_NAMES = {
    0: "end-of-contents", 1: "BOOLEAN", 2: "INTEGER", 3: "BIT STRING", 4: "OCTET STRING",
    5: "NULL", 6: "OBJECT IDENTIFIER", 7: "ObjectDescriptor", 8: "EXTERNAL", 9: "REAL",
    10: "ENUMERATED", 11: "EMBEDDED PDV", 12: "UTF8String", 13: "RELATIVE-OID", 16: "SEQUENCE",
    17: "SET", 18: "NumericString", 19: "PrintableString", 20: "T61String",
    21: "VideotexString", 22: "IA5String", 23: "UTCTime", 24: "GeneralizedTime",
    25: "GraphicString", 26: "VisibleString", 27: "GeneralString", 28: "UniversalString",
    30: "BMPString",
}
_CLASS_NAMES = {0x40: "APPLICATION", 0x80: "context-specific", 0xC0: "PRIVATE"}

# bytes.translate delete-table: everything except the surrogate high bytes D8-DF
_NOT_SURROGATE_HIGH = bytes(b for b in range(256) if not 0xD8 <= b <= 0xDF)


def _fold(digest: bytes) -> str:
    """First four digest bytes, little-endian, as 8 lowercase hex digits."""
    return "%08x" % int.from_bytes(digest[:4], "little")


# --------------------------------------------------------------------------- BER reader

def _hdr(buf: bytes, pos: int, end: int, slack: int = 0) -> tuple[int, int, int, int]:
    """Read one identifier + length at ``pos`` (data ends at ``end``), as ASN1_get_object
    does.  Returns ``(class|constructed bits, tag number, content start, content length)``,
    the length -1 for the indefinite form.  ``slack``: bytes known to follow ``end`` (only
    for OpenSSL's "long-form length needs one more byte after it" check)."""
    if pos >= end:
        raise SubjectHashError("truncated: a tag was expected")
    b = buf[pos]
    p = pos + 1
    tag = b & 0x1F
    if tag == 0x1F:                                     # high tag number form
        tag = 0
        while True:
            if p >= end:
                raise SubjectHashError("truncated tag")
            c = buf[p]
            p += 1
            tag = (tag << 7) | (c & 0x7F)
            if not c & 0x80:
                break
            if tag > (_INT_MAX >> 7):
                raise SubjectHashError("tag number too large")
    if p >= end:
        raise SubjectHashError("truncated: a length was expected")
    n = buf[p]
    p += 1
    if n < 0x80:
        if n > end - p:
            raise SubjectHashError(f"length {n} runs past the end of the data")
        return b & 0xE0, tag, p, n
    if n == 0x80:
        if not b & 0x20:
            raise SubjectHashError("indefinite length on a primitive encoding")
        return b & 0xE0, tag, p, -1
    n &= 0x7F
    if end + slack - p < n + 1:                         # asn1_get_length: max < i + 1
        raise SubjectHashError("length octets run past the end of the data")
    while n and buf[p] == 0:                            # leading zeros are skipped
        p += 1
        n -= 1
    if n > 8:
        raise SubjectHashError("length too large")
    length = int.from_bytes(buf[p:p + n], "big")
    p += n
    if length > _LONG_MAX or length > end - p:
        raise SubjectHashError(f"length {length} runs past the end of the data")
    return b & 0xE0, tag, p, length


def _find_end(buf: bytes, p: int, end: int) -> int:
    """End (after the end-of-contents) of indefinite-length content starting at ``p``
    (asn1_find_end: headers only, nested indefinite forms counted)."""
    expected = 1
    while p < end:
        if end - p >= 2 and buf[p] == 0 and buf[p + 1] == 0:
            p += 2
            expected -= 1
            if not expected:
                return p
            continue
        _, _, cp, clen = _hdr(buf, p, end)
        if clen < 0:
            expected += 1
            p = cp
        else:
            p = cp + clen
    raise SubjectHashError("missing end-of-contents")


def _skip(buf: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """``(class|constructed bits, tag, position after the element)``."""
    ident, tag, cp, clen = _hdr(buf, pos, end)
    return ident, tag, (_find_end(buf, cp, end) if clen < 0 else cp + clen)


def _collect(buf: bytes, p: int, end: int, inf: bool, depth: int, parts: list) -> int:
    """Concatenate the pieces of a constructed string (asn1_collect): pieces of any tag and
    class, constructed pieces nested at most 5 deep.  Returns the position after it."""
    while p < end:
        if end - p >= 2 and buf[p] == 0 and buf[p + 1] == 0:
            if not inf:
                raise SubjectHashError("unexpected end-of-contents in a constructed string")
            return p + 2
        ident, _, cp, clen = _hdr(buf, p, end)
        if ident & 0x20:
            if depth >= _STRING_NEST_MAX:
                raise SubjectHashError("constructed string nested too deeply")
            if clen < 0:
                p = _collect(buf, cp, end, True, depth + 1, parts)
            else:
                p = _collect(buf, cp, cp + clen, False, depth + 1, parts)
        else:
            parts.append(buf[cp:cp + clen])
            p = cp + clen
    if inf:
        raise SubjectHashError("missing end-of-contents in a constructed string")
    return p


def _tlv(tag: int, body: bytes) -> bytes:
    """DER TLV with a one-byte identifier and minimal length."""
    n = len(body)
    if n < 0x80:
        return bytes((tag, n)) + body
    lb = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((tag, 0x80 | len(lb))) + lb + body


def _oid_text(oid: bytes) -> str:
    """Dotted form of OID content octets (for messages only)."""
    arcs, v = [], 0
    for c in oid:
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            arcs.append(v)
            v = 0
    if not arcs:
        return "?"
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(map(str, head + arcs[1:]))


def _tag_text(ident: int, tag: int) -> str:
    cls = ident & 0xC0
    if cls:
        return f"[{_CLASS_NAMES[cls]} {tag}]"
    return f"{_TAG_NAMES.get(tag, 'tag')} (tag {tag})"


# --------------------------------------------------------------------------- values

def _to_utf8(tag: int, body: bytes) -> bytes:
    """ASN1_STRING_to_UTF8 for the canonicalised string types."""
    if tag == _TAG_UTF8:
        try:
            body.decode("utf-8")            # strict: exactly OpenSSL's UTF8_getc + range check
        except UnicodeDecodeError as e:
            raise SubjectHashError(f"invalid UTF-8 in a UTF8String ({e.reason} at byte "
                                   f"{e.start})") from None
        return body
    if tag in _LATIN1:
        return body if body.isascii() else body.decode("latin-1").encode("utf-8")
    if tag == _TAG_BMP:
        if len(body) & 1:
            raise SubjectHashError(f"BMPString of odd length {len(body)}")
        if body[0::2].translate(None, _NOT_SURROGATE_HIGH):   # units are code points:
            i = next(i for i in range(0, len(body), 2) if 0xD8 <= body[i] <= 0xDF)
            raise SubjectHashError(                            # pairs are not combined
                f"BMPString holds the surrogate U+{body[i]:02X}{body[i + 1]:02X}")
        return body.decode("utf-16-be").encode("utf-8")
    # UniversalString
    if len(body) & 3:
        raise SubjectHashError(f"UniversalString of length {len(body)} (not a multiple of 4)")
    try:
        return body.decode("utf-32-be").encode("utf-8")
    except UnicodeDecodeError as e:
        cp = int.from_bytes(body[e.start:e.start + 4], "big")
        raise SubjectHashError(f"UniversalString holds an invalid code point 0x{cp:X} "
                               "(surrogate or above U+10FFFF)") from None


def _bit_string(body: bytes) -> bytes:
    """c2i + i2c of a BIT STRING: unused bits are cleared, an empty one gets 0 unused bits."""
    if not body:
        raise SubjectHashError("BIT STRING without its unused-bits octet")
    pad = body[0]
    if pad > 7:
        raise SubjectHashError(f"BIT STRING with {pad} unused bits")
    if len(body) == 1:
        return b"\x03\x01\x00"
    last = body[-1] & (0xFF << pad) & 0xFF
    return _tlv(_TAG_BIT, body[:-1] + bytes((last,)))


def _atv(buf: bytes, pos: int, end: int) -> tuple[int, bytes, bytes]:
    """One AttributeTypeAndValue at ``pos``: ``(position after it, canonical encoding,
    OID content)``."""
    ident, tag, p, clen = _hdr(buf, pos, end)
    if ident & 0xC0 or tag != _TAG_SEQ:
        raise SubjectHashError(f"attribute is {_tag_text(ident, tag)}, not a SEQUENCE")
    if not ident & 0x20:
        raise SubjectHashError("attribute SEQUENCE is not constructed")
    inf = clen < 0
    aend = end if inf else p + clen
    # type: OBJECT IDENTIFIER
    if p >= aend or (inf and aend - p >= 2 and buf[p] == 0 and buf[p + 1] == 0):
        raise SubjectHashError("attribute without a type")
    ident, tag, op, olen = _hdr(buf, p, aend)
    if ident & 0xC0 or tag != 6:
        raise SubjectHashError(f"attribute type is {_tag_text(ident, tag)}, not an OID")
    if ident & 0x20:
        raise SubjectHashError("attribute type OID is constructed")
    oid = buf[op:op + olen]
    if not oid or oid[-1] & 0x80:
        raise SubjectHashError("invalid OID encoding")
    if 0x80 in oid:
        for i, c in enumerate(oid):
            if c == 0x80 and (i == 0 or not oid[i - 1] & 0x80):
                raise SubjectHashError("invalid OID encoding (leading 0x80 in an arc)")
    p = op + olen
    try:
        # value
        if p >= aend or (inf and aend - p >= 2 and buf[p] == 0 and buf[p + 1] == 0):
            raise SubjectHashError("attribute without a value")
        vstart = p
        ident, tag, vp, vlen = _hdr(buf, p, aend)
        if ident & 0xC0:
            raise SubjectHashError(f"value is {_tag_text(ident, tag)}, not UNIVERSAL class")
        if tag not in _ADMITTED:
            raise SubjectHashError(f"value type {_tag_text(ident, tag)} is not accepted "
                                   "in a Name")
        cons = ident & 0x20
        if tag == _TAG_SEQ:
            if not cons:
                raise SubjectHashError("primitive SEQUENCE value")
            p = _find_end(buf, vp, aend) if vlen < 0 else vp + vlen
            enc = buf[vstart:p]                     # the whole TLV, byte for byte
        else:
            if cons:
                parts: list = []
                if vlen < 0:
                    p = _collect(buf, vp, aend, True, 0, parts)
                else:
                    p = _collect(buf, vp, vp + vlen, False, 0, parts)
                body = b"".join(parts)
            else:
                p = vp + vlen
                body = buf[vp:p]
            if tag in _CANON:
                u8 = _to_utf8(tag, body)
                enc = _tlv(_TAG_UTF8, b" ".join(u8.split()).lower())
            elif tag == _TAG_BIT:
                enc = _bit_string(body)
            else:
                enc = _tlv(tag, body)
        # end of the attribute
        if inf:
            if not (aend - p >= 2 and buf[p] == 0 and buf[p + 1] == 0):
                raise SubjectHashError("attribute: missing end-of-contents")
            p += 2
        elif p != aend:
            raise SubjectHashError("attribute has data after its value")
    except SubjectHashError as e:
        raise SubjectHashError(f"{_oid_text(oid)}: {e}") from None
    return p, _tlv(0x30, _tlv(0x06, oid) + enc), oid


def _name(buf: bytes, pos: int, end: int, slack: int = 0) -> tuple[int, bytes]:
    """Decode and canonicalise the Name TLV at ``pos``: ``(position after it, canonical
    encoding)``.  Raises SubjectHashError for anything OpenSSL refuses."""
    if end - pos > X509_NAME_MAX:
        end = pos + X509_NAME_MAX
        try:
            ident, tag, p, clen = _hdr(buf, pos, end, slack)
        except SubjectHashError:
            _hdr(buf, pos, len(buf), slack)     # well-formed, only too long for OpenSSL?
            raise SubjectHashError(f"Name longer than {X509_NAME_MAX} bytes, OpenSSL's "
                                   "limit (X509_NAME_MAX)") from None
    else:
        ident, tag, p, clen = _hdr(buf, pos, end, slack)
    # SEQUENCE OF / SET OF templates compare tag number and class only (not the
    # constructed bit), as OpenSSL does.
    if ident & 0xC0 or tag != _TAG_SEQ:
        raise SubjectHashError(f"Name is {_tag_text(ident, tag)}, not a SEQUENCE")
    inf = clen < 0
    nend = end if inf else p + clen
    out = []
    rdn = 0
    while p < nend:
        if nend - p >= 2 and buf[p] == 0 and buf[p + 1] == 0:
            if not inf:
                raise SubjectHashError("unexpected end-of-contents in the Name")
            p += 2
            inf = False
            break
        rdn += 1
        ident, tag, sp, slen = _hdr(buf, p, nend)
        if ident & 0xC0 or tag != 17:
            raise SubjectHashError(f"RDN {rdn} is {_tag_text(ident, tag)}, not a SET")
        sinf = slen < 0
        send = nend if sinf else sp + slen
        atvs = []
        p = sp
        try:
            while p < send:
                if send - p >= 2 and buf[p] == 0 and buf[p + 1] == 0:
                    if not sinf:
                        raise SubjectHashError("unexpected end-of-contents")
                    p += 2
                    sinf = False
                    break
                p, enc, _ = _atv(buf, p, send)
                atvs.append(enc)
            if sinf:
                raise SubjectHashError("missing end-of-contents")
        except SubjectHashError as e:
            raise SubjectHashError(f"RDN {rdn}, attribute {len(atvs) + 1}: {e}") from None
        if len(atvs) == 1:
            out.append(_tlv(0x31, atvs[0]))
        elif atvs:
            atvs.sort()                             # DER SET OF order, after canonicalising
            out.append(_tlv(0x31, b"".join(atvs)))
    if inf:
        raise SubjectHashError("Name: missing end-of-contents")
    return p, b"".join(out)


def _as_bytes(data) -> bytes:
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    raise TypeError(f"expected bytes, not {type(data).__name__}")


def _whole_name(der_name) -> tuple[bytes, bytes]:
    buf = _as_bytes(der_name)
    nxt, canon = _name(buf, 0, len(buf), slack=1)
    if nxt != len(buf):
        raise SubjectHashError(f"{len(buf) - nxt} bytes after the Name")
    return buf, canon


# --------------------------------------------------------------------------- names

def canonical_name(der_name: bytes) -> bytes:
    """OpenSSL's canonical encoding of a DER/BER Name (the bytes ``name_hash`` hashes)."""
    return _whole_name(der_name)[1]


def name_hash(der_name: bytes) -> str:
    """``openssl x509 -hash`` of a Name: SHA-1 of the canonical encoding, e.g. ``"1a2b3c4d"``."""
    return _fold(_sha1(_whole_name(der_name)[1]).digest())


def name_hash_old(der_name: bytes) -> str:
    """``openssl x509 -subject_hash_old`` (OpenSSL < 1.0): MD5 of the Name as received.
    Refuses the same Names as :func:`name_hash`."""
    return _fold(_md5(_whole_name(der_name)[0]).digest())


def name_hashes(der_name: bytes) -> tuple[str, str]:
    """``(name_hash, name_hash_old)`` in one pass."""
    buf, canon = _whole_name(der_name)
    return _fold(_sha1(canon).digest()), _fold(_md5(buf).digest())


# --------------------------------------------------------------------------- certificates

def _tbs(buf: bytes, what: str) -> tuple[int, int]:
    """Content ``(start, end)`` of the TBS SEQUENCE inside the outer SEQUENCE (first TLV of
    ``buf``; anything after it, e.g. trust data, is ignored)."""
    try:
        ident, tag, p, clen = _hdr(buf, 0, len(buf))
        if ident != 0x20 or tag != _TAG_SEQ:
            raise SubjectHashError(f"starts with {_tag_text(ident, tag)}, not a SEQUENCE")
        end = len(buf) if clen < 0 else p + clen
        ident, tag, tp, tlen = _hdr(buf, p, end)
        if ident != 0x20 or tag != _TAG_SEQ:
            raise SubjectHashError(f"its first element is {_tag_text(ident, tag)}, "
                                   "not a SEQUENCE")
        return tp, (end if tlen < 0 else tp + tlen)
    except SubjectHashError as e:
        raise SubjectHashError(f"not a {what}: {e}") from None


def _expect(buf: bytes, pos: int, end: int, tag: int, field: str) -> int:
    ident, got, nxt = _skip(buf, pos, end)
    if ident & 0xC0 or got != tag:
        raise SubjectHashError(f"{field} is {_tag_text(ident, got)}")
    return nxt


def _cert_names(cert_der) -> tuple[bytes, int, int, int, int]:
    """``(buffer, issuer start, issuer end, subject start, tbs end)``."""
    buf = _as_bytes(cert_der)
    p, end = _tbs(buf, "certificate")
    try:
        if p < end and buf[p] == 0xA0:                  # [0] EXPLICIT version
            p = _skip(buf, p, end)[2]
        p = _expect(buf, p, end, 2, "serialNumber")
        p = _expect(buf, p, end, _TAG_SEQ, "signature algorithm")
        issuer = p
        p = _expect(buf, p, end, _TAG_SEQ, "issuer")
        issuer_end = p
        p = _expect(buf, p, end, _TAG_SEQ, "validity")
        if p >= end:
            raise SubjectHashError("no subject")
    except SubjectHashError as e:
        raise SubjectHashError(f"certificate: {e}") from None
    return buf, issuer, issuer_end, p, end


def cert_subject_der(cert_der: bytes) -> bytes:
    """The subject Name TLV of a DER certificate, exactly as encoded (trailing data after
    the certificate, such as the trust block of a TRUSTED CERTIFICATE, is ignored)."""
    buf, _, _, s, end = _cert_names(cert_der)
    try:
        return buf[s:_expect(buf, s, end, _TAG_SEQ, "subject")]
    except SubjectHashError as e:
        raise SubjectHashError(f"certificate: {e}") from None


def cert_issuer_der(cert_der: bytes) -> bytes:
    """The issuer Name TLV of a DER certificate, exactly as encoded."""
    buf, i, ie, _, _ = _cert_names(cert_der)
    return buf[i:ie]


def cert_hashes(cert_der: bytes) -> tuple[str, str]:
    """``(openssl x509 -hash, -subject_hash_old)`` of a DER certificate.  Raises
    SubjectHashError when OpenSSL could not load it because of its subject or issuer."""
    return cert_hashes_subject(cert_der)[:2]


def cert_hashes_subject(cert_der: bytes) -> tuple[str, str, bytes]:
    """``(openssl x509 -hash, -subject_hash_old, canonical subject)`` in one pass: a
    subject encoded byte for byte as the issuer (a root) is decoded once."""
    buf, i, ie, s, end = _cert_names(cert_der)
    try:
        nxt, icanon = _name(buf, i, end)                # an unloadable issuer: unloadable cert
    except SubjectHashError as e:
        raise SubjectHashError(f"issuer: {e}") from None
    n = ie - i
    if nxt == ie and end - s > n and end - i <= X509_NAME_MAX and buf[i] == buf[s] \
            and buf[s:s + n] == buf[i:ie]:
        nxt, canon = s + n, icanon  # the same TLV, read within the same limits
    else:
        try:
            nxt, canon = _name(buf, s, end)
        except SubjectHashError as e:
            raise SubjectHashError(f"subject: {e}") from None
    return _fold(_sha1(canon).digest()), _fold(_md5(buf[s:nxt]).digest()), canon


# --------------------------------------------------------------------------- CRLs

def _crl_issuer(crl_der) -> tuple[bytes, int, int]:
    buf = _as_bytes(crl_der)
    p, end = _tbs(buf, "CRL")
    try:
        if p < end and buf[p] == 0x02:                  # optional version INTEGER
            p = _skip(buf, p, end)[2]
        p = _expect(buf, p, end, _TAG_SEQ, "signature algorithm")
        if p >= end:
            raise SubjectHashError("no issuer")
    except SubjectHashError as e:
        raise SubjectHashError(f"CRL: {e}") from None
    return buf, p, end


def crl_issuer_der(crl_der: bytes) -> bytes:
    """The issuer Name TLV of a DER CRL, exactly as encoded."""
    buf, p, end = _crl_issuer(crl_der)
    try:
        return buf[p:_expect(buf, p, end, _TAG_SEQ, "issuer")]
    except SubjectHashError as e:
        raise SubjectHashError(f"CRL: {e}") from None


def crl_hashes(crl_der: bytes) -> tuple[str, str]:
    """``(openssl crl -hash, -hash_old)`` of a DER CRL (its issuer's hashes)."""
    buf, p, end = _crl_issuer(crl_der)
    try:
        nxt, canon = _name(buf, p, end)
    except SubjectHashError as e:
        raise SubjectHashError(f"CRL issuer: {e}") from None
    return _fold(_sha1(canon).digest()), _fold(_md5(buf[p:nxt]).digest())


def crl_issuer_hash(crl_der: bytes) -> str:
    """``openssl crl -hash``: the issuer hash of a DER CRL (the ``<hash>`` of ``<hash>.rN``)."""
    return crl_hashes(crl_der)[0]
