"""The cipher list as this Python's OpenSSL reads it: CF104 (rejected, or CipherSuites names
that are no TLS 1.3 suites) and CF105 (weak ciphers admitted)."""
from __future__ import annotations

import re

from cflint.api import Rule, RuleMeta

from ..support.options import OP_ME_TLS, loc, option_fix

OPENSSL_CIPHERS = "OpenSSL ciphers(1)"

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
