"""How strong STARTTLS is (CF104-CF108, CF111, CF112), and the HP-UX RandFile (CF109).

None of these switch STARTTLS off, except an unusable RandFile on a build without
/dev/urandom; the rest decide what a connection is worth."""
from __future__ import annotations

import re

from cflint.api import Location, Rule, RuleMeta
from cflint.pki.load import pem_blocks
from cflint.sendmail import options as optdata

from .support.access import access_entries
from .support.options import OP_ME_TLS, is_true, loc, option_fix, ssl_option_tokens

OPENSSL_CIPHERS = "OpenSSL ciphers(1)"
RFC8996 = "RFC 8996 (Deprecating TLS 1.0 and TLS 1.1)"
RFC7919 = "RFC 7919 (Negotiated FFDHE parameters); Logjam (weakdh.org)"

TLS13_SUITES = ("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
                "TLS_AES_128_GCM_SHA256", "TLS_AES_128_CCM_SHA256", "TLS_AES_128_CCM_8_SHA256")
# cipher-list keywords that ask for weak ciphers, and what they are
WEAK_TOKENS = {"RC4": "RC4", "DES": "DES", "3DES": "3DES", "NULL": "NULL encryption",
               "ENULL": "NULL encryption", "EXP": "EXPORT", "EXPORT": "EXPORT",
               "EXPORT40": "EXPORT", "EXPORT56": "EXPORT", "MD5": "MD5 MAC",
               "ANULL": "unauthenticated (aNULL)", "ADH": "unauthenticated (aNULL)",
               "AECDH": "unauthenticated (aNULL)", "LOW": "LOW (56/64-bit)",
               "SEED": None, "IDEA": "IDEA", "RC2": "RC2", "DES-CBC3-SHA": "3DES"}


def token_weakness(tok: str) -> str | None:
    """The weakness a cipher-list word asks for: a keyword (RC4, 3DES, aNULL, ...) or a
    cipher name made of them (RC4-SHA, DES-CBC3-SHA, EXP-RC4-MD5)."""
    whole = WEAK_TOKENS.get(tok.lstrip("+").upper())
    if whole:
        return whole
    parts = re.split(r"[-+]", tok.upper())
    if "CBC3" in parts:
        return "3DES"
    for part in parts:
        w = WEAK_TOKENS.get(part)
        if w and part not in ("SEED",):
            return w
    return None


def openssl_label() -> str:
    import ssl

    return ssl.OPENSSL_VERSION


def cipher_list_verdict(value: str):
    """(accepted, [admitted cipher dicts for TLS <= 1.2]) with this Python's OpenSSL."""
    import ssl

    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    # OpenSSL reads a C string: it ends at a NUL, and a byte outside ASCII names no cipher
    # (a '?' matches none either)
    value = value.split("\0", 1)[0].encode("ascii", "replace").decode("ascii")
    try:
        ctx.set_ciphers(value)
    except ssl.SSLError:
        return False, []
    return True, [c for c in ctx.get_ciphers() if c.get("protocol") != "TLSv1.3"]


def weakness(c: dict) -> str | None:
    name = c["name"].upper()
    desc = c.get("description", "")
    if "RC4" in name:
        return "RC4"
    if "DES-CBC3" in name or "3DES" in name or "Enc=3DES" in desc:
        return "3DES"
    if re.search(r"(^|-)DES(-|$)", name) or "Enc=DES(" in desc:
        return "DES"
    if "Enc=None" in desc or "NULL" in name and "Enc=None" in desc:
        return "NULL encryption"
    if "EXP" in name.split("-")[0] or "export" in desc.lower():
        return "EXPORT"
    if "Mac=MD5" in desc:
        return "MD5 MAC"
    if c.get("auth") == "auth-null" or "Au=None" in desc:
        return "unauthenticated (aNULL)"
    return None


class CipherListInvalid(Rule):
    meta = RuleMeta(
        code="CF104", name="cipher-list-invalid", level="warning", impacts=("weak-crypto",),
        summary="A CipherList OpenSSL rejects, or CipherSuites names that are not TLS 1.3 "
                "suites",
        rationale=(
            "sendmail hands CipherList to SSL_CTX_set_cipher_list(); when OpenSSL rejects it "
            "(a list that matches no cipher) sendmail logs \"SSL_CTX_set_cipher_list(<v>) "
            "failed, list ignored\" and OpenSSL's defaults apply: STARTTLS is still offered, "
            "but not with the ciphers the author chose. CipherSuites (8.17.1+) takes only TLS "
            "1.3 suite names; with none valid sendmail logs \"suites ignored\". cflint judges "
            "with the OpenSSL Python links; the target host's OpenSSL may differ."),
        fix="Use cipher strings this OpenSSL knows, e.g. HIGH:!aNULL:!MD5:!RC4:!3DES.",
        references=(OPENSSL_CIPHERS, OP_ME_TLS),
        bad_example="O CipherList=NOT-A-CIPHER",
        good_example="O CipherList=HIGH:!aNULL:!MD5",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            s = cfg.get("CipherList")
            if s is not None and s.value.strip():
                ok, _ = cipher_list_verdict(s.value)
                if not ok:
                    yield self.finding(
                        loc(cfg, s.line, s.opt.value_column),
                        f"CipherList '{s.value}' selects no cipher in {openssl_label()} "
                        f"(judged here; the target host's OpenSSL may differ): sendmail logs "
                        f"\"SSL_CTX_set_cipher_list({s.value}) failed, list ignored\" and "
                        "OpenSSL's default ciphers apply.",
                        fix=option_fix("CipherList", "HIGH:!aNULL:!MD5:!RC4:!3DES") +
                            f"; check a list with: openssl ciphers -v '{s.value}'",
                        anchor="cipherlist-invalid",
                        evidence={"openssl": openssl_label()})
            s = cfg.get("CipherSuites")
            if s is not None and s.value.strip():
                names = [n.strip() for n in s.value.split(":") if n.strip()]
                bad = [n for n in names if n not in TLS13_SUITES]
                if not bad:
                    continue
                none_valid = len(bad) == len(names)
                consequence = (f"none is valid, so sendmail logs \"SSL_CTX_set_ciphersuites("
                               f"{s.value}) failed, suites ignored\" and OpenSSL's default TLS "
                               "1.3 suites apply" if none_valid else
                               "OpenSSL ignores or rejects them")
                yield self.finding(
                    loc(cfg, s.line, s.opt.value_column),
                    f"CipherSuites names {', '.join(bad)}, which {'is' if len(bad) == 1 else 'are'}"
                    f" not TLS 1.3 suites (only {', '.join(TLS13_SUITES)} exist): {consequence}. "
                    "TLS 1.2 ciphers belong in CipherList.",
                    fix=option_fix("CipherSuites", ":".join(TLS13_SUITES[:3])) +
                        "; TLS 1.2 names belong in CipherList",
                    anchor="ciphersuites-invalid")


class CipherListWeak(Rule):
    meta = RuleMeta(
        code="CF105", name="cipher-list-weak", level="warning", impacts=("weak-crypto",),
        summary="CipherList admits RC4, DES/3DES, NULL, EXPORT, MD5 or aNULL/eNULL ciphers",
        rationale=(
            "These ciphers are broken or unauthenticated (RFC 7465 forbids RC4; 3DES falls to "
            "Sweet32; EXPORT to FREAK and Logjam; aNULL allows a man in the middle). cflint "
            "lists what the CipherList admits in the OpenSSL Python links, and also flags "
            "weak ciphers the list asks for by name, which an older OpenSSL on the target "
            "would admit."),
        fix="Exclude them: HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!EXPORT",
        references=(OPENSSL_CIPHERS, "RFC 7465", "RFC 9325 (BCP 195)"),
        bad_example="O CipherList=ALL:RC4-SHA",
        good_example="O CipherList=HIGH:!aNULL:!MD5:!RC4:!3DES",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            s = cfg.get("CipherList")
            if s is None or not s.value.strip():
                continue
            ok, admitted = cipher_list_verdict(s.value)
            if not ok:
                continue  # CF104
            found: dict[str, list[str]] = {}
            for c in admitted:
                w = weakness(c)
                if w:
                    found.setdefault(w, []).append(c["name"])
            asked = []
            for tok in re.split(r"[:, ]+", s.value):
                if not tok or tok[0] in "!-" or tok.startswith("@"):
                    continue
                w = token_weakness(tok)
                if w and w not in found and (tok, w) not in asked:
                    asked.append((tok, w))
            if not found and not asked:
                continue
            parts = [f"{w} ({', '.join(names[:4])}{', ...' if len(names) > 4 else ''})"
                     for w, names in found.items()]
            msg = f"CipherList '{s.value}' "
            if parts:
                msg += f"admits {'; '.join(parts)} in {openssl_label()}"
            if asked:
                msg += ("; " if parts else "") + "asks for " + ", ".join(
                    f"{w} ('{t}')" for t, w in asked) + (
                    f", which {openssl_label()} no longer has but an older OpenSSL on the "
                    "target would admit")
            yield self.finding(
                loc(cfg, s.line, s.opt.value_column), msg + ".",
                fix="Exclude them: " + option_fix(
                    "CipherList", "HIGH:!aNULL:!eNULL:!MD5:!RC4:!3DES:!EXPORT", ""),
                anchor="cipherlist-weak", evidence={"openssl": openssl_label()})


# --------------------------------------------------------------------- protocols

LEGACY = (("SSL_OP_NO_SSLv3", "SSLv3"), ("SSL_OP_NO_TLSv1", "TLS 1.0"),
          ("SSL_OP_NO_TLSv1_1", "TLS 1.1"))


def legacy_allowed_by_default(model) -> bool:
    """Whether the target's OpenSSL still offers SSLv3/TLS 1.0/1.1 unless the SSL options
    disable them: the hosts of sendmail 8.15 (OpenSSL 1.0/1.1 without a TLS 1.2 minimum;
    distributions shipping 8.16+ set MinProtocol TLSv1.2). Before 8.15.1 the SSL options
    do not exist, so there is nothing to ask of the configuration."""
    return model.target.vendor != "hpux" and (8, 15, 1) <= model.target.version < (8, 16)


class LegacyProtocols(Rule):
    meta = RuleMeta(
        code="CF106", name="legacy-protocols", level="warning", impacts=("weak-crypto",),
        summary="SSL options re-enable SSLv3/TLS 1.0/1.1, or leave them on where the target "
                "OpenSSL allows them",
        rationale=(
            "ServerSSLOptions and ClientSSLOptions set ('+' or no sign) or clear ('-') "
            "OpenSSL option bits on top of sendmail's defaults; '-SSL_OP_NO_TLSv1' re-enables "
            "TLS 1.0. SSLv3, TLS 1.0 and TLS 1.1 are deprecated (RFC 8996). Targets whose "
            "OpenSSL still allows them (the hosts of sendmail 8.15, whose distributions set no "
            "TLS 1.2 minimum) should disable them explicitly."),
        fix="O ServerSSLOptions=+SSL_OP_NO_SSLv3 +SSL_OP_NO_TLSv1 +SSL_OP_NO_TLSv1_1 (and the "
            "same for ClientSSLOptions)",
        references=(RFC8996, OP_ME_TLS),
        bad_example="O ServerSSLOptions=-SSL_OP_NO_TLSv1",
        good_example="O ServerSSLOptions=+SSL_OP_NO_SSLv3,+SSL_OP_NO_TLSv1,+SSL_OP_NO_TLSv1_1",
        fix_kind=('remove', 'option'),
    )

    def check(self, model):
        values = optdata.SSL_OP_NAMES
        lower = {n.lower(): n for n in values}
        for cfg in model.configs:
            for opt in ("ServerSSLOptions", "ClientSSLOptions"):
                if opt == "ServerSSLOptions" and cfg.role == "msp":
                    continue
                bits = 0
                cleared: list[tuple[str, object]] = []
                for s in cfg.all(opt):
                    for sign, word in ssl_option_tokens(s.value):
                        if word[:1].isdigit():
                            try:
                                v = int(word, 0)
                            except ValueError:
                                continue
                        elif word.lower() in lower:
                            v = values[lower[word.lower()]]
                        else:
                            continue
                        if sign == "-":
                            bits &= ~v
                            for name, label in LEGACY:
                                if values.get(name, 0) & v:
                                    cleared.append((label, s, sign + word))
                        else:
                            bits |= v
                for label, s, token in cleared:
                    yield self.finding(
                        loc(cfg, s.line, s.opt.value_column),
                        f"{opt} clears the option that disables {label}, re-enabling a "
                        "deprecated protocol (RFC 8996).",
                        fix=f"Remove {token} from the {opt} line (or write "
                            f"+{[n for n, lab in LEGACY if lab == label][0]} instead).",
                        anchor=f"legacy:{opt}:{label}")
                if not legacy_allowed_by_default(model):
                    continue
                if cfg.role == "msp" and opt == "ServerSSLOptions":
                    continue
                if opt == "ClientSSLOptions" and not (cfg.get("ClientCertFile") or
                                                       cfg.role == "msp"):
                    continue
                if opt == "ServerSSLOptions" and not cfg.get("ServerCertFile"):
                    continue
                missing = [label for name, label in LEGACY
                           if values.get(name, 0) and not bits & values[name]]
                if not missing:
                    continue
                cert_opt = "ServerCertFile" if opt.startswith("Server") else "ClientCertFile"
                s = cfg.get(opt) or cfg.get(cert_opt)
                line, col = (s.line, s.opt.value_column) if s else (cfg.line_of(cert_opt), None)
                yield self.finding(
                    loc(cfg, line, col),
                    f"the OpenSSL of a {model.target.label} host still allows "
                    f"{', '.join(missing)} unless {opt} disables "
                    f"{'it' if len(missing) == 1 else 'them'}, and {opt} does not.",
                    fix=option_fix(opt, " ".join([*(a.value.strip() for a in cfg.all(opt)
                                                    if a.value.strip()),
                                                  *(f"+{n}" for n, lab in LEGACY
                                                    if lab in missing)])),
                    anchor=f"legacy-default:{opt}")


# --------------------------------------------------------------------- DH


def dh_param_bits(data: bytes) -> tuple[str, int | None]:
    """('ok', bits) for the first DH PARAMETERS block (earlier blocks are skipped, as
    Debian's .prm holds DSA parameters first), or (reason, None). The size is that of the
    prime p, read from the DER (PKCS#3 and X9.42 both start SEQUENCE { INTEGER p, ... });
    no crypto library is needed to measure it."""
    for b in pem_blocks(data):
        if b.label not in ("DH PARAMETERS", "X9.42 DH PARAMETERS"):
            continue
        if b.der is None:
            return "the DH PARAMETERS block's base64 is broken", None
        p = _der_first_integer(b.der)
        if p is None:
            return "the DH parameters do not decode", None
        return "ok", int.from_bytes(p, "big").bit_length()
    return "no DH PARAMETERS block in the file", None


def _der_first_integer(der: bytes) -> bytes | None:
    def header(pos: int):
        if pos + 2 > len(der):
            return None
        tag, n = der[pos], der[pos + 1]
        pos += 2
        if n & 0x80:
            k = n & 0x7F
            if k == 0 or k > 4 or pos + k > len(der):
                return None
            n = int.from_bytes(der[pos:pos + k], "big")
            pos += k
        if pos + n > len(der):
            return None
        return tag, pos, n

    outer = header(0)
    if outer is None or outer[0] != 0x30:
        return None
    inner = header(outer[1])
    if inner is None or inner[0] != 0x02 or inner[2] == 0:
        return None
    return der[inner[1]:inner[1] + inner[2]]


def log_level(cfg) -> int:
    s = cfg.get("LogLevel")
    try:
        return int(s.value) if s else 9
    except ValueError:
        return 9


class DhParametersWeak(Rule):
    meta = RuleMeta(
        code="CF107", name="dh-parameters-weak", level="warning", impacts=("weak-crypto",),
        summary="Weak or unusable DHParameters",
        rationale=(
            "sendmail reads only the first character of DHParameters: '5' (512) and '1' "
            "(1024) are weak (Logjam); 'i' is the built-in 2048-bit group, '2' generates "
            "2048 bits at start, 'n' disables finite-field DH, '/' loads a PEM file. A "
            "missing or unsafe file falls back to the default; an unparsable one too, but at "
            "LogLevel 7 or less no DH is set up at all. Unset, 8.13-8.14.3 use a 512-bit "
            "group and 8.14.4-8.15.1 generate 1024 bits."),
        fix="O DHParameters=/etc/mail/tls/dh2048.pem (openssl dhparam -out FILE 2048), or "
            "leave it unset on 8.15.2 and later.",
        references=(RFC7919, OP_ME_TLS),
        bad_example="O DHParameters=1024",
        good_example="O DHParameters=/etc/mail/tls/dh2048.pem",
        fix_kind=('option', 'manual'),
        fix_manual='before 8.15.2 only a DH parameter file made with openssl dhparam helps',
    )

    def check(self, model):
        tv = model.target.version
        for cfg in model.configs:
            if cfg.role != "mta" or not cfg.has_any_tls():
                continue
            s = cfg.get("DHParameters")
            if s is None:
                if tv < (8, 14, 4):
                    yield self._f(model, cfg, cfg.line_of("ServerCertFile"), None,
                                  f"DHParameters is not set: {model.target.label} then uses "
                                  "its built-in 512-bit group (breakable, Logjam).",
                                  "unset")
                elif tv < (8, 15, 2):
                    yield self._f(model, cfg, cfg.line_of("ServerCertFile"), None,
                                  f"DHParameters is not set: {model.target.label} then "
                                  "generates 1024-bit parameters at every start (weak).",
                                  "unset")
                continue
            v = s.value.strip()
            c = v[:1]
            col = s.opt.value_column
            if c == "/":
                yield from self._file(model, cfg, s, v)
            elif c in "5":
                yield self._f(model, cfg, s.line, col,
                              f"DHParameters='{v}' selects the built-in "
                              "512-bit group (sendmail reads only the first character): "
                              "breakable (Logjam).", "512")
            elif c == "1":
                yield self._f(model, cfg, s.line, col,
                              f"DHParameters='{v}' generates 1024-bit "
                              "parameters (only the first character counts): weak.", "1024")
            elif c in ("n", "N") or (c in ("i", "I") and tv >= (8, 15, 2)):
                continue
            elif c == "2":
                if tv < (8, 14, 8):
                    yield self._f(model, cfg, s.line, col,
                                  f"DHParameters='{v}': '2' exists only "
                                  f"from 8.14.8; {model.target.label} logs \"illegal value "
                                  f"'{v}' for DHParameters\" and uses its default.", "illegal")
            elif c in ("a", "A") and tv >= (8, 18):
                continue
            else:
                yield self._f(model, cfg, s.line, col,
                              f"DHParameters='{v}' is no keyword sendmail "
                              f"knows (it reads only the first character, '{c}'): it logs "
                              f"\"illegal value '{v}' for DHParameters\" and uses its default.",
                              "illegal")

    def _f(self, model, cfg, line, col, msg, anchor):
        dh_file = ("a 2048-bit (or larger) file: openssl dhparam -out /etc/mail/tls/dh2048.pem "
                   "2048, then point DHParameters at it")
        # 'i' (the built-in 2048-bit group) exists from 8.15.2; before, only a file
        fix = (option_fix("DHParameters", "i") + f" (the built-in 2048-bit group); or {dh_file}"
               if model.target.version >= (8, 15, 2) else
               f"Use {dh_file} ({model.target.label} has no built-in 2048-bit group).")
        return self.finding(loc(cfg, line, col), msg, fix=fix, anchor=f"dh:{anchor}")

    def _file(self, model, cfg, s, path):
        f = model.file(path)
        col = s.opt.value_column
        if not f.exists or not f.is_regular:
            if f.permission_denied:
                return
            yield self._f(model, cfg, s.line, col,
                          f"DHParameters file {path} "
                          f"{f.missing_text() if not f.exists else 'is not a regular file'}: "
                          "sendmail falls back to its default group (it logs the DH init "
                          "line with '(I)').", "missing")
            return
        if f.data is None:
            return
        reason, bits = dh_param_bits(f.data)
        if bits is None:
            ll = log_level(cfg)
            after = ("so no DH is set up at all (at LogLevel 7 or less the fallback is "
                     "skipped: only ECDHE remains)" if ll <= 7 else
                     "it falls back to its default group")
            yield self._f(model, cfg, s.line, col,
                          f"DHParameters file {path} is unusable ({reason}): "
                          f"sendmail logs \"cannot read DH parameters({path})\" and {after}.",
                          "unusable")
        elif bits < 2048:
            yield self._f(model, cfg, s.line, col,
                          f"DHParameters file {path} holds {bits}-bit "
                          "parameters, under 2048 bits: weak (Logjam).", f"bits:{bits}")


# --------------------------------------------------------------------- CRL


class CrlUnusable(Rule):
    def _empty_crlpath(self, cfg):
        """CRLPath set to nothing: X509_LOOKUP_add_dir("") fails, and with it the whole TLS
        set-up (observed on 8.17: STARTTLS is not offered)."""
        s = cfg.get("CRLPath")
        if s is None or s.value.strip():
            return
        server = cfg.role == "mta"
        yield self.finding(
            loc(cfg, s.line, s.opt.value_column),
            "CRLPath is set but empty: sendmail's X509_LOOKUP_add_dir(\"\") fails (it logs "
            "\"X509_LOOKUP_add_dir()=failed\") and its TLS set-up fails with it: "
            + ("it does not offer STARTTLS." if server else
               "the MSP sends its mail without STARTTLS."),
            level="error", impacts=("starttls-off",) if server else ("client-tls-degraded",),
            fix="Remove the line, or name the hashed CRL directory: 'O CRLPath="
                "/etc/mail/tls/crls' (then openssl rehash /etc/mail/tls/crls).",
            anchor="crlpath:empty")

    meta = RuleMeta(
        code="CF108", name="crl-unusable", level="warning", impacts=("verify-fails",),
        summary="CRLFile missing, empty, unparsable or past its nextUpdate; CRLPath empty",
        rationale=(
            "sendmail reads only the first CRL of CRLFile. When the file is missing or "
            "unparsable it logs \"PEM_read_bio_X509_CRL(<path>)=failed\" and carries on "
            "without it (8.16+; 8.13-8.15 switch CRL checking on all the same, so every peer "
            "certificate then fails verification). A CRL past its nextUpdate makes OpenSSL "
            "fail verification of certificates from that issuer (\"CRL has expired\"). An "
            "empty CRLPath (8.16.1+) is worse: X509_LOOKUP_add_dir(\"\") fails and TLS set-up "
            "with it, so the server does not offer STARTTLS."),
        fix="Keep CRLFile current (fetch the CA's CRL regularly) or remove the option.",
        references=(OP_ME_TLS, "RFC 5280 5.1.2.5"),
        bad_example="O CRLFile=/etc/mail/tls/missing.crl",
        good_example="O CRLFile=/etc/mail/tls/ca.crl   # current",
        fix_kind=('remove', 'manual'),
        fix_manual='a current CRL comes from the CA',
    )

    def check(self, model):
        tv = model.target.version
        for cfg in model.configs:
            yield from self._empty_crlpath(cfg)
            s = cfg.get("CRLFile")
            if s is None:
                continue
            path = s.value.strip()
            col = s.opt.value_column
            old = tv < (8, 16)
            consequence = ("and, on this release (before 8.16), switches CRL checking on all "
                           "the same: every peer certificate then fails verification" if old
                           else "and carries on without CRL checking")
            if not path.startswith("/"):
                what = f"'{path}' is not an absolute path" if path else "is empty"
                yield self.finding(loc(cfg, s.line, col),
                                   f"CRLFile {what}: sendmail cannot open it, logs "
                                   f"\"PEM_read_bio_X509_CRL({path})=failed\" {consequence}.",
                                   fix="Remove the line, or give the CRL's absolute path.",
                                   anchor="crl:relative" if path else "crl:empty")
                continue
            f = model.file(path)
            if f.permission_denied:
                continue
            if not f.exists or not f.is_regular or f.data is None:
                yield self.finding(
                    loc(cfg, s.line, col),
                    f"CRLFile {path} {f.missing_text() if not f.exists else 'is not a readable file'}"
                    f": sendmail logs \"PEM_read_bio_X509_CRL({path})=failed\" {consequence}.",
                    fix=f"Install the CA's CRL as {path} (openssl crl -in CRL.der -inform DER "
                        f"-out {path}) or remove the CRLFile line.",
                    anchor="crl:missing")
                continue
            crls = [b for b in pem_blocks(f.data) if b.label == "X509 CRL"]
            crl = None
            if crls and crls[0].der:
                from cryptography import x509

                try:
                    crl = x509.load_der_x509_crl(crls[0].der)
                except Exception:  # noqa: BLE001
                    crl = None
            if crl is None:
                yield self.finding(
                    loc(cfg, s.line, col),
                    f"CRLFile {path} holds no readable PEM CRL: sendmail logs "
                    f"\"PEM_read_bio_X509_CRL({path})=failed\" {consequence}.",
                    fix=f"Install the CA's CRL in PEM form as {path} (from DER: openssl crl "
                        f"-inform DER -in CRL.der -out {path}), or remove the CRLFile line.",
                    anchor="crl:unparsable")
                continue
            nxt = crl.next_update_utc
            if nxt is not None and nxt < model.now:
                yield self.finding(
                    loc(cfg, s.line, col),
                    f"the CRL in {path} (issuer {crl.issuer.rfc4514_string()}) was due for an "
                    f"update on {nxt:%Y-%m-%d}: OpenSSL then fails verification of every "
                    "certificate from that issuer (\"CRL has expired\").",
                    fix=f"Fetch the current CRL from the CA and install it as {path}.",
                    anchor="crl:expired",
                    evidence={"path": path, "next_update": f"{nxt:%Y-%m-%dT%H:%M:%SZ}"})
            if len(crls) > 1:
                yield self.finding(
                    loc(cfg, s.line, col),
                    f"CRLFile {path} holds {len(crls)} CRLs; sendmail reads only the first, so "
                    "the others are not checked.",
                    level="note", fix="Use CRLPath (8.16.1+) for several CRLs.",
                    anchor="crl:several")


# --------------------------------------------------------------------- RandFile


class RandFileUnusable(Rule):
    meta = RuleMeta(
        code="CF109", name="randfile-unusable", level="error",
        impacts=("starttls-off",),
        summary="RandFile ignored (note), or unusable on a build without /dev/urandom "
                "(TLS off)",
        rationale=(
            "Builds with /dev/urandom (HASURANDOMDEV: Linux, the BSDs, Solaris 9+) ignore "
            "RandFile. The HP-UX build has none: it needs RandFile 'file:/path' (a safe "
            "file of at least 128 bytes, less than 10 minutes old at start) or 'egd:/socket' "
            "(an EGD socket, not a device), else TLS is off as server and client, unless "
            "DontBlameSendmail=InsufficientEntropy."),
        fix="On HP-UX: O RandFile=egd:/var/run/egd-pool (a running EGD/PRNGD), or a fresh "
            "file: seed; elsewhere remove the option.",
        references=(OP_ME_TLS, "sendmail-tls reference §2.1, §7"),
        bad_example="O RandFile=egd:/dev/random     # --vendor hpux",
        good_example="O RandFile=egd:/var/run/egd-pool     # --vendor hpux",
        versions="8.13-8.18",
        fix_kind=('remove', 'manual'),
        fix_manual='HP-UX needs a running EGD/PRNGD socket or a fresh seed file',
    )

    def check(self, model):
        hpux = model.target.vendor == "hpux"
        for cfg in model.configs:
            s = cfg.get("RandFile")
            if not hpux:
                if s is not None:
                    yield self.finding(
                        loc(cfg, s.line, s.opt.value_column),
                        f"RandFile is ignored by {model.target.label}, which reads "
                        "/dev/urandom.", level="note", impacts=("hygiene",),
                        fix="Remove the RandFile line.", anchor="rand:ignored")
                continue
            if not cfg.has_any_tls():
                continue
            if "insufficiententropy" in model.dont_blame(cfg):
                continue
            if s is None:
                yield self.finding(
                    loc(cfg, cfg.line_of("ServerCertFile"), None),
                    "RandFile is not set, and the HP-UX build has no /dev/urandom: TLS is "
                    "off as server and as client.",
                    fix="O RandFile=egd:/var/run/egd-pool (or file:/path to a fresh seed)",
                    anchor="rand:unset")
                continue
            v = s.value.strip()
            why = self._why(model, v)
            if why:
                yield self.finding(
                    loc(cfg, s.line, s.opt.value_column),
                    f"RandFile='{v}': {why}; without /dev/urandom the HP-UX build then "
                    "turns TLS off as server and as client.",
                    fix="O RandFile=egd:/var/run/egd-pool (a running EGD or PRNGD socket)",
                    anchor="rand:unusable")

    @staticmethod
    def _why(model, v: str) -> str | None:
        import stat as st_mod

        if v.startswith("egd:"):
            path = v[4:]
            f = model.file(path)
            st = f.stat()
            if st is None:
                return f"the EGD socket {path} does not exist"
            if st_mod.S_ISCHR(st.st_mode) or st_mod.S_ISBLK(st.st_mode):
                return f"{path} is a device, not an EGD socket"
            if not st_mod.S_ISSOCK(st.st_mode):
                return f"{path} is not a socket"
            return None
        if v.startswith("file:"):
            path = v[5:]
            f = model.file(path)
            st = f.stat()
            if st is None:
                return f"the seed file {path} does not exist"
            if not st_mod.S_ISREG(st.st_mode):
                return f"{path} is not a regular file"
            if st.st_mode & 0o044:
                return f"{path} is group- or world-readable (mode {st.st_mode & 0o777:o})"
            if st.st_size < 128:
                return f"{path} holds {st.st_size} bytes, under 128"
            age = model.now.timestamp() - st.st_mtime
            if age > 600:
                return (f"{path} is {age / 60:.0f} minutes old (it must be under 10 minutes at "
                        "start)")
            return None
        return "the value needs the prefix file: or egd:"


# --------------------------------------------------------------------- downgrades


def smarthost(cfg) -> str | None:
    v = cfg.doc.macro_raw.get("S")
    if not v:
        return None
    v = v.strip()
    if ":" in v:
        v = v.split(":", 1)[1]
    return v.strip("[]") or None


class DowngradeEnabled(Rule):
    meta = RuleMeta(
        code="CF111", name="downgrade-enabled", level="warning", impacts=("weak-crypto",),
        summary="TLSFallbacktoClear, Try_TLS NO for whole domains, or a smarthost without "
                "TLS_Srv VERIFY",
        rationale=(
            "TLSFallbacktoClear (8.16.1+) retries in clear text after a failed handshake, so "
            "an attacker who breaks the handshake gets the mail in clear. A Try_TLS:domain NO "
            "access entry never tries STARTTLS with those hosts. And a smarthost that every "
            "message goes through should be verified (TLS_Srv:host VERIFY), or anyone "
            "between can pose as it. cflint reads the text access file the access map is "
            "built from, never the compiled .db."),
        fix="Remove TLSFallbacktoClear and the Try_TLS NO entries; add 'TLS_Srv:RELAY VERIFY' "
            "to the access file (then makemap hash access < access).",
        references=(OP_ME_TLS, "sendmail cf/README: access database, TLS_Srv, Try_TLS"),
        bad_example="O TLSFallbacktoClear=True",
        good_example="TLS_Srv:relay.example.com VERIFY  (access)",
        fix_kind=('remove', 'shell'),
    )

    def check(self, model):
        for cfg in model.configs:
            s = cfg.get("TLSFallbacktoClear")
            if s is not None and is_true(s.value):
                yield self.finding(
                    loc(cfg, s.line, s.opt.value_column),
                    "TLSFallbacktoClear is on: after a failed TLS handshake sendmail retries "
                    "in clear text ({verify}=CLEAR), so whoever can break the handshake reads "
                    "the mail.", fix="Remove the TLSFallbacktoClear line.",
                    anchor="fallback")
            path, entries = access_entries(model, cfg)
            if path is None:
                continue
            if entries is None:
                continue  # CF008 (AccessDbOnly) reports the .db-only case
            shown = model.show_file(path)
            verify = set()
            for line, key, value in entries:
                k = key.lower()
                if k.startswith("try_tls:") and value.upper().startswith("NO"):
                    yield self.finding(
                        Location(shown, line, 1),
                        f"'{key} {value}' in {path}: sendmail never tries STARTTLS with "
                        f"{key.split(':', 1)[1] or 'any host'}, so that mail always travels in "
                        "clear text.",
                        fix=f"Delete the line, then: makemap hash {path} < {path}",
                        anchor=f"trytls:{key.lower()}")
                if k.startswith("tls_srv:") and "VERIFY" in value.upper():
                    verify.add(k.split(":", 1)[1])
            host = smarthost(cfg)
            if host and host.lower() not in verify and cfg.role == "mta":
                yield self.finding(
                    loc(cfg, cfg.doc.macro_lines.get("S", 1), None),
                    f"every message goes to the smarthost {host}, but {path} has no "
                    f"'TLS_Srv:{host} VERIFY' entry: sendmail relays even when the relay's "
                    "certificate cannot be verified, or when it offers no STARTTLS.",
                    fix=f"echo 'TLS_Srv:{host} VERIFY' >> {path} && makemap hash {path} < "
                        f"{path}",
                    related=[Location(shown, 1, note="the access file")],
                    anchor=f"smarthost:{host}")


# --------------------------------------------------------------------- AUTH

PLAIN_MECHS = ("PLAIN", "LOGIN")


class AuthBeforeTls(Rule):
    meta = RuleMeta(
        code="CF112", name="auth-before-tls", level="warning", impacts=("secret-exposed",),
        summary="Plain-text AUTH mechanisms offered without requiring TLS first",
        rationale=(
            "With PLAIN or LOGIN among AuthMechanisms, a client sends the password in clear "
            "text (base64) unless the session is encrypted; AuthOptions 'p' (confAUTH_OPTIONS "
            "`p') makes sendmail offer those mechanisms only after STARTTLS."),
        fix="Add p to AuthOptions, keeping its other letters: O AuthOptions=A,p   (in the .mc: "
            "define(`confAUTH_OPTIONS', `A,p')dnl)",
        references=("sendmail cf/README: confAUTH_OPTIONS", "RFC 4954"),
        bad_example="O AuthMechanisms=LOGIN PLAIN",
        good_example="O AuthMechanisms=LOGIN PLAIN\nO AuthOptions=p",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            if cfg.role != "mta":
                continue
            s = cfg.get("AuthMechanisms")
            if s is None:
                continue
            mechs = [m.upper() for m in re.split(r"[ ,\t]+", s.value) if m]
            plain = [m for m in mechs if m in PLAIN_MECHS]
            if not plain:
                continue
            letters = {tok[0] for a in cfg.all("AuthOptions")
                       for tok in re.split(r"[ ,\t]+", a.value) if tok}
            if "p" in letters:
                continue
            have = [tok for a in cfg.all("AuthOptions") for tok in re.split(r"[ ,\t]+", a.value)
                    if tok]
            yield self.finding(
                loc(cfg, s.line, s.opt.value_column),
                f"AuthMechanisms offers {' and '.join(plain)}, and AuthOptions has no 'p': "
                "sendmail offers them before STARTTLS, so a client may send its password in "
                "clear text.",
                fix=option_fix("AuthOptions", ",".join([*have, "p"])),
                anchor="auth-plain")
