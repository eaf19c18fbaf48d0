"""CF108: CRLFile or CRLPath sendmail cannot use."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.options import OP_ME_TLS, loc


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
            f = model.files.at(path)
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
            from cflint.pki.load import pem_blocks

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
