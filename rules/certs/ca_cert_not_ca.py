"""CF308: a certificate on the CA side that is no CA."""
from __future__ import annotations

from cflint.api import Rule, RuleMeta

from .common import RFC5280, ca_side, cert_loc, cert_ev, ref_for


class CaCertNotCa(Rule):
    meta = RuleMeta(
        code="CF308", name="ca-cert-not-ca", level="warning", impacts=("verify-fails",),
        summary="A certificate in CACertFile/CACertPath that is not a CA",
        rationale=(
            "OpenSSL uses certificates in the verify store as issuers only when they are CAs "
            "(basicConstraints CA:TRUE); a leaf put there by mistake verifies nothing. A "
            "self-signed certificate deliberately trusted as itself (Debian trusts its own "
            "self-signed server certificate) is not reported."),
        fix="Put the issuing CA's certificate there instead of the leaf.",
        references=(RFC5280 + " 4.2.1.9",),
        bad_example="CACertFile holding a server certificate (CA:FALSE)",
        good_example="CACertFile holding the CA certificate (CA:TRUE)",
        fix_kind=('manual',),
        fix_manual="get the issuing CA's certificate from the CA",
    )

    def check(self, model):
        done = set()
        for s in ca_side(model):
            c = s.cert
            if c.is_ca or c.self_signed or c.sha256 in done:
                continue
            done.add(c.sha256)
            ref = ref_for(s)
            loc, rel = cert_loc(model, ref, c, f"a certificate in {s.source}")
            state = "CA:FALSE" if c.is_ca is False else "no basicConstraints"
            yield self.finding(
                loc, f"{s.source} holds {c.subject} ({state}), which is not a CA: OpenSSL will "
                "not use it to verify anything.",
                fix=f"Replace it in {s.path} by the certificate of the CA that issued it "
                    f"({c.issuer}).",
                related=rel, anchor=f"notca:{c.sha256}", evidence=cert_ev(c, s.path))
