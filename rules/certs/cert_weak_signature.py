"""CF304: a SHA-1 or MD5 signature on the server or client certificate."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.pki import OPENSSL_SECLEVEL, consequence, impact
from .common import cert_loc, cert_ev, leafs


class WeakSignature(Rule):
    meta = RuleMeta(
        code="CF304", name="cert-weak-signature", level="error", impacts=("starttls-off",),
        summary="A SHA-1 or MD5 signature on the server or client certificate",
        rationale=(
            "At security level 2 (and already at level 1 in OpenSSL 3.0) OpenSSL refuses a "
            "certificate whose issuer signed it with SHA-1 or MD5 when sendmail loads it: "
            "\"ca md too weak\", and the server does not offer STARTTLS. OpenSSL does not "
            "check a self-signed certificate's own signature, so a self-signed SHA-1 server "
            "certificate still works; peers may still refuse it (warning)."),
        fix="Have the certificate reissued with a SHA-256 signature.",
        references=(OPENSSL_SECLEVEL, "sendmail-tls reference §4.4"),
        bad_example="Signature Algorithm: sha1WithRSAEncryption (issued by a CA)",
        good_example="Signature Algorithm: sha256WithRSAEncryption",
        fix_kind=('manual',),
        fix_manual='the CA must reissue the certificate with SHA-256',
    )

    def check(self, model):
        from cflint.pki.load import level_errors

        level = model.settings.security_level
        for p, cert, ref in leafs(model):
            if cert.sig_hash not in ("sha1", "md5"):
                continue
            loc, rel = cert_loc(model, ref, cert, f"the {p.label} certificate")
            if cert.self_signed:
                yield self.finding(
                    loc, f"the {p.label} certificate {cert.subject} is self-signed with "
                    f"{cert.sig_hash.upper()}: OpenSSL does not check a self-signed "
                    "certificate's own signature, so STARTTLS works, but peers may refuse a "
                    f"{cert.sig_hash.upper()} signature.",
                    level="warning", impacts=("weak-crypto",),
                    fix="Re-create it with SHA-256: openssl req -x509 -sha256 -key KEY "
                        f"-new -days 365 -subj '/CN=HOST' -out {ref.path}",
                    related=rel, anchor=f"weaksig:{cert.sha256}", evidence=cert_ev(cert, ref.path))
                continue
            if "ca md too weak" not in level_errors(cert, level):
                continue
            lvl, imps = impact(ref, self.meta.level)
            yield self.finding(
                loc, f"the {p.label} certificate {cert.subject} is signed by {cert.issuer} "
                f"with {cert.sig_hash.upper()}: OpenSSL at security level {level} refuses it "
                f"when sendmail loads it (\"SSL_CTX_use_certificate_file({ref.path}) failed\" "
                f"with \"ca md too weak\"), and {consequence(ref)}.",
                level=lvl, impacts=imps,
                fix="Have the CA reissue it with SHA-256 (openssl x509 -req -sha256 ...).",
                related=rel, anchor=f"weaksig:{cert.sha256}", evidence=cert_ev(cert, ref.path))
