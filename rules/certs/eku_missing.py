"""CF306: the certificate's extended key usage lacks what its side needs."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import RFC5280, cert_loc, cert_ev, leafs


class EkuMissing(Rule):
    meta = RuleMeta(
        code="CF306", name="eku-missing", level="warning", impacts=("verify-fails",),
        summary="Server certificate without serverAuth, client certificate without clientAuth",
        rationale=(
            "When a certificate carries an extended key usage, OpenSSL checks the purpose: a "
            "receiving sendmail logs verify=FAIL (\"unsuitable certificate purpose\") for a "
            "client certificate without clientAuth. Public CAs stopped issuing clientAuth in "
            "2026, so a server certificate reused as the client certificate silently loses "
            "client authentication."),
        fix="Use a certificate issued for the purpose (serverAuth for ServerCertFile, "
            "clientAuth for ClientCertFile).",
        references=(RFC5280 + " 4.2.1.12",),
        bad_example="ClientCertFile with EKU serverAuth only",
        good_example="ClientCertFile with EKU clientAuth",
        fix_kind=('manual',),
        fix_manual='the CA must issue a certificate with the right key usage',
    )

    def check(self, model):
        for p, cert, ref in leafs(model):
            need = "serverAuth" if p.kind == "server" else "clientAuth"
            if cert.eku is None or need in cert.eku or "anyExtendedKeyUsage" in cert.eku:
                continue
            loc, rel = cert_loc(model, ref, cert, f"the {p.label} certificate")
            yield self.finding(
                loc, f"the {p.label} certificate {cert.subject} has extended key usage "
                f"{', '.join(cert.eku)} but not {need}: peers that verify log verify=FAIL "
                "(\"unsuitable certificate purpose\").",
                fix=f"Get a certificate with {need} in its extended key usage for {ref.option}.",
                related=rel, anchor=f"eku:{cert.sha256}:{need}", evidence=cert_ev(cert, ref.path))
