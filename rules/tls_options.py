"""STARTTLS option rules: CF101, CF102, CF103, CF110."""
from __future__ import annotations

import re

from cflint.api import Rule, RuleMeta
from cflint.model import is_defined_path
from cflint.sendmail import options as optdata

from .support.options import OP_ME_TLS, did_you_mean, loc, option_fix, ssl_option_tokens

SERVER_REQUIRED = ("ServerCertFile", "ServerKeyFile", "CACertFile", "CACertPath")


def tls_srv_flags(cfg) -> set[str]:
    """TLSSrvOptions letters in effect (first character of each token; lines add up)."""
    flags: set[str] = set()
    for s in cfg.all("TLSSrvOptions"):
        for tok in re.split(r"[ \t,]+", s.value):
            if tok:
                flags.add(tok[0])
    return flags


def anchor_line(cfg) -> tuple[int, int | None]:
    """Where to report an option that is not set: the first TLS option of the file,
    else the V line, else line 1."""
    tls = [s for s in cfg.applied() if s.spec.tls]
    if tls:  # by line: an .mc's options are in the cf's order, not the file's
        s = min(tls, key=lambda s: s.line)
        return s.line, s.opt.column
    return (cfg.doc.version_line or 1), None


def why_missing(cfg, name: str) -> str | None:
    """None if the option is a defined path; else why sendmail treats it as missing."""
    s = cfg.get(name)
    if s is None:
        return "is not set"
    v = s.value
    if v == "":
        return "is empty"
    if v[0] in " \t":
        return f"starts with {'a space' if v[0] == ' ' else 'a TAB'} ('{v}')"
    if not v.startswith("/"):
        return f"is a relative path ('{v}')"
    return None


def value_place(cfg, name: str, fallback: tuple[int, int | None]) -> tuple[int, int | None]:
    """The line and column of an option's value, or ``fallback`` when it is not set."""
    s = cfg.get(name)
    return (s.line, s.opt.value_column) if s else fallback


def second_names(cfg, cert: str, key: str) -> list[tuple[str, str]]:
    """The second name after a comma (8.15.1+): [(option, second value)] for the pair.
    The key option is split only when the cert option holds a comma."""
    c = cfg.value(cert)
    if not c or "," not in c:
        return []
    out = [(cert, c.split(",", 1)[1])]
    k = cfg.value(key) or ""
    out.append((key, k.split(",", 1)[1] if "," in k else ""))
    return out


def not_configured(rule, model, cfg, side: str):
    line, col = anchor_line(cfg)
    level = "error" if model.settings.require_starttls else "note"
    impacts = rule.meta.impacts if level == "error" else ("hygiene",)
    return rule.finding(
        loc(cfg, line, col),
        f"STARTTLS is not configured in {cfg.path}: no TLS option is set, so {side}.",
        level=level, impacts=impacts,
        fix="Set ServerCertFile, ServerKeyFile, CACertFile and CACertPath (in the .mc: "
            "confSERVER_CERT, confSERVER_KEY, confCACERT, confCACERT_PATH) and rebuild."
        if cfg.role == "mta" else
        "Set ClientCertFile, ClientKeyFile, CACertFile and CACertPath in submit.mc "
        "(confCLIENT_CERT, confCLIENT_KEY, confCACERT, confCACERT_PATH) and rebuild.",
        anchor="not-configured")


class ServerTlsIncomplete(Rule):
    meta = RuleMeta(
        code="CF101", name="server-tls-incomplete", level="error", impacts=("starttls-off",),
        summary="A server TLS option sendmail needs is missing, empty or relative",
        rationale=(
            "sendmail offers STARTTLS only when ServerCertFile, ServerKeyFile, CACertFile and "
            "CACertPath are all defined: non-empty absolute paths (tls.c tls_ok_f()). An "
            "empty, relative or indented value counts as missing. Both CA options are "
            "required. When one is missing sendmail leaves STARTTLS out of its EHLO reply and "
            "logs only 'STARTTLS: CACertPath missing' at LogLevel above 12, so at the default "
            "level nothing is logged and mail goes in clear text. TLSSrvOptions=C removes the "
            "requirement."),
        fix="Set the option to an absolute path.",
        references=(OP_ME_TLS, "sendmail tls.c inittls()"),
        bad_example="O ServerCertFile=/etc/mail/tls/server.crt\n"
                    "O ServerKeyFile=/etc/mail/tls/server.key\n"
                    "O CACertFile=/etc/mail/tls/ca.crt",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt\n"
                     "O ServerKeyFile=/etc/mail/tls/server.key\n"
                     "O CACertFile=/etc/mail/tls/ca.crt\n"
                     "O CACertPath=/etc/ssl/certs",
        fix_kind=('option', 'manual'),
        fix_manual="the admin chooses the certificate, key and CA files (cflint names examples)",
    )

    def check(self, model):
        for cfg in model.configs:
            if cfg.role != "mta":
                continue
            if not cfg.has_any_tls():
                yield not_configured(self, model, cfg, "sendmail never offers STARTTLS and "
                                     "mail to and from this server travels in clear text")
                continue
            if "C" in tls_srv_flags(cfg):
                continue
            line0, col0 = anchor_line(cfg)
            for name in SERVER_REQUIRED:
                why = why_missing(cfg, name)
                if why is None:
                    continue
                line, col = value_place(cfg, name, (line0, col0))
                example = {"ServerCertFile": "/etc/mail/tls/server.crt",
                           "ServerKeyFile": "/etc/mail/tls/server.key",
                           "CACertFile": "/etc/mail/tls/ca.crt",
                           "CACertPath": "/etc/ssl/certs"}[name]
                yield self.finding(
                    loc(cfg, line, col),
                    f"{name} {why}: sendmail treats it as missing and does not offer "
                    f"STARTTLS (it logs \"STARTTLS: {name} missing\" only at LogLevel above 12, "
                    "so by default nothing is logged).",
                    fix=f"Set an absolute path, e.g. 'O {name}={example}' (in the .mc: "
                        f"define(`{_macro(name)}', `{example}')dnl).",
                    anchor=f"missing:{name}")
            for name, second in second_names(cfg, "ServerCertFile", "ServerKeyFile"):
                if is_defined_path(second):
                    continue
                line, col = value_place(cfg, name, (line0, col0))
                what = "is missing" if not second else f"is not an absolute path ('{second}')"
                names = [n.strip() for n in cfg.get(name).value.split(",") if n.strip()]
                yield self.finding(
                    loc(cfg, line, col),
                    f"the second {name} name after the comma {what}: once a second pair is "
                    "given it must be defined, so sendmail does not offer STARTTLS.",
                    fix=(option_fix(name, ",".join(names)) + "; both names absolute, no "
                         "space after the comma, in ServerCertFile and ServerKeyFile alike"
                         if len(names) == 2 and all(n.startswith("/") for n in names) else
                         f"Give {name} two absolute names with no space after the comma "
                         "('/a.crt,/b.crt'), as ServerKeyFile, or drop the second name."),
                    anchor=f"second:{name}")


def _macro(name: str) -> str:
    for spec in optdata.OPTIONS:
        if spec.name == name and spec.macro:
            return spec.macro
    return "conf" + name.upper()


class ClientTlsIncomplete(Rule):
    meta = RuleMeta(
        code="CF102", name="client-tls-incomplete", level="warning",
        impacts=("client-tls-degraded", "verify-fails"),
        summary="The client side (MSP, or MTA relaying) cannot send a certificate or verify",
        rationale=(
            "As a client sendmail needs nothing to use STARTTLS, so nothing ever stops: but "
            "it sends a client certificate only when ClientCertFile and ClientKeyFile are "
            "both defined, and it loads CA data only when CACertFile and CACertPath are both "
            "defined (a missing CACertFile disables a good CACertPath). Otherwise the peer "
            "logs verify=NO, or this side logs verify=FAIL, and mail that requires "
            "verification (TLS_Srv: VERIFY) is not sent."),
        fix="Set both options of each pair to absolute paths.",
        references=(OP_ME_TLS, "sendmail deliver.c initclttls()"),
        bad_example="# submit.cf\nO ClientCertFile=/etc/mail/tls/client.crt",
        good_example="# submit.cf\nO ClientCertFile=/etc/mail/tls/client.crt\n"
                     "O ClientKeyFile=/etc/mail/tls/client.key\n"
                     "O CACertFile=/etc/mail/tls/ca.crt\nO CACertPath=/etc/ssl/certs",
        fix_kind=('manual',),
        fix_manual="the admin chooses the client certificate, key and CA files (cflint names "
                   "examples)",
    )

    def check(self, model):
        for cfg in model.configs:
            client_opts = [n for n in ("ClientCertFile", "ClientKeyFile") if cfg.get(n)]
            if cfg.role == "msp":
                if not cfg.has_any_tls():
                    yield not_configured(self, model, cfg, "the MSP sends no client "
                                         "certificate and cannot verify the server")
                    continue
            elif not client_opts:
                continue
            line0, col0 = anchor_line(cfg)
            who = "the MSP" if cfg.role == "msp" else "sendmail as a client"
            cert_why = why_missing(cfg, "ClientCertFile")
            key_why = why_missing(cfg, "ClientKeyFile")
            for name, why, other in (("ClientCertFile", cert_why, key_why),
                                     ("ClientKeyFile", key_why, cert_why)):
                if why is None:
                    continue
                line, col = value_place(cfg, name, (line0, col0))
                yield self.finding(
                    loc(cfg, line, col),
                    f"{name} {why}"
                    + (", while its pair is set" if other is None else "")
                    + f": {who} sends no client certificate (the peer logs verify=NO) "
                    "and nothing stops or warns.",
                    impacts=("client-tls-degraded",),
                    fix="Set an absolute path, e.g. " + option_fix(
                        name, "/etc/mail/tls/client." + ("crt" if "Cert" in name else "key"),
                        "").strip(),
                    anchor=f"missing:{name}")
            # the CA options: for an MTA they are CF101's, unless TLSSrvOptions=C
            if cfg.role == "mta" and "C" not in tls_srv_flags(cfg):
                continue
            for name in ("CACertFile", "CACertPath"):
                why = why_missing(cfg, name)
                if why is None:
                    continue
                line, col = value_place(cfg, name, (line0, col0))
                yield self.finding(
                    loc(cfg, line, col),
                    f"{name} {why}: CA data is loaded only when CACertFile and CACertPath are "
                    f"both set, so {who} cannot verify the server ({{verify}}=FAIL); mail "
                    "that requires verification is not delivered over TLS.",
                    impacts=("verify-fails",),
                    fix="Set an absolute path, e.g. " + option_fix(
                        name,
                        "/etc/mail/tls/ca.crt" if name == "CACertFile" else "/etc/ssl/certs",
                        "").strip(),
                    anchor=f"missing:{name}")


class SslOptionInvalid(Rule):
    meta = RuleMeta(
        code="CF103", name="ssl-option-invalid", level="error", impacts=("daemon-fails",),
        summary="An unknown SSL_OP_* name (fatal) or TLSSrvOptions letter (warning)",
        rationale=(
            "ServerSSLOptions and ClientSSLOptions take SSL_OP_* names (any case) or numbers, "
            "with + or - in front. An unknown name is fatal: 'readcf: ServerSSLOptions option "
            "value SSL_OP_X unrecognized', and sendmail does not start. An unknown "
            "TLSSrvOptions letter only prints 'Warning: Option: TLSSrvOptions unknown "
            "parameter' (only V and C exist; only the first character of a token counts)."),
        fix="Use the SSL_OP_* names OpenSSL defines, and only V or C in TLSSrvOptions.",
        references=(OP_ME_TLS, "OpenSSL SSL_CTX_set_options(3)"),
        bad_example="O ServerSSLOptions=+SSL_OP_NO_SSLV3,+SSL_OP_NO_TLS1",
        good_example="O ServerSSLOptions=+SSL_OP_NO_SSLv3,+SSL_OP_NO_TLSv1",
        fix_kind=('remove', 'manual'),
        fix_manual='an empty SSL option name is a stray separator to find by hand',
    )

    def check(self, model):
        names = {n.lower(): n for n in optdata.SSL_OP_NAMES}
        for cfg in model.configs:
            for opt in ("ServerSSLOptions", "ClientSSLOptions"):
                for s in cfg.all(opt):
                    for _sign, word in ssl_option_tokens(s.value):
                        if (word and word[0].isdigit()) or word.lower() in names:
                            continue
                        why = did_you_mean(word, optdata.SSL_OP_NAMES) if word else (
                            " An empty name comes from a TAB or comma at the start, two "
                            "commas, or a space after + or -.")
                        yield self.finding(
                            loc(cfg, s.line, s.opt.value_column),
                            f"{opt}: unknown SSL option '{word}': sendmail says \"readcf: "
                            f"{opt} option value {word} unrecognized\" and does not start."
                            + why,
                            fix=(f"Remove {word} from the {opt} line, or correct it." if word
                                 else "Remove the empty name from the line (a TAB or comma at "
                                 "the start, two commas, or a space after + or -)."),
                            anchor=f"sslop:{opt}:{word.lower()}")
            allowed = {"V"} | ({"C"} if model.target.version >= (8, 15, 1) else set())
            for s in cfg.all("TLSSrvOptions"):
                for tok in re.split(r"[ \t,]+", s.value):
                    if tok and tok[0] not in allowed:
                        yield self.finding(
                            loc(cfg, s.line, s.opt.value_column),
                            f"TLSSrvOptions: unknown letter '{tok[0]}' (in '{tok}'): sendmail "
                            f"prints \"Warning: Option: TLSSrvOptions unknown parameter "
                            f"'{tok[0]}'\" and ignores it. Only the first character of each "
                            "token counts: 'VC' sets only V; write 'V,C'.",
                            level="warning", impacts=("config-error",),
                            fix=f"Remove {tok} from the TLSSrvOptions line (only V and C "
                                "exist, separated by commas).",
                            anchor=f"tlssrv:{tok}")


# digest names OpenSSL's EVP_get_digestbyname() knows, lowercased
_DIGESTS = {"md4", "md5", "md5-sha1", "sha1", "sha224", "sha256", "sha384", "sha512",
            "sha512-224", "sha512-256", "sha3-224", "sha3-256", "sha3-384", "sha3-512",
            "shake128", "shake256", "ripemd160", "rmd160", "ripemd", "sm3", "blake2b512",
            "blake2s256", "sha2-224", "sha2-256", "sha2-384", "sha2-512", "ssl3-md5",
            "ssl3-sha1", "rsa-md5", "rsa-sha1", "rsa-sha256", "rsa-sha384", "rsa-sha512",
            "rsa-sha224", "whirlpool", "mdc2"}


def digest_known(name: str) -> bool:
    low = name.lower()
    if low in _DIGESTS:
        return True
    import hashlib

    try:
        hashlib.new(low)
        return True
    except (ValueError, TypeError):
        return False


class FingerprintAlgorithmInvalid(Rule):
    meta = RuleMeta(
        code="CF110", name="fingerprint-algorithm-invalid", level="error",
        impacts=("starttls-off", "client-tls-degraded"),
        summary="CertFingerprintAlgorithm that OpenSSL does not know",
        rationale=(
            "When CertFingerprintAlgorithm names a digest OpenSSL does not know, sendmail "
            "switches TLS off on both sides and logs 'STARTTLS=init, "
            "CertFingerprintAlgorithm=<x>, status=invalid'."),
        fix="Use a digest name OpenSSL knows, e.g. sha256.",
        references=(OP_ME_TLS,),
        versions="8.15.1-8.18",
        bad_example="O CertFingerprintAlgorithm=sha265",
        good_example="O CertFingerprintAlgorithm=sha256",
        fix_kind=('option',),
    )

    def check(self, model):
        for cfg in model.configs:
            s = cfg.get("CertFingerprintAlgorithm")
            if s is None or digest_known(s.value.strip()):
                continue
            yield self.finding(
                loc(cfg, s.line, s.opt.value_column),
                f"CertFingerprintAlgorithm='{s.value}' is not a digest OpenSSL knows: "
                "sendmail turns TLS off as server and as client and logs \"STARTTLS=init, "
                f"CertFingerprintAlgorithm={s.value}, status=invalid\".",
                fix=option_fix("CertFingerprintAlgorithm", "sha256") + "; or remove the "
                    "line (md5 is then used for {cert_md5})",
                anchor="fpalg")
