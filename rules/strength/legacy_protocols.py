"""CF106: SSL options that re-enable SSLv3/TLS 1.0/1.1, or leave them on."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta
from cflint.sendmail import options as optdata

from ..support.options import OP_ME_TLS, loc, option_fix, ssl_option_tokens

RFC8996 = "RFC 8996 (Deprecating TLS 1.0 and TLS 1.1)"


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
