"""CF301: a certificate file that is missing, empty, DER or garbage."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.pki import OP_ME_CERTS, consequence, impact, missing_log, pairs, where


class CertUnreadableFormat(Rule):
    meta = RuleMeta(
        code="CF301", name="cert-unreadable-format", level="error", impacts=("starttls-off",),
        summary="A certificate file that is missing, empty, DER or garbage",
        rationale=(
            "sendmail loads certificates as PEM only: a DER or empty file gives "
            "\"SSL_CTX_use_certificate_file(<path>) failed\" with \"no start line\", and the "
            "server does not offer STARTTLS. CACertFile must hold at least one PEM "
            "certificate (or CRL), else \"load verify locs <CACertPath>, <CACertFile> failed\" "
            "and, on the server, no STARTTLS."),
        fix="Convert to PEM (openssl x509 -inform DER -in CERT -out CERT.pem) or point the "
            "option at the right file.",
        references=(OP_ME_CERTS, "sendmail-tls reference §4.1"),
        bad_example="O ServerCertFile=/etc/mail/tls/server.der",
        good_example="O ServerCertFile=/etc/mail/tls/server.crt",
        fix_kind=('manual',),
        fix_manual='convert or replace the certificate and point the option at it',
    )

    def check(self, model):
        refs = [p.cert for p in pairs(model) if p.cert] + [
            r for r in model.files.tls() if r.option == "CACertFile"]
        for ref in refs:
            f = model.files.at(ref.path)
            if f.permission_denied or (f.exists and not f.is_regular):
                continue  # CF008, CF405/CF506
            level, imps = impact(ref, self.meta.level)
            if ref.option == "CACertFile" and ref.role == "ca-client":
                imps = ("verify-fails",)
            loc, rel = where(model, ref)
            if not f.exists:
                if ref.option == "CACertFile":
                    continue  # CF405 (ca-path-kind) reports a missing CACertFile
                why, fix = (f"does not exist ({f.error_text()})",
                            f"Install the certificate as {ref.path}, or correct {ref.option}.")
                said = missing_log(ref)
            else:
                cf = f.certs
                if cf is None:
                    continue
                if cf.status == "ok" or (ref.option == "CACertFile" and cf.has_crl):
                    continue
                why = f"cannot be loaded: {cf.detail}"
                fix = (f"openssl x509 -inform DER -in {ref.path} -out {ref.path}.pem, then "
                       f"point {ref.option} at it" if cf.status == "der" else
                       f"Point {ref.option} at a PEM certificate (BEGIN CERTIFICATE).")
                said = (f"load verify locs ..., {ref.path} failed: 0"
                        if ref.option == "CACertFile"
                        else f"SSL_CTX_use_certificate_file({ref.path}) failed")
            yield self.finding(
                loc, f"{ref.option} {ref.path} {why}: sendmail logs \"{said}\" and "
                f"{consequence(ref)}.", level=level, impacts=imps, fix=fix, related=rel,
                anchor=f"certformat:{ref.path}", evidence={"path": ref.path})
