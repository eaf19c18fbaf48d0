"""CF311: a self-signed server certificate."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from ..support.pki import OP_ME_CERTS
from .common import cert_loc, cert_ev, leafs


class SelfSignedServerCert(Rule):
    meta = RuleMeta(
        code="CF311", name="self-signed-server-cert", level="note", impacts=("verify-fails",),
        summary="The server certificate is self-signed",
        rationale=(
            "Public MX peers cannot verify a self-signed certificate (verify=FAIL). That is "
            "fine for a private relay whose peers trust it explicitly, and opportunistic "
            "STARTTLS still encrypts; for a public MX a certificate from a public CA is "
            "needed for DANE-less verification."),
        fix="For a public MX, use a certificate from a public CA (e.g. ACME).",
        references=(OP_ME_CERTS,),
        bad_example="issuer == subject, self-signed",
        good_example="issued by a CA peers trust",
        fix_kind=('manual',),
        fix_manual='get a certificate from a public CA',
    )

    def check(self, model):
        for p, cert, ref in leafs(model):
            if p.kind != "server" or not cert.self_signed:
                continue
            loc, rel = cert_loc(model, ref, cert, "the server certificate")
            yield self.finding(
                loc, f"the server certificate {cert.subject} is self-signed: public peers "
                "cannot verify it (verify=FAIL), though opportunistic STARTTLS still "
                "encrypts. Fine for a private relay whose peers trust it.",
                fix="For a public MX, get a certificate from a public CA.",
                related=rel, anchor=f"selfsigned:{cert.sha256}", evidence=cert_ev(cert, ref.path))
